"""Layout parsers: one module per document layout, each with ``detect`` and ``parse``.

A document may hold several layouts (a 决算 with self-evaluation forms appended),
so every parser that detects its layout runs on the whole text; each one only
reads the parts it recognises.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from etl.model import ParseResult


@dataclass(frozen=True)
class LayoutParser:
    name: str
    detect: Callable[[str], bool]
    parse: Callable[[str], ParseResult]


# Order matters only for reporting; every detecting parser runs.
_MODULES = (
    "narrative",
    "final_accounts",
    "self_eval_tabbed",
    "self_eval_glued",
    "self_eval_qingpu",
    "target_declaration",
)


def _load(name: str) -> ModuleType:
    return importlib.import_module(f"etl.parsers.{name}")


def layout_parsers() -> list[LayoutParser]:
    """All registered layout parsers."""
    parsers = []
    for name in _MODULES:
        module = _load(name)
        parsers.append(LayoutParser(name=name, detect=module.detect, parse=module.parse))
    return parsers
