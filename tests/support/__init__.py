"""Test harness: serve a built site the way GitHub Pages does and judge it with real clients."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = REPO_ROOT / "node_modules"
