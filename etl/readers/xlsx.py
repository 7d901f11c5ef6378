"""XLSX -> the document model, with openpyxl: each sheet is a page holding one grid.

Numbers are the cells' values, not their display text (a cell shown as '9,000'
holds 9000); merged ranges are expanded so every position they cover holds the
merged text; a text cell's own line breaks are joined like any other cell's.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from etl.readers.cells import cell_text
from etl.readers.model import XLSX, Document, DocumentBuilder, expand_grid
from etl.readers.text import UnreadableDocument

MAX_CELLS = 200_000  # per sheet: a disclosure form is small; a huge sheet is not one


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    number = _number(value)
    if number is not None:
        return format(number.normalize(), "f") if number == number.to_integral() else format(number, "f")
    return cell_text(str(value))


def read_xlsx(source_file: str, data: bytes) -> Document:
    """Every sheet of a workbook as a page with one table grid, or raise UnreadableDocument."""
    import openpyxl  # imported lazily: text-only builds never pay for it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise UnreadableDocument(
            f"Excel（XLSX）文件已损坏或不完整，无法打开（{type(exc).__name__}）"
        ) from exc
    builder = DocumentBuilder(source_file, XLSX)
    for sheet in workbook.worksheets:
        page = builder.page(name=sheet.title)
        n_rows, n_cols = sheet.max_row or 0, sheet.max_column or 0
        if n_rows * n_cols == 0 or (n_rows == 1 and n_cols == 1 and sheet.cell(1, 1).value is None):
            page.has_text = False
            continue
        if n_rows * n_cols > MAX_CELLS:
            raise UnreadableDocument(
                f"工作表“{sheet.title}”有 {n_rows} 行 × {n_cols} 列，远大于任何公开表格，未读取"
            )
        merged = {}
        for rng in sheet.merged_cells.ranges:
            merged[(rng.min_row, rng.min_col)] = (rng.max_row, rng.max_col)
        covered: set[tuple[int, int]] = set()
        for (r0, c0), (r1, c1) in merged.items():
            covered.update((r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1))
        spans = []
        numbers = {}
        for row in sheet.iter_rows(min_row=1, max_row=n_rows, max_col=n_cols):
            for cell in row:
                r, c = cell.row, cell.column
                if (r, c) in covered and (r, c) not in merged:
                    continue
                r1, c1 = merged.get((r, c), (r, c))
                spans.append((r - 1, c - 1, r1, c1, _text(cell.value)))
                number = _number(cell.value)
                if number is not None:
                    numbers[(r - 1, c - 1)] = number
        grid = expand_grid(n_rows, n_cols, spans, numbers=numbers)
        while grid and all(not cell.text for cell in grid[-1]):
            grid.pop()
        if not grid:
            page.has_text = False
            continue
        builder.table(page.number, grid, sheet=sheet.title)
    doc = builder.document
    if not doc.tables:
        raise UnreadableDocument("Excel（XLSX）文件中没有任何有内容的工作表")
    return doc
