"""The real published documents of tests/cases/real, each read once per test session."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from etl.build import process_document

REAL = Path(__file__).resolve().parent / "cases" / "real"


def real_bytes(name: str) -> bytes:
    return (REAL / name).read_bytes()


@cache
def outcome(name: str) -> dict[str, Any]:
    """process_document on a real file: rows of every table (read once, shared by tests)."""
    return process_document(name, real_bytes(name))
