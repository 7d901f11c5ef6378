"""Presence (VALIDATION.md families 1 and 7): every table the 目录 lists is in the body, the
template's table set is complete, empty fund tables are marked as such, no blank table
pages. The layout parsers find the tables (and report ``table_missing`` / ``table_empty``
as they look); the registry entries for those findings live here with the family.
"""

from __future__ import annotations

from etl.model import Check
from etl.normalize import NormalizedDocument
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
)


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


def checks(doc: NormalizedDocument) -> list[Check]:
    return blank_page_checks(doc)
