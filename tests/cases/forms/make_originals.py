"""Render the 财政项目支出绩效自评表 specs into the originals officials hold: DOCX, PDF, XLSX, XLS, DOC.

    .venv/bin/python tests/cases/forms/make_originals.py

``specs/*.toml`` say what each form prints (see README.md for how they were read from the seed
text extractions); this script lays every form out as the clean grid of the real form and
writes ``originals/``. python-docx writes the Word files, openpyxl the workbooks, LibreOffice
(``soffice``, its own profile under the temp dir) turns them into the PDF, the re-saved XLSX with
cached formula values, the XLS and the DOC.

``specs/qingpu_2020.toml`` is another form: 青浦's own scored '财政项目绩效自评价' (a head of label/value
pairs, a seven-column table 一级指标 | 指标名称 | 指标解释 | 权重 | 评分规则 | 自评分 | 备注, 合计), drawn by
the ``qingpu`` functions into one DOCX, its PDF and a workbook.

Deterministic: the same specs give the same bytes (checked by running it twice). Zip members
get a fixed date and the documents' own dates are fixed; in LibreOffice's PDFs the dates, the
file ID and its DocChecksum are overwritten in place (same length, so the cross-reference
offsets stay right). LibreOffice 7.4 writes the XLS and the DOC identically on every run.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import openpyxl
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

HERE = Path(__file__).resolve().parent
SPECS = HERE / "specs"
OUT = HERE / "originals"

FIXED_DATE = datetime(2024, 1, 1)  # every document's created/modified date
ZIP_DATE = (2024, 1, 1, 0, 0, 0)
AUTHOR = "tests/cases/forms/make_originals.py"

N_COLS = 9  # 绩效指标 | 一级 | 二级 | 三级 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因
FUNDS_MEASURES = ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")
TOTAL_LABEL = "总分"

# Column widths: Word in cm on a portrait A4 page with 2 cm margins (17 cm), Excel in characters.
DOCX_WIDTHS_CM = (1.2, 1.4, 1.6, 3.0, 2.2, 2.2, 1.1, 1.6, 2.7)
XLSX_WIDTHS = (6, 10, 13, 22, 12, 12, 7, 9, 18)
TABLE_PT = 9  # 小五, the usual size inside Chinese official forms
TITLE_PT = 16
YEAR_PT = 12
EAST_ASIA_FONT = "宋体"
LATIN_FONT = "Times New Roman"

# A long 闵行 form whose indicator rows continue on a second table after a page break, that
# table starting with the indicator header again (form n, indicator rows on the first page).
SPLIT_FORMS = {"minhang_2022": (14, 12)}

# Cell kinds: how a workbook stores a cell (Word only shows the text).
TEXT = "text"  # left-aligned text (names, goal texts, 三级指标)
TITLE = "title"
YEAR = "year"
LABEL = "label"  # centred text (labels, indicator values, '—')
HEADER = "header"
AMOUNT = "amount"  # 元, a number with the format the form prints it in
RATE = "rate"  # 执行率, a fraction shown as a percentage
SCORE = "score"  # 分值 / 得分
SUM_WEIGHT = "sum_weight"  # 总分's 分值: =SUM(...)
SUM_SCORE = "sum_score"  # 总分's 得分: =SUM(...)
CENTERED = {TITLE, YEAR, LABEL, HEADER, AMOUNT, RATE, SCORE, SUM_WEIGHT, SUM_SCORE}


# ---------------------------------------------------------------- specs


@dataclass(frozen=True)
class Form:
    """One form as the spec prints it."""

    n: int
    title: str
    year_text: str
    project_name: str
    department: str
    unit: str
    funds_label: str
    funds: list[list[str]]
    goal_label: str
    goal_header: list[str]
    goal: str
    result: str
    indicator_label: str
    indicator_header: list[str]
    indicators: list[list[str]]
    total: list[str]


def load_spec(name: str) -> list[Form]:
    """specs/<name>.toml -> its forms, in order."""
    with (SPECS / f"{name}.toml").open("rb") as fh:
        spec = tomllib.load(fh)
    fields = Form.__dataclass_fields__
    return [Form(**{k: v for k, v in form.items() if k in fields}) for form in spec["form"]]


# ---------------------------------------------------------------- the form as a grid


@dataclass(frozen=True)
class Span:
    """One cell of the form's grid; rows/cols > 1 for a merged cell."""

    row: int
    col: int
    text: str
    kind: str = TEXT
    rows: int = 1
    cols: int = 1


@dataclass
class Block:
    """A form (or one page's part of it) as a rectangular grid of spans."""

    spans: list[Span] = field(default_factory=list)
    n_rows: int = 0
    funds_row: int | None = None  # row of 年度资金总额 (the total's formulas add its 分值/得分)
    indicator_rows: list[int] = field(default_factory=list)

    def add(self, col: int, text: str, kind: str = TEXT, rows: int = 1, cols: int = 1) -> None:
        self.spans.append(Span(self.n_rows, col, text, kind, rows, cols))


def form_block(
    form: Form,
    *,
    title_rows: bool = False,
    head: bool = True,
    indicators: list[list[str]] | None = None,
    total: bool = True,
) -> Block:
    """The form's grid: title and year (if inside the table), head, funds, goal, indicators, 总分."""
    b = Block()
    if title_rows:
        b.add(0, form.title, TITLE, cols=N_COLS)
        b.n_rows += 1
        b.add(0, form.year_text, YEAR, cols=N_COLS)
        b.n_rows += 1
    if head:
        _head_rows(b, form)
    rows = form.indicators if indicators is None else indicators
    b.add(0, form.indicator_label, LABEL, rows=1 + len(rows))
    for col, word in enumerate(form.indicator_header, start=1):
        b.add(col, word, HEADER)
    b.n_rows += 1
    _indicator_rows(b, rows)
    if total:
        b.add(0, TOTAL_LABEL, LABEL, cols=6)
        b.add(6, form.total[0], SUM_WEIGHT)
        b.add(7, form.total[1], SUM_SCORE)
        b.add(8, "")
        b.n_rows += 1
    return b


def _head_rows(b: Block, form: Form) -> None:
    b.add(0, "项目名称", LABEL)
    b.add(1, form.project_name, cols=8)
    b.n_rows += 1
    b.add(0, "主管部门", LABEL)
    b.add(1, form.department, cols=3)
    b.add(4, "实施单位", LABEL)
    b.add(5, form.unit, cols=4)
    b.n_rows += 1
    b.add(0, form.funds_label, LABEL, rows=1 + len(form.funds))
    b.add(1, "", cols=2)
    for col, word in enumerate(FUNDS_MEASURES, start=3):
        b.add(col, word, HEADER)
    b.n_rows += 1
    for i, (label, *values) in enumerate(form.funds):
        if i == 0:
            b.funds_row = b.n_rows
        b.add(1, label, LABEL, cols=2)
        for col, (measure, value) in enumerate(zip(FUNDS_MEASURES, values, strict=True), start=3):
            kind = RATE if measure == "执行率" else SCORE if measure in ("分值", "得分") else AMOUNT
            b.add(col, value, LABEL if value in ("", "—") else kind)
        b.n_rows += 1
    b.add(0, form.goal_label, LABEL, rows=2)
    b.add(1, form.goal_header[0], HEADER, cols=4)
    b.add(5, form.goal_header[1], HEADER, cols=4)
    b.n_rows += 1
    b.add(1, form.goal, cols=4)
    b.add(5, form.result, cols=4)
    b.n_rows += 1


def _runs(values: list[Any]) -> list[int]:
    """Lengths of the runs of equal consecutive values (a merged label covers one run)."""
    runs: list[int] = []
    for i, value in enumerate(values):
        if i and value == values[i - 1]:
            runs[-1] += 1
        else:
            runs.append(1)
    return runs


def _indicator_rows(b: Block, rows: list[list[str]]) -> None:
    first = b.n_rows
    level1 = [r[0] for r in rows]
    level2 = [(r[0], r[1]) for r in rows]
    at = first
    for run in _runs(level1):
        b.spans.append(Span(at, 1, rows[at - first][0], LABEL, rows=run))
        at += run
    at = first
    for run in _runs(level2):
        b.spans.append(Span(at, 2, rows[at - first][1], LABEL, rows=run))
        at += run
    for row in rows:
        _, _, level3, target, actual, weight, score, reason = row
        b.add(3, level3)
        b.add(4, target, LABEL)
        b.add(5, actual, LABEL)
        b.add(6, weight, SCORE)
        b.add(7, score, SCORE)
        b.add(8, reason, LABEL)
        b.indicator_rows.append(b.n_rows)
        b.n_rows += 1


# ---------------------------------------------------------------- Word


def new_document(landscape: bool = False) -> Any:
    """An A4 document with 2 cm margins, 宋体 for Chinese and Times New Roman for Latin text."""
    doc = docx.Document()
    section = doc.sections[0]
    width, height = Cm(21.0), Cm(29.7)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        width, height = height, width
    section.page_width, section.page_height = width, height
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.0))
    normal = doc.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = Pt(TABLE_PT)
    rpr = normal.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), EAST_ASIA_FONT)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    rpr.append(lang)
    normal.paragraph_format.space_after = Pt(0)
    props = doc.core_properties
    props.author = props.last_modified_by = AUTHOR
    props.created = props.modified = FIXED_DATE
    props.revision = 1
    props.title = "财政项目支出绩效自评表"
    return doc


def _run(paragraph: Any, text: str, size: float, bold: bool = False) -> None:
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold


def title_paragraphs(doc: Any, form: Form, page_break: bool) -> None:
    """Title and year above the table; the page break (if any) opens the title paragraph."""
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if page_break:
        p.add_run().add_break(WD_BREAK.PAGE)
    _run(p, form.title, TITLE_PT, bold=True)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(6)
    _run(p, form.year_text, YEAR_PT)


def page_break(doc: Any) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def spacer(doc: Any) -> None:
    """An empty paragraph: Word joins two tables that touch, so forms are kept apart by one."""
    p = doc.add_paragraph()
    p.paragraph_format.space_after = Pt(6)


def docx_table(doc: Any, block: Block, widths_cm: tuple[float, ...]) -> None:
    """The block as one ruled Word table with real merges (gridSpan across, vMerge down)."""
    table = doc.add_table(rows=block.n_rows, cols=len(widths_cm))  # N_COLS, or the 青浦 form's QP_COLS
    table.style = doc.styles["Table Grid"]
    table.autofit = False
    for col, width in zip(table.columns, widths_cm, strict=True):
        col.width = Cm(width)
    for grid_col, width in zip(table._tbl.tblGrid.iterchildren(), widths_cm, strict=True):
        grid_col.set(qn("w:w"), str(int(Cm(width).twips)))
    for row in table.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    for span in block.spans:
        cell = table.cell(span.row, span.col)
        if span.rows > 1 or span.cols > 1:
            cell = cell.merge(table.cell(span.row + span.rows - 1, span.col + span.cols - 1))
        _fill(cell, span)
    for row in table.rows:
        for cell in row.cells:
            cell.width = Cm(sum(widths_cm[c] for c in range(_col_of(cell), _col_of(cell) + _span_of(cell))))


def _col_of(cell: Any) -> int:
    tc = cell._tc
    col = 0
    for sibling in tc.getparent().iterchildren(qn("w:tc")):
        if sibling is tc:
            return col
        col += sibling.grid_span
    return col


def _span_of(cell: Any) -> int:
    return int(cell._tc.grid_span)


def _fill(cell: Any, span: Span) -> None:
    """The span's text, one paragraph per printed line ('\\n' in the spec)."""
    for extra in cell.paragraphs[1:]:
        extra._p.getparent().remove(extra._p)
    lines = span.text.split("\n")
    paragraph = cell.paragraphs[0]
    for i, line in enumerate(lines):
        if i:
            paragraph = cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if span.kind in CENTERED else WD_ALIGN_PARAGRAPH.LEFT
        if line:
            size = {TITLE: TITLE_PT, YEAR: YEAR_PT}.get(span.kind, TABLE_PT)
            _run(paragraph, line, size, bold=span.kind == TITLE)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def docx_table_per_form(forms: list[Form], split: tuple[int, int] | None) -> Any:
    """Rendering (i): title and year as paragraphs, one table per form, a page break between forms."""
    doc = new_document()
    for i, form in enumerate(forms):
        title_paragraphs(doc, form, page_break=i > 0)
        if split is not None and form.n == split[0]:
            k = split[1]
            docx_table(doc, form_block(form, indicators=form.indicators[:k], total=False), DOCX_WIDTHS_CM)
            page_break(doc)
            docx_table(doc, form_block(form, head=False, indicators=form.indicators[k:]), DOCX_WIDTHS_CM)
        else:
            docx_table(doc, form_block(form), DOCX_WIDTHS_CM)
    doc.add_paragraph()  # Word always ends a document with a paragraph, never with a table
    return doc


def docx_title_rows(forms: list[Form], landscape: bool) -> Any:
    """Rendering (ii): title and year as the table's first rows, forms one after another, no page break."""
    doc = new_document(landscape)
    scale = (29.7 - 4.0) / 17.0 if landscape else 1.0
    widths = tuple(round(w * scale, 2) for w in DOCX_WIDTHS_CM)
    for i, form in enumerate(forms):
        if i:
            spacer(doc)
        docx_table(doc, form_block(form, title_rows=True), widths)
    doc.add_paragraph()
    return doc


# ---------------------------------------------------------------- Excel

THIN = Side(style="thin")
RULED = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def amount_format(printed: str) -> str:
    """The number format that prints an amount the way the form does: '6,261,700' -> '#,##0'."""
    decimals = len(printed.split(".", 1)[1]) if "." in printed else 0
    return ("#,##0" if "," in printed else "0") + ("." + "0" * decimals if decimals else "")


def _number(printed: str) -> int | float:
    value = Decimal(printed.replace(",", ""))
    return int(value) if value == value.to_integral() and "." not in printed else float(value)


def write_block(ws: Any, block: Block, top: int) -> None:
    """The block on a sheet from row ``top`` (1-based): values typed, merged ranges, ruled."""
    col_letter = get_column_letter
    for span in block.spans:
        r, c = top + span.row, 1 + span.col
        cell = ws.cell(r, c)
        text = span.text
        if span.kind == AMOUNT and text:
            cell.value = _number(text)
            cell.number_format = amount_format(text)
        elif span.kind == RATE and text:
            cell.value = float(Decimal(text.rstrip("%")) / 100)
            cell.number_format = "0." + "0" * len(text.rstrip("%").partition(".")[2]) + "%"
        elif span.kind == SCORE and text:
            cell.value = _number(text)
        elif span.kind in (SUM_WEIGHT, SUM_SCORE):
            assert block.funds_row is not None and block.indicator_rows
            first, last = top + block.indicator_rows[0], top + block.indicator_rows[-1]
            funds_col = col_letter(7 if span.kind == SUM_WEIGHT else 9)
            col = col_letter(c)
            cell.value = f"=SUM({funds_col}{top + block.funds_row},{col}{first}:{col}{last})"
        else:
            cell.value = text or None
            if text.startswith("="):  # '=100%' is typed text, as Excel keeps it after a leading apostrophe
                cell.data_type = "s"
                cell.quotePrefix = True
        size = {TITLE: TITLE_PT, YEAR: YEAR_PT}.get(span.kind, 10)
        cell.font = Font(name=EAST_ASIA_FONT, size=size, bold=span.kind == TITLE)
        cell.alignment = Alignment(
            horizontal="center" if span.kind in CENTERED else "left", vertical="center", wrap_text=True
        )
        if span.rows > 1 or span.cols > 1:
            ws.merge_cells(
                start_row=r, start_column=c, end_row=r + span.rows - 1, end_column=c + span.cols - 1
            )
        for rr in range(r, r + span.rows):
            for cc in range(c, c + span.cols):
                ws.cell(rr, cc).border = RULED
    for row in range(block.n_rows):
        ws.row_dimensions[top + row].height = _row_height(block, row)


def _row_height(block: Block, row: int, widths: tuple[int, ...] = XLSX_WIDTHS) -> float:
    """Points for a row whose wrapped texts must show (Excel does not grow a row by itself)."""
    lines = 1
    for span in block.spans:
        if span.row != row or span.rows > 1:
            continue
        per_line = max(1, int(sum(widths[span.col : span.col + span.cols]) / 1.9))
        lines = max(lines, sum(-(-max(len(part), 1) // per_line) for part in span.text.split("\n")))
    size = TITLE_PT if any(s.row == row and s.kind == TITLE for s in block.spans) else 10
    return round(lines * size * 1.35, 1)


def new_sheet(wb: Any, title: str | None = None, widths: tuple[int, ...] = XLSX_WIDTHS) -> Any:
    """A sheet with the form's column widths, printed one page wide."""
    ws = wb.create_sheet(title) if title is not None else wb.active
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    return ws


def sheet_title(form: Form | QingpuForm) -> str:
    """'13 公共安全隐患举报奖励': Excel allows 31 characters and none of []:*?/\\."""
    name = re.sub(r"[\[\]:*?/\\]", "_", form.project_name)
    return f"{form.n} {name}"[:31]


def xlsx_sheet_per_form(forms: list[Form]) -> Any:
    """Rendering (i): one form per sheet, title and year in its first rows."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for form in forms:
        write_block(new_sheet(wb, sheet_title(form)), form_block(form, title_rows=True), top=1)
    return wb


def xlsx_stacked(forms: list[Form]) -> Any:
    """Rendering (ii): every form on one sheet, an empty row between two forms."""
    wb = openpyxl.Workbook()
    ws = new_sheet(wb)
    ws.title = "Sheet1"
    top = 1
    for form in forms:
        block = form_block(form, title_rows=True)
        write_block(ws, block, top)
        top += block.n_rows + 1
    return wb


def set_workbook_dates(wb: Any) -> None:
    wb.properties.creator = wb.properties.lastModifiedBy = AUTHOR
    wb.properties.created = FIXED_DATE


# ---------------------------------------------------------------- 青浦 2020: the scored 自评价 form

# 青浦's own form ('2020年度财政项目绩效自评价'): a head of label/value pairs, then a scored table of
# seven columns whose 一级指标 cell (section and its points) runs down its rows, and a 合计 row.
QP_COLS = 7  # 一级指标 | 指标名称 | 指标解释 | 权重 | 评分规则 | 自评分 | 备注
# Portrait A4 with 2 cm margins (17 cm): 一级指标 holds 投入与管理 / 影响力目标 on one line, 权重 and
# 自评分 the 合计's 100.00 unwrapped, 指标解释 eight characters a line and 备注 five (as the seed wraps them).
QP_DOCX_WIDTHS_CM = (2.0, 2.0, 3.0, 1.4, 5.2, 1.4, 2.0)
QP_XLSX_WIDTHS = (11, 11, 17, 7, 34, 7, 12)
# The head's four columns (label | value | label | value) on the table's seven: (first column, columns).
QP_HEAD_CELLS = ((0, 2), (2, 2), (4, 1), (5, 2))
QP_AMOUNT_FORMAT = "#,##0.00"  # '113,600.00', '0.00'
QP_TOTAL_FORMAT = "0.00"  # 合计 prints 100.00 / 96.00
# Head values drawn left-aligned as text; every other value is centred (是/否, 优, dates, amounts).
QP_TEXT_VALUES = (
    "项目名称",
    "预算单位",
    "具体实施处（科室）",
    "项目年度总目标",
    "主要绩效",
    "主要问题",
    "改进措施",
)
QP_AMOUNT_LABELS = ("当年预算数（元）", "上年预算金额（元）", "预算执行数（元）")
QP_RATE_LABEL = "预算执行率（%）"


@dataclass(frozen=True)
class QingpuForm:
    """One 青浦 form as the spec prints it (specs/qingpu_2020.toml)."""

    n: int
    title: str
    head: list[list[str]]
    table_header: list[str]
    indicators: list[list[str]]
    total: list[str]

    @property
    def project_name(self) -> str:
        return self.head[0][1]


def load_qingpu_spec(name: str) -> list[QingpuForm]:
    """specs/<name>.toml (青浦 layout) -> its forms, in order."""
    with (SPECS / f"{name}.toml").open("rb") as fh:
        spec = tomllib.load(fh)
    fields = QingpuForm.__dataclass_fields__
    return [QingpuForm(**{k: v for k, v in form.items() if k in fields}) for form in spec["form"]]


def _qp_value_kind(label: str, value: str) -> str:
    if not value:
        return LABEL
    if label in QP_AMOUNT_LABELS:
        return AMOUNT
    if label == QP_RATE_LABEL:
        return RATE
    return TEXT if label in QP_TEXT_VALUES else LABEL


def qingpu_block(form: QingpuForm, *, title_row: bool = False) -> Block:
    """The form's grid on seven columns: (title), head rows, scored header, indicator rows, 合计."""
    b = Block()
    if title_row:
        b.add(0, form.title, TITLE, cols=QP_COLS)
        b.n_rows += 1
    for row in form.head:
        pairs = [(row[k], row[k + 1]) for k in range(0, len(row), 2)]
        if len(pairs) == 2:
            cells = QP_HEAD_CELLS
        else:  # one label, its value across the rest of the row
            cells = (QP_HEAD_CELLS[0], (QP_HEAD_CELLS[1][0], QP_COLS - QP_HEAD_CELLS[1][0]))
        for k, (label, value) in enumerate(pairs):
            (lc, ln), (vc, vn) = cells[2 * k], cells[2 * k + 1]
            b.add(lc, label, LABEL, cols=ln)
            b.add(vc, value, _qp_value_kind(label, value), cols=vn)
        b.n_rows += 1
    for col, word in enumerate(form.table_header):
        b.add(col, word, HEADER)
    b.n_rows += 1
    first = b.n_rows
    at = first
    for run in _runs([r[0] for r in form.indicators]):
        b.spans.append(Span(at, 0, form.indicators[at - first][0], LABEL, rows=run))
        at += run
    for row in form.indicators:
        _, name, explanation, weight, rule, score, remark = row
        b.add(1, name)
        b.add(2, explanation)
        b.add(3, weight, SCORE if weight else LABEL)
        b.add(4, rule)
        b.add(5, score, SCORE if score else LABEL)
        b.add(6, remark)
        b.indicator_rows.append(b.n_rows)
        b.n_rows += 1
    label, full, scored = form.total
    b.add(0, label, LABEL, cols=3)
    b.add(3, full, SUM_WEIGHT)
    b.add(4, "")
    b.add(5, scored, SUM_SCORE)
    b.add(6, "")
    b.n_rows += 1
    return b


def docx_qingpu(forms: list[QingpuForm]) -> Any:
    """The title as a paragraph above one table per form, a page break before each next title; portrait."""
    doc = new_document()
    doc.core_properties.title = "财政项目绩效自评价"
    for i, form in enumerate(forms):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(6)
        if i:
            p.add_run().add_break(WD_BREAK.PAGE)
        _run(p, form.title, TITLE_PT, bold=True)
        docx_table(doc, qingpu_block(form), QP_DOCX_WIDTHS_CM)
    doc.add_paragraph()  # Word always ends a document with a paragraph, never with a table
    return doc


def write_qingpu_block(ws: Any, block: Block, top: int) -> None:
    """A 青浦 block on a sheet from row ``top``: amounts, rate, 权重/自评分 as numbers, 合计 as =SUM."""
    for span in block.spans:
        r, c = top + span.row, 1 + span.col
        cell = ws.cell(r, c)
        text = span.text
        if span.kind == AMOUNT:
            cell.value = float(Decimal(text.replace(",", "")))
            cell.number_format = QP_AMOUNT_FORMAT
        elif span.kind == RATE:
            cell.value = float(Decimal(text.rstrip("%")) / 100)
            cell.number_format = "0." + "0" * len(text.rstrip("%").partition(".")[2]) + "%"
        elif span.kind == SCORE:
            cell.value = _number(text)
        elif span.kind in (SUM_WEIGHT, SUM_SCORE):
            col = get_column_letter(c)
            first, last = top + block.indicator_rows[0], top + block.indicator_rows[-1]
            cell.value = f"=SUM({col}{first}:{col}{last})"
            cell.number_format = QP_TOTAL_FORMAT
        else:
            cell.value = text or None
        size = TITLE_PT if span.kind == TITLE else 10
        cell.font = Font(name=EAST_ASIA_FONT, size=size, bold=span.kind == TITLE)
        cell.alignment = Alignment(
            horizontal="center" if span.kind in CENTERED else "left", vertical="center", wrap_text=True
        )
        if span.rows > 1 or span.cols > 1:
            ws.merge_cells(
                start_row=r, start_column=c, end_row=r + span.rows - 1, end_column=c + span.cols - 1
            )
        for rr in range(r, r + span.rows):
            for cc in range(c, c + span.cols):
                ws.cell(rr, cc).border = RULED
    for row in range(block.n_rows):
        ws.row_dimensions[top + row].height = _row_height(block, row, QP_XLSX_WIDTHS)


def xlsx_qingpu(forms: list[QingpuForm]) -> Any:
    """One form per sheet ('1 台式电脑'), the title in row 1."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for form in forms:
        ws = new_sheet(wb, sheet_title(form), QP_XLSX_WIDTHS)
        write_qingpu_block(ws, qingpu_block(form, title_row=True), top=1)
    return wb


# ---------------------------------------------------------------- files


_CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")
_APP_TIMES = re.compile(rb"<TotalTime>\d+</TotalTime>")


def normalize_zip(path: Path) -> None:
    """Fixed member dates and document dates, members in name order: the same content, the same bytes."""
    with zipfile.ZipFile(path) as zin:
        members = [(info.filename, zin.read(info.filename)) for info in zin.infolist()]
    stamp = FIXED_DATE.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in sorted(members, key=lambda m: (m[0] != "[Content_Types].xml", m[0])):
            if name == "docProps/core.xml":
                data = _CORE_DATES.sub(rb"\g<1>" + stamp + rb"\g<2>", data)
            elif name == "docProps/app.xml":
                data = _APP_TIMES.sub(b"<TotalTime>0</TotalTime>", data)
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zout.writestr(info, data)


_PDF_DATE = re.compile(rb"/(CreationDate|ModDate)\s*\(D:[^)]*\)")
_PDF_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\]")
_PDF_CHECKSUM = re.compile(rb"/DocChecksum\s*/([0-9A-Fa-f]+)")


def normalize_pdf(path: Path) -> None:
    """Overwrite the PDF's dates, file ID and LibreOffice's DocChecksum in place, keeping their length."""
    data = path.read_bytes()

    def date(m: re.Match[bytes]) -> bytes:
        fixed = b"/" + m.group(1) + b"(D:20240101000000Z)"
        return fixed.ljust(len(m.group(0)), b" ") if len(fixed) <= len(m.group(0)) else m.group(0)

    def file_id(m: re.Match[bytes]) -> bytes:
        a, b = m.group(1), m.group(2)
        return m.group(0).replace(a, b"0" * len(a)).replace(b, b"0" * len(b))

    def checksum(m: re.Match[bytes]) -> bytes:
        return m.group(0).replace(m.group(1), b"0" * len(m.group(1)))

    data = _PDF_CHECKSUM.sub(checksum, _PDF_ID.sub(file_id, _PDF_DATE.sub(date, data)))
    path.write_bytes(data)


def soffice(target: str, sources: list[Path], outdir: Path, profile: Path) -> float:
    """LibreOffice headless conversion of several files at once; returns the seconds it took."""
    cmd = [
        "soffice",
        f"-env:UserInstallation=file://{profile}",
        "--headless",
        "--norestore",
        "--convert-to",
        target,
        "--outdir",
        str(outdir),
        *map(str, sources),
    ]
    start = time.monotonic()
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    took = time.monotonic() - start
    for src in sources:
        expected = outdir / f"{src.stem}.{target.split(':')[0]}"
        if not expected.exists():
            raise RuntimeError(f"soffice did not write {expected.name}: {done.stdout}{done.stderr}")
    return took


def main() -> int:
    if shutil.which("soffice") is None:
        print(
            "soffice not found: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui",
            file=sys.stderr,
        )
        return 1
    minhang, songjiang = load_spec("minhang_2022"), load_spec("songjiang_2021")
    qingpu = load_qingpu_spec("qingpu_2020")
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="forms_") as tmp_name:
        tmp = Path(tmp_name)
        profile = tmp / "lo_profile"
        work = tmp / "work"
        work.mkdir()

        docs = {
            "minhang_2022_self_evaluation_table_per_form": docx_table_per_form(
                minhang, SPLIT_FORMS.get("minhang_2022")
            ),
            "songjiang_2021_self_evaluation_table_per_form": docx_table_per_form(songjiang, None),
            "songjiang_2021_self_evaluation_title_rows": docx_title_rows(songjiang, landscape=False),
            "songjiang_2021_self_evaluation_title_rows_landscape": docx_title_rows(songjiang, landscape=True),
        }
        for stem, doc in docs.items():
            path = OUT / f"{stem}.docx"
            doc.save(str(path))
            normalize_zip(path)

        books = {
            "minhang_2022_self_evaluation_sheet_per_form": xlsx_sheet_per_form(minhang),
            "songjiang_2021_self_evaluation_stacked": xlsx_stacked(songjiang),
        }
        for stem, wb in books.items():
            set_workbook_dates(wb)
            wb.save(work / f"{stem}.xlsx")
            normalize_zip(work / f"{stem}.xlsx")
        # (iii) formulas straight from openpyxl: no cached values
        uncached = OUT / "minhang_2022_self_evaluation_sheet_per_form_uncached.xlsx"
        shutil.copyfile(work / "minhang_2022_self_evaluation_sheet_per_form.xlsx", uncached)

        timings = {}
        timings["pdf"] = soffice("pdf", [OUT / f"{s}.docx" for s in docs], work, profile)
        for stem in docs:
            shutil.move(work / f"{stem}.pdf", OUT / f"{stem}.pdf")
            normalize_pdf(OUT / f"{stem}.pdf")
        resaved = work / "resaved"
        resaved.mkdir()
        timings["xlsx"] = soffice("xlsx", [work / f"{s}.xlsx" for s in books], resaved, profile)
        for stem in books:
            shutil.move(resaved / f"{stem}.xlsx", OUT / f"{stem}.xlsx")
            normalize_zip(OUT / f"{stem}.xlsx")
        sheet_per_form = OUT / "minhang_2022_self_evaluation_sheet_per_form.xlsx"
        timings["xls"] = soffice("xls", [sheet_per_form], work, profile)
        shutil.move(work / f"{sheet_per_form.stem}.xls", OUT / f"{sheet_per_form.stem}.xls")
        table_per_form = OUT / "songjiang_2021_self_evaluation_table_per_form.docx"
        timings["doc"] = soffice("doc", [table_per_form], work, profile)
        shutil.move(work / f"{table_per_form.stem}.doc", OUT / f"{table_per_form.stem}.doc")

        # 青浦 2020 (its own scored layout): Word, its PDF, and a workbook re-saved with cached values
        qp_stem = "qingpu_2020_self_evaluation"
        qp_docx = OUT / f"{qp_stem}.docx"
        docx_qingpu(qingpu).save(str(qp_docx))
        normalize_zip(qp_docx)
        qp_book = xlsx_qingpu(qingpu)
        set_workbook_dates(qp_book)
        qp_book.save(work / f"{qp_stem}.xlsx")
        normalize_zip(work / f"{qp_stem}.xlsx")
        timings["qingpu pdf"] = soffice("pdf", [qp_docx], work, profile)
        shutil.move(work / f"{qp_stem}.pdf", OUT / f"{qp_stem}.pdf")
        normalize_pdf(OUT / f"{qp_stem}.pdf")
        timings["qingpu xlsx"] = soffice("xlsx", [work / f"{qp_stem}.xlsx"], resaved, profile)
        shutil.move(resaved / f"{qp_stem}.xlsx", OUT / f"{qp_stem}.xlsx")
        normalize_zip(OUT / f"{qp_stem}.xlsx")

    total = sum(p.stat().st_size for p in OUT.iterdir())
    for path in sorted(OUT.iterdir()):
        print(f"{path.stat().st_size:>9,}  {path.name}")
    print(f"{total:>9,}  bytes in {OUT.relative_to(HERE.parent.parent.parent)}")
    print("soffice seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
