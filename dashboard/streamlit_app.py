"""Entry point: `streamlit run dashboard/streamlit_app.py`.

Resolves the warehouse once per run (BUDGET_WAREHOUSE), draws the shared
sidebar filters and runs the chosen page from app_pages/ through st.navigation.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import streamlit as st

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `streamlit run` puts only dashboard/ on the path
    sys.path.insert(0, str(ROOT))

from dashboard import builtin_words, db, pages, state, ui  # noqa: E402

# A local image: a Material icon as page_icon is drawn from a font fetched off the machine.
FAVICON = str(Path(__file__).resolve().parent / "static" / "favicon.png")
st.set_page_config(page_title="区级预算与绩效看板", page_icon=FAVICON, layout="wide")

PAGES = [
    st.Page(
        p.file, title=p.title, icon=p.icon, **({"url_path": p.url_path} if p.url_path else {"default": True})
    )
    for p in pages.PAGES
]

page = st.navigation(PAGES)
builtin_words.install()  # Streamlit's own labels and tooltips in Chinese
if page.title != "项目详情":
    st.session_state["_came_from"] = page.title  # 项目详情's "← 返回 …" link
try:
    snap = state.snapshot()
    state.connection(snap)  # opens (and caches) the build: unreadable Parquet fails here, not mid-page
except db.WarehouseMissing as exc:
    st.title("区级预算与绩效看板")
    st.error(str(exc), icon=":material/error:")
    st.markdown("在项目目录运行以下命令构建数据仓库，然后刷新本页：")
    st.code(exc.command, language="bash")
    st.stop()
except duckdb.Error as exc:
    st.title("区级预算与绩效看板")
    st.error(
        f"数据仓库无法读取（{type(exc).__name__}），可能已损坏。请重新构建后刷新本页。",
        icon=":material/error:",
    )
    st.code(db.build_command(), language="bash")
    st.stop()

filters = state.sidebar_filters(snap)
st.session_state["_context"] = ui.Context(snap=snap, filters=filters)
page.run()
state.keep_widgets_in_url()
