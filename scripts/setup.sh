#!/usr/bin/env bash
# Install what Archivist needs to build and serve a site: `bash scripts/setup.sh`.
# `bash scripts/setup.sh --dev` adds what the test suite needs: Chromium, a Java runtime for the
# W3C validator, fonts for readable screenshots, and the Python and Node test packages.
#
# Safe to run again: each step first checks whether its work is already done, so a
# second run takes a few seconds. Output is kept back unless a step fails. Running it without
# --dev after --dev removes nothing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DEV=0
for arg in "$@"; do
  case "$arg" in
    --dev) DEV=1 ;;
    -h|--help) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) printf 'setup.sh: error: unknown option %s (the only option is --dev)\n' "$arg" >&2; exit 2 ;;
  esac
done

# Only the test suite needs these. chromium: the browser the tests drive; fonts: readable
# screenshots, CJK included; default-jre-headless: runs the W3C Nu Html Checker (vnu.jar).
APT_PACKAGES=()
if [ "$DEV" -eq 1 ]; then
  APT_PACKAGES=(chromium fonts-dejavu-core fonts-liberation fonts-noto-cjk default-jre-headless)
fi
PYTHON="${PYTHON:-python3}"
VENV=.venv

say() { printf '==> %s\n' "$*"; }
fail() { printf 'setup.sh: error: %s\n' "$*" >&2; exit 1; }

# Run a command with its output held back; print all of it if the command fails.
quietly() {
  local log status=0
  log="$(mktemp)"
  "$@" >"$log" 2>&1 || status=$?
  if [ "$status" -ne 0 ]; then
    cat "$log" >&2
    rm -f "$log"
    fail "exit $status from: $*"
  fi
  rm -f "$log"
}

missing_apt_packages() {
  local package
  for package in "${APT_PACKAGES[@]+"${APT_PACKAGES[@]}"}"; do
    dpkg-query -W -f='${Status}\n' "$package" 2>/dev/null | grep -q ' ok installed$' || echo "$package"
  done
  # Debian's own python3 can only make a venv with python3-venv installed.
  "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null || echo python3-venv
}

install_system_packages() {
  local missing sudo=()
  mapfile -t missing < <(missing_apt_packages)
  if [ "${#missing[@]}" -eq 0 ]; then
    say "system packages: already installed"
    return
  fi
  command -v apt-get >/dev/null || fail "install these packages first: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || fail "run as root (or with sudo) to install: ${missing[*]}"
    sudo=(sudo)
  fi
  say "system packages: installing ${missing[*]} (a few minutes on a fresh machine)"
  # Slim images drop man pages; the JRE's postinst fails without this folder.
  "${sudo[@]}" mkdir -p /usr/share/man/man1
  quietly "${sudo[@]}" apt-get update
  quietly "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
}

# Exit 0 when the venv already holds this checkout (editable) and every pinned requirement.
python_packages_current() {
  # -I keeps the checkout (and any stale *.egg-info in it) off sys.path.
  ARCHIVIST_SETUP_DEV="$DEV" "$VENV/bin/python" -I - <<'PY'
import json, os, sys, tomllib
from importlib import metadata
from pathlib import Path

try:
    from pip._vendor.packaging.requirements import Requirement
except ImportError:
    sys.exit(1)


def installed(text: str, extra: str = "") -> bool:
    req = Requirement(text)
    if req.marker and not req.marker.evaluate({"extra": extra}):
        return True
    try:
        dist = metadata.distribution(req.name)
    except metadata.PackageNotFoundError:
        return False
    if not req.specifier.contains(dist.version, prereleases=True):
        return False
    wanted = [r for r in dist.requires or [] if "extra" in r]
    return all(installed(r, e) for e in req.extras for r in wanted)


project = tomllib.loads(Path("pyproject.toml").read_text(encoding="utf-8"))["project"]
try:
    own = metadata.distribution(project["name"])
    origin = json.loads(own.read_text("direct_url.json") or "{}")
except metadata.PackageNotFoundError:
    sys.exit(1)
scripts = {ep.name: ep.value for ep in own.entry_points if ep.group == "console_scripts"}
requirements = project.get("dependencies", [])
if os.environ.get("ARCHIVIST_SETUP_DEV") == "1":
    requirements += project.get("optional-dependencies", {}).get("test", [])
current = (
    own.version == project["version"]
    and origin.get("url") == Path.cwd().as_uri()
    and origin.get("dir_info", {}).get("editable") is True
    and scripts == project.get("scripts", {})
    and all(installed(r) for r in requirements)
)
sys.exit(0 if current else 1)
PY
}

install_python_packages() {
  if [ ! -x "$VENV/bin/python" ]; then
    say "python: creating $VENV"
    quietly "$PYTHON" -m venv "$VENV"
  fi
  if python_packages_current; then
    say "python packages: up to date"
    return
  fi
  local target=.
  [ "$DEV" -eq 1 ] && target='.[test]'
  say "python packages: installing $target into $VENV"
  quietly "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input -e "$target"
}

# Exit 0 when node_modules holds exactly what package-lock.json pins (with --dev, the test tools too).
node_packages_current() {
  if [ "$DEV" -eq 1 ]; then
    [ -f node_modules/vnu-jar/build/dist/vnu.jar ] || return 1
  fi
  ARCHIVIST_SETUP_DEV="$DEV" node - <<'JS'
const fs = require('fs');
const dev = process.env.ARCHIVIST_SETUP_DEV === '1';
const lock = JSON.parse(fs.readFileSync('package-lock.json', 'utf8'));
const manifest = JSON.parse(fs.readFileSync('package.json', 'utf8'));
const root = lock.packages[''] || {};
const same = (a, b) => JSON.stringify(a || {}) === JSON.stringify(b || {});
let ok = same(root.dependencies, manifest.dependencies) && same(root.devDependencies, manifest.devDependencies);
for (const [where, entry] of Object.entries(lock.packages)) {
  if (!where || !ok || (entry.dev && !dev)) continue;
  try {
    ok = JSON.parse(fs.readFileSync(`${where}/package.json`, 'utf8')).version === entry.version;
  } catch {
    ok = false;
  }
}
process.exit(ok ? 0 : 1);
JS
}

install_node_packages() {
  command -v node >/dev/null && command -v npm >/dev/null || fail "install Node.js 20 with npm first"
  if node_packages_current; then
    say "node packages: up to date"
    return
  fi
  # --ignore-scripts: vnu-jar's postinstall would download a JRE; the system one is used.
  if [ "$DEV" -eq 1 ]; then
    say "node packages: npm ci"
    quietly npm ci --ignore-scripts --no-audit --no-fund
  else
    say "node packages: npm ci --omit=dev (the citation engine)"
    quietly npm ci --omit=dev --ignore-scripts --no-audit --no-fund
  fi
}

install_system_packages
install_python_packages
install_node_packages
say "setup done in ${SECONDS}s"
