"""原文查看: one reference (file, page, line, cell) shown where it is printed.

The URL names a file of the current build (never a path), a page, a document-wide line
and optionally a budget line's cell. A PDF page is drawn as an image with the sentence
or cell framed; a text, Word or Excel file shows the lines around the line. The logic
lives in dashboard.source_view; this page only draws.
"""

import streamlit as st

from dashboard import queries, state, ui
from dashboard import source_view as sv
from dashboard.safe_text import md, md_code

ctx = ui.context()
snap = ctx.snap
st.title("原文查看")

docs = state.data(snap, queries.documents)
by_name = {r["source_file"]: r for r in docs.iter_rows(named=True)}


def _label(name: str) -> str:
    r = by_name.get(name)
    if r is None:
        return name
    return ui.document_label(r["department"], r["year"], r["kind"], name)


def _choose_file() -> None:
    """Without a usable link: pick a document of the build to look at."""
    if not by_name:
        return
    names = sorted(by_name, key=lambda n: (_label(n), n))
    chosen = st.selectbox(
        "选择要查看的文件",
        names,
        index=None,
        format_func=lambda n: f"{_label(n)}（{n}）" if _label(n) != n else n,
        placeholder="选择文件……",
        key="src_choose",
    )
    if chosen:
        for key in ("page", "line", "cell"):
            if key in st.query_params:
                del st.query_params[key]
        st.query_params["file"] = chosen
        st.rerun()


params = {k: st.query_params.get_all(k) for k in ("file", "page", "line", "cell") if k in st.query_params}
if "file" not in params:
    ui.empty(
        "在“项目详情”或“数据质量”页面点击“查看原文”，即可在此看到该数字或问题在原文中的位置；也可以在下方选择一个文件。"
    )
    _choose_file()
    st.stop()
try:
    request, notes = sv.parse_request(params, by_name)
except sv.SourceError as exc:
    # Messages, notes, names and lines quote the link or the document: shown as text (md).
    st.warning(
        f"{md(exc)} 请从“项目详情”或“数据质量”页面重新打开，或在下方选择文件。", icon=":material/warning:"
    )
    _choose_file()
    st.stop()

row = by_name[request.file]
st.header(md(_label(request.file)))
st.caption(f"来源文件：{md_code(request.file)}")
try:
    path = sv.resolve_file(request.file)
except sv.SourceError as exc:
    st.warning(md(exc), icon=":material/warning:")
    st.stop()
if row["sha256"] and sv.sha256(path) != row["sha256"]:
    st.warning(
        "原始文件在本次数据构建之后已被修改，所示位置可能与数据中的记录不符；请重新构建数据。",
        icon=":material/warning:",
    )

is_pdf = row["file_type"] == "pdf"
reading = "正在读取原文……" + ("（PDF 首次打开需要数秒）" if is_pdf and not sv.is_cached(path) else "")
try:
    with st.spinner(reading):
        doc = sv.read(path)
except sv.SourceError as exc:
    st.warning(md(exc), icon=":material/warning:")
    doc = None

if doc is not None:
    location = sv.locate(doc, request)
    for note in [*notes, *location.notes]:
        st.warning(md(note), icon=":material/info:")

    facts = [f"第 {location.page} 页（共 {location.n_pages} 页）"]
    if location.sheet:
        facts.append(f"工作表：{location.sheet}")
    if location.lines:
        first, last = location.lines[0].number, location.lines[-1].number
        facts.append(f"第 {first} 行" if first == last else f"第 {first}–{last} 行")
    if location.cell_ref:
        facts.append(f"单元格：{location.cell_ref}")
    st.markdown(" ｜ ".join(f"**{md(x)}**" for x in facts))

    if location.text.strip():
        st.markdown("原文（照印）：")
        st.code(location.text, language=None, wrap_lines=True)
        if location.cell is not None and location.line is not None:
            st.caption(f"所在行：{md(location.line.text)}")
    elif request.line is None and request.cell is None:
        st.caption("链接只指定了页码，下面显示整页。")

    if is_pdf:
        try:
            with st.spinner("正在生成页面图片……"):
                rendered = sv.render_page(path, location.page, location.boxes)
        except sv.SourceError as exc:
            st.warning(md(exc), icon=":material/warning:")
        else:
            if location.boxes and not rendered.rects:
                st.info(
                    "所指文字印在页面范围之外（例如页面上边缘以上），在页面图片上看不到；其内容见上方“原文（照印）”。",
                    icon=":material/visibility_off:",
                )
            band = sv.zoom(rendered, sv.page_boxes(doc, location.page))
            if band is not None:
                st.markdown("**所指位置**")
                st.image(band, width="content")  # a cell at its own size; a sentence as wide as the page
            st.markdown(f"**第 {location.page} 页全页**")
            st.image(
                rendered.png,
                caption=f"第 {location.page} 页（共 {location.n_pages} 页）"
                + ("；框出的是所指位置" if rendered.rects else ""),
                width="stretch",
            )
            prev_col, next_col = st.columns(2)
            if location.page > 1:
                prev_col.page_link(
                    sv.SOURCE_PAGE,
                    label=f"上一页（第 {location.page - 1} 页）",
                    icon=":material/arrow_back:",
                    query_params=sv.source_params(request.file, location.page - 1),
                )
            if location.page < location.n_pages:
                next_col.page_link(
                    sv.SOURCE_PAGE,
                    label=f"下一页（第 {location.page + 1} 页）",
                    icon=":material/arrow_forward:",
                    query_params=sv.source_params(request.file, location.page + 1),
                )
    else:
        window = sv.text_window(doc, location)
        if window:
            st.markdown(f"**原文第 {window[0].number}–{window[-1].number} 行**（所指行以黄色标出）")
            st.markdown(sv.window_html(window), unsafe_allow_html=True)
        else:
            ui.empty("该页没有文字。")

st.download_button(
    "下载原文件",
    data=path.read_bytes(),
    file_name=request.file,
    mime=sv.MIME.get(row["file_type"] or "", "application/octet-stream"),
    icon=":material/download:",
    on_click="ignore",
    key="src_download",
)
