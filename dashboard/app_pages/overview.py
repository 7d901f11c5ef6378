"""总览: headline figures per district and year, and what the corpus holds."""

import polars as pl
import streamlit as st

from dashboard import briefing_ui, charts, comparisons, queries, state, ui
from dashboard.queries import KIND_LABELS
from dashboard.safe_text import md

UNKNOWN_DISTRICT = "未识别区"
UNKNOWN_YEAR = "年度未识别"
MAX_CARDS = 8  # more district-year cards than this are read more easily as the table below

ctx = ui.context()
snap, f = ctx.snap, ctx.filters
st.title("总览")
st.caption(f"范围：{md(state.scope_text(f))}。金额单位：万元。")
ui.scope_note(snap, f)

head = state.data(snap, queries.headline_by_district_year, f)
if head.is_empty():
    ui.empty("当前筛选条件下没有任何部门决算或绩效自评数据。请在左侧放宽筛选条件，或点击“重置筛选”。")
else:
    st.subheader("各区主要指标")
    if head.height > MAX_CARDS:
        st.caption(
            f"当前范围有 {head.height} 个“区 × 年度”组合，下方以表格列出；在左侧选择区或年度后显示逐区指标卡。"
        )
    for row in head.head(MAX_CARDS if head.height <= MAX_CARDS else 0).iter_rows(named=True):
        with st.container(border=True):
            st.markdown(f"**{md(row['district'])}区 {row['year']} 年度**")
            # What each figure covers: one department, or several (a district total only of those).
            # Department names come from the documents: shown as text, never as Markdown.
            finals, evals = row["final_departments"] or [], row["evaluated_departments"] or []
            budgets = row["budget_departments"] or []
            st.caption(
                md(
                    f"部门决算：{ui.coverage_label(row['district'], finals) if finals else '无'}"
                    f"；部门预算：{ui.coverage_label(row['district'], budgets) if budgets else '无'}"
                    f"；绩效自评：{ui.coverage_label(row['district'], evals) if evals else '无'}"
                    + (
                        f"（{'、'.join(ui.short_department(d, row['district']) for d in sorted(set(finals)))}）"
                        if len(set(finals)) > 1
                        else ""
                    )
                )
            )
            # two rows of three: five metrics in one row cut "3,984.05 万元" to "3,984.05 …"
            c1, c2, c3 = st.columns(3)
            no_accounts = None if row["total_expenditure_yuan"] is not None else "该区该年度没有部门决算"
            covered = ui.coverage_label(row["district"], finals)
            with c1:
                ui.metric_wan(
                    "本年支出合计",
                    row["total_expenditure_yuan"],
                    no_accounts or md(f"部门决算·支出决算表合计行（{covered}）"),
                )
            with c2:
                ui.metric_wan("基本支出", row["basic_yuan"], no_accounts)
            with c3:
                ui.metric_wan("项目支出", row["project_yuan"], no_accounts)
            c4, c5, c6 = st.columns(3)
            c4.metric("绩效自评项目", f"{row['evaluated_projects']} 个")
            avg, rate = row["avg_score"], row["execution_rate"]
            c5.metric("平均分", "—" if avg is None else f"{float(avg):.2f} 分")
            c6.metric(
                "总体执行率",
                "—" if rate is None else f"{float(rate) * 100:.2f}%",
                help="自评项目全年执行数之和 ÷ 全年预算数之和",
            )
            if budgets:
                c7, _, _ = st.columns(3)
                with c7:
                    ui.metric_wan(
                        "部门预算支出合计",
                        row["budget_expenditure_yuan"],
                        md(f"部门预算·支出预算总表合计（{ui.coverage_label(row['district'], budgets)}）"),
                    )
    spend = head.filter(pl.col("total_expenditure_yuan").is_not_null()).with_columns(
        # The bar says what it covers: '松江 2020 · 城市运行管理中心', not '松江 2020'.
        label=pl.struct("district", "year", "final_departments").map_elements(
            lambda r: f"{r['year']} {ui.coverage_label(r['district'], r['final_departments'])}",
            return_dtype=pl.String,
        )
    )
    if charts.has_data(spend):
        ui.plot_opening_structure(charts.headline_bars(spend), key="overview_bars")
    else:
        ui.empty("当前范围内没有部门决算（支出决算表）数据，无法绘制支出图。")
    changed = comparisons.change_on_last_year(head, "total_expenditure_yuan", "final_departments", "final")
    changed = comparisons.change_on_last_year(
        changed, "budget_expenditure_yuan", "budget_departments", "budget"
    )
    ui.table(
        changed.with_columns(
            *(
                pl.struct("district", departments)
                .map_elements(
                    lambda r, d=departments, n=none: ui.coverage_label(r["district"], r[d], n),
                    return_dtype=pl.String,
                )
                .alias(alias)
                for departments, alias, none in (
                    ("final_departments", "final_coverage", "无部门决算"),
                    ("budget_departments", "budget_coverage", "无部门预算"),
                    ("evaluated_departments", "evaluated_coverage", "无绩效自评"),
                )
            ),
        )
        # each figure beside what it covers, the key columns first (at 1400 px the last ones scroll)
        .select(
            "district",
            "year",
            "final_coverage",
            "total_expenditure_yuan",
            "final_change_yuan",
            "final_change_rate",
            "budget_coverage",
            "budget_expenditure_yuan",
            "budget_change_yuan",
            "budget_change_rate",
            "evaluated_projects",
            "avg_score",
            "execution_rate",
            "evaluated_coverage",
            "basic_yuan",
            "project_yuan",
        ),  # fmt: skip
        key="overview_table",
    )
    st.caption(
        "比上年增减：与本区上一年度相比，只在两年所含部门相同时计算（部门不同的合计不可比），否则留空。"
    )

st.subheader("数据覆盖情况（区 × 年度 × 文件类型）")
cov = state.data(snap, queries.coverage, f)
if cov.is_empty():
    ui.empty("当前筛选条件下没有任何文件。")
else:
    # A document whose district or year was not read (another region's form) is still counted.
    cov = cov.with_columns(
        district=pl.col("district").fill_null(UNKNOWN_DISTRICT),
        year=pl.col("year").cast(pl.String).fill_null(UNKNOWN_YEAR),
    ).with_columns(
        cell=pl.col("kind").replace_strict(KIND_LABELS, default=pl.col("kind"))
        + " "
        + pl.col("n").cast(pl.String)
        + pl.when(pl.col("kind").is_in(["final_accounts", "budget"]))
        .then(pl.lit(" 个部门"))
        .otherwise(pl.lit(" 个项目"))
    )
    matrix = (
        cov.group_by("district", "year")
        .agg(pl.col("cell").sort().str.join("；"))
        .pivot(on="year", index="district", values="cell", sort_columns=True)
        .sort("district")
        .fill_null("—（无数据）")
    )
    st.dataframe(matrix.rename({"district": "区"}), hide_index=True, width="stretch", placeholder=ui.MISSING)
    years = sorted(y for y in cov["year"].unique().to_list() if y != UNKNOWN_YEAR)
    missing = []
    for district in sorted(d for d in cov["district"].unique().to_list() if d != UNKNOWN_DISTRICT):
        have = cov.filter(pl.col("district") == district)
        for kind, label in KIND_LABELS.items():
            got = set(have.filter(pl.col("kind") == kind)["year"].to_list())
            lack = [str(y) for y in years if y not in got]
            if lack:
                missing.append(f"{md(district)}区缺少 {'、'.join(lack)} 年度的{label}")
    if missing:
        with st.expander(f"缺失情况（{len(missing)} 条）"):
            st.markdown("\n".join(f"- {m}" for m in missing))

briefing_ui.offer("总览")
