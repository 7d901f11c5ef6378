"""Paths and defaults, relative to the project root so commands work from any directory."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_RAW = ROOT / "data" / "raw"
DEFAULT_OUT = Path(os.environ.get("BUDGET_WAREHOUSE", ROOT / "data" / "warehouse"))
