"""区际比较: the same measure side by side for the districts."""

from collections.abc import Callable
from typing import Any

import polars as pl
import streamlit as st

from dashboard import charts, queries, state, ui
from dashboard.queries import Filters
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


def page_years() -> dict[str, int]:
    """One year per district for the whole page: the chosen one, or its latest with any data."""
    if year is not None:
        return {d: year for d in (f.districts or options["districts"])}
    years: dict[str, int] = {}
    for kind in ("final_accounts", "self_evaluation"):
        for d, y in state.data(snap, queries.latest_year_per_district, f, kind).iter_rows():
            years[d] = max(years.get(d, y), y)
    return years


chosen = page_years()
KIND_WORDS = {"final_accounts": "部门决算", "self_evaluation": "绩效自评"}


def holds(district: str, y: int) -> str:
    kinds = held.filter((pl.col("district") == district) & (pl.col("year") == y))["kind"].to_list()
    return "、".join(KIND_WORDS[k] for k in sorted(kinds)) or "无数据"


if year is None:
    st.caption(
        "各区可得的年度不同。“各区最新年度”对每个区取其有数据的最近一年，全页各图都用这一年："
        + "；".join(f"{md(d)}区 {y} 年（{holds(d, y)}）" for d, y in sorted(chosen.items()))
        + "。图中每一项都注明区、年度和所含部门。"
    )
else:
    st.caption(
        f"指定年度 {year} 年，各区在该年度的数据："
        + "；".join(f"{md(d)}区 {holds(d, year)}" for d in sorted(chosen))
        + "。年度下拉只列出至少一个区有部门决算或绩效自评的年度。"
    )
ui.scope_note(snap, f)


def per_district() -> list[Filters]:
    """One filter per district, at the page's year for that district."""
    return [Filters((d,), (y,), f.departments, f.kinds) for d, y in sorted(chosen.items())]


def gather(query: Callable[[Any, Filters], pl.DataFrame]) -> pl.DataFrame:
    frames = [state.data(snap, query, g) for g in per_district()]
    frames = [x for x in frames if not x.is_empty()]
    return pl.concat(frames, how="diagonal_relaxed") if frames else pl.DataFrame()


st.subheader("支出结构（各类占本年支出合计的比重）")
shares = gather(queries.spending_by_class)
if not shares.is_empty():
    covered = shares.group_by("district", "year").agg(
        pl.col("departments").list.explode(keep_nulls=False, empty_as_null=False).unique().alias("covered")
    )
    shares = shares.join(covered, on=["district", "year"]).with_columns(
        label=pl.struct("district", "year", "covered").map_elements(
            lambda r: f"{r['year']} {ui.coverage_label(r['district'], r['covered'])}", return_dtype=pl.String
        )
    )
if charts.has_data(shares):
    ui.plot_opening_structure(charts.class_shares(shares), key="cmp_shares")
    absent = [d for d in (f.districts or options["districts"]) if d not in set(shares["district"].to_list())]
    if absent:
        st.caption(
            f"无部门决算数据的区：{md('、'.join(absent))}{'（' + str(year) + ' 年度）' if year else ''}。"
        )
else:
    ui.empty(f"{'所选年度' if year else '当前范围内'}没有部门决算数据，无法比较支出结构。")

st.subheader("预算执行率")
projects = gather(queries.projects)
evals = projects.filter(pl.col("kind") == "self_evaluation") if not projects.is_empty() else projects
if charts.has_data(evals):
    evals = evals.with_columns(rate=pl.coalesce("execution_rate", "execution_rate_computed"))
    ui.plot_opening_projects(charts.execution_box(evals), key="cmp_exec")
    st.subheader("绩效自评得分分布")
    ui.plot(charts.score_distribution(evals), key="cmp_scores")
    summary = (
        evals.group_by("district", "year")
        .agg(
            pl.col("department").unique().alias("departments"),
            pl.len().alias("evaluated_projects"),
            pl.col("score_total").cast(pl.Float64).mean().alias("avg_score"),
            # as floats: a Decimal quotient keeps the dividend's scale and rounds 95.65% to 96%
            (
                pl.col("executed_yuan").cast(pl.Float64).sum()
                / pl.col("budget_full_year_yuan").cast(pl.Float64).sum()
            ).alias("execution_rate"),
        )
        .sort("district")
        .with_columns(
            coverage=pl.struct("district", "departments").map_elements(
                lambda r: ui.coverage_label(r["district"], r["departments"]), return_dtype=pl.String
            )
        )
        # the figures before the long coverage words: on a phone the last columns scroll
        .select("district", "year", "evaluated_projects", "avg_score", "execution_rate", "coverage")
    )
    ui.table(summary, key="cmp_summary")
else:
    ui.empty(f"{(str(year) + ' 年度') if year else '当前范围内'}没有绩效自评数据，无法比较执行率和得分。")
