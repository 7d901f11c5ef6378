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

from dashboard import builtin_words, db, state, ui  # noqa: E402

# A local image: a Material icon as page_icon is drawn from a font fetched off the machine.
FAVICON = str(Path(__file__).resolve().parent / "static" / "favicon.png")
st.set_page_config(page_title="区级预算与绩效看板", page_icon=FAVICON, layout="wide")

PAGES = [
    st.Page("app_pages/overview.py", title="总览", icon=":material/home:", default=True),
    st.Page("app_pages/compare_districts.py", title="区际比较", icon=":material/compare_arrows:"),
    st.Page("app_pages/compare_years.py", title="年度比较", icon=":material/timeline:"),
    st.Page("app_pages/structure.py", title="支出结构", icon=":material/account_tree:"),
    st.Page("app_pages/execution.py", title="预算执行", icon=":material/payments:"),
    st.Page("app_pages/budget.py", title="预算与决算", icon=":material/account_balance:", url_path="budget"),
    st.Page("app_pages/scores.py", title="绩效评分", icon=":material/grade:"),
    st.Page("app_pages/project_detail.py", title="项目详情", icon=":material/search:"),
    st.Page("app_pages/download.py", title="数据下载", icon=":material/download:"),
    st.Page("app_pages/quality.py", title="数据质量", icon=":material/fact_check:"),
    st.Page("app_pages/source.py", title="原文查看", icon=":material/description:", url_path="source"),
    st.Page("app_pages/data_import.py", title="数据导入", icon=":material/upload_file:", url_path="import"),
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
