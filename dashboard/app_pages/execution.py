"""预算执行: budget against execution per project, and the 说明's 年初预算 vs 决算."""

import polars as pl
import streamlit as st

from dashboard import briefing_ui, charts, queries, state, ui

# Beyond this the scatter shows the lowest-rate projects only (each SVG point costs the browser).
MAX_SCATTER_POINTS = 1000
MAX_ITEM_BARS = 30  # 说明 items drawn as bars; the table below lists all
# What an official reads first (name, rate, score) on the left; where it comes from after.
BUDGET_COLUMNS = [
    "project_name",
    "execution_rate",
    "score_total",
    "budget_full_year_yuan",
    "executed_yuan",
    "budget_initial_yuan",
    "district",
    "year",
    "department",
]

ctx = ui.context()
snap, f = ctx.snap, ctx.filters
st.title("预算执行")
ui.scope_note(snap, f)

projects = state.data(snap, queries.projects, f, "self_evaluation")
threshold = 0.9
under = projects
if projects.is_empty():
    ui.empty("当前筛选条件下没有绩效自评项目，无法分析预算执行。")
else:
    projects = projects.with_columns(rate=pl.coalesce("execution_rate", "execution_rate_computed"))
    threshold = (
        st.slider(
            "执行率低于以下比例视为执行不足",
            50,
            100,
            **({} if state.url_widget("ex_threshold", range(50, 101, 5), int) else {"value": 90}),
            step=5,
            format="%d%%",
            key="ex_threshold",
        )
        / 100
    )
    under = projects.filter(pl.col("rate") < threshold)
    c1, c2, c3 = st.columns(3)
    c1.metric("自评项目", f"{projects.height} 个")
    c2.metric("执行不足项目", f"{under.height} 个")
    total_budget = projects["budget_full_year_yuan"].sum()
    total_exec = projects["executed_yuan"].sum()
    c3.metric(
        "总体执行率", "—" if not total_budget else f"{float(total_exec) / float(total_budget) * 100:.2f}%"
    )
    st.subheader("执行不足的项目")
    if under.is_empty():
        st.success(f"没有执行率低于 {threshold:.0%} 的项目。")
    else:
        listed = ui.first_rows(
            under.sort("rate"),
            what="执行不足项目",
            columns=BUDGET_COLUMNS,
            about={**state.describe(f), "执行率低于": f"{threshold:.0%}"},
            sources=lambda: under["source_file"].unique().sort().to_list(),  # asked for with the file only
            key="ex_under_all",
        )
        ui.project_table(listed, key="ex_under", columns=BUDGET_COLUMNS)


def scatter() -> None:
    if projects.is_empty():
        ui.empty("当前范围内没有绩效自评项目。")
        return
    if projects.height > MAX_SCATTER_POINTS:
        # Thousands of points take seconds to draw in a browser: show the ones this chart is for.
        lowest = under.sort("rate").head(MAX_SCATTER_POINTS)
        st.caption(
            f"当前范围有 {projects.height:,} 个项目，散点图只画执行率低于 {threshold:.0%} 的"
            + (
                f" {under.height:,} 个；"
                if lowest.height == under.height
                else f"项目中执行率最低的 {lowest.height:,} 个（共 {under.height:,} 个）；"
            )
            + "选择区或年度后显示全部项目。"
        )
        ui.plot_opening_projects(charts.budget_scatter(lowest, threshold), key="ex_scatter")
    else:
        ui.plot_opening_projects(charts.budget_scatter(projects, threshold), key="ex_scatter")


def spread() -> None:
    if projects.is_empty():
        ui.empty("当前范围内没有绩效自评项目。")
        return
    ui.plot_opening_projects(charts.execution_box(projects), key="ex_box")


def steps() -> None:
    if projects.is_empty():
        ui.empty("当前范围内没有绩效自评项目。")
        return
    linked = state.url_widget("ex_n", range(5, 61, 5), int)
    n = st.slider("显示全年预算最大的项目数", 5, 60, **({} if linked else {"value": 20}), step=5, key="ex_n")
    top = projects.sort("budget_full_year_yuan", descending=True, nulls_last=True).head(n)
    ui.plot_opening_projects(charts.budget_dumbbell(top), key="ex_dumbbell")


def narrative() -> None:
    items = state.data(snap, queries.narrative_items, f)
    if items.is_empty():
        ui.empty("当前范围内的部门决算说明没有逐项列出年初预算与支出决算。")
        return
    if items.height > MAX_ITEM_BARS:
        st.caption(f"共 {items.height} 项，图中画出年初预算与决算差额最大的 {MAX_ITEM_BARS} 项；全部见下表。")
        chart_items = items.sort(pl.col("difference_yuan").abs(), descending=True, nulls_last=True).head(
            MAX_ITEM_BARS
        )
    else:
        chart_items = items
    ui.plot(charts.narrative_items(chart_items), key="ex_items")
    if items.height > ui.MAX_TABLE_PROJECTS:
        st.caption(
            f"下表列出差额最大的 {ui.MAX_TABLE_PROJECTS:,} 项（共 {items.height:,} 项）；全部可在“数据下载”页导出。"
        )
        items = items.sort(pl.col("difference_yuan").abs(), descending=True, nulls_last=True).head(
            ui.MAX_TABLE_PROJECTS
        )
    ui.table(items, key="ex_items_table")


# One chart at a time: a change of filter redraws only the open tab's chart (each costs the
# browser 0.15-0.4 s to draw; bench/browser_latency.py).
ui.chart_tabs(
    "ex_view",
    {
        "预算与执行": scatter,
        "执行率分布": spread,
        "逐项目预算步骤（年初 → 全年 → 执行）": steps,
        "部门决算说明：年初预算与支出决算": narrative,
    },
)

if not projects.is_empty():
    st.subheader("全部自评项目")
    if projects.height <= ui.MAX_TABLE_PROJECTS:
        ui.project_table(projects, key="ex_all", columns=BUDGET_COLUMNS)
    else:
        st.caption(
            f"当前范围有 {projects.height:,} 个自评项目；请缩小筛选范围后在此查看，或到“数据下载”页导出全部项目。"
        )

briefing_ui.offer("预算执行", threshold=threshold)
