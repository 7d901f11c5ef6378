"""区际比较 and 年度比较's figures, composed from queries: the page and its briefing show the same.

Both pages decide *which* rows may be compared before anything is drawn — one year per district
(the districts hold different years), and only the departments a district has in every year a
line shows (a line never joins one department's 2020 to another's 2021). Those rules live here,
once, as functions of the connection and hashable parameters (state.data caches them).
"""

from __future__ import annotations

from typing import Any

import duckdb
import polars as pl

from dashboard import queries
from dashboard.names import coverage_label
from dashboard.queries import Filters

KIND_WORDS = {"final_accounts": "部门决算", "self_evaluation": "绩效自评"}
BY_COLUMN = {"区": "district", "部门": "department"}
TREND_KINDS = ("final_accounts", "self_evaluation", "target_declaration")  # what 年度比较 counts


# --- 区际比较 ------------------------------------------------------------------------------


def district_page_years(con: duckdb.DuckDBPyConnection, f: Filters, year: int | None) -> dict[str, int]:
    """One year per district for the whole page: ``year`` for every district in view, or each
    district's latest year with a 决算 or a self-evaluation."""
    if year is not None:
        return {d: year for d in (f.districts or queries.filter_options(con)["districts"])}
    years: dict[str, int] = {}
    for kind in ("final_accounts", "self_evaluation"):
        for d, y in queries.latest_year_per_district(con, f, kind).iter_rows():
            if d is not None:  # another province's or a municipal document: no district to compare
                years[d] = max(years.get(d, y), y)
    return years


def outside_districts(
    con: duckdb.DuckDBPyConnection, f: Filters, kinds: tuple[str, ...] = tuple(KIND_WORDS)
) -> pl.DataFrame:
    """Documents of ``kinds`` in view with no Shanghai district (another province's, a municipal
    department's, or a district not read): a comparison of districts cannot place them, so it names them."""
    # In SQL, not over queries.documents: at 100,000 documents reading them all cost 0.36 s a filter.
    # The shared filters but the district (these documents have none).
    return queries.run(
        con,
        f"""
        SELECT source_file, region, kind, year FROM documents
        WHERE district IS NULL AND in_totals AND counted AND list_contains($kinds::VARCHAR[], kind)
          AND {queries._where()}
        ORDER BY source_file
        """,
        kinds=[k for k in kinds if f.wants(k)],
        **{**f.params(), "districts": []},
    )


def outside_words(docs: pl.DataFrame) -> str:
    """'重庆市 2021 年绩效自评（chongqing….xlsx）；…' — each document outside the comparison."""
    return "；".join(
        f"{r['region'] or '地区未识别'} {r['year'] or '年度未识别'} 年{queries.KIND_LABELS[r['kind']]}（{r['source_file']}）"
        for r in docs.iter_rows(named=True)
    )


def holds(held: pl.DataFrame, district: str, year: int) -> str:
    """'部门决算、绩效自评' — what a district holds in a year (from queries.district_years)."""
    if held.is_empty():
        return "无数据"
    kinds = held.filter((pl.col("district") == district) & (pl.col("year") == year))["kind"].to_list()
    return "、".join(KIND_WORDS[k] for k in sorted(kinds)) or "无数据"


def _per_district(con: duckdb.DuckDBPyConnection, f: Filters, year: int | None, query: Any) -> pl.DataFrame:
    frames = [
        query(con, Filters((d,), (y,), f.departments, f.kinds))
        for d, y in sorted(district_page_years(con, f, year).items())
    ]
    frames = [x for x in frames if not x.is_empty()]
    return pl.concat(frames, how="diagonal_relaxed") if frames else pl.DataFrame()


def district_shares(con: duckdb.DuckDBPyConnection, f: Filters, year: int | None) -> pl.DataFrame:
    """Each district's 类 shares at its page year, labelled by what the figures cover."""
    shares = _per_district(con, f, year, queries.spending_by_class)
    if shares.is_empty():
        return shares
    covered = shares.group_by("district", "year").agg(
        pl.col("departments").list.explode(keep_nulls=False, empty_as_null=False).unique().alias("covered")
    )
    return shares.join(covered, on=["district", "year"]).with_columns(
        label=pl.struct("district", "year", "covered").map_elements(
            lambda r: f"{r['year']} {coverage_label(r['district'], r['covered'])}", return_dtype=pl.String
        )
    )


def district_evaluations(con: duckdb.DuckDBPyConnection, f: Filters, year: int | None) -> pl.DataFrame:
    """The self-evaluated projects of each district at its page year, with the rate used."""
    projects = _per_district(con, f, year, queries.projects)
    if projects.is_empty():
        return projects
    evals = projects.filter(pl.col("kind") == "self_evaluation")
    return evals.with_columns(rate=pl.coalesce("execution_rate", "execution_rate_computed"))


def district_summary(evals: pl.DataFrame) -> pl.DataFrame:
    """Per district-year: projects evaluated, their average score, the overall execution rate
    (executed ÷ full-year budget of all its projects) and the departments they come from."""
    return (
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
                lambda r: coverage_label(r["district"], r["departments"]), return_dtype=pl.String
            )
        )
        # the figures before the long coverage words: on a phone the last columns scroll
        .select("district", "year", "evaluated_projects", "avg_score", "execution_rate", "coverage")
    )


# --- 年度比较 ------------------------------------------------------------------------------


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


def year_table(
    con: duckdb.DuckDBPyConnection, f: Filters, by: str
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """年度比较's table per district (by='区') or department (by='部门') and year: 决算 total with its
    change on the year before, departments counted, projects evaluated and declared, the average
    score. Also the department-years a district line leaves out (spending, scores)."""
    trend = queries.project_trend(con, f)
    column = BY_COLUMN[by]
    empty = pl.DataFrame()
    if trend.is_empty():
        return trend, empty, empty
    dropped_spend = dropped_scores = empty
    if by == "区":
        # a document of no Shanghai district is no district's (the page names them: outside_districts)
        trend = trend.filter(pl.col("district").is_not_null())
        if trend.is_empty():
            return trend, empty, empty
        trend, dropped_spend = every_year(trend, "total_expenditure_yuan")
        trend, dropped_scores = every_year(trend, "avg_score")
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
            change_yuan=pl.col("total_expenditure_yuan")
            - pl.col("total_expenditure_yuan").shift(1).over(column),
            change_rate=pl.col("total_expenditure_yuan").cast(pl.Float64)
            / pl.col("total_expenditure_yuan").shift(1).over(column).cast(pl.Float64)
            - 1,
        )
    )
    return grouped, dropped_spend, dropped_scores


def change_on_last_year(head: pl.DataFrame, value: str, departments: str, prefix: str) -> pl.DataFrame:
    """``<prefix>_change_yuan`` and ``<prefix>_change_rate``: each district-year's ``value`` against the
    district's year before — only when both years add the same departments (a district total of
    one department in 2023 and three in 2024 is no change; left blank, and the page says why)."""
    before = head.select(
        "district",
        (pl.col("year") + 1).alias("year"),
        pl.col(value).alias("_before"),
        pl.col(departments).list.sort().alias("_before_departments"),
    )
    same = pl.col(departments).list.sort() == pl.col("_before_departments")
    comparable = pl.col(value).is_not_null() & pl.col("_before").is_not_null() & same
    return (
        head.join(before, on=["district", "year"], how="left", nulls_equal=True)
        .with_columns(
            pl.when(comparable).then(pl.col(value) - pl.col("_before")).alias(f"{prefix}_change_yuan"),
            pl.when(comparable & (pl.col("_before") != 0))
            .then(pl.col(value).cast(pl.Float64) / pl.col("_before").cast(pl.Float64) - 1)
            .alias(f"{prefix}_change_rate"),
        )
        .drop("_before", "_before_departments")
    )
