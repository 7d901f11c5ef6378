"""导出简报 of 区际比较 and 年度比较: the same rows the pages compare (dashboard.comparisons).

区际比较 compares each district at one year (its latest, or the year chosen), so every sentence
names the district and its year. 年度比较 follows a district (only the departments it has in every
year) or a department across years, and says each line's change on the year before.
"""

from __future__ import annotations

from decimal import Decimal

import duckdb
import plotly.graph_objects as go
import polars as pl

from dashboard import charts, comparisons, queries
from dashboard.briefing import (
    MAX_NAMED,
    T3,
    Point,
    Source,
    Table,
    _file_types,
    _named,
    _sources,
    _spend_rows,
    _totals,
    change,
    money,
    percent,
    quoted,
    table,
)
from dashboard.names import short_department
from dashboard.queries import Filters

SUMMARY_COLUMNS = ("district", "year", "evaluated_projects", "avg_score", "execution_rate", "coverage")
SHARE_COLUMNS = ("district", "year", "code", "name", "amount_yuan", "share")


def _files(con: duckdb.DuckDBPyConnection, rows: pl.DataFrame) -> tuple[Source, ...]:
    """Each file of ``rows`` once (most rows first): where a sentence about many projects comes from."""
    if rows.is_empty():
        return ()
    types = _file_types(con)
    files = rows.group_by("source_file").agg(pl.len()).sort("len", "source_file", descending=[True, False])
    return tuple(Source(file=f, file_type=types.get(f)) for f in files["source_file"].to_list())


def _points(value: object) -> str:
    return f"{Decimal(str(value)).quantize(Decimal('0.01'))} 分"


# --- 区际比较 ------------------------------------------------------------------------------


def districts_points(con: duckdb.DuckDBPyConnection, f: Filters, year: int | None = None) -> list[Point]:
    """Which year of each district is compared; each district's largest 类; execution and scores."""
    chosen = comparisons.district_page_years(con, f, year)
    if not chosen:
        return [Point("当前范围内没有任何区的部门决算或绩效自评，无法比较。")]
    held = queries.district_years(con, f)
    basis = f"指定 {year} 年" if year is not None else "各区有数据的最近一年"
    years = "；".join(f"{d}区 {y} 年（{comparisons.holds(held, d, y)}）" for d, y in sorted(chosen.items()))
    out = [Point(f"比较 {len(chosen)} 个区，按{basis}：{years}。")]
    outside = comparisons.outside_districts(con, f)
    if not outside.is_empty():
        out.append(Point(f"未识别到上海某区、不参与比较的文件：{comparisons.outside_words(outside)}。"))
    out.append(_largest_class_point(con, f, year))
    out.extend(_evaluation_points(con, f, year))
    return out


def _largest_class_point(con: duckdb.DuckDBPyConnection, f: Filters, year: int | None) -> Point:
    shares = comparisons.district_shares(con, f, year)
    if shares.is_empty():
        return Point("所比较的区在所比较的年度都没有部门决算（支出决算表），无法比较支出结构。")
    parts: list[str] = []
    cited: list[pl.DataFrame] = []
    for (district, y), rows in sorted(shares.group_by("district", "year"), key=lambda g: g[0]):
        top = rows.sort("amount_yuan", "code", descending=[True, False]).row(0, named=True)
        parts.append(
            f"{rows['label'][0]}为{quoted(top['name'])}（{top['code']}）{money(top['amount_yuan'])}，"
            f"占 {percent(top['share'])}"
        )
        printed = _spend_rows(con, Filters((district,), (y,), f.departments, f.kinds))
        if not printed.is_empty():
            cited.append(printed.filter((pl.col("code") == top["code"]) & (pl.col("level") == 1)))
            cited.append(_totals(printed, T3, "本年支出合计"))
    text = "各区支出最大的类（占本年支出合计）：" + "；".join(parts[:MAX_NAMED]) + "。"
    if len(parts) > MAX_NAMED:
        text += f"共 {len(parts)} 个区，其余见下表。"
    return Point(text, _sources(pl.concat(cited, how="diagonal_relaxed")) if cited else ())


def _evaluation_points(con: duckdb.DuckDBPyConnection, f: Filters, year: int | None) -> list[Point]:
    evals = comparisons.district_evaluations(con, f, year)
    if evals.is_empty():
        return [Point("所比较的区在所比较的年度都没有绩效自评，无法比较执行率和得分。")]
    summary = comparisons.district_summary(evals)
    sources = _files(con, evals)
    rated = summary.filter(pl.col("execution_rate").is_not_null()).sort("execution_rate", "district")
    out: list[Point] = []
    if rated.is_empty():
        out.append(Point("所比较的自评项目都没有全年预算数和执行数，无法算出各区的总体执行率。", sources))
    else:
        parts = [
            f"{r['coverage']} {r['year']} 年 {percent(r['execution_rate'])}（{r['evaluated_projects']} 个项目）"
            for r in rated.iter_rows(named=True)
        ]
        low = rated.row(0, named=True)
        lowest = f"最低的是{low['district']}区。" if rated.height > 1 else ""
        out.append(
            Point(f"各区自评项目总体执行率（执行数合计 ÷ 全年预算合计）：{_named(parts)}。{lowest}", sources)
        )
    scored = summary.filter(pl.col("avg_score").is_not_null()).sort("avg_score", "district", descending=True)
    if scored.is_empty():
        out.append(Point("所比较的自评项目都没有打印总分，无法比较平均分。", sources))
    else:
        parts = [
            f"{r['coverage']} {r['year']} 年 {_points(r['avg_score'])}" for r in scored.iter_rows(named=True)
        ]
        out.append(Point(f"各区自评平均分（从高到低）：{_named(parts)}。", sources))
    return out


def districts_view(
    con: duckdb.DuckDBPyConnection, f: Filters, year: int | None = None
) -> tuple[list[go.Figure], list[Table]]:
    figures: list[go.Figure] = []
    tables: list[Table] = []
    shares = comparisons.district_shares(con, f, year)
    if charts.has_data(shares):
        figures.append(charts.class_shares(shares))
    evals = comparisons.district_evaluations(con, f, year)
    if charts.has_data(evals):
        figures.append(charts.execution_box(evals))
        figures.append(charts.score_distribution(evals))
        tables.append(table("各区执行率与得分", comparisons.district_summary(evals).select(SUMMARY_COLUMNS)))
    if not shares.is_empty():
        tables.append(
            table("各区支出结构（类）", shares.select(SHARE_COLUMNS), {"share": "占本年支出合计（%）"})
        )
    return figures, tables


def districts_words(
    con: duckdb.DuckDBPyConnection, f: Filters, year: int | None = None
) -> list[tuple[str, str]]:
    return [("比较口径", f"指定年度 {year} 年" if year is not None else "各区最新年度")]


# --- 年度比较 ------------------------------------------------------------------------------


def _who(by: str, r: dict) -> str:
    if by == "区":
        return f"{r['district']}区" if r["district"] else "未识别区"
    return short_department(r["department"] or "部门未识别")


def years_points(con: duckdb.DuckDBPyConnection, f: Filters, by: str = "区") -> list[Point]:
    """Each line's newest 本年支出合计 against its year before, the average score likewise, and the
    departments a district line leaves out."""
    grouped, dropped_spend, dropped_scores = comparisons.year_table(con, f, by)
    out: list[Point] = []
    outside = comparisons.outside_districts(con, f, comparisons.TREND_KINDS) if by == "区" else pl.DataFrame()
    if not outside.is_empty():
        out.append(Point(f"未识别到上海某区、不计入各区趋势的文件：{comparisons.outside_words(outside)}。"))
    if grouped.is_empty():
        return [*out, Point("当前范围内没有可比较的年度数据。")]
    out += [
        *_spend_change_points(con, f, by, grouped, dropped_spend),
        *_score_points(con, f, by, grouped, dropped_scores),
    ]
    for dropped, what in ((dropped_spend, "部门决算"), (dropped_scores, "绩效自评得分")):
        if not dropped.is_empty():
            named = [
                f"{r['district']}区 {short_department(r['department'] or '部门未识别', r['district'])}（{r['year']} 年）"
                for r in dropped.sort("district", "year").iter_rows(named=True)
            ]
            out.append(Point(f"只在部分年度有{what}、未计入区的趋势的部门：{_named(named)}。"))
    return out


def _kept(rows: pl.DataFrame, dropped: pl.DataFrame) -> pl.DataFrame:
    """``rows`` without the department-years a district line leaves out (comparisons.every_year)."""
    if dropped.is_empty() or rows.is_empty():
        return rows
    keys = ["district", "department", "year"]
    return rows.join(dropped.select(keys), on=keys, how="anti", nulls_equal=True)


def _spend_change_points(
    con: duckdb.DuckDBPyConnection, f: Filters, by: str, grouped: pl.DataFrame, dropped: pl.DataFrame
) -> list[Point]:
    column = comparisons.BY_COLUMN[by]
    spend = grouped.filter(pl.col("total_expenditure_yuan").is_not_null())
    if spend.is_empty():
        return [Point("当前范围内没有部门决算，无法比较本年支出合计。")]
    totals = _totals(_spend_rows(con, f), T3, "本年支出合计")
    totals = _kept(totals, dropped)
    out: list[Point] = []
    single: list[str] = []
    for (key,), rows in sorted(spend.group_by(column), key=lambda g: str(g[0][0])):
        rows = rows.sort("year")
        last = rows.row(-1, named=True)
        who = _who(by, {"district": key, "department": key})
        if rows.height < 2:
            single.append(f"{who}（{last['year']} 年）")
            continue
        before = rows.row(-2, named=True)
        counted = f"，{last['final_departments_n']} 个部门之和" if by == "区" else ""
        text = (
            f"{who} {last['year']} 年本年支出合计 {money(last['total_expenditure_yuan'])}{counted}，比 {before['year']} 年"
            f"（{money(before['total_expenditure_yuan'])}）{change(last['total_expenditure_yuan'], before['total_expenditure_yuan'])}。"
        )
        cited = totals.filter((pl.col(column) == key) & pl.col("year").is_in([before["year"], last["year"]]))
        out.append(Point(text, _sources(cited)))
    if len(out) > MAX_NAMED:
        out = [*out[:MAX_NAMED], Point(f"另有 {len(out) - MAX_NAMED} 个{by}的年度变化见下表。")]
    if single:
        out.append(Point(f"只有一个年度部门决算、尚不能比较的：{_named(single)}。"))
    return out


def _score_points(
    con: duckdb.DuckDBPyConnection, f: Filters, by: str, grouped: pl.DataFrame, dropped: pl.DataFrame
) -> list[Point]:
    column = comparisons.BY_COLUMN[by]
    scored = grouped.filter(pl.col("avg_score").is_not_null())
    parts: list[str] = []
    for (key,), rows in sorted(scored.group_by(column), key=lambda g: str(g[0][0])):
        rows = rows.sort("year")
        last = rows.row(-1, named=True)
        who = _who(by, {"district": key, "department": key})
        if rows.height < 2:
            parts.append(f"{who} {last['year']} 年 {_points(last['avg_score'])}（只有一个年度）")
            continue
        before = rows.row(-2, named=True)
        diff = Decimal(str(last["avg_score"])) - Decimal(str(before["avg_score"]))
        moved = (
            "持平"
            if abs(diff) < Decimal("0.005")
            else f"{'提高' if diff > 0 else '降低'} {_points(abs(diff))}"
        )
        parts.append(f"{who} {last['year']} 年 {_points(last['avg_score'])}，比 {before['year']} 年{moved}")
    if not parts:
        return []
    evals = queries.projects(con, f, "self_evaluation")
    if not evals.is_empty():
        evals = evals.filter(pl.col("score_total").is_not_null())
        if by == "区":  # a document of no Shanghai district is on no district's line
            evals = evals.filter(pl.col("district").is_not_null())
    evals = _kept(evals, dropped)
    return [Point(f"绩效自评平均分：{_named(parts)}。", _files(con, evals))]


def years_view(
    con: duckdb.DuckDBPyConnection, f: Filters, by: str = "区"
) -> tuple[list[go.Figure], list[Table]]:
    grouped, _, _ = comparisons.year_table(con, f, by)
    if grouped.is_empty():
        return [], []
    column = comparisons.BY_COLUMN[by]
    figures: list[go.Figure] = []
    spend = grouped.filter(pl.col("total_expenditure_yuan").is_not_null())
    if charts.has_data(spend):
        figures.append(
            charts.trend(
                spend,
                "total_expenditure_yuan",
                "部门决算本年支出合计（万元）按年度",
                "金额（万元）",
                by=column,
            )
        )
    scored = grouped.filter(pl.col("avg_score").is_not_null())
    if charts.has_data(scored):
        figures.append(
            charts.trend(
                scored, "avg_score", "绩效自评平均分（分）按年度", "平均分（分）", by=column, in_wan=False
            )
        )
    return figures, [table(f"按{by}、年度", grouped)]


def years_words(con: duckdb.DuckDBPyConnection, f: Filters, by: str = "区") -> list[tuple[str, str]]:
    words = "区（只计每个年度都有数据的部门）" if by == "区" else "部门"
    return [("比较对象", words)]
