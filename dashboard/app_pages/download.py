"""数据下载: pick a table, filter it, preview it, download exactly what is shown."""

from datetime import datetime

import polars as pl
import streamlit as st

from dashboard import export, queries, state, ui
from dashboard.queries import DOWNLOAD_TABLES
from dashboard.safe_text import md
from etl.schema import labels

ctx = ui.context()
snap, f = ctx.snap, ctx.filters
st.title("数据下载")

state.url_widget("dl_table", list(DOWNLOAD_TABLES))
table = st.selectbox(
    "数据表", list(DOWNLOAD_TABLES), format_func=lambda t: DOWNLOAD_TABLES[t], key="dl_table"
)
if not state.url_widget("dl_text") and st.query_params.get("q"):
    st.session_state["dl_text"] = st.query_params["q"][:100]  # '?q=' opens the page filtered
text = st.text_input(
    "按名称筛选（项目名称、指标名称、科目名称或校验说明中包含的文字）", key="dl_text", max_chars=100
)
df = state.data(snap, queries.download_table, table, f, text)
# The filters quote department names and the link's text: shown as text, never as Markdown.
scope = "；".join(f"{k}：{v}" for k, v in state.describe(f).items()) + ("；名称包含：" + text if text else "")
st.caption(f"筛选条件：{md(scope)}。共 {df.height:,} 行。金额单位：元（与原表一致的精确数值）。")
ui.scope_note(snap, f)
if df.is_empty():
    ui.empty("当前筛选条件下该表没有数据。")
    st.stop()

# The project's own columns an indicator row carries (区, 年度, 部门, 项目名称) are named too.
# A budget line carries its document's region and scope (部门 / 单位): whose figure it is.
who = {c: labels("documents")[c] for c in ("region", "scope")} | {"doc_kind": labels("documents")["kind"]}
table_labels = {**labels("projects"), **who, **labels(table)}


def labelled(rows: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
    """The rows as the file writes them (key columns first), and their names before labelling."""
    return ui.readable_table(export.key_columns_first(rows), table_labels)


# The preview is the first rows; the files hold every row, made when asked for (at 100,000
# documents the whole table worded and sent at every run took 1-1.8 s; bench/browser_latency.py).
preview, _ = labelled(df.head(ui.PREVIEW_ROWS))
if df.height > ui.PREVIEW_ROWS:
    st.caption(f"下表预览前 {ui.PREVIEW_ROWS:,} 行；下载的文件包含全部 {df.height:,} 行。")
st.dataframe(preview, hide_index=True, width="stretch", height=420, placeholder=ui.MISSING)

stamp = datetime.now(export.BEIJING).strftime("%Y%m%d-%H%M")
# The file says what it holds: the table, the filters in use and the text searched for.
chosen = [v for v in state.describe(f).values() if v != "全部"] + ([text] if text else [])
name = export.file_name(DOWNLOAD_TABLES[table], *chosen, stamp)
ui.download_buttons(
    lambda: labelled(df),
    name=name,
    sheet=DOWNLOAD_TABLES[table],
    about={**state.describe(f), "名称包含": text or "（无）"},
    sources=(lambda: sorted(set(df["source_file"].to_list()))) if "source_file" in df.columns else snap.files,
    key="dl",
)
if df.height > 20_000:
    st.caption(
        f"共 {df.height:,} 行：Excel 文件约需 {df.height * df.width // 100_000 + 1} 秒生成（每秒约 10 万个单元格），CSV 不到 1 秒。"
    )
