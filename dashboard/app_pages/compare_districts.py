"""区际比较: the same measure side by side for the districts."""

import streamlit as st

from dashboard import briefing_ui, charts, comparisons, queries, state, ui
from dashboard.safe_text import md

ctx = ui.context()
snap, f = ctx.snap, ctx.filters
st.title("区际比较")

options = state.data(snap, queries.filter_options)
held = state.data(snap, queries.district_years, f)  # the years each district has a 决算 or a 自评 of
years = sorted(set(held["year"].to_list())) if not held.is_empty() else []
MODES = ["各区最新年度", "指定年度"]
state.url_widget("cmp_mode", MODES)
mode = st.radio("比较口径", MODES, horizontal=True, key="cmp_mode")
year = None
if mode == "指定年度":
    if not years:
        ui.empty("当前筛选条件下没有可选年度。")
        st.stop()
    linked = state.url_widget("cmp_year", years, int)
    year = st.selectbox("年度", years, **({} if linked else {"index": len(years) - 1}), key="cmp_year")


chosen = state.data(snap, comparisons.district_page_years, f, year)
if year is None:
    st.caption(
        "各区可得的年度不同。“各区最新年度”对每个区取其有数据的最近一年，全页各图都用这一年："
        + "；".join(f"{md(d)}区 {y} 年（{comparisons.holds(held, d, y)}）" for d, y in sorted(chosen.items()))
        + "。图中每一项都注明区、年度和所含部门。"
    )
else:
    st.caption(
        f"指定年度 {year} 年，各区在该年度的数据："
        + "；".join(f"{md(d)}区 {comparisons.holds(held, d, year)}" for d in sorted(chosen))
        + "。年度下拉只列出至少一个区有部门决算或绩效自评的年度。"
    )
outside = state.data(snap, comparisons.outside_districts, f)
if not outside.is_empty():
    st.caption("未识别到上海某区、不参与区际比较的文件：" + md(comparisons.outside_words(outside)) + "。")
ui.scope_note(snap, f)


def structure() -> None:
    shares = state.data(snap, comparisons.district_shares, f, year)
    if not charts.has_data(shares):
        ui.empty(f"{'所选年度' if year else '当前范围内'}没有部门决算数据，无法比较支出结构。")
        return
    ui.plot_opening_structure(charts.class_shares(shares), key="cmp_shares")
    absent = [d for d in (f.districts or options["districts"]) if d not in set(shares["district"].to_list())]
    if absent:
        st.caption(
            f"无部门决算数据的区：{md('、'.join(absent))}{'（' + str(year) + ' 年度）' if year else ''}。"
        )


evals = state.data(snap, comparisons.district_evaluations, f, year)
NO_EVALUATIONS = f"{(str(year) + ' 年度') if year else '当前范围内'}没有绩效自评数据，无法比较执行率和得分。"


def execution() -> None:
    if not charts.has_data(evals):
        ui.empty(NO_EVALUATIONS)
        return
    ui.plot_opening_projects(charts.execution_box(evals), key="cmp_exec")


def scores() -> None:
    if not charts.has_data(evals):
        ui.empty(NO_EVALUATIONS)
        return
    ui.plot(charts.score_distribution(evals), key="cmp_scores")


# One chart at a time (a filter change redraws only the open tab's chart).
ui.chart_tabs(
    "cmp_view",
    {"支出结构（各类占本年支出合计的比重）": structure, "预算执行率": execution, "绩效自评得分分布": scores},
)

st.subheader("各区执行率与得分")
if charts.has_data(evals):
    ui.table(comparisons.district_summary(evals), key="cmp_summary")
else:
    ui.empty(NO_EVALUATIONS)

briefing_ui.offer("区际比较", year=year)
