"""Pure functions: frame -> Plotly figure, in the dashboard's one visual language.

One colour per district on every chart, 万元 with two decimals in hover text,
Chinese titles that name their unit, and no figure without data (callers show
an explanation instead; see :func:`has_data`).
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any, ParamSpec

import pandas  # noqa: F401 - see below
import plotly.graph_objects as go
import polars as pl

from dashboard import money
from dashboard.names import project_labels
from dashboard.safe_text import chart_text
from etl.templates import DISTRICTS

# Plotly imports pandas lazily the first time a figure holds data; when two sessions (threads) do
# that at once, one of them sees a half-imported pandas ("partially initialized module"). Importing
# it here, while this module is imported once under Python's import lock, closes that race.

P = ParamSpec("P")
# Plotly builds its property validators lazily and not thread-safely: two sessions (threads)
# drawing their first figure at once can fail inside plotly. Figures are built one at a time.
_PLOTLY_LOCK = threading.RLock()


def plotly_lock() -> threading.RLock:
    """The lock every use of Plotly's object model takes (building and serialising figures)."""
    return _PLOTLY_LOCK


def _serialized(fn: Callable[P, go.Figure]) -> Callable[P, go.Figure]:
    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> go.Figure:
        with _PLOTLY_LOCK:
            return fn(*args, **kwargs)

    return wrapper


WAN = float(money.WAN)  # for arithmetic on chart axes; every 万元 text comes from dashboard.money
FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
# The three seed districts first, in strong colours; the other districts after them (the one
# district list: etl/templates/identity.toml).
_PALETTE = (
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
    "#17becf", "#ff7f0e", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd",
)  # fmt: skip
_FIRST = ("松江", "闵行", "青浦")
DISTRICT_COLORS = dict(zip((*_FIRST, *(d for d in DISTRICTS if d not in _FIRST)), _PALETTE, strict=True))
SEQUENCE = list(DISTRICT_COLORS.values())
# Beyond this many projects in one box, only outliers are drawn as points (thousands of SVG points are slow).
MAX_BOX_POINTS = 400


def district_color(district: str | None) -> str:
    """The district's colour, stable across pages (unknown districts get a stable fallback)."""
    if district in DISTRICT_COLORS:
        return DISTRICT_COLORS[district]  # type: ignore[index]
    return SEQUENCE[sum(map(ord, district or "")) % len(SEQUENCE)]


OTHER_REGIONS = "其他地区"  # rows with no Shanghai district: another province's or a municipal document


def district_name(district: str | None) -> str:
    """A district as a chart names it ('松江'), or 其他地区 for rows of no district (not escaped)."""
    return district or OTHER_REGIONS


def by_value(df: pl.DataFrame, column: str) -> Iterator[tuple[Any, pl.DataFrame]]:
    """The rows of each value of ``column`` in first-seen order, a null value's rows included:
    a project of no district is drawn under 其他地区, never dropped."""
    for key in df[column].unique(maintain_order=True).to_list():
        yield key, df.filter(pl.col(column).eq_missing(key))


def has_data(df: pl.DataFrame | None, column: str | None = None) -> bool:
    """True when the frame has rows (and, if given, a non-null value in ``column``)."""
    if df is None or df.is_empty():
        return False
    return column is None or df[column].drop_nulls().len() > 0


def _texts(values: object) -> list[str]:
    """Names from the documents as a figure shows them: as text (Plotly draws <a href> as a link)."""
    return [chart_text(v) for v in values]  # type: ignore[attr-defined]


def _layout(
    fig: go.Figure, title: str, x: str | None = None, y: str | None = None, height: int = 420
) -> go.Figure:
    # A short title with its unit and scope on a second line (narrow screens cut one long line),
    # and the legend under the plot, where it never covers the title.
    head, sep, rest = title.partition("（")
    fig.update_layout(
        title={
            "text": head if sep else title,
            "subtitle": {"text": sep + rest if sep else ""},
            "x": 0.01,
            "xanchor": "left",
        },
        font={"family": FONT, "size": 13},
        height=height,
        margin={"l": 60, "r": 20, "t": 70, "b": 90},
        # at the figure's foot (container), below the tick labels however long they run on a
        # narrow screen: Plotly makes room for it (a legend placed under the plot overlapped them)
        legend={
            "orientation": "h",
            "yref": "container",
            "yanchor": "bottom",
            "y": 0,
            "x": 0,
            "xanchor": "left",
        },
        hoverlabel={"font": {"family": FONT}},
        separators=".,",
    )
    if x is not None:
        fig.update_xaxes(title_text=x)
    if y is not None:
        fig.update_yaxes(title_text=y)
    # Amounts and counts read '10,000', not Plotly's SI '10k' (an official reads 万元, not k).
    for axis, text in (("xaxis", x), ("yaxis", y)):
        if text and ("元" in text or "个" in text) and not fig.layout[axis].tickformat:
            fig.layout[axis].tickformat = ",~r"
    return fig


def _basic_project_bars(df: pl.DataFrame, barmode: str, title: str) -> go.Figure:
    """基本支出 and 项目支出 bars per district and year from a long frame (measure, amount_yuan)."""
    fig = go.Figure()
    if "label" not in df.columns:
        df = df.with_columns(label=pl.col("district") + " " + pl.col("year").cast(pl.String))
    for measure, pattern in (("基本支出", ""), ("项目支出", "/")):
        part = df.filter(pl.col("measure") == measure)
        fig.add_bar(
            x=_texts(part["label"]),
            y=money.wan_floats(part["amount_yuan"]),
            name=measure,
            marker={"color": [district_color(d) for d in part["district"]], "pattern": {"shape": pattern}},
            # [district, year, department or ""]: a click opens that 支出结构 (ui.plot_clickable)
            customdata=_where_from(part),
            hovertemplate="%{x}<br>" + measure + "：%{y:,.2f} 万元<extra></extra>",
        )
    fig.update_layout(barmode=barmode)
    return _layout(fig, title, "区 / 年度", "金额（万元）")


@_serialized
def headline_bars(df: pl.DataFrame) -> go.Figure:
    """决算 本年支出合计 per district and year, stacked into 基本 and 项目."""
    index = ["district", "year", *(c for c in ("label", "final_departments") if c in df.columns)]
    long = df.unpivot(
        on=["basic_yuan", "project_yuan"],
        index=index,
        variable_name="measure",
        value_name="amount_yuan",
    ).with_columns(pl.col("measure").replace_strict({"basic_yuan": "基本支出", "project_yuan": "项目支出"}))
    return _basic_project_bars(long, "stack", "部门决算支出合计（基本支出 + 项目支出，万元）")


@_serialized
def class_shares(df: pl.DataFrame) -> go.Figure:
    """Spending structure: each 类's share of 本年支出合计, one bar per district (and year)."""
    fig = go.Figure()
    if "label" not in df.columns:
        df = df.with_columns(label=pl.col("district") + " " + pl.col("year").cast(pl.String))
    for raw_name in df["name"].unique(maintain_order=True).to_list():
        part = df.filter(pl.col("name") == raw_name)
        name = chart_text(raw_name)
        fig.add_bar(
            y=_texts(part["label"]),
            x=[None if s is None else float(s) * 100 for s in part["share"].to_list()],
            name=name,
            orientation="h",
            # [万元, district, year, department or ""]: a click opens that 支出结构 (ui.plot_clickable)
            customdata=[
                [w, *key]
                for w, key in zip(money.wan_floats(part["amount_yuan"]), _where_from(part), strict=True)
            ],
            hovertemplate="%{y}<br>" + name + "：%{x:.2f}%（%{customdata[0]:,.2f} 万元）<extra></extra>",
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(range=[0, 100], ticksuffix="%")
    return _layout(fig, "支出结构：各功能分类（类）占本年支出合计的比重（%）", "占比（%）", "区 / 年度")


def _where_from(df: pl.DataFrame) -> list[list[str]]:
    """Per row [district, year, department]: what a bar covers, the department only when it is one.

    The departments come from a list column (final_departments or covered) where the frame has one.
    """
    lists = next((df[c].to_list() for c in ("final_departments", "covered") if c in df.columns), None)
    departments = [d[0] if d and len(d) == 1 else "" for d in lists] if lists else [""] * df.height
    return [
        [str(d or ""), str(y or ""), dep]
        for d, y, dep in zip(df["district"].to_list(), df["year"].to_list(), departments, strict=True)
    ]


def _labelled(df: pl.DataFrame) -> pl.DataFrame:
    """The frame with ``_label``: each project's name, told apart from same-name ones (names.py)."""
    return df.with_columns(_label=pl.Series(_texts(project_labels(df)), dtype=pl.String))


def _ids(df: pl.DataFrame) -> list[str | None]:
    """Each point's project id (customdata): a click opens the project (ui.plot_opening_projects)."""
    return df["project_id"].to_list() if "project_id" in df.columns else [None] * df.height


def _add_box(
    fig: go.Figure, part: pl.DataFrame, values: list[float | None], name: str, color: str | None, hover: str
) -> None:
    """One group's box with every project as a point, or, above MAX_BOX_POINTS, its statistics
    and its outliers only (each a point that opens its project).

    Thousands of points cost the browser more than they tell: a large group sends five
    numbers and the outliers instead of every value, label and id (1.9 MB for 12,000 projects).
    """
    marker = {"color": color} if color else None
    name = chart_text(name)
    rows = part.with_columns(_y=pl.Series(values, dtype=pl.Float64)).filter(pl.col("_y").is_not_null())
    if rows.height <= MAX_BOX_POINTS:
        fig.add_box(
            y=rows["_y"].to_list(),
            name=name,
            boxpoints="all",
            jitter=0.4,
            marker=marker,
            text=_texts(project_labels(rows)),
            customdata=_ids(rows),
            hovertemplate=hover,
        )
        return
    q1, median, q3 = (rows["_y"].quantile(q, "linear") for q in (0.25, 0.5, 0.75))
    low, high = q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1)
    inside = rows.filter(pl.col("_y").is_between(low, high))
    fig.add_box(
        x=[name],
        q1=[q1],
        median=[median],
        q3=[q3],
        lowerfence=[inside["_y"].min()],
        upperfence=[inside["_y"].max()],
        name=name,
        marker=marker,
        boxpoints=False,
        hovertemplate=f"{name}（{rows.height:,} 个项目）<extra></extra>",
    )
    outliers = rows.filter(~pl.col("_y").is_between(low, high))
    if not outliers.is_empty():
        fig.add_scatter(
            x=[name] * outliers.height,
            y=outliers["_y"].to_list(),
            mode="markers",
            name=name,
            showlegend=False,
            marker={**(marker or {}), "size": 6},
            text=_texts(project_labels(outliers)),
            customdata=_ids(outliers),
            hovertemplate=hover,
        )


@_serialized
def execution_box(df: pl.DataFrame) -> go.Figure:
    """Execution rate distribution per district (box with every project as a point)."""
    fig = go.Figure()
    for district, part in by_value(df, "district"):
        rates = [None if r is None else float(r) * 100 for r in part["rate"].to_list()]
        name = district_name(district)
        hover = "%{text}<br>执行率：%{y:.2f}%<extra>" + chart_text(name) + "</extra>"
        _add_box(fig, part, rates, name, district_color(district), hover)
    fig.update_yaxes(ticksuffix="%")
    return _layout(fig, "项目预算执行率分布（执行数 ÷ 全年预算数，%）", "区", "执行率（%）")


@_serialized
def score_distribution(df: pl.DataFrame) -> go.Figure:
    """Histogram of 总分 per district (bars side by side)."""
    fig = go.Figure()
    for district, part in by_value(df, "district"):
        fig.add_histogram(
            x=[float(s) for s in part["score_total"].drop_nulls().to_list()],
            name=chart_text(district_name(district)),
            marker={"color": district_color(district)},
            xbins={"size": 1},
            hovertemplate="总分 %{x} 分：%{y} 个项目<extra>"
            + chart_text(district_name(district))
            + "</extra>",
        )
    # Grouped, not overlaid: one district's bars never hide another's.
    fig.update_layout(barmode="group")
    return _layout(fig, "绩效自评总分分布（分，满分 100）", "总分（分）", "项目数（个）")


@_serialized
def score_strip(df: pl.DataFrame, by: str = "district") -> go.Figure:
    """Box and points of 总分 by district, year or department."""
    fig = go.Figure()
    df = df.filter(pl.col("score_total").is_not_null())
    for key, part in by_value(df.with_columns(pl.col(by).cast(pl.String)), by):
        color = district_color(key) if by == "district" else None
        name = district_name(key) if by == "district" else key or "未识别"
        scores = part["score_total"].cast(pl.Float64).to_list()  # not 120,000 Decimal objects (60 ms)
        _add_box(fig, part, scores, name, color, "%{text}<br>总分：%{y} 分<extra></extra>")
    label = {"district": "区", "year": "年度", "department": "部门"}[by]
    return _layout(fig, f"绩效自评总分（分）按{label}分布", label, "总分（分）")


def _hierarchy(df: pl.DataFrame) -> dict:
    """ids / labels / parents / sizes for a 类 → 款 → 项 chart with ``branchvalues="total"``.

    Printed tables are not always additive (a 类 printed smaller than the sum of its 款,
    or rounding: 110.53 vs 110.54). Plotly draws *nothing* when a child outgrows its
    parent, so a parent's tile is sized max(printed, Σ children); the printed figure
    stays in the hover and tile text, and ``mismatched`` lists the parents concerned.
    """
    codes = [str(c) for c in df["code"].to_list()]
    known = set(codes)
    parents = [p if p in known else "" for p in (p or "" for p in df["parent"].to_list())]
    printed = money.wan_floats(df["amount_yuan"])
    size = {c: max(v or 0.0, 0.0) for c, v in zip(codes, printed, strict=True)}
    children: dict[str, list[str]] = {}
    for code, parent in zip(codes, parents, strict=True):
        if parent:
            children.setdefault(parent, []).append(code)

    parent_of = dict(zip(codes, parents, strict=True))

    def depth(code: str) -> int:
        n, seen, parent = 0, {code}, parent_of.get(code, "")
        while parent and parent not in seen:  # `seen` guards against a cycle in bad data
            seen.add(parent)
            n += 1
            parent = parent_of.get(parent, "")
        return n

    own = dict(zip(codes, printed, strict=True))
    mismatched = []
    for code in sorted(children, key=depth, reverse=True):  # deepest parents first
        kids = children[code]
        excess = sum(own[k] or 0.0 for k in kids) - (own[code] or 0.0)
        if excess > 0.005 * len(kids) + 1e-6:  # beyond the rounding of printed 0.01 万元 figures
            mismatched.append(code)
        total = sum(size[k] for k in kids)
        if total > size[code]:
            size[code] = total * (1 + 1e-9)  # stay above the children in any summation order
    return {
        "ids": codes,
        "labels": [chart_text(f"{c} {n}") for c, n in zip(codes, df["name"].to_list(), strict=True)],
        "parents": parents,
        "values": [size[c] for c in codes],
        "customdata": [v for v in printed],
        "mismatched": mismatched,
    }


def _mismatch_note(fig: go.Figure, mismatched: list[str]) -> None:
    if mismatched:
        fig.add_annotation(
            text=f"注：{chart_text('、'.join(sorted(mismatched)[:5]))}{' 等' if len(mismatched) > 5 else ''} 的原表数字小于下级科目之和（原文如此）；"
            "<br>图形按下级合计绘制，悬停显示原表数字。",
            xref="paper",
            yref="paper",
            x=0,
            y=-0.02,
            xanchor="left",
            yanchor="top",
            showarrow=False,
            font={"size": 11, "color": "#777777"},
        )


ROOT_ID = "合计"  # the treemap's own top tile: without it Plotly's implicit root hovers as "-- 万元"


def tree_table(df: pl.DataFrame) -> pl.DataFrame:
    """The treemap's figures as a table: each 类/款/项 with its amount, its share of the table's
    total (Σ 类) and of its parent, in code order."""
    levels = {1: "类", 2: "款", 3: "项"}
    total = df.filter(pl.col("level") == df["level"].min())["amount_yuan"].cast(pl.Float64).sum()
    parent_amount = df.select(pl.col("code").alias("parent"), pl.col("amount_yuan").alias("_parent_yuan"))
    return (
        df.join(parent_amount, on="parent", how="left")
        .with_columns(
            level_text=pl.col("level").replace_strict(levels, default=None, return_dtype=pl.String),
            share_of_total=pl.col("amount_yuan").cast(pl.Float64) / total if total else pl.lit(None),
            share_of_parent=pl.col("amount_yuan").cast(pl.Float64)
            / pl.col("_parent_yuan").cast(pl.Float64).replace(0.0, None),
        )
        .sort("code")
        .select("code", "name", "level_text", "amount_yuan", "share_of_total", "share_of_parent")
    )


@_serialized
def treemap(df: pl.DataFrame, title: str) -> go.Figure:
    """类 → 款 → 项 treemap that drills on click (ids = codes, parents = parent codes), under one
    top tile holding the shown 类' total."""
    h = _hierarchy(df)
    tops = [i for i, p in enumerate(h["parents"]) if not p]
    root_value = sum(h["values"][i] for i in tops) * (1 + 1e-9)
    root_printed = sum(h["customdata"][i] or 0.0 for i in tops)
    fig = go.Figure(
        go.Treemap(
            ids=[ROOT_ID, *h["ids"]],
            labels=[ROOT_ID, *h["labels"]],
            parents=["", *(p or ROOT_ID for p in h["parents"])],
            values=[root_value, *h["values"]],
            customdata=[root_printed, *h["customdata"]],
            branchvalues="total",
            hovertemplate="%{label}<br>%{customdata:,.2f} 万元<br>占上级 %{percentParent:.1%}<extra></extra>",
            texttemplate="%{label}<br>%{customdata:,.2f} 万元",
        )
    )
    _mismatch_note(fig, h["mismatched"])
    return _layout(fig, title, height=520)


@_serialized
def economic_sunburst(df: pl.DataFrame) -> go.Figure:
    """基本支出 by economic class and 款."""
    h = _hierarchy(df)
    fig = go.Figure(
        go.Sunburst(
            ids=h["ids"],
            labels=h["labels"],
            parents=h["parents"],
            values=h["values"],
            customdata=h["customdata"],
            branchvalues="total",
            hovertemplate="%{label}<br>%{customdata:,.2f} 万元<extra></extra>",
        )
    )
    _mismatch_note(fig, h["mismatched"])
    return _layout(fig, "基本支出经济分类（类 → 款，万元）", height=480)


@_serialized
def basic_vs_project(df: pl.DataFrame) -> go.Figure:
    """基本支出 vs 项目支出 per district and year (grouped bars, 万元)."""
    return _basic_project_bars(df, "group", "基本支出与项目支出（万元）")


@_serialized
def three_public(df: pl.DataFrame, final: bool = True) -> go.Figure:
    """One document's 三公经费 per item: 预算数 and, for a 决算, 决算数 (grouped bars, 万元).

    The page says whose document it is; the axis names the items only, broken onto two lines
    where long, so a 400 px screen does not tilt them into each other.
    """
    fig = go.Figure()
    labels = [_two_lines(item) for item in df["item"].to_list()]
    measures = [("budget_yuan", "预算数", 0.45)] + ([("actual_yuan", "决算数", 1.0)] if final else [])
    for field, name, opacity in measures:
        fig.add_bar(
            x=labels,
            y=money.wan_floats(df[field]),
            name=name,
            opacity=opacity,
            marker={"color": [district_color(d) for d in df["district"]]},
            hovertemplate="%{x}<br>" + name + "：%{y:,.2f} 万元<extra></extra>",
        )
    fig.update_layout(barmode="group")
    fig.update_xaxes(tickangle=0)
    title = "“三公”经费预算数与决算数（万元）" if final else "“三公”经费预算数（万元）"
    return _layout(fig, title, "项目", "金额（万元）")


def _two_lines(text: str, width: int = 7) -> str:
    """'公务用车购置及运行维护费' -> '公务用车购置及<br>运行维护费' (Plotly never wraps a tick label);
    the item's own text is escaped (chart_text), the break is ours."""
    if len(text) <= width + 2:
        return chart_text(text)
    return f"{chart_text(text[:width])}<br>{chart_text(text[width:])}"


@_serialized
def budget_dumbbell(df: pl.DataFrame) -> go.Figure:
    """Per project: 年初预算 → 全年预算 → 执行数 on one line (万元)."""
    fig = go.Figure()
    df = _labelled(df)
    names = df["_label"].to_list()
    for field, label, symbol in (
        ("budget_initial_yuan", "年初预算数", "circle-open"),
        ("budget_full_year_yuan", "全年预算数", "diamond"),
        ("executed_yuan", "全年执行数", "circle"),
    ):
        fig.add_scatter(
            x=money.wan_floats(df[field]),
            y=names,
            mode="markers",
            name=label,
            marker={"symbol": symbol, "size": 10},
            customdata=_ids(df),
            hovertemplate="%{y}<br>" + label + "：%{x:,.2f} 万元<extra></extra>",
        )
    for row in df.iter_rows(named=True):
        xs = [
            row[c]
            for c in ("budget_initial_yuan", "budget_full_year_yuan", "executed_yuan")
            if row[c] is not None
        ]
        if xs:
            name = row["_label"]
            fig.add_scatter(
                x=[float(min(xs)) / WAN, float(max(xs)) / WAN],
                y=[name, name],
                mode="lines",
                line={"color": "#bbbbbb"},
                showlegend=False,
                hoverinfo="skip",
            )
    fig.update_yaxes(autorange="reversed")  # rows in the frame's order, first at the top
    amounts = [
        v
        for c in ("budget_initial_yuan", "budget_full_year_yuan", "executed_yuan")
        for v in money.wan_floats(df[c])
        if v is not None
    ]
    if amounts and min(amounts) > 0 and max(amounts) / min(amounts) > 100:
        fig.update_xaxes(type="log")  # budgets span orders of magnitude; a log axis cannot show 0
    return _layout(
        fig,
        "项目预算：年初预算 → 全年预算 → 执行数（万元）",
        "金额（万元）",
        "项目（区 年度）",
        height=max(360, 26 * len(names) + 120),
    )


@_serialized
def budget_scatter(df: pl.DataFrame, threshold: float) -> go.Figure:
    """全年预算 vs 执行数 per project; under-executed projects highlighted."""
    fig = go.Figure()
    df = _labelled(df).with_columns(_under=pl.col("rate").cast(pl.Float64) < threshold)
    # One trace per district and kind of point: the legend names every colour (the district's)
    # and both symbols (● 执行正常, ✕ 执行不足).
    for district, rows in by_value(df, "district"):
        for flag, word, symbol in ((False, "执行正常", "circle"), (True, f"执行率低于 {threshold:.0%}", "x")):
            part = rows.filter(pl.col("_under").fill_null(False) == flag)
            if part.is_empty():
                continue
            fig.add_scatter(
                # numpy arrays: plotly validates them in one step (thousands of points stay cheap)
                x=(part["budget_full_year_yuan"].cast(pl.Float64) / WAN).to_numpy(),
                y=(part["executed_yuan"].cast(pl.Float64) / WAN).to_numpy(),
                mode="markers",
                name=f"{chart_text(district) + '区' if district else OTHER_REGIONS} · {word}",
                marker={"color": district_color(district), "symbol": symbol, "size": 11 if flag else 8},
                text=part["_label"].to_list(),
                # [rate, project id]: the id lets a click open the project (ui.plot_opening_projects)
                customdata=list(
                    zip(
                        (part["rate"].cast(pl.Float64) * 100).to_list(),
                        part["project_id"].to_list()
                        if "project_id" in part.columns
                        else [None] * part.height,
                        strict=True,
                    )
                ),
                hovertemplate="%{text}<br>全年预算：%{x:,.2f} 万元<br>执行数：%{y:,.2f} 万元<br>执行率：%{customdata[0]:.2f}%<extra></extra>",
            )
    positive = [
        v
        for v in (*money.wan_floats(df["budget_full_year_yuan"]), *money.wan_floats(df["executed_yuan"]))
        if v is not None and v > 0
    ]
    low, top = (min(positive), max(positive)) if positive else (0.01, 1.0)
    fig.add_scatter(
        x=[low, top], y=[low, top], mode="lines", name="全额执行线", line={"dash": "dot", "color": "#999999"}
    )
    # Powers of ten only: a log axis's minor labels run together.
    fig.update_xaxes(type="log", dtick=1, tickformat=",~g")
    fig.update_yaxes(type="log", dtick=1, tickformat=",~g")
    return _layout(fig, "全年预算数与执行数（万元，对数坐标）", "全年预算数（万元）", "全年执行数（万元）")


@_serialized
def points_lost(df: pl.DataFrame) -> go.Figure:
    """Points lost by 一级 / 二级 indicator."""
    labels = [chart_text(f"{a} / {b}") for a, b in zip(df["level1"], df["level2"], strict=True)]
    fig = go.Figure(
        go.Bar(
            x=[float(v) for v in df["points_lost"].to_list()],
            y=labels,
            orientation="h",
            customdata=df["indicators_short"].to_list(),
            hovertemplate="%{y}<br>失分合计：%{x} 分<br>未得满分的指标：%{customdata} 个<extra></extra>",
            marker={"color": "#d62728"},
        )
    )
    fig.update_yaxes(autorange="reversed")
    return _layout(
        fig,
        "失分分布：按一级 / 二级指标汇总的失分（分）",
        "失分（分）",
        "一级 / 二级指标",
        height=max(320, 28 * len(labels) + 120),
    )


@_serialized
def trend(
    df: pl.DataFrame, value: str, title: str, y_title: str, by: str = "district", in_wan: bool = True
) -> go.Figure:
    """A value across years, one line per district (or department)."""
    fig = go.Figure()
    for key, rows in by_value(df, by):
        part = rows.sort("year")
        ys = (
            money.wan_floats(part[value])
            if in_wan
            else [None if v is None else float(v) for v in part[value].to_list()]
        )
        fig.add_scatter(
            x=part["year"].to_list(),
            y=ys,
            mode="lines+markers" if part.height > 1 else "markers",  # one year is a point, not a line
            name=chart_text(district_name(key) if by == "district" else key or "部门未识别"),
            line={"color": district_color(key)} if by == "district" else None,
            hovertemplate="%{x} 年：%{y:,.2f}"
            + ("万元" if in_wan else "")
            + "<extra>"
            + chart_text(district_name(key) if by == "district" else key or "部门未识别")
            + "</extra>",
        )
    fig.update_xaxes(dtick=1)
    if in_wan:
        fig.update_yaxes(rangemode="tozero")  # a money axis starts at zero
    return _layout(fig, title, "年度", y_title)


_ITEM_TAIL = re.compile(r"[^（）()]+[（(]项[）)]$")  # '…财政事务（款）行政运行（项）' -> '行政运行（项）'


def item_label(district: str | None, year: int | None, code: str | None, item: str | None) -> str:
    """A 说明 item as a bar label: its code and its own (项) name, never cut mid-word; a long name on
    two lines (Plotly never wraps a tick label). The document's text is escaped, the break is ours."""
    name = item or ""
    tail = _ITEM_TAIL.search(name)
    name = tail.group(0) if tail and code else name
    head = f"{district or ''} {year or ''}：{code or ''}".strip()
    lines = [name[i : i + 14] for i in range(0, len(name), 14)][:3] or [""]
    if len(name) > 42:
        lines[-1] = lines[-1][:13] + "…"
    return chart_text(head) + "<br>" + "<br>".join(chart_text(x) for x in lines)


@_serialized
def narrative_items(df: pl.DataFrame) -> go.Figure:
    """The 说明's 年初预算 vs 支出决算 per functional item (万元)."""
    labels = [
        item_label(d, y, c, i)
        for d, y, c, i in zip(df["district"], df["year"], df["code"], df["item"], strict=True)
    ]
    fig = go.Figure()
    for field, name in (("budget_initial_yuan", "年初预算"), ("final_yuan", "支出决算")):
        fig.add_bar(
            y=labels,
            x=money.wan_floats(df[field]),
            name=name,
            orientation="h",
            hovertemplate="%{y}<br>" + name + "：%{x:,.2f} 万元<extra></extra>",
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(autorange="reversed")
    return _layout(
        fig,
        "说明中的年初预算与支出决算（按功能分类项，万元）",
        "金额（万元）",
        "功能分类项（区 年度：科目）",
        height=max(360, 56 * len(labels) + 120),
    )


@_serialized
def project_waterfall(
    initial: Decimal | None, full_year: Decimal | None, executed: Decimal | None
) -> go.Figure:
    """One project: 年初预算 → 预算调整 → 全年预算 → 未执行 → 执行数, in 万元 like the cards above it."""
    steps: list[tuple[str, str, float]] = []
    if initial is not None:
        steps.append(("年初预算数", "absolute", float(initial) / WAN))
        if full_year is not None:
            steps.append(("预算调整", "relative", float(full_year - initial) / WAN))
    if full_year is not None:
        steps.append(("全年预算数", "total" if initial is not None else "absolute", float(full_year) / WAN))
        if executed is not None:
            steps.append(("未执行", "relative", -float(full_year - executed) / WAN))
    if executed is not None:
        # "total" sums the steps before it: right only when 全年预算数 and 未执行 precede it.
        steps.append(("全年执行数", "total" if full_year is not None else "absolute", float(executed) / WAN))
    fig = go.Figure(
        go.Waterfall(
            x=[s[0] for s in steps],
            measure=[s[1] for s in steps],
            y=[s[2] for s in steps],
            customdata=[s[2] * WAN for s in steps],  # the form's own 元, exact in the hover
            texttemplate="%{y:,.2f}",
            hovertemplate="%{x}：%{y:,.2f} 万元（%{customdata:,.2f} 元）<extra></extra>",
        )
    )
    fig.update_yaxes(tickformat=",.2f")  # 2.00 rather than 2
    return _layout(
        fig, "预算步骤：年初预算 → 全年预算 → 执行（万元）", "预算步骤", "金额（万元）", height=380
    )


def _warm_up() -> None:
    """Build one trace of every kind at import (under the import lock), before sessions race."""
    with _PLOTLY_LOCK:
        for trace in (go.Bar, go.Scatter, go.Box, go.Histogram, go.Treemap, go.Sunburst, go.Waterfall):
            go.Figure(trace(customdata=[1], hovertemplate="%{x}", text=["a"])).to_plotly_json()


_warm_up()


@_serialized
def budget_years(df: pl.DataFrame, department: str) -> go.Figure:
    """One department's 支出预算 per year, 基本 and 项目 side by side (axis from zero)."""
    long = df.unpivot(
        on=["basic_yuan", "project_yuan"],
        index=["district", "year", "label"],
        variable_name="measure",
        value_name="amount_yuan",
    ).with_columns(pl.col("measure").replace_strict({"basic_yuan": "基本支出", "project_yuan": "项目支出"}))
    title = f"{chart_text(department)}支出预算（按年度，基本支出、项目支出，万元）"
    fig = _basic_project_bars(long, "group", title)
    fig.update_yaxes(rangemode="tozero")
    fig.update_xaxes(title_text="预算年度")
    return fig


@_serialized
def budget_classes(df: pl.DataFrame, department: str) -> go.Figure:
    """One department's 支出预算 by 类, a bar per year (axis from zero)."""
    fig = go.Figure()
    for year in sorted(df["year"].unique().to_list()):
        part = df.filter(pl.col("year") == year)
        fig.add_bar(
            y=[chart_text(f"{c} {n}") for c, n in zip(part["code"], part["name"], strict=True)],
            x=money.wan_floats(part["amount_yuan"]),
            name=f"{year} 年",
            orientation="h",
            hovertemplate="%{y}<br>" + f"{year} 年" + "：%{x:,.2f} 万元<extra></extra>",
        )
    fig.update_layout(barmode="group")
    fig.update_xaxes(rangemode="tozero")
    title = f"{chart_text(department)}支出预算（按功能分类“类”，万元）"
    return _layout(fig, title, "金额（万元）", "功能分类（类）")
