"""项目详情: one project's facts, budget steps, indicator tree, texts, checks and provenance."""

import json

import polars as pl
import streamlit as st

from dashboard import charts, source_view, state, ui

ctx = ui.context()
snap = ctx.snap
st.title("项目详情")

query = st.text_input(
    "按项目名称搜索（可输入部分中文，如“热线”）",
    value=st.query_params.get("q", "")[:100],
    key="pd_q",
    max_chars=100,
)
if query.strip():
    st.query_params["q"] = query.strip()
    found = state.data(snap, "search_projects", query)
    if found.is_empty():
        st.warning(f"没有名称包含“{query.strip()}”的项目。")
    else:
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

pid = st.query_params.get("project", "")[:64]
if not pid:
    ui.empty("请在上方搜索项目，或在其他页面的项目表中点击一行。")
    st.stop()
project = state.data(snap, "project", pid)
if project.is_empty():
    st.warning("链接中的项目编号在当前数据中不存在（可能数据已重建或链接有误）。请重新搜索。")
    st.stop()
p = project.row(0, named=True)

kind = ui.KIND_TEXT.get(p["kind"], p["kind"])
st.header(p["project_name"])
st.markdown(
    f"**{p['district']}区 · {p['year']} 年度 · {kind}** ｜ 主管部门：{p['department'] or '—'} ｜ 实施单位：{p['unit'] or '—'}"
)
# two rows of three: five metrics in a row cut "20,000.00 元" to "20,000.0…"
c1, c2, c3 = st.columns(3)
money = lambda v: "—" if v is None else f"{v:,.2f} 元"  # noqa: E731  (Decimal: exact)
c1.metric(
    "年初预算数" if p["kind"] == "self_evaluation" else "年度资金申请总额", money(p["budget_initial_yuan"])
)
c2.metric("全年预算数", money(p["budget_full_year_yuan"]))
c3.metric("全年执行数", money(p["executed_yuan"]))
c4, c5, c6 = st.columns(3)
rate = p["execution_rate"]
c4.metric("执行率", "—" if rate is None else f"{float(rate) * 100:.2f}%", help="自评表所印执行率")
score = p["score_total"]
c5.metric("总分", "—" if score is None else f"{float(score):.2f} / {float(p['score_max'] or 100):.0f}")
c6.metric("绩效等级", p["grade"] or "—", help=None if p["grade"] else "自评表未打印绩效等级")

if p["kind"] == "self_evaluation" and (
    p["budget_full_year_yuan"] is not None or p["budget_initial_yuan"] is not None
):
    ui.plot(
        charts.project_waterfall(p["budget_initial_yuan"], p["budget_full_year_yuan"], p["executed_yuan"]),
        key="pd_waterfall",
    )

st.subheader("绩效指标")
inds = state.data(snap, "project_indicators", pid)
if inds.is_empty():
    ui.empty("该项目没有可读的绩效指标行。")
else:
    marks = {True: "达标", False: "未达标"}
    shown = inds.with_columns(
        pl.col("meets_target").replace_strict(marks, default="—", return_dtype=pl.String).alias("达标判断"),
    ).drop("meets_target")
    cols = [
        "seq",
        "level1",
        "level2",
        "level3",
        "target_value",
        "actual_value",
        "weight",
        "score",
        "达标判断",
        "deviation_reason",
    ]
    if shown["explanation"].drop_nulls().len():
        cols += ["explanation", "scoring_rule"]
    shown = shown.select([c for c in cols if c in shown.columns]).rename(
        {
            "seq": "序号",
            "level1": "一级指标",
            "level2": "二级指标",
            "level3": "三级指标",
            "target_value": "年度指标值",
            "actual_value": "实际完成值",
            "weight": "分值",
            "score": "得分",
            "deviation_reason": "偏差原因",
            "explanation": "指标解释",
            "scoring_rule": "评分规则",
        },
        strict=False,
    )
    st.dataframe(
        shown.with_columns(pl.col("分值").cast(pl.Float64), pl.col("得分").cast(pl.Float64)),
        hide_index=True,
        width="stretch",
    )
    missed = inds.filter((pl.col("meets_target") == False) & (pl.col("score") >= pl.col("weight")))  # noqa: E712
    if not missed.is_empty():
        st.error(
            f"{missed.height} 个指标的实际完成值未达到年度指标值，却得了满分："
            + "；".join(missed["level3"].to_list())
        )

col1, col2 = st.columns(2)
with col1:
    st.subheader("年度目标")
    ui.plain_text(p["goal"])
with col2:
    st.subheader("实际完成情况")
    ui.plain_text(p["result"])
if p["extra_json"]:
    with st.expander("其他信息"):
        try:
            st.json(json.loads(p["extra_json"]))
        except ValueError:
            st.text(p["extra_json"])

st.subheader("与该项目有关的校验")
checks = state.data(snap, "project_checks", pid)
if checks.is_empty():
    st.success("没有针对该项目的校验问题。")
else:
    ui.table(checks, key="pd_checks")

st.subheader("其他年度或类型中的同名项目")
others = state.data(snap, "same_project_elsewhere", pid)
if others.is_empty():
    st.caption("同一部门没有同名（去掉括号后缀后相同）的其他项目。")
else:
    ui.project_table(
        others,
        key="pd_others",
        columns=["year", "kind", "project_name", "budget_full_year_yuan", "executed_yuan", "score_total"],
    )

st.subheader("数据来源")
st.markdown(
    f"来源文件：`{p['source_file']}`，第 {p['source_line']}–{p['end_line']} 行；版式：{p['layout']}；表头金额单位：{p['amount_unit_printed'] or '未注明'}（采用：{p['amount_unit'] or '未定'}）。"
)
st.page_link(
    source_view.SOURCE_PAGE,
    label=f"查看原文（第{p['source_page']}页）" if p.get("source_page") else "查看原文",
    icon=":material/description:",
    query_params=source_view.source_params(p["source_file"], p.get("source_page"), p["source_line"]),
    help="在原文中查看该项目所在的页面和行（绩效指标也在该项目的表中）",
)
if p.get("source_excerpt"):
    with st.expander("原文摘录"):
        st.code(p["source_excerpt"], language=None)
