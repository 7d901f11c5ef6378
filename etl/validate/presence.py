"""Presence (VALIDATION.md families 1 and 7): every table the 目录 lists is in the body, the
template's table set is complete, empty fund tables are marked as such, no blank table
pages. The layout parsers find the tables (and report ``table_missing`` / ``table_empty``
as they look); the registry entries for those findings live here with the family.
A document of which no figure was read says why (its tables carry none; its text holds one
cell a line): such a document is never ``ok``.
"""

from __future__ import annotations

import re

from etl.model import Check
from etl.normalize import NormalizedDocument
from etl.templates import match_title, vocabulary
from etl.validate.index import LineIndex
from etl.validate.spec import CheckSpec

SPECS = (
    CheckSpec(
        "table_missing",
        "presence",
        "error",
        "应公开的表格缺失",
        "目录列出（或模板要求）的表格在正文中没有找到",
    ),
    CheckSpec(
        "table_empty",
        "presence",
        "info",
        "空表",
        "表格已公开但没有填列金额（如无政府性基金、国有资本经营预算收支）",
    ),
    CheckSpec(
        "statement_empty_with_note",
        "presence",
        "info",
        "空表已说明",
        "表格无数据，表后附有“本表无数据”之类的说明",
    ),
    CheckSpec(
        "statement_empty_without_note",
        "presence",
        "warning",
        "空表未作说明",
        "表格没有任何数字，表后也没有说明为何无数据",
    ),
    CheckSpec(
        "blank_table_page",
        "presence",
        "info",
        "多余的空表页",
        "某页只有表格框线、没有任何文字（多为目录后遗留的空白表页）",
    ),
    CheckSpec(
        "empty_fund_table_unexplained",
        "presence",
        "warning",
        "空的基金表未作说明",
        "政府性基金、国有资本经营表为空时，表上或说明中是否写明本部门无此项收支",
    ),
    CheckSpec(
        "empty_fund_table_but_funded",
        "presence",
        "warning",
        "有基金收支却是空表",
        "财政拨款收支总表列有政府性基金（国有资本经营）支出时，对应的表不应为空",
    ),
    CheckSpec(
        "tables_without_figures",
        "presence",
        "warning",
        "报表均无金额",
        "找到的标准报表都没有填列金额（如未填写的模板），文件中没有读入任何数据",
    ),
    CheckSpec(
        "text_one_cell_per_line",
        "reading",
        "error",
        "文本每格一行，表格无法还原",
        "文本文件中表格的每个单元格各占一行（如从文档阅读器复制的文字），行与列无法还原，报表数据未读入",
    ),
    CheckSpec(
        "document_without_figures",
        "presence",
        "warning",
        "未读入任何数据",
        "文件中只读入了说明文字，没有读入任何报表金额、三公经费、项目或指标",
    ),
)
# A line that is one figure or code and nothing else ('96,282,213.44', '0.00', '201').
LONE_FIGURE_RE = re.compile(r"^[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
# A text is one cell a line when at least this many lines, and this share of its lines, are lone figures.
LONE_FIGURES_MIN = 20
LONE_FIGURES_SHARE = 0.10
# A table's figures seen and not read: its own error says why no figure came of it.
FIGURES_NOT_READ = frozenset(
    {
        "table_yielded_nothing",
        "header_not_understood",
        "row_not_placed",
        "row_not_aligned",
        "cell_not_understood",
        "code_not_understood",
        "figure_outside_columns",
    }
)
# The two fund tables: role, the fund's words in the fiscal summary's columns, the 说明 figures.
FUND_TABLES = (
    ("gov_fund", "政府性基金", ("gov_fund_expenditure", "gov_fund_expenditure_budget")),
    ("soe", "国有资本经营", ("soe_expenditure", "soe_expenditure_budget")),
)
# A note saying the table is empty on purpose ('本部门2026年无政府性基金预算…，故本表为空表').
EMPTY_NOTE_RE = vocabulary().empty_note


def blank_page_checks(doc: NormalizedDocument) -> list[Check]:
    """A page with ruling lines and no text at all: a leftover blank table page."""
    if doc.source is None:
        return []
    return [
        Check(
            "blank_table_page",
            "info",
            f"第{page.number}页只有表格框线、没有任何文字，是多余的空表页，建议删除",
            page=page.number,
            figure=f"第{page.number}页",
        )
        for page in doc.source.pages
        if page.blank_grid
    ]


def _title_pages(doc: NormalizedDocument, role: str) -> list[int]:
    """Pages whose prose, or a grid's title row (江苏 2017), names a table of this role (its title)."""
    if doc.source is None:
        return []
    pages = []
    for line in doc.source.lines:
        m = match_title(line.text) if line.kind in ("prose", "row") and len(line.text) < 80 else None
        if m is not None and m.template.role == role and line.page not in pages:
            pages.append(line.page)
    return pages


def fund_table_checks(doc: NormalizedDocument, idx: LineIndex) -> list[Check]:
    """An empty 政府性基金 / 国有资本经营 table says why; a funded one is not empty."""
    voc = vocabulary()
    out: list[Check] = []
    for role, fund, figure_keys in FUND_TABLES:
        found = [t for t in doc.tables_found if voc.role_of(t) == role]
        if not found or doc.source is None:
            continue
        empty = not any(r["role"] == role and r["amount_yuan"] for r in idx.rows)
        if not empty:
            continue
        pages = _title_pages(doc, role)
        page = pages[-1] if pages else None
        funded = [
            r
            for r in idx.side_rows("fiscal_summary", "支出")
            if fund in (r["measure"] or "") and r["is_total"] and r["amount_yuan"]
        ]
        name = found[0]
        if funded:
            r = funded[0]
            out.append(
                Check(
                    "empty_fund_table_but_funded",
                    "warning",
                    f"“{name}”是空表，但{idx.table_name('fiscal_summary')}“{r['measure']}”栏支出合计印为"
                    f"{r['amount_printed']}{r['unit_printed'] or ''}（第{r['source_page']}页）",
                    page=page,
                    statement=name,
                    figure=f"“{name}”空表" + (f"（第{page}页）" if page else ""),
                    compared=f"{r['amount_printed']}{r['unit_printed'] or ''}（{idx.table_name('fiscal_summary')}，第{r['source_page']}页）",
                )
            )
            continue
        notes = [
            ln
            for ln in doc.source.lines
            if ln.kind == "prose" and ln.page in pages and EMPTY_NOTE_RE.search(ln.text)
        ]
        stated_zero = any(f["key"] in figure_keys and f["value"] == 0 for f in doc.narrative_figures)
        if notes or stated_zero:
            continue
        out.append(
            Check(
                "empty_fund_table_unexplained",
                "warning",
                f"“{name}”"
                + (f"（第{page}页）" if page else "")
                + f"是空表，表上和说明中都没有写明本部门无{fund}预算收支",
                page=page,
                statement=name,
                figure=f"“{name}”空表",
            )
        )
    return out


def read_nothing(doc: NormalizedDocument) -> bool:
    """No figure of any kind was read: no budget line, 三公 line, project or indicator."""
    return not (doc.budget_lines or doc.three_public or doc.projects or doc.indicators)


def _one_cell_per_line(doc: NormalizedDocument) -> tuple[int, int] | None:
    """(lone figure lines, lines) of a text whose table cells stand one a line, else None."""
    if doc.source is None or not doc.source.is_text:
        return None
    lines = [ln.text.strip() for ln in doc.source.lines if ln.text.strip()]
    lone = sum(1 for t in lines if LONE_FIGURE_RE.match(t))
    if lone >= LONE_FIGURES_MIN and lone >= LONE_FIGURES_SHARE * len(lines):
        return lone, len(lines)
    return None


def nothing_read_checks(doc: NormalizedDocument) -> list[Check]:
    """Why a document of which no figure was read is not ``ok``: said once, in the official's words."""
    if doc.source is None or not read_nothing(doc):
        return []
    if (cells := _one_cell_per_line(doc)) is not None:
        lone, total = cells
        return [
            Check(
                "text_one_cell_per_line",
                "error",
                f"文件“{doc.source_file}”的文本每个单元格各占一行（{total} 行中有 {lone} 行只有一个数字，"
                "如从 PDF 阅读器复制所得），表格的行与列无法还原，报表数据未读入；请提供原件（PDF、Excel、Word）"
                "或保留制表符的表格文本",
                figure=f"{lone} 行只有一个数字",
            )
        ]
    if doc.tables_found and not any(c.check in FIGURES_NOT_READ for c in doc.checks):
        shown = "、".join(doc.tables_found[:3]) + ("等" if len(doc.tables_found) > 3 else "")
        return [
            Check(
                "tables_without_figures",
                "warning",
                f"文件中找到的 {len(doc.tables_found)} 张标准报表（{shown}）都没有填列金额"
                "（可能是未填写的模板或样表），没有读入任何数据",
                figure=f"{len(doc.tables_found)} 张报表无金额",
            )
        ]
    if doc.narrative_items or doc.narrative_figures:
        return [
            Check(
                "document_without_figures",
                "warning",
                "文件中只读入了说明文字，没有找到任何报表、三公经费表或绩效表，未读入任何报表数据",
            )
        ]
    return []


def checks(doc: NormalizedDocument, idx: LineIndex | None = None) -> list[Check]:
    return blank_page_checks(doc) + fund_table_checks(doc, idx or LineIndex(doc.budget_lines))
