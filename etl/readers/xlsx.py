"""XLSX -> the document model, with openpyxl: each sheet is a page holding one grid.

Numbers are the cells' values, not their display text (a cell shown as '9,000'
holds 9000); merged ranges are expanded so every position they cover holds the
merged text; a text cell's own line breaks are joined like any other cell's.
A formula is read as the result Excel stored with it; a formula stored without a
result is blank in the grid and named in a check (``etl.readers.formulas``). Sheets are
measured in their XML first (``etl.readers.xlsx_size``): one too large for openpyxl to load
cheaply is left out and named in a check, a workbook with nothing else is refused.
"""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

from etl.model import Check
from etl.readers.formulas import formula_checks, formulas_without_values
from etl.readers.model import XLSX, Document, DocumentBuilder, Table
from etl.readers.sheets import Span, add_sheet, display_text, excel_number, require_content, sheet_too_large
from etl.readers.text import UnreadableDocument
from etl.readers.xlsx_size import LIMITS_WORDS, guard


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

    data, oversized = guard(data)  # before openpyxl: it would spend minutes on a million rows
    left_out = {o.title: o.reason for o in oversized}
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=False)
    except Exception as exc:  # openpyxl, lxml and ElementTree raise many kinds for a damaged package
        raise UnreadableDocument(_open_failure(exc)) from exc
    builder = DocumentBuilder(source_file, XLSX)
    tables: dict[str, Table] = {}
    for sheet in workbook.worksheets:
        page = builder.page(name=sheet.title)
        if sheet.title in left_out:
            page.has_text = False
            builder.document.checks.append(
                Check(
                    "page_unreadable",
                    "error",
                    f"工作表“{sheet.title}”（第 {page.number} 页）{left_out[sheet.title]}，{LIMITS_WORDS}",
                    page=page.number,
                )
            )
            continue
        n_rows, n_cols = sheet.max_row or 0, sheet.max_column or 0
        if n_rows * n_cols == 0 or (n_rows == 1 and n_cols == 1 and sheet.cell(1, 1).value is None):
            page.has_text = False
            continue
        if sheet_too_large(builder, page, sheet.title, n_rows, n_cols):
            continue
        merged = {}
        for rng in sheet.merged_cells.ranges:
            merged[(rng.min_row, rng.min_col)] = (rng.max_row, rng.max_col)
        covered: set[tuple[int, int]] = set()
        for (r0, c0), (r1, c1) in merged.items():
            covered.update((r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1))
        spans: list[Span] = []
        numbers: dict[tuple[int, int], Decimal] = {}
        for row in sheet.iter_rows(min_row=1, max_row=n_rows, max_col=n_cols):
            for cell in row:
                r, c = cell.row, cell.column
                if (r, c) in covered and (r, c) not in merged:
                    continue
                r1, c1 = merged.get((r, c), (r, c))
                spans.append(
                    (r - 1, c - 1, r1, c1, display_text(cell.value, cell.number_format or "General"))
                )
                number = excel_number(cell.value)
                if number is not None:
                    numbers[(r - 1, c - 1)] = number
        table = add_sheet(builder, page, sheet.title, n_rows, n_cols, spans, numbers)
        if table is not None:
            tables[sheet.title] = table
    _report_formulas(builder, data, tables)
    return require_content(builder.document, "Excel（XLSX）")


def _report_formulas(builder: DocumentBuilder, data: bytes, tables: dict[str, Table]) -> None:
    """A check per sheet naming the formula cells read as blank because the file holds no result."""
    unvalued, linked = formulas_without_values(data)
    pages = {p.name: p.number for p in builder.document.pages}
    for title, cells in unvalued.items():
        if title in pages:
            builder.document.checks.extend(
                formula_checks(title, pages[title], cells, tables.get(title), linked)
            )
