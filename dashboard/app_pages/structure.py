"""支出结构: one department's 决算 or 预算 — functional classification 类 → 款 → 项, economic
classification of 基本支出, 基本 vs 项目, 三公 — never two departments or districts added up."""

import polars as pl
import streamlit as st

from dashboard import briefing_ui, charts, money, queries, state, ui
from dashboard.queries import B3, B5, B6, T3, T5, T6, Filters
from dashboard.safe_text import md

ctx = ui.context()
snap, f = ctx.snap, ctx.filters
st.title("支出结构")

docs = state.data(snap, queries.structure_documents, f)
if docs.is_empty():
    ui.empty("当前筛选条件下没有部门决算或部门预算。请在左侧放宽筛选条件，或点击“重置筛选”。")
    st.stop()
if docs.height > ui.MAX_DOCUMENT_CHOICES:
    linked_file = st.query_params.get("st_doc")
    offered = docs.head(ui.MAX_DOCUMENT_CHOICES)  # in the query's order, the newest first
    if linked_file and linked_file not in offered["source_file"].to_list():
        offered = pl.concat([docs.filter(pl.col("source_file") == linked_file), offered])
    st.caption(
        f"当前范围有 {docs.height:,} 份部门决算和部门预算，下拉只列出其中 {offered.height:,} 份（最新的在前）；"
        "在左侧选择区、年度或部门可找到其余文件。"
    )
    docs = offered
labels = {
    r["source_file"]: f"{ui.coverage_label(r['district'], [r['department']])} · {r['year']} 年度 · "
    f"{ui.DOC_KIND_TEXT[r['doc_kind']]}"
    for r in docs.iter_rows(named=True)
}
files = list(labels)
# The link names the document by its file, never by its place in a list that an import reorders.
state.url_widget("st_doc", files)
file = st.selectbox("部门、年度与文件", files, format_func=labels.__getitem__, key="st_doc")
doc = docs.filter(pl.col("source_file") == file).row(0, named=True)
final = doc["doc_kind"] == "final_accounts"
g = Filters(kinds=(doc["doc_kind"],), files=(file,))
st.caption(f"{md(labels[file])}。金额单位：万元。比较各区请用“区际比较”。")  # names from the document: text
ui.scope_note(snap, f)

statements = [T3, T5] if final else [B3, B5]
# A 决算's table chosen, then a 预算 picked: the radio's key is per kind, so each kind keeps its own
# choice and a value of the other kind never leaves the radio showing neither option.
statement_key = "st_statement" if final else "st_statement_budget"
state.url_widget(statement_key, statements)
statement = st.radio("功能分类口径", statements, horizontal=True, key=statement_key)
tree = state.data(snap, queries.functional_tree, g, statement)
if charts.has_data(tree):
    classes = tree.filter(pl.col("level") == 1)
    class_names = dict(zip(classes["code"].to_list(), classes["name"].to_list(), strict=True))
    state.url_widget("st_class", ["", *class_names])
    top = st.selectbox(
        "下钻到类",
        ["", *class_names],
        format_func=lambda c: "全部类" if not c else f"{c} {class_names[c]}",
        key="st_class",
    )
    shown = tree.filter(pl.col("code").str.starts_with(top)) if top else tree
    title = (
        f"{statement}：功能分类 {'类 → 款 → 项' if not top else top + ' 款 → 项'}（万元，点击方块逐级下钻）"
    )
    ui.plot(charts.treemap(shown, title), key="st_tree")
    ui.table(charts.tree_table(shown), key="st_tree_table")
    st.caption("占比：占本表合计（全部类之和）与占上一级科目的比例，按印出的金额计算。")
else:
    ui.empty(f"该文件没有“{statement}”数据。")

col1, col2 = st.columns(2)
with col1:
    eco = state.data(snap, queries.economic_basic, g, T6 if final else B6)
    if charts.has_data(eco):
        ui.plot(charts.economic_sunburst(eco), key="st_eco")
    else:
        ui.empty("该文件没有一般公共预算基本支出经济分类表数据。")
with col2:
    bp = state.data(snap, queries.basic_vs_project, g, T3 if final else B3)
    if charts.has_data(bp):
        ui.plot(charts.basic_vs_project(bp), key="st_bp")
    else:
        ui.empty("该文件没有基本支出 / 项目支出数据。")

st.subheader("“三公”经费：预算数与决算数" if final else "“三公”经费预算")
tp = state.data(snap, queries.three_public, g, doc["doc_kind"])
if charts.has_data(tp):
    # 合计 is the sum of its parts: drawn parts only, its figure stated in the title line.
    parts = tp.filter(
        (pl.col("item") != "合计")
        & ~pl.col("item").is_in(["公务用车购置费", "公务用车运行维护费"])
        & ((pl.col("budget_yuan") != 0) | (pl.col("actual_yuan").fill_null(0) != 0))
    )
    total = tp.filter(pl.col("item") == "合计")
    if not total.is_empty():
        t = total.row(0, named=True)
        st.caption(
            f"合计：预算数 {money.wan_text(t['budget_yuan'])}"
            + (f"，决算数 {money.wan_text(t['actual_yuan'])}" if final else "")
        )
    if parts.is_empty():
        st.info("该文件的“三公”经费各项均为 0.00 万元。")
    else:
        ui.plot(charts.three_public(parts, final), key="st_tp")
    # A 预算 has no 决算数: its column would be a row of dashes.
    ui.table(tp.drop("departments", *([] if final else ["actual_yuan"]), strict=False), key="st_tp_table")
else:
    ui.empty("该文件没有“三公”经费表。")

briefing_ui.offer("支出结构", file=file, statement=statement)
