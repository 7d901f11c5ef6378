"""导出简报: the control a page ends with — its current view as a PDF and as a Word file.

A page calls :func:`offer` with its title and its own widget choices; the filters come from the
page run's context. Nothing is built until a button is clicked (``data`` is a callable: Streamlit
runs it on a worker thread, outside the page run, so it reads only what is captured here).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import streamlit as st

from dashboard import briefing, briefing_render, export, state, ui

LOG = logging.getLogger(__name__)
HELP = "把本页当前的视图（筛选条件、分析要点及其来源页码、图表和主要数据）导出为 PDF 或 Word 文件，便于打印和转交；点击后约需几秒生成。"


def file_name(page: str, f: Any, moment: datetime, *about: str) -> str:
    """'总览简报-松江-2020-20261207-0830': the page, the filters in use (or what the page is
    ``about``: 项目详情's project) and the time."""
    chosen = list(about) or [v for v in state.describe(f).values() if v != "全部"]
    return export.file_name(f"{page}简报", *chosen, moment.strftime("%Y%m%d-%H%M"))


def offer(page: str, about: tuple[str, ...] = (), **choices: Any) -> None:
    """Draw the 导出简报 control for ``page`` (a title of briefing.PAGES) under the page's choices
    (预算执行: threshold=0.9; 预算与决算: department=...; 支出结构: file=..., statement=...;
    区际比较: year=...; 年度比较: by=...; 项目详情: project=..., with ``about`` its name for the file)."""
    ctx = ui.context()
    snap, f = ctx.snap, ctx.filters
    con = state.connection(snap)
    data_at = state.beijing_time(snap.created_at)
    st.subheader("导出简报")
    st.caption(HELP)
    reason = briefing_render.unavailable()
    if reason:
        st.caption(reason)
        return

    def make() -> briefing.Briefing:
        made_at = datetime.now(export.BEIJING).strftime("%Y-%m-%d %H:%M 北京时间")
        return briefing.build(page, con, f, made_at=made_at, data_at=data_at, **choices)

    def pdf() -> bytes:
        try:
            return briefing_render.to_pdf(make())
        except briefing_render.BriefingError as exc:
            LOG.warning("简报 PDF 未能生成：%s", exc)
            raise

    def docx() -> bytes:
        return briefing_render.to_docx(make())

    name = file_name(page, f, datetime.now(export.BEIJING), *about)
    row = st.container(horizontal=True, gap="medium")
    row.download_button(
        "导出简报（PDF）",
        data=pdf,
        file_name=f"{name}.pdf",
        mime=briefing_render.PDF_MIME,
        key="briefing_pdf",
        on_click="ignore",
        icon=":material/download:",
    )
    row.download_button(
        "导出简报（Word）",
        data=docx,
        file_name=f"{name}.docx",
        mime=briefing_render.DOCX_MIME,
        key="briefing_docx",
        on_click="ignore",
        icon=":material/download:",
    )
