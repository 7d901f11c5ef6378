"""数据导入: what an upload would become, adding it to the corpus, and removing it again.

All decisions are dashboard.importer's; this page reads the uploads (once each, kept
in the session by name and bytes), shows the verdict and calls add/remove. After a
change the page reruns: the entry file resolves the new build for this session, and
every other session resolves it on its next run.
"""

from __future__ import annotations

import hashlib

import polars as pl
import streamlit as st

from dashboard import db, export, importer, queries, state, ui
from dashboard.safe_text import md
from etl.readers import limits

STATUS_TEXT = {"ok": "完整读取", "partial": "部分读取", "failed": "未能读取"}
SCOPE_TEXT = export.VALUE_WORDS["scope"]

ctx = ui.context()
raw, warehouse = importer.raw_path(), db.warehouse_path()
st.session_state.setdefault("import_round", 0)
st.session_state.setdefault("import_previews", {})
round_no = st.session_state["import_round"]


def district_text(district: str | None) -> str:
    if not district:
        return ui.MISSING
    return district if district.endswith(("区", "县", "市")) else f"{district}区"


def label_of(document: dict, fallback: str) -> str:
    return ui.document_label(document.get("department"), document.get("year"), document.get("kind"), fallback)


def read_uploads(uploads: list) -> list[importer.Preview]:
    """Each upload read once per session (by name and bytes), one progress step per file."""
    cache: dict = st.session_state["import_previews"]
    bar = st.progress(0.0, text=f"正在读取 {len(uploads)} 个文件…")
    previews, keep = [], {}
    for i, upload in enumerate(uploads, start=1):
        data = upload.getvalue()
        key = (upload.name, hashlib.sha256(data).hexdigest())
        if key not in cache:
            bar.progress(
                (i - 1) / len(uploads), text=f"正在读取第 {i}/{len(uploads)} 个文件：{md(upload.name)}"
            )
            cache[key] = importer.read_upload(upload.name, data)
        keep[key] = cache[key]
        previews.append(importer.with_corpus(cache[key], raw, warehouse))
        bar.progress(i / len(uploads), text=f"已读取 {i}/{len(uploads)} 个文件")
    st.session_state["import_previews"] = keep  # forget files no longer selected
    return previews


def show_facts(p: importer.Preview) -> None:
    d = p.document
    kind = ui.DOC_KIND_TEXT.get(d.get("kind") or "", "未识别")
    file_words = importer.TYPE_WORDS.get(d.get("file_type") or "", ui.MISSING)
    pages = f"，{d['n_pages']} 页" if d.get("n_pages") else ""
    unit = f" ｜ 单位 **{md(d['unit'])}**" if d.get("unit") and d.get("unit") != d.get("department") else ""
    st.markdown(
        f"**识别结果**：类型 **{kind}** ｜ 地区 **{md(d.get('region') or ui.MISSING)}** ｜ "
        f"区 **{district_text(d.get('district'))}** ｜ "
        f"年度 **{d.get('year') or ui.MISSING}** ｜ 部门 **{md(d.get('department') or ui.MISSING)}**{unit} ｜ "
        f"范围 {SCOPE_TEXT.get(d.get('scope') or '', ui.MISSING)} ｜ {file_words} 文件{pages}"
    )
    where = export.identity_text(d.get("identity_sources"))
    if where:
        st.caption(f"识别依据：{md(where)}")  # the documents' own words: shown as text
    found, expected = d.get("tables_found"), d.get("tables_expected")
    tables = f"{found}/{expected}" if expected is not None else ui.MISSING
    cols = st.columns(4)
    cols[0].metric(
        "标准表格（找到/应有）",
        tables,
        help=f"缺少：{md(d['tables_missing'])}" if d.get("tables_missing") else "目录（或模板）列出的表格",
    )
    cols[1].metric("预算数字行", f"{d.get('n_budget_lines') or 0:,}")
    cols[2].metric("项目", f"{d.get('n_projects') or 0:,}")
    cols[3].metric("绩效指标", f"{d.get('n_indicators') or 0:,}")


def show_checks(p: importer.Preview, key: str) -> None:
    if not p.checks:
        st.caption("没有校验问题。")
        return
    counts = {s: sum(c["severity"] == s for c in p.checks) for s in ("error", "warning", "info")}
    st.markdown(
        f"**校验发现**：错误 {counts['error']} 条 · 警告 {counts['warning']} 条 · 提示 {counts['info']} 条"
    )
    frame = pl.DataFrame(
        [{k: c[k] for k in ("severity", "title", "source_page", "message")} for c in p.checks],
        schema={"severity": pl.String, "title": pl.String, "source_page": pl.Int64, "message": pl.String},
    )
    ui.table(frame, key=key, height=min(36 + 35 * frame.height, 360))


def show_preview(p: importer.Preview, index: int) -> None:
    with st.container(border=True):
        st.markdown(f"##### {md(p.upload_name)}")
        st.caption(f"{p.size / importer.MB:.2f} MB")
        parsed = p.document.get("status") in ("ok", "partial")
        if p.refusal:
            st.error(md(p.refusal), icon=":material/block:")
        elif p.document["status"] == "partial":
            missing = (
                f"（缺少：{md(p.document['tables_missing'])}）" if p.document.get("tables_missing") else ""
            )
            st.warning(
                f"只读取了一部分{missing}：可以加入，未读入的表格或行见下方校验。将保存为 {p.stored_name}",
                icon=":material/warning:",
            )
        else:
            st.success(f"可以加入：将保存为 {p.stored_name}", icon=":material/check_circle:")
        if p.accepted and p.notice:
            st.info(md(p.notice), icon=":material/difference:")
        if parsed:
            show_facts(p)
            show_checks(p, key=f"import_checks_{round_no}_{index}")


def finish(message: str) -> None:
    """Keep the message for the next run, reset the widgets, rerun on the new build."""
    st.session_state["import_flash"] = message
    st.session_state["import_round"] = round_no + 1
    st.session_state["import_previews"] = {}
    st.rerun()


def add_section(previews: list[importer.Preview]) -> None:
    accepted = [p for p in previews if p.accepted]
    if not accepted:
        ui.empty("没有可以加入的文件：被拒绝的文件不会保存。")
        return
    refused = len(previews) - len(accepted)
    st.caption(f"将加入 {len(accepted)} 个文件" + (f"；被拒绝的 {refused} 个文件不会保存" if refused else ""))
    if not st.button("加入数据库", type="primary", icon=":material/upload:", key=f"import_add_{round_no}"):
        return
    try:
        with st.spinner("正在保存文件并重新构建数据仓库…"):
            change = importer.add(accepted, raw, warehouse)
    except (importer.Refused, importer.ImportFailed) as exc:
        st.error(md(str(exc)), icon=":material/error:")
        return
    labels = "、".join(label_of(p.document, p.stored_name) for p in accepted)
    finish(
        f"已加入数据库：{labels}（保存为 {'、'.join(change.files)}）。"
        f"用时 {change.seconds:.1f} 秒（保存、重新构建并切换到新的数据版本，共 {change.documents} 个文件）。"
        "所有打开的页面在下一次操作时使用新数据。"
    )


def remove(names: list[str], seeds_confirmed: bool = False) -> None:
    try:
        with st.spinner("正在移除文件并重新构建数据仓库…"):
            change = importer.remove(names, raw, warehouse, seeds_confirmed=seeds_confirmed)
    except (importer.Refused, importer.ImportFailed) as exc:
        st.error(md(str(exc)), icon=":material/error:")
        return
    finish(
        f"已从数据库移除：{'、'.join(change.files)}。用时 {change.seconds:.1f} 秒"
        f"（重新构建并切换到新的数据版本，共 {change.documents} 个文件）。"
    )


def remove_section() -> None:
    docs = {r["source_file"]: r for r in state.data(ctx.snap, queries.documents).iter_rows(named=True)}
    imported = importer.imported_files(raw)
    st.subheader("已导入的文件")
    if not imported:
        st.caption("还没有通过本页导入的文件。")
    else:
        rows = []
        for name in imported:
            d = docs.get(name.rsplit("/", 1)[-1])
            rows.append(
                {
                    "文件": label_of(d, name) if d else name,
                    "保存名称": name,
                    "读取状态": STATUS_TEXT.get(d["status"], d["status"]) if d else "尚未进入当前数据版本",
                }
            )
        ui.table(pl.DataFrame(rows), key=f"import_list_{round_no}")
        labels = {n: (label_of(docs[n], n) if n in docs else n) for n in imported}
        chosen = st.multiselect(
            "选择要移出数据库的文件",
            imported,
            format_func=lambda n: f"{labels[n]}（{n}）",
            key=f"import_remove_{round_no}",
            placeholder="选择文件",
        )
        if st.button("从数据库移除", disabled=not chosen, key=f"import_remove_btn_{round_no}"):
            remove(chosen)
    seeds = importer.seed_files(raw)
    if seeds:
        with st.expander(f"移除原有文件（共 {len(seeds)} 个，需确认）"):
            st.caption("原有文件不是通过本页导入的（如项目自带的样本文件）。移除后它们从原始文件目录中删除。")
            chosen_seeds = st.multiselect(
                "选择原有文件", seeds, key=f"import_seeds_{round_no}", placeholder="选择文件"
            )
            sure = st.checkbox("我确认要从数据库中移除所选的原有文件", key=f"import_seeds_ok_{round_no}")
            if st.button(
                "移除原有文件", disabled=not (chosen_seeds and sure), key=f"import_seeds_btn_{round_no}"
            ):
                remove(chosen_seeds, seeds_confirmed=True)


st.title("数据导入")
st.markdown(
    "上传部门公开的 **部门决算、部门预算、绩效自评表或绩效目标申报表**"
    f"（{importer.ACCEPTED_WORDS}），可一次选择多个，单个文件不超过 {importer.MAX_BYTES // importer.MB} MB。\n\n"
    "1. 选择文件后，先显示每个文件识别出的类型、区、年度、部门、表格和校验问题——**此时尚未保存**。\n"
    "2. 核对无误后点击 **加入数据库**：文件以系统生成的名称保存，数据仓库随即重建，"
    "所有打开的页面在下一次操作时使用新数据。\n"
    "3. 已导入的文件可在页面下方移出数据库。"
)
st.caption(f"当前数据更新于 {state.beijing_time(ctx.snap.created_at)}")
source = importer.built_from(warehouse)
if source is not None and source.resolve() != raw.resolve():
    st.warning(
        f"当前数据版本由 {source} 中的文件构建，与原始文件目录 {raw} 不同：加入或移除文件后，"
        f"数据仓库将只包含 {raw} 中的文件。请检查环境变量 BUDGET_RAW 和 BUDGET_WAREHOUSE。",
        icon=":material/warning:",
    )
flash = st.session_state.pop("import_flash", None)
if flash:
    st.success(md(flash), icon=":material/check_circle:")

# The drop zone prints its own (English) byte cap, which is not our limit: the label says ours. A file over
# the browser's cap never reaches us and its chip only shows an English tooltip on hover: the chip says it in Chinese.
st.html(
    '<style>[class*="st-key-import_files_"] [data-testid="stFileUploaderDropzoneInstructions"]'
    "{display:none}"
    '[class*="st-key-import_files_"] [data-testid="stFileChip"]:has([data-testid="stFileChipIconError"])::after'
    f'{{content:"未上传：超过 {importer.UPLOAD_CAP_MB} MB 或上传中断";color:#d33;font-size:0.8rem;'
    "margin-left:0.5rem;white-space:nowrap}</style>"
)
uploads = st.file_uploader(
    f"选择要导入的文件（可多选，单个文件不超过 {importer.MAX_BYTES // importer.MB} MB）",
    accept_multiple_files=True,
    key=f"import_files_{round_no}",
    max_upload_size=importer.UPLOAD_CAP_MB,
)
st.caption(
    f"超过 {importer.MAX_BYTES // importer.MB} MB 的文件会被拒绝并说明原因。超过 {importer.UPLOAD_CAP_MB} MB "
    "的文件浏览器无法上传：文件名旁标红“未上传”，不会读取或保存。"
    f"每个文件读取限时 {limits.READ_SECONDS} 秒、内存上限 {limits.READ_MEMORY_BYTES // limits.GB} GB，"
    "超过即中止并说明原因。"
)
if uploads:
    previews = read_uploads(list(uploads))
    for i, preview in enumerate(previews):
        show_preview(preview, i)
    add_section(previews)
else:
    st.session_state["import_previews"] = {}

st.divider()
remove_section()
