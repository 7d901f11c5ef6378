"""绩效评分: score distributions, where points were lost, and an auditor's anomaly list."""

import polars as pl
import streamlit as st

from dashboard import briefing_ui, charts, queries, state, ui
from dashboard.safe_text import md

ctx = ui.context()
snap, f = ctx.snap, ctx.filters
st.title("绩效评分")

projects = state.data(snap, queries.projects, f, "self_evaluation")
if projects.is_empty():
    ui.empty("当前筛选条件下没有绩效自评项目。")
    st.stop()

scored = projects.filter(pl.col("score_total").is_not_null())
missing = projects.height - scored.height
if missing:
    st.caption(f"{missing} 个项目的自评表未打印总分，未计入得分分布（见“数据质量”）。")


def by_group() -> None:
    if not charts.has_data(scored):
        ui.empty("当前范围内的自评表都没有打印总分。")
        return
    state.url_widget("sc_by", ["区", "年度", "部门"])
    by = st.radio("分组", ["区", "年度", "部门"], horizontal=True, key="sc_by")
    column = {"区": "district", "年度": "year", "部门": "department"}[by]
    ui.plot_opening_projects(charts.score_strip(scored, column), key="sc_strip")


def histogram() -> None:
    if not charts.has_data(scored):
        ui.empty("当前范围内的自评表都没有打印总分。")
        return
    ui.plot(charts.score_distribution(scored), key="sc_hist")


def points_lost() -> None:
    lost = state.data(snap, queries.points_lost, f)
    lost = lost.filter(pl.col("points_lost") > 0) if not lost.is_empty() else lost
    if charts.has_data(lost):
        ui.plot(charts.points_lost(lost), key="sc_lost")
    else:
        st.success("当前范围内的指标全部得满分，没有失分。")


# One chart at a time (a filter change redraws only the open tab's chart).
ui.chart_tabs("sc_view", {"总分（按分组）": by_group, "总分分布": histogram, "失分在哪里": points_lost})


def _files_of(rows: pl.DataFrame) -> list[str]:
    """The files the listed projects were read from (the download's 来源文件)."""
    chosen = projects.filter(pl.col("project_id").is_in(rows["project_id"].implode()))
    return chosen["source_file"].unique().sort().to_list()


st.subheader("异常清单")
st.caption(
    "四类情况：执行率低于 80% 但总分不低于 90 分；实际完成值未达年度指标值却得满分；指标分值与预算执行分值合计不等于满分；"
    "所有指标的实际完成值与年度指标值一字不差。点击一行查看项目详情。"
)
anomalies = state.data(snap, queries.anomalies, f)
if anomalies.is_empty():
    st.success("当前范围内没有发现上述异常。")
else:
    counts = anomalies.group_by("finding").len().sort("finding")
    st.markdown("；".join(f"**{md(r['finding'])}** {r['len']:,} 条" for r in counts.iter_rows(named=True)))
    columns = [
        "finding",
        "district",
        "year",
        "department",
        "project_name",
        "detail",
        "execution_rate",
        "score_total",
    ]
    listed = ui.first_rows(
        anomalies,
        what="异常",
        columns=columns,
        about=state.describe(f),
        sources=lambda: _files_of(anomalies),  # asked for with the file only
        key="sc_anomalies_all",
    )
    ui.project_table(listed, key="sc_anomalies", columns=columns)

st.subheader("项目得分表")
if projects.height > ui.MAX_TABLE_PROJECTS:
    st.caption(
        f"当前范围有 {projects.height:,} 个自评项目；请缩小筛选范围后在此查看，或到“数据下载”页导出全部项目。"
    )
else:
    ui.project_table(
        projects.sort("score_total", nulls_last=True),
        key="sc_projects",
        columns=[
            "district",
            "year",
            "department",
            "project_name",
            "score_total",
            "grade",
            "execution_rate",
            "n_indicators",
        ],
    )

briefing_ui.offer("绩效评分")
