"""What the two workbook readers (XLSX with openpyxl, XLS with xlrd) share.

A cell's value becomes its text and number the same way whichever library read it,
and a sheet becomes a page the same way: one grid with merged ranges expanded, or
prose when every row holds one text. Keeping this in one place is what makes an
.xls and its .xlsx copy give the same document.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from etl.model import Check
from etl.readers.cells import cell_text
from etl.readers.limits import MAX_CELLS
from etl.readers.model import Document, DocumentBuilder, Page, Table, expand_grid
from etl.readers.text import UnreadableDocument

EXCEL_DIGITS = 15  # significant digits Excel keeps and shows; a float's 16th and 17th are noise

# (row0, col0, row1, col1, text): 0-based start, end-exclusive, as expand_grid takes them
Span = tuple[int, int, int, int, str]


def excel_number(value: Any) -> Decimal | None:
    """A numeric cell's value as Excel shows it at full precision.

    A total cached from a formula is a binary float (=B2+B3 of 262.33 and 1238.58
    is stored as 1500.9099999999999); Excel shows 15 significant digits, so do we.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return Decimal(format(value, f".{EXCEL_DIGITS}g"))
    return Decimal(value)


def display_text(value: Any, number_format: str = "General") -> str:
    """The text a cell shows: a date as an ISO date, a percentage format as '95.5%', else the value."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    number = excel_number(value)
    if number is not None:
        if "%" in number_format.replace('"%"', "").replace("\\%", ""):
            # Shown as a percentage (0.95 as '95%'): the text says what is printed, the number holds 0.95.
            return plain((number * 100).normalize()) + "%"
        return plain(number)
    return cell_text(str(value))


def plain(number: Decimal) -> str:
    """A Decimal without exponent: 9E+3 as '9000', 0.50 as '0.50'."""
    return format(number.normalize(), "f") if number == number.to_integral() else format(number, "f")


def sheet_too_large(builder: DocumentBuilder, page: Page, title: str, n_rows: int, n_cols: int) -> bool:
    """True (and a page_unreadable check) for a sheet far larger than any published form.

    One sheet that is not a form must not lose the workbook's other sheets.
    """
    if n_rows * n_cols <= MAX_CELLS:
        return False
    page.has_text = False
    builder.document.checks.append(
        Check(
            "page_unreadable",
            "error",
            f"工作表“{title}”（第 {page.number} 页）有 {n_rows} 行 × {n_cols} 列，远大于任何公开表格，未读取",
            page=page.number,
        )
    )
    return True


def add_sheet(
    builder: DocumentBuilder,
    page: Page,
    title: str,
    n_rows: int,
    n_cols: int,
    spans: list[Span],
    numbers: dict[tuple[int, int], Decimal],
) -> Table | None:
    """One sheet's cells -> a table grid on its page, prose lines, or nothing (an empty sheet).

    Trailing blank rows are dropped (a formatted empty cell extends a sheet). A sheet
    of one text a row (a cover, a 目录, a 说明 sheet) is prose, not a table.
    """
    grid = expand_grid(n_rows, n_cols, spans, numbers=numbers)
    while grid and all(not cell.text for cell in grid[-1]):
        grid.pop()
    if not grid:
        page.has_text = False
        return None
    texts = [list(dict.fromkeys(c.text for c in row if c.text)) for row in grid]
    if all(len(t) <= 1 for t in texts):
        for t in texts:
            if t:
                builder.prose(page.number, t[0])
        return None
    return builder.table(page.number, grid, sheet=title)


def require_content(doc: Document, kind_words: str) -> Document:
    """The document, or UnreadableDocument when no sheet held anything (naming why, if a check says)."""
    if not doc.tables and not any(ln.text for ln in doc.lines):
        reasons = "；".join(c.message for c in doc.checks)
        raise UnreadableDocument(
            f"{kind_words}文件中没有任何有内容的工作表" + (f"（{reasons}）" if reasons else "")
        )
    return doc
