"""项目详情: one project's facts, budget steps, indicator tree, texts, checks and provenance.

Money is shown in 万元 (two decimals) like the rest of the app, except amounts under
1 万元, which are shown in 元 ("500.00 元", not "0.05 万元"); every card names its unit
and its help gives the exact figure in 元. A declaration (绩效目标申报) shows what it
declares — 年度资金申请总额, 当年财政拨款, its indicators' 年度指标值 — and no 执行率
or 总分, which only a self-evaluation has.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation

import polars as pl
import streamlit as st

from dashboard import briefing_ui, charts, export, pages, queries, source_view, state, ui
from dashboard import money as money_format
from dashboard.safe_text import md, md_code
from etl.schema import labels

WAN = money_format.WAN
# Where an official may have come from: a page's title -> its script (the back link).
BACK_PAGES = {p.title: p.file for p in pages.PAGES if p.name not in ("project_detail", "data_import")}
# Offered when the page the official came from is not known.
FALLBACK_BACK = ("绩效评分", "预算执行", "数据下载")
# Set by the entry file (the title of the last page shown before 项目详情), if it records it.
CAME_FROM_KEY = "_came_from"
FILTER_PARAMS = ("district", "year", "department", "kind")

# Indicator columns: labels with their units, the same on screen and in the downloads.
INDICATOR_LABELS = {
    **labels("indicators"),
    "weight": "分值（分）",
    "score": "得分（分）",
    "deviation_reason": "偏差原因",
}
# The form's columns in its order; a column no row of the form fills is left out (青浦's
# forms print no 年度指标值 or 实际完成值, a declaration no 得分), except these.
INDICATOR_COLUMNS = (
    "seq", "level1", "level2", "level3", "target_value", "actual_value", "weight", "score",
    "meets_target", "deviation_reason", "explanation", "scoring_rule",
)  # fmt: skip
ALWAYS_SHOWN = ("seq", "level1", "level3")

# 其他信息: the declaration parser's field keys, as the form prints them, in the form's order.
EXTRA_LABELS = {
    "overview": "项目概述",
    "total_goal": "项目总目标",
    "total_goal_period": "项目总目标期间",
    "planned_start": "计划开始日期",
    "planned_end": "计划完成日期",
    "fund_total": "项目资金总额",
    "fund_annual": "年度资金申请总额",
    "fund_fiscal": "财政资金",
    "fund_current_year": "当年财政拨款",
    "fund_carryover": "上年结转资金",
    "fund_other": "其他资金",
    "fund_other_annual": "其他资金（年度）",
    "budget_plan": "年度预算安排",
}
MONEY_WORDS = ("资金", "拨款", "预算数", "执行数", "总额", "金额")
POINT_WORDS = ("分值", "得分")


def money(yuan: object) -> str:
    return money_format.money_text(yuan, ui.MISSING)


def money_help(yuan: object, what: str) -> str:
    return f"原表未印{what}" if yuan is None else f"原表数字：{money_format.yuan_text(yuan)}"


def points(value: object) -> str:
    return ui.MISSING if value is None else f"{Decimal(str(value)):.2f}"


def extra_label(key: str) -> str:
    """'当年财政拨款_全年预算数' -> '当年财政拨款 · 全年预算数'; 'fund_total' -> '项目资金总额'."""
    if key in EXTRA_LABELS:
        return EXTRA_LABELS[key]
    if re.fullmatch(r"[A-Za-z0-9_ ]+", key):
        return "其他字段"  # an unnamed parser key: never an English code on screen
    head, sep, tail = key.partition(":")
    if sep and head in POINT_WORDS:
        return f"{tail} · {head}"
    return key.replace("_", " · ")


def extra_value(label: str, value: object, amount_unit: str | None) -> str:
    """A printed field as an official reads it: amounts with their unit, points in 分."""
    if value is None:
        return ui.MISSING
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = text.strip()
    if text in ("", "-", "—", "－"):
        return ui.MISSING
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return text
    if any(w in label for w in POINT_WORDS):
        return f"{number.normalize():f} 分"
    if "率" in label:
        return text
    if any(w in label for w in MONEY_WORDS):
        if amount_unit == "元":
            return money(number)
        if amount_unit == "万元":
            return money(number * WAN)
        return f"{text}（单位未定）"
    return text


def markdown_cell(text: str) -> str:
    """Plain text for an st.table cell (cells are Markdown): no link, emphasis or list."""
    return md(text).replace("\n", "  \n")  # a line break inside the cell


def extra_rows(extra_json: str, amount_unit: str | None) -> list[tuple[str, str]]:
    try:
        extra = json.loads(extra_json)
    except ValueError:
        return [("其他信息", extra_json)]
    if not isinstance(extra, dict):
        return [("其他信息", extra_value("", extra, amount_unit))]
    order = list(EXTRA_LABELS)
    keys = sorted(extra, key=lambda k: order.index(k) if k in order else len(order))  # stable
    rows = []
    for key in keys:
        label = extra_label(str(key))
        rows.append((label, extra_value(label, extra[key], amount_unit)))
    return rows


def shared_filters() -> dict[str, list[str]]:
    """The sidebar filters in the URL (already checked by state.sidebar_filters)."""
    return {k: st.query_params.get_all(k) for k in FILTER_PARAMS if k in st.query_params}


def back_links() -> None:
    came_from = st.session_state.get(CAME_FROM_KEY)
    targets = [came_from] if came_from in BACK_PAGES else list(FALLBACK_BACK)
    with st.container(horizontal=True, gap="medium"):
        for title in targets:
            st.page_link(
                BACK_PAGES[title],
                label=f"返回 {title}",
                icon=":material/arrow_back:",
                query_params=shared_filters(),
                help="回到该页面，保留当前的区、年度、部门和文件类型筛选",
            )


def indicator_table(inds: pl.DataFrame, declaration: bool) -> tuple[pl.DataFrame, list[str]]:
    """The indicator rows as shown and downloaded: Chinese headers, 是/否, no codes."""
    always = (*ALWAYS_SHOWN, "target_value") if declaration else ALWAYS_SHOWN
    wanted = [c for c in INDICATOR_COLUMNS if c in always or inds[c].drop_nulls().len()]
    readable = export.readable(inds.select(wanted))
    places = [
        where_printed(page, cell) for page, cell in zip(inds["source_page"], inds["source_cell"], strict=True)
    ]
    shown = export.with_labels(readable, INDICATOR_LABELS).with_columns(pl.Series(SOURCE_COLUMN, places))
    return shown, [*readable.columns, SOURCE_COLUMN]


SOURCE_COLUMN = "原文位置"


def where_printed(page: object, cell: object) -> str:
    """'第14页 表1 第11行第4列' / '第1页 D13': where an official finds a figure in the original."""
    parts = [f"第{page}页" if page else "", str(cell) if cell else ""]
    return " ".join(p for p in parts if p) or "原文"


def source_links(inds: pl.DataFrame, source_file: str) -> pl.Series:
    """Each indicator row's link to 原文查看 (its name's cell framed), read as where it is printed."""
    return pl.Series(
        SOURCE_COLUMN,
        [
            f"{source_view.source_link(source_file, page, line, cell)}#{where_printed(page, cell)}"
            for page, line, cell in zip(
                inds["source_page"], inds["source_line"], inds["source_cell"], strict=True
            )
        ],
        dtype=pl.String,
    )


ctx = ui.context()
snap = ctx.snap
st.title("项目详情")
back_links()

query = st.text_input(
    "按项目名称搜索（可输入部分中文，如“热线”）",
    value=st.query_params.get("q", "")[:100],
    key="pd_q",
    max_chars=100,
)
pid = st.query_params.get("project", "")[:64]
project = state.data(snap, queries.project, pid) if pid else pl.DataFrame()
if pid and project.is_empty():
    st.warning("链接中的项目编号在当前数据中不存在（可能数据已重建或链接有误）。请重新搜索。")

if query.strip():
    st.query_params["q"] = query.strip()
    found = state.data(snap, queries.search_projects, query)
    if found.is_empty():
        # No match: say so and show no project (the one in the link is not what was searched for).
        st.warning(f"没有找到名称包含“{md(query.strip())}”的项目。请换一个词，或清空搜索框。")
        st.stop()
    st.caption(f"找到 {found.height} 个项目{'（最多显示 50 个）' if found.height >= 50 else ''}。")
    ui.project_table(
        found,
        key="pd_found",
        columns=[
            "district",
            "year",
            "department",
            "project_name",
            "kind",
            "budget_full_year_yuan",
            "score_total",
        ],
    )
elif "q" in st.query_params:
    del st.query_params["q"]

if not pid:
    ui.empty("请在上方搜索项目，或在其他页面的项目表中点击一行。")
    st.stop()
if project.is_empty():
    st.stop()
p = project.row(0, named=True)
declaration = p["kind"] == "target_declaration"

kind = export.VALUE_WORDS["kind"].get(p["kind"], "类型未识别")
where = f"{p['district']}区" if p["district"] else (p["region"] or "未识别区")  # another province: its own
year = f"{p['year']} 年度" if p["year"] else "年度未识别"
# Names and texts from the document: shown as text (md), never as Markdown.
st.header(md(p["project_name"] or "（未印项目名称）"))
facts = [f"**{md(where)} · {year} · {kind}**", f"主管部门：{md(p['department'] or ui.MISSING)}",
         f"实施单位：{md(p['unit'] or ui.MISSING)}"]  # fmt: skip
if p.get("category"):
    facts.append(f"项目类别：{md(p['category'])}")
st.markdown(" ｜ ".join(facts))

inds = state.data(snap, queries.project_indicators, pid)
# two rows of three: five cards in a row cut "2,000.00 万元" short
c1, c2, c3 = st.columns(3)
if declaration:
    c1.metric(
        "年度资金申请总额",
        money(p["budget_initial_yuan"]),
        help="申请金额：申报表所印年度资金申请总额。"
        + money_help(p["budget_initial_yuan"], "年度资金申请总额"),
    )
    c2.metric(
        "当年财政拨款",
        money(p["budget_full_year_yuan"]),
        help="申报表所印其中当年财政拨款。" + money_help(p["budget_full_year_yuan"], "当年财政拨款"),
    )
    c3.metric("指标数", f"{inds.height} 个", help="申报表所列绩效指标（年度指标值见下表）")
    st.caption("绩效目标申报表只列申请金额和年度指标值：执行数、执行率和得分要到年度绩效自评才有。")
else:
    c1.metric(
        "年初预算数", money(p["budget_initial_yuan"]), help=money_help(p["budget_initial_yuan"], "年初预算数")
    )
    c2.metric(
        "全年预算数",
        money(p["budget_full_year_yuan"]),
        help=money_help(p["budget_full_year_yuan"], "全年预算数"),
    )
    c3.metric("全年执行数", money(p["executed_yuan"]), help=money_help(p["executed_yuan"], "全年执行数"))
    c4, c5, c6 = st.columns(3)
    rate = p["execution_rate"]
    c4.metric("执行率", ui.MISSING if rate is None else f"{float(rate) * 100:.2f}%", help="自评表所印执行率")
    score = p["score_total"]
    c5.metric(
        "总分",
        ui.MISSING if score is None else f"{points(score)} / {float(p['score_max'] or 100):.0f} 分",
        help="自评表所印总分 / 满分",
    )
    c6.metric("绩效等级", md(p["grade"] or ui.MISSING), help=None if p["grade"] else "自评表未打印绩效等级")
    if p["budget_full_year_yuan"] is not None or p["budget_initial_yuan"] is not None:
        ui.plot(
            charts.project_waterfall(
                p["budget_initial_yuan"], p["budget_full_year_yuan"], p["executed_yuan"]
            ),
            key="pd_waterfall",
        )

st.subheader("绩效指标")
if inds.is_empty():
    ui.empty("该项目没有可读的绩效指标行。")
else:
    shown, original_names = indicator_table(inds, declaration)
    points_columns = [
        INDICATOR_LABELS[c] for c in ("weight", "score") if INDICATOR_LABELS[c] in shown.columns
    ]
    narrow = [INDICATOR_LABELS["meets_target"]]
    st.dataframe(
        shown.with_columns([pl.col(c).cast(pl.Float64) for c in points_columns]).with_columns(
            source_links(inds, p["source_file"])
        ),
        column_config={
            SOURCE_COLUMN: st.column_config.LinkColumn(
                SOURCE_COLUMN,
                display_text=r"#(.+)$",  # reads '第31页 表1 第13行第4列', as the download does
                help="在原文中框出该指标所在的单元格（PDF 原件显示该页）",
                width="small",
            ),
            **{c: st.column_config.NumberColumn(c, format="%.2f", width="small") for c in points_columns},
            **{c: st.column_config.TextColumn(c, width="small") for c in narrow if c in shown.columns},
            INDICATOR_LABELS["seq"]: st.column_config.NumberColumn(
                INDICATOR_LABELS["seq"], format="%d", width="small"
            ),
        },
        hide_index=True,
        width="stretch",
        height="content" if shown.height <= 60 else "auto",  # a form's indicators, all in view
        placeholder=ui.MISSING,
        key="pd_indicators",
    )
    name = export.file_name(f"{p['district'] or ''}{p['year'] or ''}", p["project_name"] or "", "绩效指标")
    about = {
        "项目": p["project_name"] or ui.MISSING,
        "区": where,
        "主管部门": p["department"] or ui.MISSING,
        "年度": str(p["year"] or ui.MISSING),
        "类型": kind,
        "指标数": str(shown.height),
    }
    ui.download_buttons(
        shown,
        name=name,
        sheet="绩效指标",
        about=about,
        sources=[p["source_file"]],
        original_names=original_names,
        key="pd_ind",
        what="绩效指标",
    )
    if not declaration:
        missed = inds.filter((pl.col("meets_target") == False) & (pl.col("score") >= pl.col("weight")))  # noqa: E712
        if not missed.is_empty():
            st.error(
                f"{missed.height} 个指标的实际完成值未达到年度指标值，却得了满分："
                + "；".join(md(x) for x in missed["level3"].fill_null("（未印指标名称）").to_list())
            )

if declaration:
    st.subheader("年度目标")
    ui.plain_text(p["goal"])
else:
    col1, col2 = st.columns(2)
    with col1:
        st.subheader("年度目标")
        ui.plain_text(p["goal"])
    with col2:
        st.subheader("实际完成情况")
        ui.plain_text(p["result"])
if p["extra_json"]:
    # a declaration's 项目概述 and 年度预算安排 are its main text: shown open
    with st.expander("其他信息", expanded=declaration):
        rows = extra_rows(p["extra_json"], p["amount_unit"])
        st.table(
            pl.DataFrame(
                {"项目": [markdown_cell(k) for k, _ in rows], "内容": [markdown_cell(v) for _, v in rows]},
                schema={"项目": pl.String, "内容": pl.String},
            ),
            hide_index=True,
            border="horizontal",
        )

st.subheader("与该项目有关的校验")
checks = state.data(snap, queries.project_checks, pid)
if checks.is_empty():
    st.success("没有针对该项目的校验问题。")
else:
    ui.table(checks, key="pd_checks")

st.subheader("其他年度或类型中的同名项目")
others = state.data(snap, queries.same_project_elsewhere, pid)
if others.is_empty():
    st.caption("同一部门没有同名（去掉括号后缀后相同）的其他项目。")
else:
    ui.project_table(
        others,
        key="pd_others",
        columns=["year", "kind", "project_name", "budget_full_year_yuan", "executed_yuan", "score_total"],
    )

st.subheader("数据来源")
lines = (
    f"第 {p['source_line']}–{p['end_line']} 行"
    if p["source_line"] and p["end_line"]
    else (f"第 {p['source_line']} 行" if p["source_line"] else "行号未知")
)
layout = export.VALUE_WORDS["layout"].get(p["layout"] or "", "版式未识别")
st.markdown(
    f"来源文件：{md_code(p['source_file'])}，{lines}；版式：{layout}；"
    f"{md(ui.unit_sentence(p['amount_unit_printed'], p['amount_unit']))}"
)
st.page_link(
    source_view.SOURCE_PAGE,
    label=f"查看原文（{md(where_printed(p.get('source_page'), p.get('source_cell')))}）",
    icon=":material/description:",
    # The name's cell says where the form is; the form's first line would be another row.
    query_params=source_view.source_params(
        p["source_file"],
        p.get("source_page"),
        None if p.get("source_cell") else p["source_line"],
        p.get("source_cell"),
    ),
    help="在原文中查看该项目所在的页面，框出项目名称所在的单元格（每个绩效指标的位置见指标表的“原文位置”）",
)
if p.get("source_excerpt"):
    with st.expander("原文摘录"):
        st.code(p["source_excerpt"], language=None)

briefing_ui.offer("项目详情", about=(p["project_name"],), project=pid)
