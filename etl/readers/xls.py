"""XLS (Excel 97–2003 and WPS 表格 binary workbooks) -> the document model, with xlrd.

The same document as the XLSX reader gives for the same sheets (the value → text and
sheet → page rules are shared in ``etl.readers.sheets``): each sheet a page with one
grid, merged ranges expanded, numbers as values with the display text their number
format gives, dates as ISO dates, cells named like 'B7'.

Formulas: an .xls stores every formula's last result in the formula record itself
(the result field is part of the record, so even a program that never calculates
writes one), and xlrd gives only that result, never the formula. So the reader
reads every formula cell as its stored result and, unlike the XLSX reader, has no
"formula without a value" to report; a result that is out of date cannot be seen.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from etl.readers.model import XLS, Document, DocumentBuilder
from etl.readers.ole import encrypted
from etl.readers.sheets import Span, add_sheet, display_text, excel_number, require_content, sheet_too_large
from etl.readers.text import UnreadableDocument


def read_xls(source_file: str, data: bytes) -> Document:
    """Every sheet of a binary workbook as a page, or raise UnreadableDocument."""
    import xlrd  # imported lazily: builds without .xls files never pay for it

    try:
        # formatting_info: merged ranges and number formats; logfile: xlrd's own warnings stay out of the build's output
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, logfile=io.StringIO())
    except Exception as exc:  # xlrd raises XLRDError, CompDocError, struct.error … for a damaged file
        raise UnreadableDocument(_open_failure(exc)) from exc
    builder = DocumentBuilder(source_file, XLS)
    for sheet in book.sheets():
        page = builder.page(name=sheet.name)
        n_rows, n_cols = sheet.nrows, sheet.ncols
        if n_rows * n_cols == 0 or (n_rows == 1 and n_cols == 1 and _value(book, sheet, 0, 0) is None):
            page.has_text = False
            continue
        if sheet_too_large(builder, page, sheet.name, n_rows, n_cols):
            continue
        merged = {(r0, c0): (r1, c1) for r0, r1, c0, c1 in sheet.merged_cells}
        covered = {
            (r, c) for (r0, c0), (r1, c1) in merged.items() for r in range(r0, r1) for c in range(c0, c1)
        }
        spans: list[Span] = []
        numbers: dict[tuple[int, int], Decimal] = {}
        for r in range(n_rows):
            for c in range(n_cols):
                if (r, c) in covered and (r, c) not in merged:
                    continue
                r1, c1 = merged.get((r, c), (r + 1, c + 1))
                value = _value(book, sheet, r, c)
                spans.append((r, c, r1, c1, display_text(value, _number_format(book, sheet, r, c))))
                number = excel_number(value)
                if number is not None:
                    numbers[(r, c)] = number
        add_sheet(builder, page, sheet.name, n_rows, n_cols, spans, numbers)
    return require_content(builder.document, "Excel（XLS）")


def _value(book: Any, sheet: Any, r: int, c: int) -> Any:
    """The cell's value as openpyxl would give it: None, str, float, bool, datetime or an error's text."""
    import xlrd

    cell = sheet.cell(r, c)
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#N/A")
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
        except (xlrd.xldate.XLDateError, OverflowError, ValueError):
            return cell.value  # a serial outside the calendar: the number as stored
    return cell.value


def _number_format(book: Any, sheet: Any, r: int, c: int) -> str:
    xf_index = sheet.cell_xf_index(r, c)
    try:
        return str(book.format_map[book.xf_list[xf_index].format_key].format_str) or "General"
    except (IndexError, KeyError, TypeError):
        return "General"


def _open_failure(exc: BaseException) -> str:
    """Why a binary workbook could not be opened, in words an official can act on."""
    detail = str(exc)
    if "encrypted" in detail.lower():
        return encrypted("Excel（XLS）文件")
    return f"Excel（XLS）文件已损坏或不完整，无法打开（{type(exc).__name__}: {detail}）；请重新下载原件或另存为 XLSX"
