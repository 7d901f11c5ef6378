"""dashboard.charts: the right traces, unit-naming titles, Chinese axes, one colour per district."""

from __future__ import annotations

import re
from decimal import Decimal

import plotly.graph_objects as go
import polars as pl
import pytest

from dashboard import charts, money, queries
from dashboard.queries import Filters

CJK = re.compile(r"[\u4e00-\u9fff]")
SONGJIANG = charts.DISTRICT_COLORS["松江"]


def _title(fig: go.Figure) -> str:
    """The title as read: its first line and the subtitle (unit, scope) under it."""
    return (fig.layout.title.text or "") + (fig.layout.title.subtitle.text or "")


def _axis_titles(fig: go.Figure) -> tuple[str, str]:
    return (fig.layout.xaxis.title.text or "", fig.layout.yaxis.title.text or "")


def _assert_chinese_axes(fig: go.Figure) -> None:
    x, y = _axis_titles(fig)
    assert CJK.search(x), f"x axis title not Chinese: {x!r}"
    assert CJK.search(y), f"y axis title not Chinese: {y!r}"


def _colour_of(trace, index: int | None = None) -> str:
    colour = trace.marker.color if trace.marker is not None else None
    if colour is None and getattr(trace, "line", None) is not None:
        colour = trace.line.color
    if isinstance(colour, list | tuple):
        return colour[index or 0]
    return colour


# --- small hand-made frames (values in 元, Decimal like the warehouse) ---------------------

HEAD = pl.DataFrame(
    {
        "district": ["松江", "青浦"],
        "year": [2020, 2020],
        "total_expenditure_yuan": [Decimal("39840500.00"), Decimal("46387300.00")],
        "basic_yuan": [Decimal("20268100.00"), Decimal("11542900.00")],
        "project_yuan": [Decimal("19572400.00"), Decimal("34844500.00")],
    },
    schema_overrides={c: pl.Decimal(18, 2) for c in ("total_expenditure_yuan", "basic_yuan", "project_yuan")},
)

PROJECTS = pl.DataFrame(
    {
        "district": ["闵行", "松江", "松江", "青浦"],
        "year": [2022, 2021, 2020, 2020],
        "project_name": ["公共安全隐患举报奖励", "窗口业务管理", "宣传与推广", "台式电脑"],
        "budget_initial_yuan": [Decimal("20000.00"), Decimal("3596500.00"), Decimal("712723.00"), None],
        "budget_full_year_yuan": [
            Decimal("950.00"),
            Decimal("802257.18"),
            Decimal("712723.00"),
            Decimal("0"),
        ],
        "executed_yuan": [Decimal("500.00"), Decimal("802257.18"), Decimal("712723.00"), Decimal("0")],
        "rate": [0.5264, 1.0, 1.0, None],
        "score_total": [Decimal("95.26"), Decimal("98"), Decimal("86"), Decimal("96")],
    },
    schema_overrides={
        "budget_initial_yuan": pl.Decimal(18, 2),
        "budget_full_year_yuan": pl.Decimal(18, 2),
        "executed_yuan": pl.Decimal(18, 2),
        "score_total": pl.Decimal(9, 2),
    },
)


def test_headline_bars():
    fig = charts.headline_bars(HEAD)
    assert [t.type for t in fig.data] == ["bar", "bar"]
    assert [t.name for t in fig.data] == ["基本支出", "项目支出"]
    assert "万元" in _title(fig)
    _assert_chinese_axes(fig)
    assert "万元" in _axis_titles(fig)[1]
    basic = fig.data[0]
    assert list(basic.x) == ["松江 2020", "青浦 2020"]
    assert basic.y[0] == pytest.approx(2026.81)  # 2,026.81 万元
    assert fig.data[1].y[1] == pytest.approx(3484.45)
    assert _colour_of(basic, 0) == SONGJIANG
    assert _colour_of(fig.data[1], 0) == SONGJIANG
    assert _colour_of(basic, 1) == charts.DISTRICT_COLORS["青浦"]
    assert fig.layout.barmode == "stack"


def test_execution_box_one_trace_per_district_in_percent():
    fig = charts.execution_box(PROJECTS)
    assert [t.type for t in fig.data] == ["box"] * 3
    assert [t.name for t in fig.data] == ["闵行", "松江", "青浦"]
    assert "%" in _title(fig)
    _assert_chinese_axes(fig)
    minhang = fig.data[0]
    assert minhang.y[0] == pytest.approx(52.64)
    assert _colour_of(fig.data[1]) == SONGJIANG


def test_score_distribution_and_strip():
    hist = charts.score_distribution(PROJECTS)
    assert [t.type for t in hist.data] == ["histogram"] * 3
    assert "分" in _title(hist)
    _assert_chinese_axes(hist)
    assert _colour_of(next(t for t in hist.data if t.name == "松江")) == SONGJIANG

    strip = charts.score_strip(PROJECTS, "district")
    assert [t.name for t in strip.data] == ["闵行", "松江", "青浦"]
    assert "分" in _title(strip)
    _assert_chinese_axes(strip)
    assert _colour_of(strip.data[1]) == SONGJIANG
    by_year = charts.score_strip(PROJECTS, "year")
    assert sorted(t.name for t in by_year.data) == ["2020", "2021", "2022"]
    assert by_year.layout.xaxis.title.text == "年度"


def test_budget_scatter_flags_under_execution_on_log_axes():
    fig = charts.budget_scatter(PROJECTS, 0.9)
    names = [t.name for t in fig.data]
    # Every colour (district) and both symbols are in the legend.
    assert names[-1] == "全额执行线"
    assert {"闵行区 · 执行率低于 90%", "松江区 · 执行正常"} <= set(names[:-1])
    assert all(" · " in n for n in names[:-1])
    under = next(t for t in fig.data if t.name == "闵行区 · 执行率低于 90%")
    assert list(under.text) == ["公共安全隐患举报奖励（闵行 2022）"] and under.marker.symbol == "x"
    assert "万元" in _title(fig)
    _assert_chinese_axes(fig)
    assert fig.layout.xaxis.type == "log" and fig.layout.xaxis.dtick == 1
    # a log axis cannot draw 0: the reference line must stay positive
    assert min(fig.data[-1].x) > 0 and min(fig.data[-1].y) > 0
    normal = next(t for t in fig.data if t.name == "松江区 · 执行正常")
    assert "窗口业务管理（松江 2021）" in list(normal.text) and normal.marker.color == SONGJIANG


def test_budget_dumbbell():
    fig = charts.budget_dumbbell(PROJECTS)
    markers = [t for t in fig.data if t.mode == "markers"]
    assert [t.name for t in markers] == ["年初预算数", "全年预算数", "全年执行数"]
    assert markers[0].x[1] == pytest.approx(359.65)  # 3,596,500 元 = 359.65 万元
    assert "万元" in _title(fig)
    _assert_chinese_axes(fig)


def test_trend_lines_keep_district_colours():
    df = pl.DataFrame(
        {
            "district": ["松江", "松江", "闵行"],
            "year": [2020, 2021, 2022],
            "avg_score": [90.78, 99.6, 99.53],
        }
    )
    fig = charts.trend(df, "avg_score", "绩效自评平均分（分）按年度", "平均分（分）", in_wan=False)
    assert [t.name for t in fig.data] == ["松江", "闵行"]
    assert [t.type for t in fig.data] == ["scatter", "scatter"]
    assert fig.data[0].line.color == SONGJIANG
    assert list(fig.data[0].y) == [90.78, 99.6]
    assert _axis_titles(fig) == ("年度", "平均分（分）")
    money = charts.trend(HEAD, "total_expenditure_yuan", "支出（万元）", "金额（万元）")
    assert money.data[0].y[0] == pytest.approx(3984.05)


def test_project_waterfall_steps_end_at_executed():
    # 公共安全隐患举报奖励: 年初 20000.00, 全年 950.00, 执行 500.00 (元)
    fig = charts.project_waterfall(Decimal("20000.00"), Decimal("950.00"), Decimal("500.00"))
    (trace,) = fig.data
    assert trace.type == "waterfall"
    assert list(trace.x) == ["年初预算数", "预算调整", "全年预算数", "未执行", "全年执行数"]
    assert list(trace.measure) == ["absolute", "relative", "total", "relative", "total"]
    # in 万元 like the cards above it (issue 19.6), the form's 元 in the hover
    assert list(trace.y) == pytest.approx([2.0, -1.905, 0.095, -0.045, 0.05])
    assert list(trace.customdata) == pytest.approx([20000.0, -19050.0, 950.0, -450.0, 500.0])
    assert "（万元）" in _title(fig) and "元）<extra>" in trace.hovertemplate
    _assert_chinese_axes(fig)
    # without 全年预算数 the executed bar is its own value, not a running total of 年初预算数
    partial = charts.project_waterfall(Decimal("100"), None, Decimal("80"))
    assert list(partial.data[0].measure) == ["absolute", "absolute"]


# --- charts over real query frames -------------------------------------------------------


def test_class_shares_over_the_warehouse(con, everything):
    df = queries.spending_by_class(con, everything)
    fig = charts.class_shares(df)
    assert {t.type for t in fig.data} == {"bar"}
    assert "城乡社区支出" in [t.name for t in fig.data]
    assert "%" in _title(fig)
    _assert_chinese_axes(fig)
    urban = next(t for t in fig.data if t.name == "城乡社区支出")
    assert urban.x[list(urban.y).index("松江 2020")] == pytest.approx(93.56, abs=0.01)


def test_basic_vs_project_and_three_public(con, everything):
    bp = charts.basic_vs_project(queries.basic_vs_project(con, everything))
    assert [t.name for t in bp.data] == ["基本支出", "项目支出"]
    assert "万元" in _title(bp)
    _assert_chinese_axes(bp)
    basic = bp.data[0]
    assert basic.y[list(basic.x).index("松江 2020")] == pytest.approx(2026.81)
    assert _colour_of(basic, list(basic.x).index("松江 2020")) == SONGJIANG

    # One document at a time (支出结构): the axis names the items, long ones on two lines.
    qingpu = queries.three_public(con, Filters(districts=("青浦",), years=(2020,), kinds=("final_accounts",)))
    tp = charts.three_public(qingpu)
    assert [t.name for t in tp.data] == ["预算数", "决算数"]
    assert "万元" in _title(tp)
    _assert_chinese_axes(tp)
    labels = list(tp.data[1].x)
    assert tp.data[1].y[labels.index("合计")] == pytest.approx(1.99)
    assert "公务用车购置及<br>运行维护费" in labels
    assert _colour_of(tp.data[0], 0) == charts.DISTRICT_COLORS["青浦"]
    budget = charts.three_public(qingpu, final=False)  # a 预算 has no 决算数 to draw
    assert [t.name for t in budget.data] == ["预算数"] and "决算" not in _title(budget)


def test_treemap_and_sunburst(con, everything):
    # songjiang 2020 支出决算表 (lines 425-440): 208 → 20805 → 2080505 机关事业单位基本养老保险缴费支出 99.08
    tree = queries.functional_tree(con, Filters(districts=("松江",), years=(2020,)))
    fig = charts.treemap(tree, "支出决算表：功能分类 类 → 款 → 项（万元）")
    (trace,) = fig.data
    assert trace.type == "treemap"
    ids = list(trace.ids)
    assert trace.parents[ids.index("208")] == "合计" and trace.parents[ids.index("合计")] == ""
    assert trace.parents[ids.index("20805")] == "208"
    assert trace.parents[ids.index("2080505")] == "20805"
    assert trace.values[ids.index("2080505")] == pytest.approx(99.08)
    assert "万元" in _title(fig)
    sun = charts.economic_sunburst(queries.economic_basic(con, everything))
    assert sun.data[0].type == "sunburst"
    assert "万元" in _title(sun)


def test_points_lost_and_narrative_items(con, everything):
    lost = queries.points_lost(con, Filters(districts=("松江",), years=(2021,)))
    fig = charts.points_lost(lost.filter(pl.col("points_lost") > 0))
    (trace,) = fig.data
    assert trace.type == "bar" and trace.orientation == "h"
    assert "产出指标 / 数量指标" in trace.y
    assert "分" in _title(fig)
    _assert_chinese_axes(fig)

    items = charts.narrative_items(queries.narrative_items(con, everything))
    assert [t.name for t in items.data] == ["年初预算", "支出决算"]
    assert "万元" in _title(items)
    _assert_chinese_axes(items)


def test_songjiang_has_one_colour_everywhere(con, everything):
    """Every chart that colours by district gives 松江 the same colour, and no other district has it."""
    projects = queries.projects(con, everything, "self_evaluation").with_columns(
        rate=pl.coalesce("execution_rate", "execution_rate_computed")
    )
    seen: dict[str, set[str]] = {}

    def collect(fig: go.Figure) -> None:
        for trace in fig.data:
            colour = trace.marker.color if trace.marker is not None else None
            if colour is None and getattr(trace, "line", None) is not None:
                colour = trace.line.color
            if trace.name in charts.DISTRICT_COLORS and isinstance(colour, str):
                seen.setdefault(trace.name, set()).add(colour)
            if isinstance(colour, list | tuple):
                labels = trace.x if trace.type == "bar" else trace.text
                for label, c in zip(labels, colour, strict=True):
                    seen.setdefault(str(label)[:2], set()).add(c)

    collect(charts.headline_bars(HEAD))
    collect(charts.execution_box(projects))
    collect(charts.score_distribution(projects))
    collect(charts.score_strip(projects, "district"))
    collect(charts.budget_scatter(projects, 0.9))
    collect(charts.basic_vs_project(queries.basic_vs_project(con, everything)))
    collect(charts.three_public(queries.three_public(con, everything)))
    assert seen["松江"] == {SONGJIANG}
    assert seen["闵行"] == {charts.DISTRICT_COLORS["闵行"]}
    assert seen["青浦"] == {charts.DISTRICT_COLORS["青浦"]}
    assert len({SONGJIANG, charts.DISTRICT_COLORS["闵行"], charts.DISTRICT_COLORS["青浦"]}) == 3


def test_district_colour_is_stable_for_unknown_districts():
    assert charts.district_color("浦东新") == charts.district_color("浦东新")
    assert charts.district_color("松江") == SONGJIANG


def test_fmt_wan_and_has_data():
    assert money.wan_text(Decimal("39840500.00")) == "3,984.05 万元"
    assert money.wan_text(None) == "—"
    assert not charts.has_data(pl.DataFrame())
    assert not charts.has_data(pl.DataFrame({"a": [None]}), "a")
    assert charts.has_data(HEAD, "basic_yuan")


def _assert_children_fit(trace) -> None:
    """Plotly draws nothing for branchvalues='total' when children outgrow their parent."""
    ids, parents, values = list(trace.ids), list(trace.parents), list(trace.values)
    assert trace.branchvalues == "total"
    for i, node in enumerate(ids):
        kids = [values[j] for j, p in enumerate(parents) if p == node]
        assert sum(kids) <= values[i], (node, values[i], sum(kids))
    assert set(parents) - {""} <= set(ids), "a parent that is not a node hides its subtree"


def test_hierarchy_charts_draw_non_additive_printed_tables(con, everything):
    # qingpu lines 750-755: 310 资本性支出 13.39, yet 31002 13.39 + 31007 482.20 below it
    eco = queries.economic_basic(con, Filters(districts=("青浦",)))
    fig = charts.economic_sunburst(eco)
    (trace,) = fig.data
    _assert_children_fit(trace)
    ids = list(trace.ids)
    assert trace.customdata[ids.index("310")] == pytest.approx(13.39)  # the printed figure, in hover
    assert trace.values[ids.index("310")] >= 13.39 + 482.20
    assert any("310" in a.text for a in fig.layout.annotations)

    for statement in (queries.T3, queries.T5):
        tree = charts.treemap(queries.functional_tree(con, everything, statement), statement)
        _assert_children_fit(tree.data[0])
    _assert_children_fit(charts.economic_sunburst(queries.economic_basic(con, everything)).data[0])


def test_hierarchy_rounding_is_not_reported_as_a_mismatch():
    df = pl.DataFrame(
        {
            "code": ["210", "21011", "2101101", "2101102"],
            "name": ["卫生健康支出", "行政事业单位医疗", "行政单位医疗", "事业单位医疗"],
            "level": [1, 2, 3, 3],
            "parent": [None, "210", "21011", "21011"],
            "amount_yuan": [Decimal("1105300"), Decimal("1105300"), Decimal("535600"), Decimal("569800")],
        },
        schema_overrides={"amount_yuan": pl.Decimal(18, 2)},
    )
    fig = charts.treemap(df, "支出决算表（万元）")
    _assert_children_fit(fig.data[0])
    assert not fig.layout.annotations  # 53.56 + 56.98 = 110.54 vs 110.53 printed: rounding


def test_budget_dumbbell_reads_top_down_on_a_log_axis():
    fig = charts.budget_dumbbell(PROJECTS.filter(pl.col("budget_full_year_yuan") > 0))
    assert fig.layout.yaxis.autorange == "reversed"
    assert fig.layout.xaxis.type == "log"  # 500 元 … 3,596,500 元


def test_a_clicked_scatter_point_names_its_project():
    from dashboard import ui

    ids = PROJECTS.with_columns(project_id=pl.Series(["p-minhang", "p-a", "p-b", "p-c"]))
    fig = charts.budget_scatter(ids, 0.9)
    under = next(t for t in fig.data if t.name == "闵行区 · 执行率低于 90%")
    point = {"curve_number": 0, "point_index": 0, "customdata": list(under.customdata[0])}
    assert ui.picked_project({"selection": {"points": [point]}}) == "p-minhang"
    assert ui.picked_project({"selection": {"points": []}}) is None
    assert ui.picked_project(None) is None


def test_same_name_projects_are_two_rows_of_the_dumbbell_and_each_opens_its_own():
    twins = PROJECTS.head(2).with_columns(
        project_name=pl.lit("党建经费"),
        district=pl.lit("松江"),
        year=pl.lit(2021),
        unit=pl.Series(["城市运行管理中心", "行政服务中心"]),
        project_id=pl.Series(["p-1", "p-2"]),
    )
    fig = charts.budget_dumbbell(twins)
    marks = fig.data[0]
    assert list(marks.y) == [
        "党建经费（松江 2021） · 城市运行管理中心",
        "党建经费（松江 2021） · 行政服务中心",
    ]
    assert list(marks.customdata) == ["p-1", "p-2"]


def test_a_clicked_bar_names_the_district_year_and_its_one_department():
    from dashboard import ui

    head = HEAD.with_columns(final_departments=pl.Series([["上海市松江区城市运行管理中心"], ["甲", "乙"]]))
    fig = charts.headline_bars(head)
    basic = fig.data[0]
    assert [list(c) for c in basic.customdata] == [
        ["松江", "2020", "上海市松江区城市运行管理中心"],
        ["青浦", "2020", ""],  # two departments: the bar opens the district-year, not one of them
    ]
    assert ui.picked({"selection": {"points": [{"customdata": list(basic.customdata[1])}]}}) == [
        "青浦",
        "2020",
        "",
    ]


def test_money_axes_read_in_thousands_separators_not_si_suffixes():
    fig = charts.headline_bars(HEAD)  # 金额（万元）: 2,026.81 … would be ticked '2k' by default
    assert fig.layout.yaxis.tickformat == ",~r"
    log = charts.budget_scatter(PROJECTS.with_columns(project_id=pl.lit("p")), 0.9)
    assert log.layout.xaxis.tickformat == ",~g"  # a log axis keeps its own powers-of-ten labels


def test_a_large_group_sends_its_box_statistics_and_outliers_not_every_point():
    """Above MAX_BOX_POINTS the browser gets five numbers and the outliers (each still opens its project)."""
    n = charts.MAX_BOX_POINTS + 100
    rates = [0.9] * (n - 2) + [0.1, 0.95]  # quartiles all 90 %: both others lie outside the fences
    df = pl.DataFrame(
        {
            "district": ["松江"] * n,
            "year": [2021] * n,
            "project_name": [f"项目{i}" for i in range(n)],
            "project_id": [f"p{i}" for i in range(n)],
            "rate": rates,
        }
    )
    fig = charts.execution_box(df)
    box, points = fig.data
    assert box.type == "box" and box.y is None and box.boxpoints is False
    assert (box.q1[0], box.median[0], box.q3[0]) == (90.0, 90.0, 90.0)
    assert list(points.y) == [pytest.approx(10.0), pytest.approx(95.0)]
    assert list(points.customdata) == [f"p{n - 2}", f"p{n - 1}"]
