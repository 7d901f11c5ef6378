"""导出简报 in a real browser: on 总览, 预算执行 and 预算与决算 an official clicks the PDF and the Word
button and gets both files of the view on screen (the seed warehouse; figures as in
tests/dashboard/test_briefing.py)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from tests.e2e.conftest import MAIN, assert_clean, settle, shows
from tests.e2e.test_journeys import open_app

PAGES = [
    ("", "总览", "2,940.05"),  # putuo_finance_bureau_2024_final_accounts.pdf p.10
    ("execution", "预算执行", "38.57%"),  # qingpu 2020 line 2235: “互联网+政务服务”建设经费
    ("budget", "预算与决算", "15,621.11"),  # putuo_wanli_subdistrict_2024_department_budget.pdf p.20
    # the page's first document, the newest: 司法局 2026 支出预算总表 p.13 合计 96,282,213.44 元
    ("structure", "支出结构", "9,628.22"),
    ("quality", "数据质量", "数据质量问题"),
    ("scores", "绩效评分", "自评项目"),
]


def _download(page, label: str) -> tuple[str, bytes]:
    button = page.locator(MAIN).get_by_role("button", name=label)
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=120_000) as info:
        button.click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


@pytest.mark.parametrize(("path", "title", "figure"), PAGES, ids=[p or "overview" for p, _, _ in PAGES])
def test__export_briefing_as_pdf_and_word(page, server, path, title, figure) -> None:
    open_app(page, server, path)
    shows(page, "导出简报")
    name, pdf = _download(page, "导出简报（PDF）")
    assert name.startswith(f"{title}简报-") and name.endswith(".pdf"), name
    assert pdf.startswith(b"%PDF")
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    assert f"{title}简报" in text and "分析要点" in text and figure in text
    assert "来源：" in text
    name, word = _download(page, "导出简报（Word）")
    assert name.startswith(f"{title}简报-") and name.endswith(".docx"), name
    document = docx.Document(io.BytesIO(word))
    assert document.paragraphs[0].text == f"{title}简报"
    assert any(figure in p.text for p in document.paragraphs)
    # the charts, drawn in chromium (数据质量 has tables only)
    assert len(document.inline_shapes) >= (0 if title == "数据质量" else 1)
    settle(page)
    assert_clean(page, title)


def test__briefing_file_names_carry_the_filters(page, server) -> None:
    open_app(page, server, "", "district=松江&year=2020")
    shows(page, "松江区 2020 年度")
    name, pdf = _download(page, "导出简报（PDF）")
    assert name.startswith("总览简报-松江-2020-"), name
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    assert "2020年度本年支出合计3,984.05万元" in text and "2,940.05" not in text  # the view, not everything
