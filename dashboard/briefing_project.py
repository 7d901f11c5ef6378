"""导出简报 of 项目详情: one project as its form prints it, for an official to hand on.

A self-evaluation says its three budget figures, 执行率, 总分 and where points were lost; a
declaration (绩效目标申报) says only what it asks for and its targets — no 执行率 or 总分, which
only a self-evaluation has. Every sentence cites the form's page and cell (a text file: line).
"""

from __future__ import annotations

from decimal import Decimal

import duckdb
import plotly.graph_objects as go
import polars as pl

from dashboard import charts, export, queries
from dashboard.briefing import (
    MAX_NAMED,
    MISSING,
    Point,
    Source,
    Table,
    _file_types,
    money,
    percent,
    quoted,
    table,
)
from dashboard.names import coverage_label
from dashboard.queries import Filters

INDICATOR_COLUMNS = (
    "seq", "level1", "level2", "level3", "target_value", "actual_value", "weight", "score", "deviation_reason",
)  # fmt: skip
INDICATOR_LABELS = {"weight": "分值（分）", "score": "得分（分）", "deviation_reason": "偏差原因"}


def _project(con: duckdb.DuckDBPyConnection, project: str | None) -> dict | None:
    found = queries.project(con, project) if project else pl.DataFrame()
    return None if found.is_empty() else found.row(0, named=True)


def _source(row: dict, types: dict[str, str | None], file: str | None = None) -> Source:
    """Where ``row`` is printed; an indicator row names its place in ``file``, its project's form."""
    file = file or row["source_file"]
    return Source(
        file=file,
        page=row.get("source_page"),
        line=row.get("source_line"),
        cell=row.get("source_cell"),
        file_type=types.get(file),
    )


def _who(p: dict) -> str:
    """'青浦区 · 政务服务办公室'; a project of no Shanghai district is named with its region."""
    if p["district"] or not p.get("region"):
        return coverage_label(p["district"], [p["department"]])
    return f"{p['region']} · {p['department'] or '部门未识别'}"


def _points(value: object) -> str:
    return MISSING if value is None else f"{Decimal(str(value)).quantize(Decimal('0.01'))}"


def project_points(con: duckdb.DuckDBPyConnection, f: Filters, project: str | None = None) -> list[Point]:
    """Who and which year; the money; the score and the indicators that lost points; checks."""
    p = _project(con, project)
    if p is None:
        return [Point("未选择项目（或该项目已不在当前数据中），没有可导出的项目详情。")]
    types = _file_types(con)
    here = (_source(p, types),)
    kind = export.VALUE_WORDS["kind"].get(p["kind"], "类型未识别")
    year = f"{p['year']} 年度" if p["year"] else "年度未识别"
    unit = f"，实施单位{p['unit']}" if p.get("unit") and p["unit"] != p["department"] else ""
    out = [
        Point(
            f"项目{quoted(p['project_name'])}：{_who(p)}，{year}{kind}{unit}。",
            here,
        )
    ]
    if p["kind"] == "target_declaration":
        out.append(
            Point(
                f"年度资金申请总额 {money(p['budget_initial_yuan'])}，其中当年财政拨款 {money(p['budget_full_year_yuan'])}"
                "（申报表只列申请金额和年度指标值，执行数、执行率和得分要到年度绩效自评才有）。",
                here,
            )
        )
    else:
        rate = "未印" if p["execution_rate"] is None else percent(p["execution_rate"])
        said = [
            f"{what}{'未印' if p[column] is None else ' ' + money(p[column])}"
            for what, column in (
                ("年初预算数", "budget_initial_yuan"),
                ("全年预算数", "budget_full_year_yuan"),
                ("全年执行数", "executed_yuan"),
            )
        ]
        out.append(Point(f"{'，'.join(said)}，执行率{'' if rate == '未印' else ' '}{rate}。", here))
        if p["score_total"] is None:
            out.append(Point("自评表未打印总分。", here))
        else:
            grade = f"，绩效等级“{p['grade']}”" if p.get("grade") else ""
            out.append(
                Point(
                    f"总分 {_points(p['score_total'])} / {_points(p['score_max'] or 100)} 分{grade}。", here
                )
            )
    out.extend(_indicator_points(con, p, types))
    checks = queries.project_checks(con, p["project_id"])
    if checks.is_empty():
        out.append(Point("自动校验未发现该项目的问题。", note="自动校验结果"))
    else:
        counts = checks.group_by("severity").len()
        said = {r["severity"]: r["len"] for r in counts.iter_rows(named=True)}
        words = "、".join(
            f"{w} {said[s]} 条"
            for s, w in (("error", "错误"), ("warning", "警告"), ("info", "提示"))
            if s in said
        )
        out.append(
            Point(
                f"与该项目有关的校验 {checks.height} 条（{words}）：{'；'.join(checks['title'].head(MAX_NAMED).to_list())}。",
                note="自动校验结果，逐条见“项目详情”页",
            )
        )
    return out


def _indicator_points(con: duckdb.DuckDBPyConnection, p: dict, types: dict[str, str | None]) -> list[Point]:
    inds = queries.project_indicators(con, p["project_id"])
    if inds.is_empty():
        return [Point("该项目没有可读的绩效指标行。")]
    if p["kind"] == "target_declaration" or inds["score"].is_null().all():
        return [
            Point(
                f"绩效指标 {inds.height} 个（表中未打印得分）。",
                tuple(_source(r, types, p["source_file"]) for r in inds.head(1).iter_rows(named=True)),
            )
        ]
    lost = (
        inds.filter(
            pl.col("weight").is_not_null()
            & pl.col("score").is_not_null()
            & (pl.col("score") < pl.col("weight"))
        )
        .with_columns(lost=pl.col("weight") - pl.col("score"))
        .sort("lost", "seq", descending=[True, False])
    )
    if lost.is_empty():
        return [
            Point(
                f"绩效指标 {inds.height} 个，全部得满分。",
                tuple(_source(r, types, p["source_file"]) for r in inds.head(1).iter_rows(named=True)),
            )
        ]
    named = []
    for r in lost.head(MAX_NAMED).iter_rows(named=True):
        reason = f"，偏差原因：{r['deviation_reason']}" if r.get("deviation_reason") else ""
        named.append(
            f"{quoted(r['level3'] or r['level2'] or r['level1'])}（分值 {_points(r['weight'])}，得分 {_points(r['score'])}{reason}）"
        )
    more = f"等 {lost.height} 个" if lost.height > MAX_NAMED else ""
    return [
        Point(
            f"绩效指标 {inds.height} 个，{lost.height} 个未得满分，共失 {_points(sum(lost['lost'].to_list(), Decimal(0)))} 分：{'；'.join(named)}{more}。",
            tuple(_source(r, types, p["source_file"]) for r in lost.head(MAX_NAMED).iter_rows(named=True)),
        )
    ]


def project_view(
    con: duckdb.DuckDBPyConnection, f: Filters, project: str | None = None
) -> tuple[list[go.Figure], list[Table]]:
    p = _project(con, project)
    if p is None:
        return [], []
    figures: list[go.Figure] = []
    if p["kind"] != "target_declaration" and (
        p["budget_full_year_yuan"] is not None or p["budget_initial_yuan"] is not None
    ):
        figures.append(
            charts.project_waterfall(p["budget_initial_yuan"], p["budget_full_year_yuan"], p["executed_yuan"])
        )
    inds = queries.project_indicators(con, p["project_id"])
    tables = []
    if not inds.is_empty():
        shown = [
            c
            for c in INDICATOR_COLUMNS
            if c in inds.columns and (c in ("seq", "level1", "level3") or not inds[c].is_null().all())
        ]
        tables.append(table("绩效指标", inds.select(shown), INDICATOR_LABELS))
    return figures, tables


def project_words(
    con: duckdb.DuckDBPyConnection, f: Filters, project: str | None = None
) -> list[tuple[str, str]]:
    p = _project(con, project)
    if p is None:
        return [("项目", "（未选择）")]
    return [("项目", f"{p['project_name']}（{p['source_file']}）")]
