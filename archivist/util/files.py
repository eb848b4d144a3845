"""A file write that readers never see half done, for the caches and the preview folder."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(target: Path, data: bytes, suffix: str = "") -> None:
    """Write `data` to a temporary file beside `target` and rename it over `target`; a failure
    leaves `target` as it was and no temporary file behind. `suffix` ends the temporary name, so
    a folder's own clean-up (which looks at endings) also sweeps one left by a killed process."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
