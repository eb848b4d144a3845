"""Build, check or serve the archive: `python build.py build` (see README)."""

from archivist.cli import main

raise SystemExit(main())
