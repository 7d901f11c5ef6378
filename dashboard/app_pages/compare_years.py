"""年度比较: a district or department across years, and projects followed across years."""

import polars as pl
import streamlit as st

from dashboard import briefing_ui, charts, comparisons, queries, state, ui
from dashboard.safe_text import md

ctx = ui.context()
snap, f = ctx.snap, ctx.filters
st.title("年度比较")
ui.scope_note(snap, f)

trend = state.data(snap, queries.project_trend, f)
if trend.is_empty():
    ui.empty("当前筛选条件下没有可比较的年度数据。")
    st.stop()

state.url_widget("yr_by", ["区", "部门"])
by = st.radio("比较对象", ["区", "部门"], horizontal=True, key="yr_by")
column = comparisons.BY_COLUMN[by]


def say_dropped(dropped: pl.DataFrame, what: str) -> None:
    if dropped.is_empty():
        return
    st.caption(
        f"以下部门只在部分年度有{what}，未计入区的{what}趋势（切换到“部门”可单独查看）："
        + "；".join(  # department names from the documents: shown as text
            md(f"{r['district']}区 {ui.short_department(r['department'], r['district'])}（{r['year']} 年）")
            for r in dropped.sort("district", "year").iter_rows(named=True)
        )
    )


grouped, dropped_spend, dropped_scores = state.data(snap, comparisons.year_table, f, by)
if by == "区":
    outside = state.data(snap, comparisons.outside_districts, f, comparisons.TREND_KINDS)
    if not outside.is_empty():
        st.caption(
            "未识别到上海某区、不计入各区趋势的文件（切换到“部门”可查看）："
            + md(comparisons.outside_words(outside))
            + "。"
        )
if grouped.is_empty():
    ui.empty("当前筛选条件下没有属于上海某区的数据可按区比较。")
    st.stop()
say_dropped(dropped_spend, "部门决算")
say_dropped(dropped_scores, "绩效自评得分")
years_per = grouped.group_by(column).agg(pl.col("year").n_unique().alias("n"))
if years_per["n"].max() < 2:
    st.warning("当前范围内每个" + by + "都只有一个年度的数据，尚不能形成趋势；下表列出已有年度。")

spend = grouped.filter(pl.col("total_expenditure_yuan").is_not_null())
if charts.has_data(spend):
    ui.plot(
        charts.trend(
            spend, "total_expenditure_yuan", "部门决算本年支出合计（万元）按年度", "金额（万元）", by=column
        ),
        key="yr_spend",
    )
else:
    ui.empty("当前范围内没有部门决算数据，无法绘制支出趋势。")
scored = grouped.filter(pl.col("avg_score").is_not_null())
if charts.has_data(scored):
    ui.plot(
        charts.trend(
            scored, "avg_score", "绩效自评平均分（分）按年度", "平均分（分）", by=column, in_wan=False
        ),
        key="yr_score",
    )
else:
    ui.empty("当前范围内没有绩效自评得分，无法绘制得分趋势。")
ui.table(grouped, key="yr_table")

st.subheader("项目跨年度跟踪：绩效目标申报 → 绩效自评")
st.caption(
    "按同一区、同一部门、同一项目名称匹配申报表与自评表；名称完全相同为“完全匹配”，去掉括号后缀（如“(2022运维)”）后相同为“名称归一匹配”。"
    "多个自评项目同名时全部列为候选，请结合金额判断。"
)
links = state.data(snap, queries.project_links, f)
if links.is_empty():
    ui.empty(
        "当前范围内没有能与绩效自评对应的绩效目标申报项目（需要同一部门在不同年度既有申报表又有自评表）。"
    )
else:
    links = links.with_columns(
        pl.col("match_method").replace_strict(
            {"exact_name": "完全匹配", "normalized_name": "名称归一匹配"}, default=pl.col("match_method")
        )
    )
    shown = links.rename({"evaluation_id": "project_id"})
    columns = [
        "district",
        "department",
        "project_name",
        "declaration_year",
        "declared_yuan",
        "evaluation_year",
        "evaluation_name",
        "budget_full_year_yuan",
        "executed_yuan",
        "score_total",
        "match_method",
        "candidates",
    ]
    listed = ui.first_rows(
        shown,
        what="申报与自评对应记录",
        columns=columns,
        about=state.describe(f),
        sources=lambda: sorted(set(shown["declaration_file"]) | set(shown["evaluation_file"])),
        key="yr_links_all",
    )
    ui.project_table(listed, key="yr_links", columns=columns)

briefing_ui.offer("年度比较", by=by)
