"""年度比较: a district or department across years, and projects followed across years."""

import polars as pl
import streamlit as st

from dashboard import charts, queries, state, ui
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
column = "district" if by == "区" else "department"


def every_year(trend: pl.DataFrame, value: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A district line adds only the departments it has in every year it shows ``value``: a line
    never joins one department's 2020 to another's 2021. (The trend with ``value`` blanked for the
    others, and the department-years left out.)"""
    present = trend.filter(pl.col(value).is_not_null())
    years_of = present.group_by("district").agg(pl.col("year").n_unique().alias("years"))
    kept = (
        present.group_by("district", "department")
        .agg(pl.col("year").n_unique().alias("n"))
        .join(years_of, on="district")
        .filter(pl.col("n") == pl.col("years"))
        .select("district", "department", _kept=pl.lit(True))
    )
    dropped = present.join(kept, on=["district", "department"], how="anti")
    blanked = (
        trend.join(kept, on=["district", "department"], how="left", nulls_equal=True)
        .with_columns(pl.when(pl.col("_kept")).then(pl.col(value)).otherwise(None).alias(value))
        .drop("_kept")
    )
    return blanked, dropped


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


if by == "区":
    trend, dropped_spend = every_year(trend, "total_expenditure_yuan")
    say_dropped(dropped_spend, "部门决算")
    trend, dropped_scores = every_year(trend, "avg_score")
    say_dropped(dropped_scores, "绩效自评得分")
scored_projects = pl.when(pl.col("avg_score").is_not_null()).then(pl.col("scored"))
grouped = (
    trend.group_by(column, "year")
    .agg(
        # all-null stays null (no 决算 that year), not 0
        pl.when(pl.col("total_expenditure_yuan").is_not_null().any())
        .then(pl.col("total_expenditure_yuan").sum())
        .alias("total_expenditure_yuan"),
        pl.col("department")
        .filter(pl.col("total_expenditure_yuan").is_not_null())
        .n_unique()
        .alias("final_departments_n"),
        pl.col("evaluated").sum(),
        pl.col("declared").sum(),
        # the projects' average: each department's average weighted by its scored projects
        pl.when(scored_projects.sum() > 0)
        .then((pl.col("avg_score").cast(pl.Float64) * scored_projects).sum() / scored_projects.sum())
        .alias("avg_score"),
    )
    .sort(column, "year")
    .with_columns(
        change_yuan=pl.col("total_expenditure_yuan") - pl.col("total_expenditure_yuan").shift(1).over(column),
        change_rate=pl.col("total_expenditure_yuan").cast(pl.Float64)
        / pl.col("total_expenditure_yuan").shift(1).over(column).cast(pl.Float64)
        - 1,
    )
)
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
    ui.project_table(
        shown,
        key="yr_links",
        columns=[
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
        ],
    )
