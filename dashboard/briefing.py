"""A briefing of one page's view: what an official hands on (issue 19).

A :class:`Briefing` holds the page's title, its filters in words, 分析要点 (sentences written
from the figures, each naming the file and page it comes from), the page's charts (Plotly
figures) and its key tables (Chinese headers, 万元). Everything is computed here from the same
query functions and chart builders the page uses, with the same filters and widget choices, so
the briefing says what the screen shows. Writing it as PDF or DOCX is
dashboard/briefing_render.py's job; nothing here draws or writes.

Sentences state money with its unit (万元; under 1 万元 in 元, as everywhere in the dashboard)
and, where the data needed for a figure is missing, say so instead of a figure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import duckdb
import plotly.graph_objects as go
import polars as pl

from dashboard import charts, export, queries
from dashboard import money as money_format
from dashboard.queries import B3, B5, T3, T5, Filters
from dashboard.state import describe
from dashboard.ui import LABELS, PERCENT_COLUMNS, coverage_label, short_department

MAX_YEARS = 3  # 总览: the newest years in view said year by year; older ones are in the table
MAX_NAMED = 5  # items named in one sentence before '等 N 个'
MAX_SOURCE_FILES = 6  # files named in one 来源 before '等 N 份文件'
MAX_TABLE_ROWS = 30  # a printed table; the rest is on the page and on 数据下载
MAX_SCATTER_POINTS = 1000  # as 预算执行 draws it
MAX_ITEM_BARS = 30
MAX_DIFFERENCES = 3  # 预算与决算: the biggest differences per department-year
TEXT_TYPES = ("text",)  # files whose figures are found by line, not by page
CENT = money_format.CENT
MISSING = money_format.MISSING


# --- the model ------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Where a figure is printed: a file and its page (a PDF, a workbook) or line (a text file)."""

    file: str
    page: int | None = None
    line: int | None = None
    cell: str | None = None
    file_type: str | None = None

    @property
    def by_line(self) -> bool:
        return self.file_type in TEXT_TYPES or (self.page is None and self.line is not None)


@dataclass(frozen=True)
class Point:
    """One 分析要点: a sentence and the places its figures are printed (or a note saying where)."""

    text: str
    sources: tuple[Source, ...] = ()
    note: str = ""  # a source without one place: '各文件的自动校验结果（见“数据质量”页）'

    @property
    def source_text(self) -> str:
        """'来源：a.pdf 第10、11页；b.txt 第357行' — each file once, its pages or lines in order."""
        parts = _cite(self.sources)
        if self.note:
            parts.append(self.note)
        return "来源：" + "；".join(parts) if parts else ""


@dataclass(frozen=True)
class Table:
    """A key table as printed: Chinese headers, every cell already text (万元 with two decimals)."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]  # right-aligned columns
    note: str = ""


@dataclass(frozen=True)
class Briefing:
    page: str
    title: str
    scope: tuple[tuple[str, str], ...]  # (what, in words): the filters and the page's own choices
    made_at: str  # '2026-12-07 08:30 北京时间'
    data_at: str  # the build's time, the same words
    points: tuple[Point, ...]
    figures: tuple[go.Figure, ...] = ()
    tables: tuple[Table, ...] = ()
    notes: tuple[str, ...] = field(default=())  # said at the end (a chart that could not be drawn)


# --- words ----------------------------------------------------------------------------


def money(yuan: object) -> str:
    """元 -> '2,940.05 万元' (under 1 万元: '950.00 元'): dashboard.money's words."""
    return money_format.money_text(yuan, missing=MISSING)


def wan_cell(yuan: object) -> str:
    """元 -> '2,940.05' for a 万元 column (dashboard.money's rounding)."""
    w = money_format.wan(yuan)
    return MISSING if w is None else f"{w:,.2f}"


def percent(fraction: object) -> str:
    """0.3857 -> '38.57%'."""
    if fraction is None:
        return MISSING
    return f"{(Decimal(str(fraction)) * 100).quantize(CENT, ROUND_HALF_UP)}%"


def change(new: Decimal, old: Decimal, with_rate: bool = True) -> str:
    """'减少 876.75 万元，下降 5.31%' / '增加 …，增长 …' / '持平' — as a 说明 words it."""
    diff = new - old
    if diff == 0:
        return "持平"
    word, rate_word = ("增加", "增长") if diff > 0 else ("减少", "下降")
    rate = f"，{rate_word} {percent(abs(diff) / abs(old))}" if old and with_rate else ""
    return f"{word} {money(abs(diff))}{rate}"


def quoted(name: object) -> str:
    """A name in quotation marks, unless the name itself holds them (“互联网+政务服务”建设经费)."""
    text = str(name)
    return text if "“" in text or "”" in text else f"“{text}”"


def _named(items: Sequence[str], limit: int = MAX_NAMED) -> str:
    shown = "、".join(items[:limit])
    return shown + (f" 等 {len(items)} 个" if len(items) > limit else "")


def _cited_by(s: Source) -> str:
    if s.by_line:
        return "line"
    return "cell" if s.cell and s.file_type not in ("pdf", None) else "page"


def _places(sources: Sequence[Source]) -> str:
    """One file's places: '第10、11页' (PDF), '第357、428行' (text), '第2页 E18、F18' (a workbook's
    sheet and cells, a Word table's cells) — as 原文查看 and 项目详情 name them."""
    pages = sorted({s.page for s in sources if _cited_by(s) == "page" and s.page})
    lines = sorted({s.line for s in sources if _cited_by(s) == "line" and s.line})
    cells: dict[int, list[str]] = {}
    for s in sources:
        if _cited_by(s) == "cell" and s.cell not in cells.get(s.page or 0, []):
            cells.setdefault(s.page or 0, []).append(str(s.cell))
    out = [f"第{'、'.join(map(str, pages))}页"] if pages else []
    out += [f"第{'、'.join(map(str, lines))}行"] if lines else []
    out += [(f"第{page}页 " if page else "") + "、".join(cs) for page, cs in sorted(cells.items())]
    return " ".join(out)


def _cite(sources: Sequence[Source]) -> list[str]:
    """Each file once with its places, in the order the sources name the files."""
    by_file: dict[str, list[Source]] = {}
    for s in sources:
        by_file.setdefault(s.file, []).append(s)
    out = [f"{file} {_places(group)}".strip() for file, group in list(by_file.items())[:MAX_SOURCE_FILES]]
    if len(by_file) > MAX_SOURCE_FILES:
        out[-1] += f" 等 {len(by_file)} 份文件"
    return out


def _sources(rows: pl.DataFrame) -> tuple[Source, ...]:
    """statement_rows (or any frame with source_file, source_page, source_line, file_type) -> Sources."""
    return tuple(
        Source(
            file=r["source_file"],
            page=r.get("source_page"),
            line=r.get("source_line"),
            cell=r.get("source_cell"),
            file_type=r.get("file_type"),
        )
        for r in rows.iter_rows(named=True)
    )


def _label(district: str | None, departments: Sequence[str] | None) -> str:
    return coverage_label(district, list(departments or []))


def _keep_kinds(df: pl.DataFrame, f: Filters, column: str) -> pl.DataFrame:
    return df.filter(pl.col(column).is_in(list(f.kinds))) if f.kinds and not df.is_empty() else df


# --- tables ---------------------------------------------------------------------------


def _cell(name: str, value: Any) -> str:
    if value is None:
        return MISSING
    if name.endswith("_yuan"):
        return wan_cell(value)
    if name in PERCENT_COLUMNS:
        return percent(value)
    if name in ("score_total", "score_max", "avg_score"):
        return f"{Decimal(str(value)).quantize(CENT, ROUND_HALF_UP)}"
    if name == "kind":
        return export.VALUE_WORDS["kind"].get(value, str(value))
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or MISSING
    return str(value)


def table(
    title: str, df: pl.DataFrame, labels: dict[str, str] | None = None, limit: int = MAX_TABLE_ROWS
) -> Table:
    """A frame as a printed table: Chinese headers (ui.LABELS), 万元 and % as the page shows them."""
    words = {**LABELS, **(labels or {})}
    columns = df.columns
    headers = []
    for c in columns:
        label = words.get(c, c)
        headers.append(label.removesuffix("（%）") if c in PERCENT_COLUMNS else label)  # cells say '%'
    rows = tuple(
        tuple(_cell(c, v) for c, v in zip(columns, r, strict=True)) for r in df.head(limit).iter_rows()
    )
    numeric = tuple(
        c.endswith("_yuan") or c in PERCENT_COLUMNS or df.schema[c].is_numeric() and c != "year"
        for c in columns
    )
    money_in = any(c.endswith("_yuan") for c in columns)
    note = "金额单位：万元。" if money_in else ""
    if df.height > limit:
        note += f"共 {df.height} 行，此处列出前 {limit} 行；全部见看板页面或“数据下载”页。"
    return Table(title=title, columns=tuple(headers), rows=rows, numeric=numeric, note=note)


# --- 总览 -----------------------------------------------------------------------------


def _totals(rows: pl.DataFrame, template: str, measure: str) -> pl.DataFrame:
    """A table's 合计 row (level 0, no code) for one measure, one row per document."""
    if rows.is_empty():
        return rows
    return rows.filter(
        (pl.col("template") == template)
        & (pl.col("level") == 0)
        & pl.col("code").is_null()
        & (pl.col("measure") == measure)
    )


def _spend_rows(con: duckdb.DuckDBPyConnection, f: Filters) -> pl.DataFrame:
    """The 支出决算表's 合计 and 类 rows in view (本年支出合计), with where each is printed."""
    if not f.wants("final_accounts"):
        return pl.DataFrame()
    rows = queries.statement_rows(con, f, [T3])
    return rows.filter(pl.col("measure") == "本年支出合计") if not rows.is_empty() else rows


def total_points(con: duckdb.DuckDBPyConnection, f: Filters) -> list[Point]:
    """本年支出合计 per year in view (the newest first), each document's share named."""
    head = queries.headline_by_district_year(con, f)
    spend = head.filter(pl.col("total_expenditure_yuan").is_not_null()) if not head.is_empty() else head
    if spend.is_empty():
        return [Point("当前范围内没有部门决算（支出决算表），无法给出本年支出合计。")]
    totals = _totals(_spend_rows(con, f), T3, "本年支出合计")
    out = []
    years = sorted(spend["year"].unique().to_list(), reverse=True)
    for year in years[:MAX_YEARS]:
        rows = spend.filter(pl.col("year") == year).sort("district")
        total = sum((r for r in rows["total_expenditure_yuan"].to_list()), Decimal(0))
        labels = [_label(r["district"], r["final_departments"]) for r in rows.iter_rows(named=True)]
        if rows.height == 1:
            text = f"{year} 年度本年支出合计 {money(total)}（{labels[0]}，部门决算·支出决算表合计行）。"
        else:
            parts = [
                f"{label} {money(r['total_expenditure_yuan'])}"
                for label, r in zip(labels, rows.iter_rows(named=True), strict=True)
            ]
            text = f"{year} 年度本年支出合计 {money(total)}，为 {rows.height} 个区的部门决算之和：{_named(parts)}。"
        out.append(Point(text, _sources(totals.filter(pl.col("year") == year))))
    if len(years) > MAX_YEARS:
        older = "、".join(str(y) for y in years[MAX_YEARS:])
        out.append(Point(f"另有 {older} 年度的部门决算，见下表。"))
    return out


def _by_department_year(rows: pl.DataFrame, amount: str = "amount_yuan") -> pl.DataFrame:
    return rows.group_by("district", "department", "year").agg(pl.col(amount).sum().alias("amount_yuan"))


def _year_on_year(
    now: pl.DataFrame, before: pl.DataFrame, year: int
) -> tuple[pl.DataFrame, int | None] | None:
    """The departments of ``year`` that have an earlier year, compared with their latest earlier one."""
    earlier = before.filter(pl.col("year") < year)
    if earlier.is_empty():
        return None
    prev = earlier.sort("year").group_by("district", "department").agg(pl.all().last())
    pairs = now.filter(pl.col("year") == year).join(
        prev, on=["district", "department"], how="inner", suffix="_prev", nulls_equal=True
    )
    if pairs.is_empty():
        return None
    years = pairs["year_prev"].unique().to_list()
    return pairs, (years[0] if len(years) == 1 else None)


MAX_CHANGES = 2  # 总览: years compared with their previous one, the newest first


def change_points(con: duckdb.DuckDBPyConnection, f: Filters) -> list[Point]:
    """比上年增减 of 本年支出合计 (决算) and of 部门预算支出合计: each year in view (the newest first)
    whose departments have an earlier year, against those same departments' previous year (found
    outside the year filter: 2024 chosen alone still compares with 2023)."""
    wider = Filters(f.districts, (), f.departments, f.kinds)
    out = []
    if f.wants("final_accounts"):
        now_rows = _totals(_spend_rows(con, f), T3, "本年支出合计")
        if now_rows.is_empty():
            out.append(Point("当前范围内没有部门决算，无法计算本年支出合计比上年增减。"))
        else:
            all_rows = _totals(_spend_rows(con, wider), T3, "本年支出合计")
            out += _changes(
                "本年支出合计",
                "部门决算",
                _by_department_year(now_rows),
                _by_department_year(all_rows),
                all_rows,
            )
    if f.wants("budget"):
        summary = queries.budget_summary(con, f)
        if not summary.is_empty():
            every = queries.budget_summary(con, wider)
            rows = _budget_total_rows(queries.statement_rows(con, wider, [B3], levels=(0,)))
            amounts = ("district", "department", "year", pl.col("expenditure_yuan").alias("amount_yuan"))
            out += _changes(
                "部门预算支出合计", "部门预算", summary.select(amounts), every.select(amounts), rows
            )
    return out


def _changes(what: str, kind: str, now: pl.DataFrame, every: pl.DataFrame, rows: pl.DataFrame) -> list[Point]:
    out = []
    for year in sorted(now["year"].unique().to_list(), reverse=True):
        found = _year_on_year(now, every, year)
        if found is not None:
            out.append(_change_point(what, year, found, rows))
        if len(out) == MAX_CHANGES:
            break
    if not out:
        out.append(Point(f"{what}：当前范围内没有同一部门两个年度的{kind}，无法计算比上年增减。"))
    return out


def _printed_total(rows: pl.DataFrame, template: str, total: str) -> pl.DataFrame:
    """A table's rows of its total column (支出预算总表 合计, 支出决算表 本年支出合计); from a file
    that prints no total column, its 基本支出 and 项目支出 (as queries.budget_summary and
    queries.budget_vs_final add them)."""
    if rows.is_empty():
        return rows
    rows = rows.filter(pl.col("template") == template)
    has_total = rows.filter(pl.col("measure") == total)["source_file"].unique()
    return pl.concat(
        [
            rows.filter(pl.col("measure") == total),
            rows.filter(
                pl.col("measure").is_in(["基本支出", "项目支出"])
                & ~pl.col("source_file").is_in(has_total.implode())
            ),
        ]
    )


def _budget_total_rows(rows: pl.DataFrame) -> pl.DataFrame:
    """The 支出预算总表's 合计 row (or its 基本支出 and 项目支出)."""
    rows = _printed_total(rows, B3, "合计")
    return rows.filter((pl.col("level") == 0) & pl.col("code").is_null()) if not rows.is_empty() else rows


def _change_point(what: str, year: int, found: tuple[pl.DataFrame, int | None], rows: pl.DataFrame) -> Point:
    pairs, prev_year = found
    new = sum(pairs["amount_yuan"].to_list(), Decimal(0))
    old = sum(pairs["amount_yuan_prev"].to_list(), Decimal(0))
    if pairs.height == 1:
        r = pairs.row(0, named=True)
        who = _label(r["district"], [r["department"]])
        text = (
            f"{who} {year} 年{what} {money(new)}，比 {r['year_prev']} 年（{money(old)}）{change(new, old)}。"
        )
    else:
        since = f"{prev_year} 年" if prev_year else "各部门的上一个年度"
        text = (
            f"{year} 年度{what} {money(new)}（{pairs.height} 个部门，按同一部门前后两年比较），"
            f"比 {since}（{money(old)}）{change(new, old)}。"
        )
    cited = rows.join(
        pl.concat(
            [
                pairs.select("district", "department", "year"),
                pairs.select("district", "department", year="year_prev"),
            ]
        ),
        on=["district", "department", "year"],
        how="semi",
        nulls_equal=True,
    ).sort("year", descending=True)
    return Point(text, _sources(cited))


def class_points(con: duckdb.DuckDBPyConnection, f: Filters) -> list[Point]:
    """The largest 类 of each year in view (the newest first) and its share of 本年支出合计."""
    classes = queries.spending_by_class(con, f)
    if classes.is_empty():
        return [Point("当前范围内没有部门决算的功能分类（类）数据，无法给出支出最大的类。")]
    rows = _spend_rows(con, f)
    totals = _totals(rows, T3, "本年支出合计")
    out = []
    for year in sorted(classes["year"].unique().to_list(), reverse=True)[:MAX_YEARS]:
        of_year = classes.filter(pl.col("year") == year)
        by_code = (
            of_year.group_by("code")
            .agg(pl.col("name").first(), pl.col("amount_yuan").sum())
            .sort("amount_yuan", "code", descending=[True, False])
        )
        top = by_code.row(0, named=True)
        total_rows = totals.filter(pl.col("year") == year)
        total = sum(total_rows["amount_yuan"].to_list(), Decimal(0)) if not total_rows.is_empty() else None
        share = f"，占本年支出合计（{money(total)}）的 {percent(top['amount_yuan'] / total)}" if total else ""
        text = f"{year} 年度支出最大的类是{quoted(top['name'])}（{top['code']}）{money(top['amount_yuan'])}{share}。"
        cited = rows.filter(
            (pl.col("year") == year) & ((pl.col("code") == top["code"]) & (pl.col("level") == 1))
        )
        out.append(Point(text, _sources(pl.concat([cited, total_rows]) if total else cited)))
    return out


QUALITY_NOTE = "各文件的自动校验结果，每条的页码见“数据质量”页"


def quality_points(con: duckdb.DuckDBPyConnection, f: Filters) -> list[Point]:
    """数据质量问题数 = errors + warnings of the documents in view (提示 not counted)."""
    summary = _keep_kinds(queries.checks_summary(con, f), f, "doc_kind")
    if summary.is_empty():
        return [Point("当前范围内没有文件，没有校验结果。")]
    errors, warnings, infos = (int(summary[c].sum()) for c in ("errors", "warnings", "infos"))
    if errors + warnings == 0:
        return [
            Point(
                f"数据质量：当前范围内的 {summary.height} 份文件没有错误或警告（另有提示 {infos} 条）。",
                note=QUALITY_NOTE,
            )
        ]
    flagged = summary.with_columns(n=pl.col("errors") + pl.col("warnings")).filter(pl.col("n") > 0)
    worst = flagged.sort("n", "source_file", descending=[True, False]).row(0, named=True)
    text = (
        f"数据质量问题 {errors + warnings} 条（错误 {errors} 条、警告 {warnings} 条），"
        f"涉及 {flagged.height} 份文件（共 {summary.height} 份）；最多的是 {worst['source_file']}（{worst['n']} 条）。"
        f"另有提示 {infos} 条，不计为问题。"
    )
    return [Point(text, note=QUALITY_NOTE)]


def overview_points(con: duckdb.DuckDBPyConnection, f: Filters) -> list[Point]:
    return [*total_points(con, f), *change_points(con, f), *class_points(con, f), *quality_points(con, f)]


OVERVIEW_COLUMNS = (
    "district", "year", "final_coverage", "total_expenditure_yuan", "basic_yuan", "project_yuan",
    "budget_expenditure_yuan", "evaluated_projects", "execution_rate",
)  # fmt: skip


def overview_view(con: duckdb.DuckDBPyConnection, f: Filters) -> tuple[list[go.Figure], list[Table]]:
    head = queries.headline_by_district_year(con, f)
    if head.is_empty():
        return [], []
    figures = []
    spend = head.filter(pl.col("total_expenditure_yuan").is_not_null())
    if charts.has_data(spend):
        labelled = spend.with_columns(
            label=pl.struct("district", "year", "final_departments").map_elements(
                lambda r: f"{r['year']} {coverage_label(r['district'], r['final_departments'])}",
                return_dtype=pl.String,
            )
        )
        figures.append(charts.headline_bars(labelled))
    shown = head.with_columns(
        final_coverage=pl.struct("district", "final_departments").map_elements(
            lambda r: coverage_label(r["district"], r["final_departments"], "无部门决算"),
            return_dtype=pl.String,
        ),
        execution_rate=pl.col("execution_rate"),
    ).select(OVERVIEW_COLUMNS)
    return figures, [table("各区主要指标（区 × 年度）", shown, {"execution_rate": "总体执行率"})]


# --- 预算执行 ---------------------------------------------------------------------------


def _evaluations(con: duckdb.DuckDBPyConnection, f: Filters) -> pl.DataFrame:
    projects = queries.projects(con, f, "self_evaluation")
    if projects.is_empty():
        return projects
    return projects.with_columns(rate=pl.coalesce("execution_rate", "execution_rate_computed"))


def _file_types(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    docs = queries.documents(con)
    return dict(zip(docs["source_file"].to_list(), docs["file_type"].to_list(), strict=True))


def _project_source(con: duckdb.DuckDBPyConnection, project_id: str, types: dict[str, str | None]) -> Source:
    p = queries.project(con, project_id).row(0, named=True)
    return Source(
        file=p["source_file"],
        page=p["source_page"],
        line=p["source_line"],
        cell=p["source_cell"],
        file_type=types.get(p["source_file"]),
    )


def _project_name(r: dict) -> str:
    return quoted(r["project_name"])


def execution_points(con: duckdb.DuckDBPyConnection, f: Filters, threshold: float = 0.9) -> list[Point]:
    """The self-evaluations in view: overall rate, the lowest-rate project, the projects under the
    threshold, and the 决算说明's largest gap between 年初预算 and 决算."""
    projects = _evaluations(con, f)
    out: list[Point] = []
    if projects.is_empty():
        out.append(Point("当前范围内没有绩效自评项目，无法分析预算执行。"))
    else:
        types = _file_types(con)
        files = (
            projects.group_by("source_file")
            .agg(pl.len())
            .sort("len", "source_file", descending=[True, False])
        )
        budget, executed = projects["budget_full_year_yuan"].sum(), projects["executed_yuan"].sum()
        overall = f"，总体执行率 {percent(Decimal(executed) / Decimal(budget))}" if budget else ""
        out.append(
            Point(
                f"当前范围有绩效自评项目 {projects.height} 个，全年预算合计 {money(budget)}，"
                f"执行数合计 {money(executed)}{overall}（{files.height} 份自评文件）。",
                tuple(
                    Source(file=r["source_file"], file_type=types.get(r["source_file"]))
                    for r in files.iter_rows(named=True)
                ),
            )
        )
        rated = projects.filter(pl.col("rate").is_not_null()).sort("rate", "project_name")
        unrated = projects.height - rated.height
        if rated.is_empty():
            out.append(
                Point(
                    "自评项目都没有执行率（未填写，且无法由全年预算数和执行数算出），无法找出执行率最低的项目。"
                )
            )
        else:
            low = rated.row(0, named=True)
            who = f"{_label(low['district'], [low['department']])}，{low['year']} 年度"
            out.append(
                Point(
                    f"执行率最低的项目是{_project_name(low)}（{who}）：全年预算 {money(low['budget_full_year_yuan'])}，"
                    f"执行数 {money(low['executed_yuan'])}，执行率 {percent(low['rate'])}。",
                    (_project_source(con, low["project_id"], types),),
                )
            )
            under = rated.filter(pl.col("rate") < threshold)
            share = percent(Decimal(under.height) / Decimal(projects.height))
            if under.is_empty():
                text = f"没有执行率低于 {threshold:.0%} 的项目（共 {projects.height} 个自评项目）。"
                cited: tuple[Source, ...] = ()
            else:
                named = [f"{_project_name(r)}（{percent(r['rate'])}）" for r in under.iter_rows(named=True)]
                text = (
                    f"执行率低于 {threshold:.0%} 的项目有 {under.height} 个，占 {projects.height} 个自评项目的 "
                    f"{share}：{_named(named)}。"
                )
                cited = tuple(
                    _project_source(con, r["project_id"], types)
                    for r in under.head(MAX_NAMED).iter_rows(named=True)
                )
            if unrated:
                text += f"另有 {unrated} 个项目没有执行率，未计入。"
            out.append(Point(text, cited))
    out.extend(narrative_points(con, f))
    return out


def narrative_points(con: duckdb.DuckDBPyConnection, f: Filters) -> list[Point]:
    """The 决算说明 item whose 决算 is furthest from its 年初预算."""
    items = queries.narrative_items(con, f)
    items = items.filter(pl.col("difference_yuan").is_not_null()) if not items.is_empty() else items
    if items.is_empty():
        return [Point("当前范围内的部门决算说明没有逐项列出年初预算与支出决算，无法比较。")]
    top = items.sort(pl.col("difference_yuan").abs(), "source_line", descending=[True, False]).row(
        0, named=True
    )
    where = queries.download_table(con, "narrative_items", f).filter(
        (pl.col("source_file") == top["source_file"]) & (pl.col("source_line") == top["source_line"])
    )
    page = where["source_page"][0] if not where.is_empty() else None
    types = _file_types(con)
    who = f"{_label(top['district'], [top['department']])}，{top['year']} 年度"
    text = (
        f"部门决算说明中决算与年初预算相差最大的是{quoted(top['item'])}（{who}）：年初预算 "
        f"{money(top['budget_initial_yuan'])}，支出决算 {money(top['final_yuan'])}，"
        f"{change(top['final_yuan'], top['budget_initial_yuan'])}"
        + (f"；说明的原因：{str(top['reason']).rstrip('。')}。" if top["reason"] else "。")
    )
    source = Source(top["source_file"], page, top["source_line"], None, types.get(top["source_file"]))
    return [Point(text, (source,))]


EXECUTION_COLUMNS = (
    "project_name", "execution_rate", "budget_full_year_yuan", "executed_yuan", "score_total", "district", "year",
    "department",
)  # fmt: skip


def execution_view(
    con: duckdb.DuckDBPyConnection, f: Filters, threshold: float = 0.9
) -> tuple[list[go.Figure], list[Table]]:
    figures: list[go.Figure] = []
    tables: list[Table] = []
    projects = _evaluations(con, f)
    if not projects.is_empty():
        under = projects.filter(pl.col("rate") < threshold).sort("rate")
        drawn = under.head(MAX_SCATTER_POINTS) if projects.height > MAX_SCATTER_POINTS else projects
        figures += [charts.budget_scatter(drawn, threshold), charts.execution_box(projects)]
        shown = under.with_columns(execution_rate=pl.col("rate")).select(EXECUTION_COLUMNS)
        tables.append(table(f"执行率低于 {threshold:.0%} 的项目", shown))
    items = queries.narrative_items(con, f)
    if not items.is_empty():
        biggest = items.sort(pl.col("difference_yuan").abs(), descending=True, nulls_last=True)
        figures.append(charts.narrative_items(biggest.head(MAX_ITEM_BARS)))
    return figures, tables


# --- 预算与决算 -------------------------------------------------------------------------


def default_department(summary: pl.DataFrame) -> str | None:
    """The department 预算与决算 opens on: the first with several years, else the first."""
    if summary.is_empty():
        return None
    departments = summary["department"].unique(maintain_order=True).to_list()
    years = summary.group_by("department").agg(pl.col("year").n_unique().alias("n"))
    several = set(years.filter(pl.col("n") > 1)["department"].to_list())
    return next((d for d in departments if d in several), departments[0])


def budget_points(con: duckdb.DuckDBPyConnection, f: Filters, department: str | None = None) -> list[Point]:
    """One department's 部门预算 across years (its 支出预算合计 and the 类 that changed most), and
    预算 against 决算 where a department has both for one year: the biggest differences."""
    out: list[Point] = []
    summary = queries.budget_summary(con, f)
    if summary.is_empty():
        out.append(Point("当前范围内没有部门预算，无法分析预算的年度变化。"))
    else:
        if department not in summary["department"].to_list():
            department = default_department(summary)
        out.extend(_budget_years_points(con, f, summary, department))
    out.extend(budget_vs_final_points(con, f))
    return out


def _budget_years_points(
    con: duckdb.DuckDBPyConnection, f: Filters, summary: pl.DataFrame, department: str | None
) -> list[Point]:
    one = summary.filter(pl.col("department") == department).sort("year")
    district = one["district"][0]
    who = coverage_label(district, [department] if department else [])
    scoped = Filters(f.districts, f.years, (department,) if department else f.departments, f.kinds)
    rows = queries.statement_rows(con, scoped, [B3])
    totals = _budget_total_rows(rows)
    last = one.row(-1, named=True)
    if one.height == 1:
        return [
            Point(
                f"{who}只有 {last['year']} 年一个年度的部门预算：支出预算合计 {money(last['expenditure_yuan'])}，"
                "尚不能比较年度变化。",
                _sources(totals.filter(pl.col("year") == last["year"])),
            )
        ]
    prev = one.row(-2, named=True)
    years = [prev["year"], last["year"]]
    out = [
        Point(
            f"{who} {last['year']} 年部门预算支出合计 {money(last['expenditure_yuan'])}，比 {prev['year']} 年"
            f"（{money(prev['expenditure_yuan'])}）{change(last['expenditure_yuan'], prev['expenditure_yuan'])}。",
            _sources(totals.filter(pl.col("year").is_in(years)).sort("year", descending=True)),
        )
    ]
    classes = _printed_total(rows, B3, "合计").filter(pl.col("level") == 1)
    wide = (
        classes.filter(pl.col("year").is_in(years))
        .group_by("code")
        .agg(
            pl.col("name").first(),
            pl.col("amount_yuan").filter(pl.col("year") == last["year"]).sum().alias("new"),
            pl.col("amount_yuan").filter(pl.col("year") == prev["year"]).sum().alias("old"),
        )
        .with_columns(diff=pl.col("new") - pl.col("old"))
        .filter(pl.col("diff") != 0)
        .sort(pl.col("diff").abs(), "code", descending=[True, False])
        .head(MAX_DIFFERENCES)
    )
    if wide.is_empty():
        return out
    parts = [
        f"{quoted(r['name'])}（{r['code']}）{change(r['new'], r['old'], with_rate=False)}"
        f"（{prev['year']} 年 {money(r['old'])}，{last['year']} 年 {money(r['new'])}）"
        for r in wide.iter_rows(named=True)
    ]
    cited = classes.filter(pl.col("year").is_in(years) & pl.col("code").is_in(wide["code"].implode()))
    out.append(Point(f"与 {prev['year']} 年相比变化最大的类：" + "；".join(parts) + "。", _sources(cited)))
    return out


def budget_vs_final_points(con: duckdb.DuckDBPyConnection, f: Filters) -> list[Point]:
    pairs = queries.budget_vs_final(con, f)
    if pairs.is_empty():
        return [
            Point(
                "当前数据中没有同一部门同一年度既有部门预算又有部门决算的文件，无法对照预算与决算；"
                "导入该部门同一年度的预算或决算后即可比较。"
            )
        ]
    classes = pairs.filter(pl.col("code").str.len_chars() == 3)
    rows = queries.statement_rows(con, f, [B3, T3], levels=(1,))
    rows = pl.concat([_printed_total(rows, B3, "合计"), _printed_total(rows, T3, "本年支出合计")])
    out = []
    keys = classes.select("district", "department", "year").unique(maintain_order=True)
    for key in keys.head(MAX_YEARS).iter_rows(named=True):
        part = classes.filter(
            pl.col("district").eq_missing(key["district"])
            & (pl.col("department") == key["department"])
            & (pl.col("year") == key["year"])
        )
        budget = sum((v for v in part["budget_yuan"].to_list() if v is not None), Decimal(0))
        final = sum((v for v in part["final_yuan"].to_list() if v is not None), Decimal(0))
        top = part.filter(pl.col("difference_yuan").is_not_null()).sort(
            pl.col("difference_yuan").abs(), "code", descending=[True, False]
        )
        who = f"{_label(key['district'], [key['department']])} {key['year']} 年度"
        rate = f"，决算为预算的 {percent(final / budget)}" if budget else ""
        text = f"{who}：各类预算合计 {money(budget)}，支出决算合计 {money(final)}{rate}。"
        if not top.is_empty():
            diffs = []
            for r in top.head(MAX_DIFFERENCES).iter_rows(named=True):
                reason = f"，说明的原因：{str(r['reason']).rstrip('。')}" if r["reason"] else ""
                diffs.append(
                    f"{quoted(r['name'])}（{r['code']}）预算 {money(r['budget_yuan'])}、决算 {money(r['final_yuan'])}，"
                    f"{change(r['final_yuan'], r['budget_yuan'])}{reason}"
                )
            text += "差额最大的类：" + "；".join(diffs) + "。"
        cited = rows.filter(
            pl.col("district").eq_missing(key["district"])
            & (pl.col("department") == key["department"])
            & (pl.col("year") == key["year"])
            & pl.col("code").is_in(top.head(MAX_DIFFERENCES)["code"].implode())
        ).sort("doc_kind", "source_line", descending=[True, False])
        out.append(Point(text, _sources(cited)))
    return out


YEARS_COLUMNS = (
    "year", "income_yuan", "expenditure_yuan", "change_yuan", "change_rate", "basic_yuan", "project_yuan",
    "three_public_yuan",
)  # fmt: skip
PAIR_COLUMNS = ("department", "year", "code", "name", "budget_yuan", "final_yuan", "difference_yuan", "rate")


def budget_view(
    con: duckdb.DuckDBPyConnection, f: Filters, department: str | None = None
) -> tuple[list[go.Figure], list[Table]]:
    figures: list[go.Figure] = []
    tables: list[Table] = []
    summary = queries.budget_summary(con, f)
    if not summary.is_empty():
        if department not in summary["department"].to_list():
            department = default_department(summary)
        one = summary.filter(pl.col("department") == department).sort("year")
        district = one["district"][0]
        name = short_department(department or "", district)
        if one.height > 1:
            bars = one.with_columns(label=pl.col("year").cast(pl.String) + " 年")
            figures.append(charts.budget_years(bars, name))
        classes = queries.budget_by_class(con, f).filter(pl.col("department") == department)
        if charts.has_data(classes):
            figures.append(charts.budget_classes(classes, name))
        changes = one.with_columns(
            change_yuan=pl.col("expenditure_yuan") - pl.col("expenditure_yuan").shift(1),
            change_rate=(
                pl.col("expenditure_yuan").cast(pl.Float64)
                / pl.col("expenditure_yuan").shift(1).cast(pl.Float64)
            )
            - 1,
        ).select(YEARS_COLUMNS)
        tables.append(
            table(
                f"{coverage_label(district, [department] if department else [])}：部门预算（按年度）",
                changes,
                {"change_rate": "比上年增减率"},
            )
        )
    pairs = queries.budget_vs_final(con, f)
    if not pairs.is_empty():
        biggest = pairs.sort(pl.col("difference_yuan").abs(), descending=True, nulls_last=True)
        tables.append(
            table("预算与决算对照（同一部门、同一年度，差额最大的科目在前）", biggest.select(PAIR_COLUMNS))
        )
    return figures, tables


# --- 支出结构 ---------------------------------------------------------------------------


def _structure_document(con: duckdb.DuckDBPyConnection, f: Filters, file: str | None) -> dict | None:
    """The document the page shows: the one chosen, else the page's first (the newest)."""
    docs = queries.structure_documents(con, f)
    if docs.is_empty():
        return None
    chosen = docs.filter(pl.col("source_file") == file) if file else docs.head(0)
    return (chosen if not chosen.is_empty() else docs.head(1)).row(0, named=True)


def _structure_statement(doc: dict, statement: str | None) -> str:
    statements = (T3, T5) if doc["doc_kind"] == "final_accounts" else (B3, B5)
    return statement if statement in statements else statements[0]


def structure_points(
    con: duckdb.DuckDBPyConnection, f: Filters, file: str | None = None, statement: str | None = None
) -> list[Point]:
    """The document's total of the table shown, and its largest 类 with its share, each cited."""
    doc = _structure_document(con, f, file)
    if doc is None:
        return [Point("当前范围内没有部门决算或部门预算，无法说明支出结构。")]
    statement = _structure_statement(doc, statement)
    tree = queries.functional_tree(
        con, Filters(kinds=(doc["doc_kind"],), files=(doc["source_file"],)), statement
    )
    kind = queries.KIND_LABELS.get(doc["doc_kind"], "")
    who = f"{coverage_label(doc['district'], [doc['department']])} {doc['year']} 年{kind}"
    classes = tree.filter(pl.col("level") == 1) if not tree.is_empty() else tree
    if classes.is_empty():
        return [Point(f"{who}没有“{statement}”的分类数据。")]
    measure = queries.STRUCTURE_TABLES[statement]
    rows = queries.statement_rows(con, Filters(), [statement], levels=(0, 1)).filter(
        (pl.col("source_file") == doc["source_file"]) & (pl.col("measure") == measure)
    )
    printed = rows.filter((pl.col("level") == 0) & pl.col("code").is_null())
    top = classes.sort("amount_yuan", descending=True, nulls_last=True).row(0, named=True)
    if printed.is_empty():  # no 合计 row printed: the classes' sum, said as such
        total = sum((v for v in classes["amount_yuan"].to_list() if v is not None), Decimal(0))
        first = Point(f"{who}“{statement}”各类之和 {money(total)}（{classes.height} 个类，表中未印合计行）。")
        of = "各类之和"
    else:
        total = printed["amount_yuan"][0]
        first = Point(f"{who}“{statement}”合计 {money(total)}（{classes.height} 个类）。", _sources(printed))
        of = "合计"
    share = percent(top["amount_yuan"] / total) if total else MISSING
    cited = _sources(rows.filter(pl.col("code") == top["code"]))
    return [
        first,
        Point(
            f"最大的类是“{top['name']}”（{top['code']}）{money(top['amount_yuan'])}，占{of}的 {share}。",
            cited,
        ),
    ]


def structure_view(
    con: duckdb.DuckDBPyConnection, f: Filters, file: str | None = None, statement: str | None = None
) -> tuple[list[go.Figure], list[Table]]:
    doc = _structure_document(con, f, file)
    if doc is None:
        return [], []
    statement = _structure_statement(doc, statement)
    tree = queries.functional_tree(
        con, Filters(kinds=(doc["doc_kind"],), files=(doc["source_file"],)), statement
    )
    if not charts.has_data(tree):
        return [], []
    figure = charts.treemap(tree, f"{statement}：功能分类 类 → 款 → 项（万元）")
    return [figure], [table(f"{statement}：类、款、项及占比", charts.tree_table(tree))]


# --- 绩效评分 ---------------------------------------------------------------------------

SCORE_COLUMNS = ("district", "year", "department", "project_name", "score_total", "grade", "execution_rate")
ANOMALY_COLUMNS = ("finding", "district", "year", "project_name", "detail")


def scores_points(con: duckdb.DuckDBPyConnection, f: Filters) -> list[Point]:
    """How many projects were scored, their average, the lowest, where points were lost, the anomalies."""
    projects = queries.projects(con, f, "self_evaluation")
    if projects.is_empty():
        return [Point("当前范围内没有绩效自评项目。")]
    scored = projects.filter(pl.col("score_total").is_not_null())
    out: list[Point] = []
    if scored.is_empty():
        out.append(Point(f"当前范围内 {projects.height} 个自评项目都没有打印总分，无法计算平均分。"))
    else:
        mean = sum(scored["score_total"].to_list(), Decimal(0)) / scored.height
        low = scored.sort(["score_total", "project_name"]).row(0, named=True)
        types = _file_types(con)
        unscored = (
            f"（另有 {projects.height - scored.height} 个未打印总分）"
            if projects.height > scored.height
            else ""
        )
        out.append(
            Point(
                f"自评项目 {projects.height} 个，{scored.height} 个打印了总分{unscored}，平均 "
                f"{mean.quantize(CENT, ROUND_HALF_UP)} 分；最低的是{_project_name(low)}（{low['score_total']:f} 分）。",
                (_project_source(con, low["project_id"], types),),
            )
        )
    lost = queries.points_lost(con, f)
    lost = lost.filter(pl.col("points_lost") > 0) if not lost.is_empty() else lost
    if lost.is_empty():
        out.append(Point("各指标全部得满分，没有失分。", note="各自评表的指标得分"))
    else:
        top = lost.row(0, named=True)
        out.append(
            Point(
                f"失分最多的是“{top['level1']} / {top['level2']}”，共 {top['points_lost']:f} 分"
                f"（{top['indicators_short']} 个指标未得满分）。",
                note="各自评表的指标得分（见“绩效评分”页）",
            )
        )
    anomalies = queries.anomalies(con, f)
    if anomalies.is_empty():
        out.append(Point("未发现执行率低而得分高、未达目标却得满分等异常。", note="自动校验结果"))
    else:
        counts = anomalies.group_by("finding").len().sort("finding")
        parts = "；".join(f"{r['finding']} {r['len']} 条" for r in counts.iter_rows(named=True))
        out.append(Point(f"异常清单：{parts}。", note="自动校验结果，逐条见“绩效评分”页"))
    return out


def scores_view(con: duckdb.DuckDBPyConnection, f: Filters) -> tuple[list[go.Figure], list[Table]]:
    projects = queries.projects(con, f, "self_evaluation")
    scored = projects.filter(pl.col("score_total").is_not_null()) if not projects.is_empty() else projects
    figures: list[go.Figure] = []
    if charts.has_data(scored):
        figures.append(charts.score_distribution(scored))
    lost = queries.points_lost(con, f)
    lost = lost.filter(pl.col("points_lost") > 0) if not lost.is_empty() else lost
    if charts.has_data(lost):
        figures.append(charts.points_lost(lost))
    tables: list[Table] = []
    anomalies = queries.anomalies(con, f)
    if not anomalies.is_empty():
        tables.append(table("异常清单", anomalies.select(ANOMALY_COLUMNS)))
    if not scored.is_empty():
        tables.append(table("得分最低的项目", scored.sort("score_total").select(SCORE_COLUMNS)))
    return figures, tables


# --- 数据质量 ---------------------------------------------------------------------------

QUALITY_COLUMNS = ("source_file", "errors", "warnings", "infos")
FINDING_COLUMNS = ("severity", "title", "message", "source_file", "source_page")


def quality_view(con: duckdb.DuckDBPyConnection, f: Filters) -> tuple[list[go.Figure], list[Table]]:
    summary = _keep_kinds(queries.checks_summary(con, f), f, "doc_kind")
    if summary.is_empty():
        return [], []
    counts = summary.sort(["errors", "warnings"], descending=True).select(QUALITY_COLUMNS)
    labels = {"errors": "错误", "warnings": "警告", "infos": "提示"}
    found = queries.checks_list(con, f, ("error", "warning"))
    tables = [table("各文件的校验结果（条）", counts, labels)]
    if not found.is_empty():
        tables.append(table("错误与警告（按文件）", found.select(FINDING_COLUMNS)))
    return [], tables


# --- one briefing -----------------------------------------------------------------------

PointsFn = Callable[..., list[Point]]
ViewFn = Callable[..., tuple[list[go.Figure], list[Table]]]
PAGES: dict[str, tuple[PointsFn, ViewFn]] = {
    "总览": (overview_points, overview_view),
    "预算执行": (execution_points, execution_view),
    "预算与决算": (budget_points, budget_view),
    "支出结构": (structure_points, structure_view),
    "绩效评分": (scores_points, scores_view),
    "数据质量": (quality_points, quality_view),
}
# Pages whose choices are said by their own module (a page's widget values, in words).
WordsFn = Callable[..., list[tuple[str, str]]]
WORDS: dict[str, WordsFn] = {}
# Pages about one thing, not the sidebar's selection: their briefing does not list the filters.
WITHOUT_FILTERS = {"项目详情"}


def choices_in_words(
    page: str, con: duckdb.DuckDBPyConnection, f: Filters, choices: dict[str, Any]
) -> list[tuple[str, str]]:
    """The page's own widget values, in words (they change what the briefing says)."""
    if page in WORDS:
        return WORDS[page](con, f, **choices)
    if page == "预算执行":
        return [("执行不足标准", f"执行率低于 {choices.get('threshold', 0.9):.0%}")]
    if page == "支出结构":
        doc = _structure_document(con, f, choices.get("file"))
        if doc is None:
            return [("文件", "（当前范围内没有部门决算或部门预算）")]
        kind = queries.KIND_LABELS.get(doc["doc_kind"], "")
        label = f"{coverage_label(doc['district'], [doc['department']])} {doc['year']} 年{kind}（{doc['source_file']}）"
        return [("文件", label), ("功能分类口径", _structure_statement(doc, choices.get("statement")))]
    if page == "预算与决算":
        summary = queries.budget_summary(con, f)
        department = choices.get("department")
        if not summary.is_empty() and department not in summary["department"].to_list():
            department = default_department(summary)
        return [("预算部门", department or "（当前范围内没有部门预算）")]
    return []


def build(
    page: str,
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    *,
    made_at: str,
    data_at: str,
    **choices: Any,
) -> Briefing:
    """The briefing of ``page`` (a title of PAGES) under the filters and the page's choices
    (预算执行: threshold=0.9; 预算与决算: department=...; 区际比较: year=...; 年度比较: by=...;
    项目详情: project=...)."""
    if page not in PAGES:
        raise ValueError(f"no briefing for page {page!r}")
    points_fn, view_fn = PAGES[page]
    filters = [] if page in WITHOUT_FILTERS else list(describe(f).items())
    scope = [*filters, *choices_in_words(page, con, f, choices)]
    with charts.plotly_lock():
        figures, tables = view_fn(con, f, **choices)
    return Briefing(
        page=page,
        title=f"{page}简报",
        scope=tuple(scope),
        made_at=made_at,
        data_at=data_at,
        points=tuple(points_fn(con, f, **choices)),
        figures=tuple(figures),
        tables=tuple(tables),
    )


# The pages written in modules of their own build on this module's model; they join the registry here.
from dashboard import briefing_compare, briefing_project  # noqa: E402

PAGES |= {
    "区际比较": (briefing_compare.districts_points, briefing_compare.districts_view),
    "年度比较": (briefing_compare.years_points, briefing_compare.years_view),
    "项目详情": (briefing_project.project_points, briefing_project.project_view),
}
WORDS |= {
    "区际比较": briefing_compare.districts_words,
    "年度比较": briefing_compare.years_words,
    "项目详情": briefing_project.project_words,
}
