"""Layout parsers: one module per document layout, each with ``detect`` and ``parse``.

A document may hold several layouts (a 决算 with self-evaluation forms appended),
so every parser that detects its layout runs on the whole document; each one only
reads the parts it recognises. The cell parsers (``GRID_LAYOUTS``) read the reader's
grids of any file — PDF, Word, Excel, and text whose tables carry cells; the parsers of
``legacy_text`` read the lines of text extractions that have no cells to read. The
narrative parser reads prose of either.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from etl.model import ParseResult
from etl.readers.model import Document


@dataclass(frozen=True)
class LayoutParser:
    name: str
    detect: Callable[[Document], bool]
    parse: Callable[[Document], ParseResult]


# Order matters only for reporting; every detecting parser runs.
TEXT_LAYOUTS = (  # etl/parsers/legacy_text
    "final_accounts",
    "self_eval_glued",
    "self_eval_qingpu",
)
GRID_LAYOUTS = ("template_tables", "declaration_forms", "self_eval_forms")


def _text_parser(name: str) -> LayoutParser:
    """A parser of ``legacy_text``: it reads a text extraction's lines, never an original."""
    module = importlib.import_module(f"etl.parsers.legacy_text.{name}")
    return LayoutParser(
        name=name,
        detect=lambda doc: doc.is_text and bool(module.detect(_lines(doc))),
        parse=lambda doc: module.parse(_lines(doc)),
    )


def _lines(doc: Document) -> str:
    """The reader's lines, one per text line (rows of cells and parts of rows alike)."""
    return "\n".join(line.text for line in doc.lines)


def _narrative() -> LayoutParser:
    module = importlib.import_module("etl.parsers.narrative")

    def text(doc: Document) -> str:
        return doc.text if doc.is_text else doc.prose_text()

    return LayoutParser(
        name="narrative",
        detect=lambda doc: bool(module.detect(text(doc))),
        parse=lambda doc: module.parse(text(doc)),
    )


def layout_parsers() -> list[LayoutParser]:
    """All registered layout parsers."""
    parsers = [_narrative()] + [_text_parser(n) for n in TEXT_LAYOUTS]
    for name in GRID_LAYOUTS:
        module = importlib.import_module(f"etl.parsers.{name}")
        parsers.append(LayoutParser(name=name, detect=module.detect, parse=module.parse))
    return parsers
