"""数据质量: the ETL's checks, grouped by document and severity, linked to what they concern."""

import polars as pl
import streamlit as st

from dashboard import source_view, state, ui
from dashboard.safe_text import md

ctx = ui.context()
snap, f = ctx.snap, ctx.filters
st.title("数据质量")
st.caption(
    "每条校验都来自原文：原文中相互矛盾的数字照原样保留，在此列出两者，供人工核对。错误 = 无法读取或明显不成立；警告 = 数字不一致；提示 = 四舍五入差异或处理说明。"
)

docs = state.data(snap, "documents")
failed = docs.filter(pl.col("status") == "failed")
if not failed.is_empty():
    st.error(
        f"{failed.height} 个文件未能读取："
        # File names and reasons quote the documents: shown as text, never as Markdown.
        + "；".join(
            md(f"{r['source_file']}（{r['error'] or '未读入'}）") for r in failed.iter_rows(named=True)
        )
    )
partial = docs.filter(pl.col("status") == "partial")
if not partial.is_empty():
    st.warning(
        f"{partial.height} 个文件只读取了一部分（未读入的表格或行见下方错误/警告，注明页码）："
        + "；".join(
            md(r["source_file"] + (f"（缺少：{r['tables_missing']}）" if r["tables_missing"] else ""))
            for r in partial.iter_rows(named=True)
        )
    )

summary = state.data(snap, "checks_summary", f)
if summary.is_empty():
    ui.empty("当前筛选条件下没有任何文件。")
    st.stop()
labels = {
    r["source_file"]: ui.document_label(r["department"], r["year"], r["doc_kind"], r["source_file"])
    for r in summary.iter_rows(named=True)
}
st.subheader("按文件汇总")
ui.table(
    summary.select(
        pl.col("source_file").replace_strict(labels).alias("document"),
        "doc_kind",
        "district",
        "errors",
        "warnings",
        "infos",
        "source_file",
    ).rename({"errors": "错误", "warnings": "警告", "infos": "提示"}),
    key="dq_summary",
)

linked = state.url_widget("dq_sev", ["error", "warning", "info"], many=True)
severities = st.multiselect(
    "严重程度",
    ["error", "warning", "info"],
    **({} if linked else {"default": ["error", "warning"]}),
    format_func=lambda s: ui.SEVERITY_TEXT[s],
    key="dq_sev",
)
checks = state.data(snap, "checks_list", f, tuple(severities))
st.subheader(f"校验明细（{checks.height} 条）")
if checks.is_empty():
    ui.empty("所选严重程度下没有校验问题。")
    st.stop()
with_project = checks.filter(pl.col("project_id").is_not_null())
without = checks.filter(pl.col("project_id").is_null())
for source_file in checks["source_file"].unique(maintain_order=True).to_list():
    part = without.filter(pl.col("source_file") == source_file)
    if part.is_empty():
        continue
    title = labels.get(source_file, source_file)
    with st.expander(f"{md(title)}：报表与文件层面（{part.height} 条）", expanded=part.height <= 12):
        st.caption(f"来源文件：{md(source_file)}")
        ui.table(
            part.select(
                "severity",
                "title",
                "source_page",
                "message",
                "figure",
                "compared",
                "statement",
                "code",
                "source_line",
            ),
            key=f"dq_{source_file}",
        )
        # 查看原文: the chosen finding on its page (原文查看 frames the sentence or cell).
        findings = list(part.select("title", "source_page", "source_line").iter_rows())
        pick_col, link_col = st.columns([3, 1], vertical_alignment="bottom")
        chosen = pick_col.selectbox(
            "选择一条问题查看原文",
            range(len(findings)),
            format_func=lambda i, rows=findings: (
                f"{i + 1}. {rows[i][0]}"
                + (f"（第{rows[i][1]}页）" if rows[i][1] is not None else "（页码未知）")
            ),
            key=f"dq_src_{source_file}",
        )
        if chosen is not None and chosen < len(findings):
            _, src_page, src_line = findings[chosen]
            link_col.page_link(
                source_view.SOURCE_PAGE,
                label="查看原文",
                icon=":material/description:",
                query_params=source_view.source_params(source_file, src_page, src_line),
            )
if not with_project.is_empty():
    st.subheader("涉及具体项目的校验（点击一行查看项目）")
    ui.project_table(
        with_project,
        key="dq_projects",
        columns=[
            "severity",
            "project_name",
            "title",
            "message",
            "figure",
            "compared",
            "source_line",
            "source_file",
        ],
    )
