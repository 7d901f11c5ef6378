"""支出结构: functional classification 类 → 款 → 项, economic classification, 基本 vs 项目, 三公."""

import polars as pl
import streamlit as st

from dashboard import charts, state, ui
from dashboard.queries import T3, T5

MAX_ITEM_BARS = 4  # district-years whose 三公 items are drawn one by one

ctx = ui.context()
snap, f = ctx.snap, ctx.filters
st.title("支出结构")
st.caption(f"范围：{state.scope_text(f)}。多个区或年度同时选中时金额相加；比较各区请用“区际比较”。")

statement = st.radio("功能分类口径", [T3, T5], horizontal=True, key="st_statement")
tree = state.data(snap, "functional_tree", f, statement)
if charts.has_data(tree):
    ui.plot(
        charts.treemap(tree, f"{statement}：功能分类 类 → 款 → 项（万元，点击方块逐级下钻）"), key="st_tree"
    )
else:
    ui.empty(f"当前范围内没有“{statement}”数据。")

col1, col2 = st.columns(2)
with col1:
    eco = state.data(snap, "economic_basic", f)
    if charts.has_data(eco):
        ui.plot(charts.economic_sunburst(eco), key="st_eco")
    else:
        ui.empty("当前范围内没有一般公共预算财政拨款基本支出决算表（经济分类）数据。")
with col2:
    bp = state.data(snap, "basic_vs_project", f)
    if charts.has_data(bp):
        ui.plot(charts.basic_vs_project(bp), key="st_bp")
    else:
        ui.empty("当前范围内没有支出决算表的基本支出 / 项目支出数据。")

st.subheader("“三公”经费：预算数与决算数")
tp = state.data(snap, "three_public", f)
if charts.has_data(tp):
    nonzero = tp.filter((pl.col("budget_yuan") != 0) | (pl.col("actual_yuan") != 0))
    if nonzero.is_empty():
        st.info("当前范围内的“三公”经费预算数和决算数均为 0.00 万元。")
    else:
        pairs = nonzero.select("district", "year").unique().height
        if pairs > MAX_ITEM_BARS:
            st.caption(
                f"当前范围有 {pairs} 个“区 × 年度”组合，图中只画“三公”经费合计；选择区或年度后显示各项明细。"
            )
            nonzero = nonzero.filter(pl.col("item") == "合计")
        ui.plot(charts.three_public(nonzero), key="st_tp")
    ui.table(tp, key="st_tp_table")
else:
    ui.empty("当前范围内没有“三公”经费支出决算表。")
