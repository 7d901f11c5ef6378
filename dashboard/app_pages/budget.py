"""预算与决算: one department's 部门预算 across years, and its 预算 against its 决算 of the same year."""

from collections.abc import Callable

import polars as pl
import streamlit as st

from dashboard import briefing_ui, charts, queries, state, ui
from dashboard.safe_text import md

ctx = ui.context()
snap, f = ctx.snap, ctx.filters
st.title("预算与决算")
st.caption(f"范围：{md(state.scope_text(f))}。金额单位：万元。每个数字都只属于所注明的一个部门。")
ui.scope_note(snap, f)

summary = state.data(snap, queries.budget_summary, f)
st.subheader("部门预算：跨年度")
if summary.is_empty():
    ui.empty("当前筛选条件下没有部门预算。请在左侧“文件类型”中包含“部门预算”，或放宽筛选条件。")
else:
    departments = summary["department"].unique(maintain_order=True).to_list()
    years_per = summary.group_by("department").agg(pl.col("year").n_unique().alias("n"))
    several = [d for d in departments if years_per.filter(pl.col("department") == d)["n"].item() > 1]
    default = departments.index(several[0]) if several else 0
    linked = state.url_widget("bg_department", departments)
    department = st.selectbox(
        "部门",
        departments,
        **({} if linked else {"index": default}),
        key="bg_department",
        format_func=lambda d: f"{d}（{years_per.filter(pl.col('department') == d)['n'].item()} 个年度）",
    )
    one = summary.filter(pl.col("department") == department).sort("year")
    district = one["district"][0]
    st.markdown(f"**{md(ui.coverage_label(district, [department]))}**")  # names from the document: text
    changes = one.with_columns(
        change_yuan=pl.col("expenditure_yuan") - pl.col("expenditure_yuan").shift(1),
        change_rate=(
            pl.col("expenditure_yuan").cast(pl.Float64) / pl.col("expenditure_yuan").shift(1).cast(pl.Float64)
        )
        - 1,
    )
    ui.table(
        changes.select(  # the budget, its change and 三公 first: at 1400 px the last columns scroll
            "year",
            "expenditure_yuan",
            "change_yuan",
            "change_rate",
            "three_public_yuan",
            "operating_cost_yuan",
            "basic_yuan",
            "project_yuan",
            "income_yuan",
        ),
        key="bg_years",
    )
    st.caption("“比上年”按上一个有预算的年度计算；三公经费为“三公”经费和机关运行经费预算表的合计。")
    bars = one.with_columns(label=pl.col("year").cast(pl.String) + " 年")
    if one.height > 1:
        ui.plot(charts.budget_years(bars, ui.short_department(department, district)), key="bg_bars")
    else:
        st.caption("该部门只有一个年度的预算，尚不能比较年度变化。")
    classes = state.data(snap, queries.budget_by_class, f).filter(pl.col("department") == department)
    if charts.has_data(classes):
        ui.plot(charts.budget_classes(classes, ui.short_department(department, district)), key="bg_classes")


def per_department_year(
    frame: pl.DataFrame, columns: tuple[str, ...], years: Callable[[int], str], key: str
) -> None:
    """One table per department and year, headed by who it is and which years it sets side by side."""
    for (district, department, year), part in frame.group_by(
        ["district", "department", "year"], maintain_order=True
    ):
        st.markdown(f"**{md(ui.coverage_label(district, [department]))} · {years(year)}**")
        ui.table(part.select(columns), key=f"{key}_{department}_{year}")


st.subheader("预算与决算对照（同一部门、同一年度）")
pairs = state.data(snap, queries.budget_vs_final, f)
if pairs.is_empty():
    ui.empty(
        "当前数据中没有同一部门同一年度既有部门预算又有部门决算的文件。导入该部门同一年度的预算或决算后，这里逐类、逐款列出预算数、决算数、差额和执行率。"
    )
else:
    per_department_year(
        pairs,
        ("code", "name", "budget_yuan", "final_yuan", "difference_yuan", "rate", "reason"),
        lambda year: f"{year} 年度",
        "bvf",
    )

st.subheader("本年预算与上年决算（同一部门、相邻年度）")
st.caption(
    "部门预算编制时，上一年度的决算是最近的实际支出：这里把某年度的部门预算与同一部门上一年度的部门决算"
    "逐类、逐款并列，列出增减额和增减幅度。年度筛选按预算的年度。"
)
adjacent = state.data(snap, queries.budget_against_last_final, f)
if adjacent.is_empty():
    ui.empty(
        "当前数据中没有同一部门既有某年度部门预算、又有上一年度部门决算的文件（如 2025 年部门预算与 2024 年部门决算）。"
    )
else:
    per_department_year(
        adjacent,
        ("code", "name", "budget_yuan", "last_final_yuan", "change_yuan", "change_rate"),
        lambda year: f"{year} 年预算与 {year - 1} 年决算",
        "blf",
    )

briefing_ui.offer("预算与决算", department=st.session_state.get("bg_department"))
