"""A table's heading (title, 编制单位, 单位) ruled into the first rows of its grid.

The 2025 单位预算 of 普陀区商务委员会 prints its 财政拨款收支预算总表 this way (p.14): a blank
row, the title merged across, a blank row, 编制单位 … 单位：元, a blank row, then the header.
Tiny hand-written grids (tests/etl/test_template_tables_grids.py builds them) test the
variants the real file does not print: a title wrapped onto a second row, a unit split over
two rows ('单位：万' / '元').
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from etl.model import ParseResult
from etl.parsers import template_tables
from etl.readers.model import Document
from tests.etl.test_template_tables_grids import document
from tests.realdocs import outcome

UNIT_BUDGET = ("上海市普陀区2025年单位预算", "预算单位：上海市普陀区某某委员会")
BLANK7 = [""] * 7
TWO_SIDED = [
    BLANK7,
    ["2025年预算单位财政拨款收支预算总表", "<", "<", "<", "<", "<", ""],
    BLANK7,
    ["编制单位：上海市普陀区某某委员会", "<", "<", "", "", "", "单位：元"],
    BLANK7,
    ["财政拨款收入", "<", "财政拨款支出", "<", "<", "<", "<"],
    ["项目", "预算数", "项目", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"],
    ["一、一般公共预算资金", "1,200.00", "一、一般公共服务支出", "1,000.00", "1,000.00", "", ""],
    ["二、政府性基金", "", "二、科学技术支出", "200.00", "200.00", "", ""],
    BLANK7,
    BLANK7,
    ["收入总计", "1,200.00", "支出总计", "1,200.00", "1,200.00", "", ""],
]


def _read(doc: Document) -> tuple[ParseResult, list[tuple[str | None, str, str, Decimal, str, bool]]]:
    result = template_tables.parse(doc)
    lines = [(ln.side, ln.name, ln.measure, ln.amount, ln.unit, ln.is_total) for ln in result.budget_lines]
    return result, lines


def test__heading_in_grid__title_preparer_and_unit_rows_then_the_figures() -> None:
    result, lines = _read(document(TWO_SIDED, cover=UNIT_BUDGET))
    assert {ln.statement for ln in result.budget_lines} == {"预算单位财政拨款收支预算总表"}
    assert result.tables_found == ["财政拨款收支预算总表"]
    assert sorted(lines) == sorted(
        [
            ("收入", "一、一般公共预算资金", "预算数", Decimal("1200.00"), "元", False),
            ("收入", "收入总计", "预算数", Decimal("1200.00"), "元", True),
            ("支出", "一、一般公共服务支出", "合计", Decimal("1000.00"), "元", False),
            ("支出", "一、一般公共服务支出", "一般公共预算", Decimal("1000.00"), "元", False),
            ("支出", "二、科学技术支出", "合计", Decimal("200.00"), "元", False),
            ("支出", "二、科学技术支出", "一般公共预算", Decimal("200.00"), "元", False),
            ("支出", "支出总计", "合计", Decimal("1200.00"), "元", True),
            ("支出", "支出总计", "一般公共预算", Decimal("1200.00"), "元", True),
        ]
    )
    checks = {c.check for c in result.checks}
    assert not checks & {
        "table_unrecognised",
        "table_unit_missing",
        "header_not_understood",
        "row_not_placed",
    }


def test__heading_in_grid__rows_counted_up_to_the_header() -> None:
    heading = template_tables.grid_heading(document(TWO_SIDED, cover=UNIT_BUDGET).tables[0])
    # blank, title, blank, 编制单位 | 单位：元; the blank row before the header is the header's
    assert heading.rows == 4
    assert heading.unit == "元"
    assert heading.titles == [("2025年预算单位财政拨款收支预算总表", 1)]


def test__heading_in_grid__title_wrapped_onto_two_rows_and_unit_split_over_two() -> None:
    doc = document(
        [
            ["2025年预算单位一般公共预算", "<", "<", "<", "<"],
            ["支出功能分类预算表", "<", "<", "<", "<"],
            ["编制单位：上海市普陀区某某委员会", "<", "<", "", "单位：万"],
            ["", "", "", "", "元"],
            ["功能分类科目编码", "功能分类科目名称", "合计", "基本支出", "项目支出"],
            ["201", "一般公共服务支出", "12.50", "10.00", "2.50"],
            ["合计", "<", "12.50", "10.00", "2.50"],
        ],
        cover=UNIT_BUDGET,
    )
    result = template_tables.parse(doc)
    assert [
        (ln.statement, ln.code, ln.name, ln.measure, ln.amount, ln.unit) for ln in result.budget_lines
    ] == [
        ("预算单位一般公共预算支出功能分类预算表", "201", "一般公共服务支出", m, Decimal(a), "万元")
        for m, a in (("合计", "12.50"), ("基本支出", "10.00"), ("项目支出", "2.50"))
    ] + [
        ("预算单位一般公共预算支出功能分类预算表", None, "合计", m, Decimal(a), "万元")
        for m, a in (("合计", "12.50"), ("基本支出", "10.00"), ("项目支出", "2.50"))
    ]
    assert "table_unit_missing" not in {c.check for c in result.checks}


def test__heading_in_grid__blank_rows_without_a_heading_are_not_skipped() -> None:
    table = document(
        [
            ["", "", ""],
            ["科目编码", "科目名称", "合计"],
            ["201", "一般公共服务支出", "1.00"],
        ]
    ).tables[0]
    assert template_tables.grid_heading(table).rows == 0


def test__heading_in_grid__a_header_row_is_never_taken_for_a_heading() -> None:
    table = document(
        [
            ["2024年支出决算表", "<", "<"],
            ["项目", "<", "本年支出"],
            ["科目编码", "科目名称", "合计"],
            ["201", "一般公共服务支出", "1.00"],
        ]
    ).tables[0]
    heading = template_tables.grid_heading(table)
    assert (heading.rows, heading.unit) == (1, None)


@pytest.mark.parametrize(
    ("name", "lines"),
    [
        ("putuo_commerce_commission_2025_unit_budget.pdf", 298),  # 280 + the 18 figures of p.14
        ("putuo_commerce_commission_2025_department_budget.pdf", 285),
        ("putuo_finance_bureau_2024_final_accounts.pdf", 193),
        ("putuo_justice_bureau_2026_department_budget.pdf", 360),
        ("putuo_wanli_subdistrict_2023_department_budget.pdf", 632),
        ("putuo_wanli_subdistrict_2024_department_budget.pdf", 869),
    ],
)
def test__real_documents__every_table_found_and_read_as_before(name: str, lines: int) -> None:
    doc = outcome(name)["document"]
    assert (doc["status"], doc["tables_found"], doc["tables_expected"]) == ("ok", 9, 9)
    assert doc["n_budget_lines"] == lines
