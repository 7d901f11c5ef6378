"""Stand-ins for process_document that the preview's child process runs in tests (issue 17).

The child imports its target by name ('module:function'), so a test cannot monkeypatch
it: these are the costly readers it runs instead. They import nothing heavy, so the
child's memory before the target runs is Python's own.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any


def sleeping(source_file: str, data: bytes) -> dict[str, Any]:
    """A reader that never finishes: writes its pid to the file the data names, then sleeps."""
    Path(data.decode()).write_text(str(os.getpid()), encoding="utf-8")
    time.sleep(600)
    raise AssertionError("the time limit should have ended this process")


def greedy(source_file: str, data: bytes) -> dict[str, Any]:
    """A reader that wants 8 GiB at once, as openpyxl does slowly on a million-row sheet."""
    block = bytearray(8 * 1024**3)
    raise AssertionError(f"the memory limit should have refused {len(block)} bytes")
