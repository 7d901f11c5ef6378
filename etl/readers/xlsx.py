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

from etl.model import Check
from etl.readers.cells import cell_text
from etl.readers.model import XLSX, Document, DocumentBuilder, expand_grid
from etl.readers.text import UnreadableDocument

MAX_CELLS = 200_000  # per sheet: a disclosure form is small; a huge sheet is not one


EXCEL_DIGITS = 15  # significant digits Excel keeps and shows; a float's 16th and 17th are noise


def _number(value: Any) -> Decimal | None:
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


def _text(value: Any, number_format: str = "General") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    number = _number(value)
    if number is not None:
        if "%" in number_format.replace('"%"', "").replace("\\%", ""):
            # Shown as a percentage (0.95 as '95%'): the text says what is printed, the number holds 0.95.
            return _plain((number * 100).normalize()) + "%"
        return _plain(number)
    return cell_text(str(value))


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f") if number == number.to_integral() else format(number, "f")


def _open_failure(exc: BaseException) -> str:
    """Why a workbook could not be opened, in words an official can act on."""
    from xml.etree.ElementTree import ParseError

    from lxml import etree

    detail = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
    if isinstance(exc, etree.XMLSyntaxError | ParseError):
        return f"Excel（XLSX）文件已损坏：其中的 XML 内容无法解析（{detail}），无法读取；请重新导出或提供原件"
    if isinstance(exc, zipfile.BadZipFile):
        return f"Excel（XLSX）文件已损坏或不完整：压缩包无法解开（{detail}）"
    if isinstance(exc, KeyError):
        return f"Excel（XLSX）文件已损坏或不完整：缺少文件的组成部分（{detail}）"
    return f"Excel（XLSX）文件已损坏或不完整，无法打开（{type(exc).__name__}: {detail}）"


def read_xlsx(source_file: str, data: bytes) -> Document:
    """Every sheet of a workbook as a page with one table grid, or raise UnreadableDocument."""
    import openpyxl  # imported lazily: text-only builds never pay for it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=False)
    except Exception as exc:  # openpyxl, lxml and ElementTree raise many kinds for a damaged package
        raise UnreadableDocument(_open_failure(exc)) from exc
    builder = DocumentBuilder(source_file, XLSX)
    for sheet in workbook.worksheets:
        page = builder.page(name=sheet.title)
        n_rows, n_cols = sheet.max_row or 0, sheet.max_column or 0
        if n_rows * n_cols == 0 or (n_rows == 1 and n_cols == 1 and sheet.cell(1, 1).value is None):
            page.has_text = False
            continue
        if n_rows * n_cols > MAX_CELLS:
            # One sheet that is not a form must not lose the workbook's other sheets.
            page.has_text = False
            builder.document.checks.append(
                Check(
                    "page_unreadable",
                    "error",
                    f"工作表“{sheet.title}”（第 {page.number} 页）有 {n_rows} 行 × {n_cols} 列，"
                    "远大于任何公开表格，未读取",
                    page=page.number,
                )
            )
            continue
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
                spans.append((r - 1, c - 1, r1, c1, _text(cell.value, cell.number_format or "General")))
                number = _number(cell.value)
                if number is not None:
                    numbers[(r - 1, c - 1)] = number
        grid = expand_grid(n_rows, n_cols, spans, numbers=numbers)
        while grid and all(not cell.text for cell in grid[-1]):
            grid.pop()
        if not grid:
            page.has_text = False
            continue
        texts = [list(dict.fromkeys(c.text for c in row if c.text)) for row in grid]
        if all(len(t) <= 1 for t in texts):
            # One text a row (a cover, a 目录, a 说明 sheet): prose, not a table.
            for t in texts:
                if t:
                    builder.prose(page.number, t[0])
            continue
        builder.table(page.number, grid, sheet=sheet.title)
    doc = builder.document
    if not doc.tables and not any(ln.text for ln in doc.lines):
        reasons = "；".join(c.message for c in doc.checks)
        raise UnreadableDocument(
            "Excel（XLSX）文件中没有任何有内容的工作表" + (f"（{reasons}）" if reasons else "")
        )
    return doc
