"""The review's defects (issue 19), each as an official meets it in chromium on the seed corpus.

Every journey reads what the browser draws — the address bar, the text, a Plotly figure's own
data — not the app's Python state.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from tests.e2e.conftest import MAIN, act, assert_clean, settle, shows
from tests.e2e.test_journeys import open_app

QINGPU_2020 = "qingpu_government_service_office_2020_final_accounts.txt"
# the title as drawn, without the bold the app's theme wraps it in
FIGURES = "els => els.map(e => ({title: e._fullLayout.title.text.replace(/<\\/?b>/g, ''), data: e.data}))"


def figures(pg) -> list[dict]:
    return pg.locator(".js-plotly-plot").evaluate_all(FIGURES)


def test__19_1_a_structure_link_names_its_document(page, server) -> None:
    open_app(page, server, "structure", f"st_doc={QINGPU_2020}")
    shows(page, "青浦区 · 政务服务办公室 · 2020 年度 · 部门决算")
    assert_clean(page, "structure")
    # the address an official shares names the file, never a place in the list ('st_doc=2')
    assert parse_qs(urlparse(page.url).query)["st_doc"] == [QINGPU_2020]


def test__19_10_structure_table_and_the_drill_in_the_link(page, server) -> None:
    open_app(page, server, "structure", f"st_doc={QINGPU_2020}")
    shows(page, "占合计", "占上级")  # the 类/款/项 table beside the treemap
    tree = next(f for f in figures(page) if f["data"][0].get("type") == "treemap")
    assert tree["data"][0]["ids"][0] == "合计" and tree["data"][0]["customdata"][0] > 0  # no '-- 万元'
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text="下钻到类")
    act(page, box.click)
    act(page, lambda: page.get_by_role("option").nth(1).click())
    assert parse_qs(urlparse(page.url).query).get("st_class"), page.url


def test__19_2_the_narrative_chart_names_whole_items_of_a_final_account(page, server) -> None:
    open_app(page, server, "execution")
    # the 说明 chart is a tab of its own: the official opens it (one chart drawn at a time)
    act(page, page.get_by_role("tab", name="部门决算说明：年初预算与支出决算").click)
    assert "ex_view=" in page.url  # the open tab is in the link
    titles = [f["title"] for f in figures(page)]
    chart = next((f for f in figures(page) if f["title"].startswith("说明中的年初预算与支出决算")), None)
    assert chart is not None, titles
    final = next(t for t in chart["data"] if t["name"] == "支出决算")
    assert all(x is not None for x in final["x"])  # no 部门预算 item without a 决算 figure
    assert "普陀 2024：2010601<br>行政运行（项）" in final["y"]


def test__19_3_a_district_score_line_never_joins_two_departments(page, server) -> None:
    open_app(page, server, "compare_years")
    settle(page)
    titles = [f["title"] for f in figures(page)]
    scores = next((f for f in figures(page) if f["title"].startswith("绩效自评平均分")), None)
    assert scores is not None, titles
    names = [t["name"] for t in scores["data"]]
    assert "松江" not in names, names  # 城市运行管理中心 2020 and 行政服务中心 2021: no line between them
    shows(page, "未计入区的绩效自评得分趋势")


def test__19_4_a_given_year_is_one_some_district_holds(page, server) -> None:
    open_app(page, server, "compare_districts")
    act(page, lambda: page.get_by_text("指定年度", exact=True).click())
    shows(page, "指定年度 2024 年", "普陀区 部门决算", "松江区 无数据")


def test__19_5_overview_counts_budgets_and_says_no_final_accounts(page, server) -> None:
    open_app(page, server)
    shows(page, "部门预算支出合计", "部门预算：普陀区 · 司法局")
    assert "部门未识别" not in page.locator(MAIN).inner_text()


def test__19_6_and_7_units_said_and_no_internals_in_a_download(page, server) -> None:
    open_app(page, server, "download", "district=普陀")
    shows(page, "金额单位：元")
    with page.expect_download() as info:
        page.get_by_role("button", name=re.compile("下载 CSV")).click()
    name = info.value.suggested_filename
    assert name.startswith("项目-普陀-") and name.endswith(".csv"), name  # the file says its filter
    header = info.value.path().read_text(encoding="utf-8-sig").splitlines()[0]
    assert "项目编号" not in header and "其他信息" in header


def test__19_11_this_years_budget_against_last_years_final(page, server) -> None:
    open_app(page, server, "budget")
    shows(page, "本年预算与上年决算（同一部门、相邻年度）")
    settle(page)
    assert_clean(page, "budget")


# Every text a Plotly figure draws outside its legend (tick labels, axis titles, bar texts), and the
# legend's own entries, as boxes on the page: a legend entry on top of a label is the defect.
LABEL_BOXES = """fig => {
  const box = e => { const r = e.getBoundingClientRect(); return {x0: r.left, y0: r.top, x1: r.right, y1: r.bottom}; };
  const labels = [...fig.querySelectorAll('.xtick text, .ytick text, .g-xtitle text, .g-ytitle text, text.bartext')]
    .filter(e => e.textContent.trim()).map(e => ({text: e.textContent, ...box(e)}));
  const legend = [...fig.querySelectorAll('.legend .traces')].map(e => ({text: e.textContent, ...box(e)}));
  return {labels, legend};
}"""


def _overlap(a: dict, b: dict) -> bool:
    return a["x0"] < b["x1"] - 1 and b["x0"] < a["x1"] - 1 and a["y0"] < b["y1"] - 1 and b["y0"] < a["y1"] - 1


def test__19_8_at_400_px_no_legend_entry_covers_a_label(page, server) -> None:
    """总览's bar labels (rotated '2024 普陀区 · 财政局') ran under the legend placed below the plot."""
    page.set_viewport_size({"width": 400, "height": 2400})
    for path in ("", "execution", "scores"):
        open_app(page, server, path)
        drawn = page.locator(".js-plotly-plot").evaluate_all(f"figs => figs.map({LABEL_BOXES})")
        assert any(d["legend"] and d["labels"] for d in drawn), path  # a legend to judge
        for d in drawn:
            hit = [(e["text"], t["text"]) for e in d["legend"] for t in d["labels"] if _overlap(e, t)]
            assert not hit, (path or "overview", hit)
