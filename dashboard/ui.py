"""Widgets shared by the pages: context, money tables, charts, project links, empty states.

Pages stay thin: they ask dashboard.state for data, pass frames to
dashboard.charts and show them through these helpers.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard import charts, db, export, money, pages, queries, state
from dashboard.names import coverage_label, short_department  # noqa: F401 (pages name them through ui)
from dashboard.queries import KIND_LABELS, Filters
from dashboard.safe_text import md
from etl.schema import labels

PROJECT_DETAIL_PAGE = pages.BY_NAME["project_detail"].file
MAX_DOCUMENT_CHOICES = (
    500  # documents in one dropdown (支出结构): 40,000 options took the browser 4 s a change
)
MAX_TABLE_PROJECTS = 1000  # longer project lists belong on 数据下载 (a page stays responsive)
PREVIEW_ROWS = 1000  # rows 数据下载 shows of a table; its files hold every row
# Streamlit's Plotly bundle registers no locale: the toolbar's words go in the config itself
# (Plotly's ``locales`` option), keyed by the English strings Plotly looks up.
PLOTLY_ZH = {
    "Autoscale": "自动缩放",
    "Box Select": "矩形选择",
    "Lasso Select": "套索选择",
    "Download plot as a png": "下载图片（PNG）",
    "Download plot as a PNG": "下载图片（PNG）",
    "Download plot": "下载图片",
    "Pan": "平移",
    "Reset axes": "恢复原始坐标",
    "Reset": "复位",
    "Reset view": "恢复原始视图",
    "Reset views": "恢复原始视图",
    "Toggle Spike Lines": "显示或隐藏辅助线",
    "Toggle show closest data on hover": "切换悬停显示方式",
    "Show closest data on hover": "悬停显示最近的数据",
    "Compare data on hover": "悬停比较数据",
    "Zoom": "框选放大",
    "Zoom in": "放大",
    "Zoom out": "缩小",
    "Double-click to zoom back out": "双击恢复原始大小",
    "Snapshot succeeded": "图片已生成",
    "Taking snapshot - this may take a few seconds": "正在生成图片，请稍候",
    "Sorry, there was a problem downloading your snapshot!": "图片下载失败，请重试。",
    "Produced with Plotly": "由 Plotly 生成",
}
PLOT_CONFIG = {
    "displaylogo": False,
    "locale": "zh-CN",
    "locales": {"zh-CN": {"dictionary": PLOTLY_ZH, "format": {"decimal": ".", "thousands": ","}}},
    "toImageButtonOptions": {"scale": 2},
}
# Column labels: a stored column's label is the schema's (etl/schema.py), its 元 shown in 万元
# on the pages; only what the pages compute themselves is named here.
_TABLE_ORDER = (
    "projects", "indicators", "budget_lines", "three_public", "narrative_items", "narrative_figures",
    "checks", "documents", "version_differences", "project_links",
)  # fmt: skip
STORED_LABELS = {
    name: label.replace("（元）", "（万元）")
    for table in reversed(_TABLE_ORDER)  # the first table naming a column gives its label
    for name, label in labels(table).items()
}
PAGE_LABELS = {
    "execution_rate_computed": "执行率（计算）",
    "total_expenditure_yuan": "本年支出合计（万元）",
    "basic_yuan": "基本支出（万元）",
    "project_yuan": "项目支出（万元）",
    "evaluated_projects": "自评项目数",
    "avg_score": "平均分",
    "last_final_yuan": "上年决算（万元）",
    "rate": "执行率",
    "difference_yuan": "差额（万元）",
    "income_yuan": "收入预算合计（万元）",
    "expenditure_yuan": "支出预算合计（万元）",
    "change_yuan": "比上年增减（万元）",
    "final_departments_n": "决算部门数",
    "scored": "有得分项目数",
    "change_rate": "比上年增减（%）",
    "final_change_yuan": "决算比上年增减（万元）",
    "final_change_rate": "决算比上年增减（%）",
    "budget_change_yuan": "预算比上年增减（万元）",
    "budget_change_rate": "预算比上年增减（%）",
    "three_public_yuan": "三公经费预算（万元）",
    "operating_cost_yuan": "机关运行经费（万元）",
    "declared_yuan": "申报金额（万元）",
    "evaluated_budget_yuan": "自评项目预算（万元）",
    "departments": "部门数",
    "level_text": "级次",
    "share_of_total": "占合计",
    "share_of_parent": "占上级",
    "finding": "发现",
    "detail": "说明",
    "counted_text": "是否计入",
    "diff_table": "数据类别",
    "diff_item": "数字",
    "diff_value": "本版本",
    "diff_value_counted": "计入的版本",
    "final_coverage": "决算覆盖部门",
    "budget_coverage": "预算覆盖部门",
    "budget_expenditure_yuan": "部门预算支出合计（万元）",
    "coverage": "覆盖部门",
    "evaluated_coverage": "自评覆盖部门",
    "document": "文件",
    "evaluated": "自评项目数",
    "declared": "申报项目数",
    "points_lost": "失分",
    "indicators": "指标数",
    "indicators_short": "未得满分指标数",
}
LABELS = {**STORED_LABELS, **PAGE_LABELS}
KIND_TEXT = export.VALUE_WORDS["kind"]
# A document's kind as an official names it (the sidebar's 文件类型 words).
DOC_KIND_TEXT = KIND_LABELS
MISSING = "—"
# Fractions shown as percentages.
PERCENT_COLUMNS = (
    "execution_rate", "execution_rate_computed", "rate", "share", "change_rate", "share_of_total", "share_of_parent",
    "final_change_rate", "budget_change_rate",
)  # fmt: skip
SEVERITY_TEXT = export.VALUE_WORDS["severity"]


@dataclass(frozen=True)
class Context:
    snap: db.Snapshot
    filters: Filters


def context() -> Context:
    """The snapshot and filters the entry file resolved for this run."""
    return st.session_state["_context"]


def chart_tabs(key: str, views: dict[str, Callable[[], None]]) -> str:
    """The page's charts as tabs, only the open one drawn (a filter change redraws one chart,
    not all); the open tab is in the link (``key``). Returns the open tab's title."""
    titles = list(views)
    state.url_widget(key, titles)
    # no ``default`` (the first tab is): a parameter present on one run and not the next would
    # make another widget of it and close the tab the official opened
    tabs = st.tabs(titles, key=key, on_change="rerun")
    shown = titles[0]
    for title, tab in zip(titles, tabs, strict=True):
        if tab.open:
            shown = title
            with tab:
                views[title]()
    return shown


def empty(message: str) -> None:
    """An empty state that says what is missing (never an empty axis)."""
    st.info(message, icon=":material/info:")


def plot(fig: go.Figure, key: str | None = None) -> None:
    # st.plotly_chart serialises the figure through Plotly's validators: same lock as building it.
    with charts.plotly_lock():
        st.plotly_chart(fig, config=PLOT_CONFIG, key=key, width="stretch")


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_buttons(
    shown: pl.DataFrame | Callable[[], tuple[pl.DataFrame, Sequence[str]]],
    *,
    name: str,
    sheet: str,
    about: dict[str, str],
    sources: Sequence[str] | Callable[[], Sequence[str]],
    original_names: Sequence[str] = (),
    key: str,
    what: str = "",
) -> None:
    """CSV and XLSX of exactly the frame on screen (Chinese headers), side by side.

    ``shown`` may be a function giving the frame and its columns' original names: a long
    list is then made only when an official asks for the file, not at every run.
    """
    made = shown if callable(shown) else (lambda: (shown, original_names))
    row = st.container(horizontal=True, gap="medium")
    row.download_button(
        f"下载{what} CSV（UTF-8，Excel 可直接打开）",
        data=lambda: export.csv_bytes(made()[0]),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
        icon=":material/download:",
    )
    row.download_button(
        f"下载{what} Excel（XLSX）",
        data=lambda: _xlsx(*made(), sheet=sheet, about=about, sources=sources),
        file_name=f"{name}.xlsx",
        mime=XLSX_MIME,
        key=f"{key}_xlsx",
        on_click="ignore",
        icon=":material/download:",
    )


def _xlsx(
    frame: pl.DataFrame,
    names: Sequence[str],
    *,
    sheet: str,
    about: dict[str, str],
    sources: Sequence[str] | Callable[[], Sequence[str]],
) -> bytes:
    return export.xlsx_bytes(
        frame,
        sheet=sheet,
        filters=about,
        sources=list(sources() if callable(sources) else sources),
        original_names=list(names),
    )


def first_rows(
    df: pl.DataFrame,
    *,
    what: str,
    unit: str = "条",
    columns: Sequence[str],
    about: dict[str, str],
    sources: Sequence[str] | Callable[[], Sequence[str]],
    key: str,
    labels: dict[str, str] | None = None,
) -> pl.DataFrame:
    """The first MAX_TABLE_PROJECTS rows of a long list, saying so, with the whole list as files.

    A page sends its tables to the browser at every filter change: 8,975 anomalies of one
    district (100,000 documents) were 2.5 MB and 0.4 s of each change (bench/browser_latency.py).
    """
    if df.height <= MAX_TABLE_PROJECTS:
        return df
    st.caption(
        f"共 {df.height:,} {unit}{what}，下表列出前 {MAX_TABLE_PROJECTS:,} {unit}；全部{what}可下载为 CSV 或 Excel。"
    )
    download_buttons(
        lambda: readable_table(df.select(columns), labels),
        name=export.file_name(what, *[v for v in about.values() if v != "全部"]),
        sheet=what,
        about=about,
        sources=sources,
        key=key,
        what=f"全部{what}",
    )
    return df.head(MAX_TABLE_PROJECTS)


def readable_table(df: pl.DataFrame, labels: dict[str, str] | None = None) -> tuple[pl.DataFrame, list[str]]:
    """As 数据下载 writes a table (money in exact 元, rates in %, codes as words, Chinese headers),
    with the columns' names before labelling (the XLSX picks its formats by them)."""
    names = labels or LABELS
    readable = export.readable(df)
    return export.with_labels(readable, {**names, **export.percent_labels(names)}), readable.columns


def plot_clickable(fig: go.Figure, key: str, on_pick: Callable[[list], None], hint: str) -> None:
    """A chart whose points carry customdata; a click on one calls ``on_pick(customdata)`` once."""
    with charts.plotly_lock():
        event = st.plotly_chart(
            fig, config=PLOT_CONFIG, key=key, width="stretch", on_select="rerun", selection_mode="points"
        )
    st.caption(hint)
    data = picked(event)
    seen_key = f"_seen_pick_{key}"
    if data and data != st.session_state.get(seen_key):
        st.session_state[seen_key] = data
        on_pick(data)


def plot_opening_projects(fig: go.Figure, key: str) -> None:
    """A chart whose points carry their project id (customdata[-1]): a click opens 项目详情."""

    def open_it(data: list) -> None:
        if target := _project_of(data):
            open_project(target)

    plot_clickable(fig, key, open_it, "点击图中的一个项目点可打开该项目的详情。")


STRUCTURE_PAGE = pages.BY_NAME["structure"].file


def plot_opening_structure(fig: go.Figure, key: str) -> None:
    """A chart of districts' or departments' spending: a click opens that one's 支出结构.

    The bars carry [.., district, year, department or ""] as customdata (last three).
    """

    def open_it(data: list) -> None:
        district, year, department = (str(x) for x in data[-3:])
        if district and year.isdigit():
            state.drill(
                STRUCTURE_PAGE,
                districts=[district],
                years=[int(year)],
                departments=[department] if department else [],
            )

    plot_clickable(fig, key, open_it, "点击图中的柱形可打开该区该年度的支出结构。")


def picked(event: object) -> list | None:
    """The customdata of the first clicked point (as a list), if it has any."""
    selection = getattr(event, "selection", None) or (
        event.get("selection") if isinstance(event, dict) else None
    )
    points = (
        (selection or {}).get("points", [])
        if isinstance(selection, dict)
        else getattr(selection, "points", [])
    )
    for point in points or []:
        data = point.get("customdata") if isinstance(point, dict) else None
        if isinstance(data, list | tuple) and data:
            return list(data)
        if isinstance(data, str) and data:
            return [data]
    return None


def _project_of(data: list | None) -> str | None:
    """A point's project id: its customdata's last element, when that is a non-empty text."""
    return data[-1] if data and isinstance(data[-1], str) and data[-1] else None


def picked_project(event: object) -> str | None:
    """The project id of the first clicked point, if any."""
    return _project_of(picked(event))


def for_display(df: pl.DataFrame) -> pl.DataFrame:
    """Money (元, Decimal) -> 万元 floats; rates -> percent; kinds -> words. Display only."""
    out = []
    for name in df.columns:
        col = pl.col(name)
        if name.endswith("_yuan"):
            out.append(money.wan_column(col).alias(name))
        elif name in PERCENT_COLUMNS:
            out.append((col.cast(pl.Float64) * 100).alias(name))
        elif name in ("score_total", "score_max", "avg_score", "weight", "score", "points_lost"):
            out.append(col.cast(pl.Float64).alias(name))
        elif name == "kind":
            out.append(col.replace_strict(KIND_TEXT, default=col).alias(name))
        elif name == "severity":
            out.append(col.replace_strict(SEVERITY_TEXT, default=col).alias(name))
        elif name == "doc_kind":
            out.append(col.replace_strict(DOC_KIND_TEXT, default=col).fill_null(MISSING).alias(name))
        elif name in WRAPPED_COLUMNS:
            # the spaces around a figure do not break ('第 23⏎页', '找到的 2⏎张'): the sentence wraps
            # between its Chinese characters as Chinese text does
            out.append(col.str.replace_all(" ", "\u00a0", literal=True).alias(name))
        else:
            out.append(col)
    return df.select(out)


def document_label(department: str | None, year: int | None, kind: str | None, source_file: str) -> str:
    """'上海市普陀区司法局 2026年 部门预算' — how an official names a document; the file if unknown."""
    parts = [department, f"{year}年" if year else None, DOC_KIND_TEXT.get(kind or "")]
    known = [x for x in parts if x]
    return " ".join(known) if department and kind else source_file


# Long sentences (a check's 说明) wrap onto several lines: Streamlit wraps cell text once a
# row is taller than 4 rem, so such tables get taller rows (about five lines of 560 px).
WRAPPED_COLUMNS = ("message",)
WRAPPED_ROW_HEIGHT = 104


def _row_height(df: pl.DataFrame) -> int | None:
    return WRAPPED_ROW_HEIGHT if any(c in df.columns for c in WRAPPED_COLUMNS) else None


def column_config(df: pl.DataFrame) -> dict:
    config: dict = {}
    for name in df.columns:
        label = LABELS.get(name, name)
        if name.endswith("_yuan"):
            config[name] = st.column_config.NumberColumn(label, format="%,.2f")
        elif name in PERCENT_COLUMNS:
            label = label if label.endswith("%") or "率" not in label else f"{label}（%）"
            config[name] = st.column_config.NumberColumn(label, format="%.2f%%")
        elif name in ("score_total", "score_max", "avg_score", "weight", "score"):
            config[name] = st.column_config.NumberColumn(label, format="%.2f")
        elif name in ("project_id", "declaration_id", "evaluation_id"):
            config[name] = None  # internal ids: hidden
        elif name in ("year", "declaration_year", "evaluation_year"):
            config[name] = st.column_config.NumberColumn(label, format="%d")
        elif name in WRAPPED_COLUMNS:
            config[name] = st.column_config.TextColumn(label, width=560)
        elif name in ("figure", "compared", "title"):
            config[name] = st.column_config.TextColumn(label, width="medium")
        else:
            config[name] = st.column_config.Column(label)
    return config


def table(df: pl.DataFrame, key: str | None = None, height: int | None = None) -> None:
    """A read-only table with Chinese headers and 万元 money."""
    shown = for_display(df)
    st.dataframe(
        shown,
        column_config=column_config(shown),
        hide_index=True,
        key=key,
        height=height or "auto",
        width="stretch",
        placeholder=MISSING,
        row_height=_row_height(shown),
    )


def project_table(
    df: pl.DataFrame, key: str, columns: Sequence[str] | None = None, height: int | None = None
) -> None:
    """A project table whose rows open 项目详情 when clicked."""
    if columns is not None:
        df = df.select([c for c in (*columns, "project_id") if c in df.columns])
    shown = for_display(df)
    event = st.dataframe(
        shown,
        column_config=column_config(shown),
        hide_index=True,
        key=key,
        on_select="rerun",
        selection_mode="single-row",
        height=height or "auto",
        width="stretch",
        placeholder=MISSING,
        row_height=_row_height(shown),
    )
    st.caption("点击表格左侧的选择框可打开该项目的详情。")
    rows = tuple(event.selection.rows) if event is not None else ()
    # A selection outlives the switch (same page, same key): act on a *new* selection
    # only, or 项目详情 would switch to itself forever (or hop along a changed table).
    seen_key = f"_seen_selection_{key}"
    seen = st.session_state.get(seen_key)
    st.session_state[seen_key] = rows
    if rows and rows != seen and rows[0] < df.height:
        target = str(df["project_id"][rows[0]])
        if target != st.query_params.get("project"):
            open_project(target)


def open_project(project_id: str) -> None:
    """Go to 项目详情 for one project, keeping the shared filters in the URL."""
    params = {k: st.query_params.get_all(k) for k in st.query_params if k != "project"}
    params["project"] = [project_id]
    st.switch_page(PROJECT_DETAIL_PAGE, query_params=params)


_TAG = re.compile(r"<\s*(br|/p)\s*/?>", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^>]{0,200}>")


def plain_text(text: str | None, empty: str = "（未填写）") -> None:
    """Show a narrative field as plain text: some forms were exported with <p> markup."""
    if not text or not text.strip():
        st.caption(empty)
        return
    clean = html.unescape(_ANY_TAG.sub("", _TAG.sub("\n", text))).strip()
    st.text(clean or empty, width="stretch")


def scope_note(snap: db.Snapshot, f: Filters) -> None:
    """Say which scope the page adds up: a unit's 单位预算/决算 whose department's 部门 document
    of the year is in the corpus is left out of every sum (etl.validate.scopes)."""
    left = state.data(snap, queries.out_of_totals, f)
    if left.is_empty():
        return
    named = "；".join(
        f"{r['department']} {r['year']} 年单位{DOC_KIND_TEXT.get(r['doc_kind'], '')[-2:]}（{r['source_file']}，"
        f"已含在 {r['totals_via']} 中）"
        for r in left.head(5).iter_rows(named=True)
    )
    more = f"等 {left.height} 份" if left.height > 5 else ""
    st.caption(f"口径：合计只计各部门的部门预算/决算，不与其所属单位的文件相加。未计入：{md(named)}{more}。")


def unit_sentence(printed: str | None, used: str | None) -> str:
    """What the form says its amounts are in, and what they were read in, as an official says it."""
    if not used:
        return "原表未注明金额单位，金额未能换算。"
    if not printed:
        return f"原表未注明金额单位，按{used}读入（依据见“数据质量”页）。"
    if printed == used:
        return f"原表金额单位为{printed}。"
    return f"原表表头写的金额单位是{printed}，但数字实为{used}，按{used}读入（依据见“数据质量”页）。"


def metric_wan(label: str, yuan: object, help: str | None = None) -> None:
    st.metric(label, money.wan_text(yuan), help=help)
