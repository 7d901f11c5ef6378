"""PDF text of a 决算 table -> text lines of cells.

Text extracted from a PDF prints a table row as one line of space-separated
cells, but a cell's own line breaks (long names, narrow number columns) spill
over several lines, page breaks add blank lines and page furniture, and a row
may be cut across a page with its header repeated. So unlike the Word layout
a line is *not* a row: :mod:`etl.parsers.final_accounts` reads the lines as a
stream. This module only cuts each line into cells.

Some extractors write every cell followed by one space, so a blank cell shows
as an extra space (``'合计 3.00  '`` = 合计, 3.00, blank). The cells keep that
evidence as ``''``; the parser uses it only when a row's figures cannot be
aligned otherwise, and says so.
"""

from __future__ import annotations

import re

# (cell text, 1-based line); '' marks a blank cell shown by an extra space
Cell = tuple[str, int]

_SPACES = str.maketrans({"\u3000": " ", "\u00a0": " ", "\t": " "})

# Page furniture that can fall inside a table: '- 5 -', '第 5 页', '第5页 共9页'.
PAGE_FURNITURE = (
    re.compile(r"^[-—–]\s*\d{1,4}\s*[-—–]$"),
    re.compile(r"^第\s*\d{1,4}\s*页(?:\s*[，,]?\s*共\s*\d{1,4}\s*页)?$"),
)


def is_page_furniture(text: str) -> bool:
    """A page number line that the PDF put between two rows."""
    stripped = text.strip()
    return any(p.match(stripped) for p in PAGE_FURNITURE)


def pdf_cells(text: str) -> list[str]:
    """One text line -> cells, '' for each blank cell an extra space shows.

    Cells are separated by one space; a trailing space closes the last cell
    and is not a blank cell itself.
    """
    line = text.translate(_SPACES)
    if not line.strip():
        return []
    parts = line.split(" ")
    if line.endswith(" "):
        parts = parts[:-1]
    return parts


def tokenize_pdf_table(lines: list[tuple[int, str]]) -> list[list[Cell]]:
    """Numbered lines of one table body -> one list of (cell, line) per text line.

    Empty lines and page numbers are dropped; everything else is kept, blank
    cells included.
    """
    rows: list[list[Cell]] = []
    for number, text in lines:
        if is_page_furniture(text):
            continue
        cells = pdf_cells(text)
        if any(cells):
            rows.append([(cell, number) for cell in cells])
    return rows
