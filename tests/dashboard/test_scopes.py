"""A department's 部门预算 and its own 单位预算 of one year are never added (issue 18): the pages
read the consolidated document; the unit's is kept, read and checked, out of the totals.

Figures typed from the pages: 上海市普陀区商务委员会 2025 部门预算 p.13 支出预算总表 合计
371,514,655.00 元 (基本支出 19,830,655.00, 项目支出 351,684,000.00); the 单位预算 prints the same.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from dashboard import db, queries
from etl.build import build
from etl.schema import frame
from tests.dashboard.conftest import as_read
from tests.dashboard.test_pages import open_page
from tests.realdocs import REAL

DEPARTMENT = "putuo_commerce_commission_2025_department_budget.pdf"
UNIT = "putuo_commerce_commission_2025_unit_budget.pdf"
COMMERCE = "上海市普陀区商务委员会"


_built: list[Path] = []  # the warehouse of ``both``, for the page tests


def _warehouse(tmp: Path, names: list[str]) -> duckdb.DuckDBPyConnection:
    raw = tmp / "raw"
    raw.mkdir()
    for name in names:
        shutil.copy(REAL / name, raw / name)
    build(raw, tmp / "wh", workers=1, cache_dir=False)
    return db.connect(db.current_snapshot(tmp / "wh").path)


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    tmp = tmp_path_factory.mktemp("both")
    _built.append(tmp / "wh")
    return _warehouse(tmp, [DEPARTMENT, UNIT])


def test_budget_of_a_department_year_is_its_printed_total_not_twice(both) -> None:
    summary = queries.budget_summary(both, queries.Filters(departments=(COMMERCE,), years=(2025,)))
    assert summary.height == 1
    row = summary.row(0, named=True)
    assert row["expenditure_yuan"] == Decimal("371514655.00")  # not 743,029,310
    assert row["basic_yuan"] == Decimal("19830655.00")
    assert row["project_yuan"] == Decimal("351684000.00")


def test_the_unit_document_is_kept_and_says_why_it_is_not_added(both) -> None:
    docs = both.sql("SELECT source_file, scope, in_totals, totals_via FROM documents ORDER BY 1").pl()
    assert docs.rows() == [(DEPARTMENT, "department", True, None), (UNIT, "unit", False, DEPARTMENT)]
    found = both.sql("SELECT source_file, message FROM checks WHERE \"check\" = 'scope_not_added'").pl()
    assert found["source_file"].to_list() == [UNIT]
    assert DEPARTMENT in found["message"][0] and "不与本文件相加" in found["message"][0]
    # every figure on the pages comes from one document
    files = both.sql(
        "SELECT DISTINCT source_file FROM budget_lines UNION SELECT source_file FROM three_public"
    ).pl()
    assert files["source_file"].to_list() == [DEPARTMENT]


def test_a_unit_document_alone_counts(tmp_path: Path) -> None:
    con = _warehouse(tmp_path, [UNIT])
    summary = queries.budget_summary(con, queries.Filters(departments=(COMMERCE,)))
    assert summary["expenditure_yuan"].to_list() == [Decimal("371514655.00")]


def test_three_public_of_a_unit_without_district_is_not_lost_in_a_join() -> None:
    con = duckdb.connect()
    who = {"source_file": "m.pdf", "district": None, "year": 2025, "department": "上海市某市级单位"}
    budget_lines = frame(  # noqa: F841 (DuckDB reads the frame by its name)
        "budget_lines",
        [{**who, "doc_kind": "budget", "template": queries.B3, "measure": "合计", "level": 0,
          "amount_yuan": Decimal("1000000.00")}],
    )  # fmt: skip
    three_public = frame(  # noqa: F841
        "three_public", [{**who, "doc_kind": "budget", "item": "合计", "budget_yuan": Decimal("25000.00")}]
    )
    con.execute("CREATE TABLE budget_lines AS SELECT * FROM budget_lines")
    con.execute("CREATE TABLE three_public AS SELECT * FROM three_public")
    summary = queries.budget_summary(con, queries.Filters())
    assert summary.select("district", "expenditure_yuan", "three_public_yuan").rows() == [
        (None, Decimal("1000000.00"), Decimal("25000.00"))
    ]


@pytest.mark.parametrize(
    "page", ["overview", "budget", "structure", "download", "compare_years", "compare_districts", "execution"]
)
def test_pages_that_add_figures_say_the_unit_document_is_left_out(both, page, monkeypatch) -> None:
    monkeypatch.setenv("BUDGET_WAREHOUSE", str(_built[0]))
    at = open_page(page)
    assert not at.exception, [e.value for e in at.exception]
    captions = as_read(" ".join(c.value for c in at.caption))
    assert "不与其所属单位的文件相加" in captions and UNIT in captions, captions


def test_this_years_budget_against_last_years_final_accounts() -> None:
    # issue 19.11: the natural pair (a 2025 部门预算 beside the 2024 决算) is offered, labelled by both years.
    con = duckdb.connect()
    who = {"source_file": "x", "district": "普陀", "department": "上海市普陀区某局", "level": 1}
    rows = [
        {**who, "year": 2024, "doc_kind": "final_accounts", "template": queries.T3, "measure": "本年支出合计",
         "code": "201", "name": "一般公共服务支出", "amount_yuan": Decimal("1000000.00")},
        {**who, "year": 2024, "doc_kind": "final_accounts", "template": queries.T3, "measure": "本年支出合计",
         "code": "208", "name": "社会保障和就业支出", "amount_yuan": Decimal("500000.00")},
        {**who, "year": 2025, "doc_kind": "budget", "template": queries.B3, "measure": "合计",
         "code": "201", "name": "一般公共服务支出", "amount_yuan": Decimal("1200000.00")},
        {**who, "year": 2025, "doc_kind": "budget", "template": queries.B3, "measure": "合计",
         "code": "210", "name": "卫生健康支出", "amount_yuan": Decimal("100000.00")},
        {**who, "department": "上海市普陀区另一局", "year": 2025, "doc_kind": "budget", "template": queries.B3,
         "measure": "合计", "code": "201", "name": "一般公共服务支出", "amount_yuan": Decimal("5.00")},
    ]  # fmt: skip
    budget_lines = frame("budget_lines", rows)  # noqa: F841 (DuckDB reads the frame by its name)
    con.execute("CREATE TABLE budget_lines AS SELECT * FROM budget_lines")
    got = queries.budget_against_last_final(con, queries.Filters(years=(2025,)))
    assert got.select(
        "department", "year", "final_year", "code", "budget_yuan", "last_final_yuan"
    ).rows() == [
        ("上海市普陀区某局", 2025, 2024, "201", Decimal("1200000.00"), Decimal("1000000.00")),
        ("上海市普陀区某局", 2025, 2024, "208", None, Decimal("500000.00")),
        ("上海市普陀区某局", 2025, 2024, "210", Decimal("100000.00"), None),
    ]
    first = got.row(0, named=True)
    assert first["change_yuan"] == Decimal("200000.00") and first["change_rate"] == pytest.approx(0.2)
    assert queries.budget_against_last_final(con, queries.Filters(years=(2024,))).is_empty()
