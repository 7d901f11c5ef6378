"""预算 vs 决算 in a real browser, on a department that has both for one year.

No published pair exists in the fixtures yet, so this file's own corpus is the synthetic
pair of 上海市黄浦区城市运行管理中心 2020: its 决算 as a Word file (万元) and its 预算 as an
Excel workbook (元), written by etl.synth_originals with the figures it records as truth
(the generator's, not the parser's). The server is this file's own, on a warehouse under tmp.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from etl.build import build
from etl.synth_originals import budget_xlsx, final_accounts_docx
from tests.e2e.conftest import assert_clean, screenshot, serving, settle, shows

FINAL, BUDGET = final_accounts_docx(0), budget_xlsx(0)


@pytest.fixture(scope="module")
def pair_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("pair")
    raw = root / "raw"
    raw.mkdir()
    for doc in (FINAL, BUDGET):
        (raw / doc.file_name).write_bytes(doc.data)
    warehouse = root / "warehouse"
    build(raw, warehouse, workers=1)
    with serving(warehouse, root / "streamlit.log", raw=raw) as url:
        yield url


def _wan(amount) -> str:
    """How the grid's text layer holds a figure (the canvas draws it as 2,899.14)."""
    return f"{amount:.2f}"


def test__budget_against_final_for_one_department_and_year(page, pair_server) -> None:
    assert (FINAL.district, FINAL.department, FINAL.year) == (BUDGET.district, BUDGET.department, BUDGET.year)
    final_201 = next(
        line.amount
        for line in FINAL.lines
        if line.statement == "支出决算表" and line.code == "201" and line.measure == "本年支出合计"
    )  # 万元, as the Word table prints it
    budget_201 = (
        sum(
            line.amount
            for line in BUDGET.lines
            if line.code == "201" and line.measure in ("基本支出", "项目支出")
        )
        / 10000
    )  # 元 in the workbook -> 万元
    page.goto(f"{pair_server}/budget")
    settle(page, since=0)
    shows(page, "预算与决算对照（同一部门、同一年度）", "黄浦区 · 城市运行管理中心 · 2020 年度")
    shows(page, "201", "一般公共服务支出", _wan(final_201), _wan(budget_201))
    # the workbook prints 基本支出 and 项目支出 columns only: 支出预算合计 is their sum
    basic = (
        sum(line.amount for line in BUDGET.lines if line.code is None and line.measure == "基本支出") / 10000
    )
    project = (
        sum(line.amount for line in BUDGET.lines if line.code is None and line.measure == "项目支出") / 10000
    )
    shows(page, _wan(basic + project))
    shows(page, "预算数（万元）", "支出决算（万元）", "差额（万元）", "执行率")  # Chinese headers, no "rate"
    assert "rate" not in page.locator('[data-testid="stMain"]').inner_text()
    assert_clean(page, "预算与决算")
    grid = page.locator('[data-testid="stDataFrame"]').last
    assert grid.is_visible()
    screenshot(page, "budget_vs_final")
