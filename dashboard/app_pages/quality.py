"""数据质量: the ETL's checks, grouped by document and severity, linked to what they concern."""

from collections.abc import Callable

import polars as pl
import streamlit as st

from dashboard import briefing_ui, db, export, importer, queries, source_view, state, ui
from dashboard.safe_text import md
from etl.schema import labels


def versions_section(snap: db.Snapshot) -> None:
    """Copies and versions of one document side by side; the official picks the one that counts."""
    if flash := st.session_state.pop("dq_version_flash", None):
        st.success(md(flash), icon=":material/check_circle:")
    groups = state.data(snap, queries.document_versions)
    if groups.is_empty():
        return
    st.subheader("同一文件的多个版本")
    st.caption(
        "同一部门、年度、类型的文件出现了不止一份：数字完全相同的是重复文件，只计入一次；数字不同的是不同版本，"
        "只有一个版本计入各页，其余版本的数字不计入任何汇总。可在此改选以哪个版本为准。"
    )
    for identity in groups["identity"].unique(maintain_order=True).to_list():
        members = groups.filter(pl.col("identity") == identity)
        first = members.row(0, named=True)
        title = ui.document_label(first["department"], first["year"], first["doc_kind"], first["source_file"])
        with st.expander(f"{md(title)}（{members.height} 个文件）", expanded=True):
            ui.table(
                members.select("source_file", "counted_text", "version_of", "n_budget_lines", "n_projects"),
                key=f"dq_versions_{identity}",
            )
            differences = state.data(snap, queries.version_differences, identity)
            if differences.is_empty():
                st.caption("各文件的数字完全相同（重复文件）。")
            else:
                st.caption(f"数字不同之处（{differences.height} 处；“计入的版本”为当前计入的文件所印）：")
                ui.table(differences, key=f"dq_differences_{identity}")
            files = members["source_file"].to_list()
            counted = members.filter(pl.col("counted"))["source_file"].to_list()
            pick_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
            chosen = pick_col.selectbox(
                "以哪个文件为准",
                files,
                index=files.index(counted[0]) if counted else 0,
                key=f"dq_version_pick_{identity}",
            )
            if button_col.button(
                "改为以此文件为准", key=f"dq_version_use_{identity}", disabled=chosen in counted
            ):
                try:
                    with st.spinner("正在重新构建数据仓库…"):
                        change = importer.choose_version(
                            identity, chosen, importer.raw_path(), db.warehouse_path()
                        )
                except (importer.Refused, importer.ImportFailed) as exc:
                    st.error(md(str(exc)), icon=":material/error:")
                    return
                st.session_state["dq_version_flash"] = (
                    f"已改为以 {chosen} 为准（重新构建并切换到新的数据版本，用时 {change.seconds:.1f} 秒）。"
                )
                st.rerun()


MAX_NAMED_FILES = 20  # files named in the 未能读取 / 只读取了一部分 banners
MAX_FILE_SECTIONS = 30  # files given a section of their findings; the rest: narrow the filters or 数据下载
OPEN_SECTIONS = 5  # sections open at first (the files with most findings, if short); the others on a click
OPEN_PROJECT_FINDINGS = 100  # findings about projects shown open at first; a longer list on a click


def named(rows: pl.DataFrame, say: Callable[[dict], str]) -> str:
    """'a；b；…' of at most MAX_NAMED_FILES, then '等 N 个' (a national corpus has thousands; only
    the named ones are worded)."""
    shown = "；".join(say(r) for r in rows.head(MAX_NAMED_FILES).iter_rows(named=True))
    return shown + (f" 等 {rows.height:,} 个" if rows.height > MAX_NAMED_FILES else "")


ctx = ui.context()
snap, f = ctx.snap, ctx.filters
st.title("数据质量")
st.caption(
    "每条校验都来自原文：原文中相互矛盾的数字照原样保留，在此列出两者，供人工核对。错误 = 无法读取或明显不成立；警告 = 数字不一致；提示 = 四舍五入差异或处理说明。"
)

docs = state.data(snap, queries.documents)
failed = docs.filter(pl.col("status") == "failed")
if not failed.is_empty():
    st.error(
        f"{failed.height:,} 个文件未能读取："
        # File names and reasons quote the documents: shown as text, never as Markdown.
        + named(failed, lambda r: md(f"{r['source_file']}（{r['error'] or '未读入'}）"))
    )
partial = docs.filter(pl.col("status") == "partial")
if not partial.is_empty():
    st.warning(
        f"{partial.height:,} 个文件只读取了一部分（未读入的表格或行见下方错误/警告，注明页码）："
        + named(
            partial,
            lambda r: md(
                r["source_file"] + (f"（缺少：{r['tables_missing']}）" if r["tables_missing"] else "")
            ),
        )
    )

versions_section(snap)


def identity_table(docs: pl.DataFrame) -> None:
    """Every file with the region, district, department, unit, scope, year and kind read from it."""
    who = docs.select(
        "source_file", "region", "district", "department", "unit", "scope", "year",
        pl.col("kind").alias("doc_kind"), "status", "in_totals", "identity_sources",
    )  # fmt: skip
    names = {**labels("documents"), "doc_kind": labels("documents")["kind"]}
    # 100,000 files worded for the table took 1.8 s of every run: the first ones here, all as files.
    listed = ui.first_rows(
        who, what="文件", unit="个", columns=who.columns, about={}, sources=(), key="dq_who_all", labels=names
    )
    st.dataframe(
        ui.readable_table(export.key_columns_first(listed), names)[0],
        hide_index=True,
        width="stretch",
        placeholder=ui.MISSING,
    )


# Drawn when opened (on_change="rerun"): its table is not sent at every change of the filters.
identities = st.expander(
    f"文件与识别结果（{docs.height:,} 个文件：地区、区、部门、单位、编报范围、年度、类型及识别依据）",
    key="dq_open_identities",
    on_change="rerun",
)
if identities.open:
    with identities:
        identity_table(docs)

summary = state.data(snap, queries.checks_summary, f)
if summary.is_empty():
    ui.empty("当前筛选条件下没有任何文件。")
    st.stop()
st.subheader("按文件汇总")
summary_columns = ["errors", "warnings", "infos", "department", "year", "doc_kind", "district", "source_file"]
listed = ui.first_rows(
    summary,
    what="文件",
    unit="个",
    columns=summary_columns,
    about=state.describe(f),
    sources=(),
    key="dq_summary_all",
)


def titled(rows: pl.DataFrame) -> dict[str, str]:
    """A document's name as an official says it, by file (for the rows about to be shown)."""
    return {
        r["source_file"]: ui.document_label(r["department"], r["year"], r["doc_kind"], r["source_file"])
        + ("（不计入：重复文件或另一版本）" if r["counted"] is False else "")
        for r in rows.iter_rows(named=True)
    }


titles = titled(listed)
ui.table(
    listed.select(  # the counts first: a document's long name would push them out of view at 400 px
        "errors",
        "warnings",
        "infos",
        pl.col("source_file").replace_strict(titles).alias("document"),
        "doc_kind",
        "district",
        "source_file",
    ).rename({"errors": "错误", "warnings": "警告", "infos": "提示"}),
    key="dq_summary",
)

briefing_ui.offer("数据质量")

linked = state.url_widget("dq_sev", ["error", "warning", "info"], many=True)
severities = st.multiselect(
    "严重程度",
    ["error", "warning", "info"],
    **({} if linked else {"default": ["error", "warning"]}),
    format_func=lambda s: ui.SEVERITY_TEXT[s],
    key="dq_sev",
)
checks = state.data(snap, queries.checks_list, f, tuple(severities))
st.subheader(f"校验明细（{checks.height} 条）")
if checks.is_empty():
    ui.empty("所选严重程度下没有校验问题。")
    st.stop()
with_project = checks.filter(pl.col("project_id").is_not_null())
without = checks.filter(pl.col("project_id").is_null())
# The files with the most findings first; a section each for the first MAX_FILE_SECTIONS.
ranked = without.group_by("source_file").len().sort(["len", "source_file"], descending=[True, False])
if ranked.height > MAX_FILE_SECTIONS:
    st.caption(
        f"{ranked.height:,} 个文件有报表或文件层面的校验问题，下面列出问题最多的 {MAX_FILE_SECTIONS} 个；"
        "选择区、年度或部门可缩小范围，全部校验可在“数据下载”页导出（校验结果表）。"
    )
sectioned = ranked["source_file"].head(MAX_FILE_SECTIONS).to_list()
titles |= titled(summary.filter(pl.col("source_file").is_in(sectioned)))
for n, source_file in enumerate(sectioned):
    part = without.filter(pl.col("source_file") == source_file)
    if part.is_empty():
        continue
    title = titles.get(source_file, source_file)
    # A closed section is drawn when it is opened (on_change="rerun"): 30 tables at every change
    # were most of this page's time at 100,000 documents (bench/browser_latency.py).
    section = st.expander(
        f"{md(title)}：报表与文件层面（{part.height} 条）",
        expanded=n < OPEN_SECTIONS and part.height <= 12,
        key=f"dq_open_{source_file}",
        on_change="rerun",
    )
    if not section.open:
        continue
    with section:
        st.caption(f"来源文件：{md(source_file)}")
        ui.table(
            part.select(  # what is wrong first: on a phone the columns after it scroll
                "message",
                "severity",
                "title",
                "source_page",
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


PROJECT_FINDING_COLUMNS = [
    "severity",
    "project_name",
    "title",
    "message",
    "figure",
    "compared",
    "source_line",
    "source_file",
]


def project_findings(rows: pl.DataFrame) -> None:
    """The findings about one project each (a row opens it): the first rows, the whole list as files."""
    listed = ui.first_rows(
        rows,
        what="涉及项目的校验",
        columns=PROJECT_FINDING_COLUMNS,
        about=state.describe(f),
        sources=lambda: rows["source_file"].unique().sort().to_list(),  # asked for with the file only
        key="dq_projects_all",
    )
    ui.project_table(listed, key="dq_projects", columns=PROJECT_FINDING_COLUMNS)


if not with_project.is_empty():
    # Open at first when short; a long list (thousands at 100,000 documents: 0.3 MB a change) is
    # drawn when opened.
    findings = st.expander(
        f"涉及具体项目的校验（{with_project.height:,} 条，点击一行查看项目）",
        expanded=with_project.height <= OPEN_PROJECT_FINDINGS,
        key="dq_open_projects",
        on_change="rerun",
    )
    if findings.open:
        with findings:
            project_findings(with_project)
