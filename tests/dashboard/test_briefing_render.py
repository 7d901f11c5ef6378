"""导出简报 written as PDF and DOCX (dashboard/briefing_render.py), read back as an official's reader would.

Chromium draws the charts (Debian's /usr/bin/chromium, as in tests/e2e); the PDF is read with pypdf
and pypdfium2, the DOCX with python-docx. Figures are the seeds' (see test_briefing.py for where
each was read).
"""

from __future__ import annotations

import io
import re

import docx
import pypdfium2
import pytest
from pypdf import PdfReader

from dashboard import briefing, briefing_render
from dashboard.briefing import Briefing, Point, Source, Table
from dashboard.queries import Filters
from tests.e2e.test_words_on_screen import foreign

FINANCE = "putuo_finance_bureau_2024_final_accounts.pdf"


def _flat(text: str) -> str:
    """PDF text without the line breaks and spaces the layout put in."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def overview(con) -> Briefing:
    return briefing.build(
        "总览", con, Filters(), made_at="2026-12-07 08:30 北京时间", data_at="2026-12-07 08:28 北京时间"
    )


@pytest.fixture(scope="module")
def overview_pdf(overview) -> bytes:
    return briefing_render.to_pdf(overview)


@pytest.fixture(scope="module")
def overview_docx(overview) -> docx.document.Document:
    return docx.Document(io.BytesIO(briefing_render.to_docx(overview)))


def test__pdf_holds_the_title_the_figures_and_their_sources(overview, overview_pdf):
    reader = PdfReader(io.BytesIO(overview_pdf))
    assert 1 <= len(reader.pages) <= 4
    text = _flat("\n".join(page.extract_text() for page in reader.pages))
    for expected in (
        "总览简报",
        "分析要点",
        "区全部",  # the filters in words
        "2024年度本年支出合计2,940.05万元",
        f"来源：{FINANCE}第10页",
        "8,622.78万元",
        "比2023年（16,497.86万元）减少876.75万元，下降5.31%",
        "本年支出合计（万元）",  # the key table's header, unit labelled
        "金额单位：万元",
        "第1页，共",  # the footer's page numbers
    ):
        assert _flat(expected) in text, expected
    raw = "\n".join(page.extract_text() for page in reader.pages)
    assert not re.search(r"\b(None|nan|NaN|null)\b", raw)  # no missing value printed as a word
    images = sum(len(page.images) for page in reader.pages)
    assert images >= len(overview.figures) == 1


def test__pdf_speaks_chinese_only(overview_pdf):
    reader = PdfReader(io.BytesIO(overview_pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    text = re.sub(r"(?<=[\w.])\n(?=[\w.])", "", text)  # a file name wrapped at the line's end
    assert foreign(text) == []  # Latin words other than the documents' file names


def test__pdf_text_copies_as_the_characters_shown(overview_pdf):
    """'部门' copies as 部门, not 部⻔ (a radical); a file name as typed, without an 'fi' ligature."""
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(overview_pdf)).pages)
    assert [c for c in text if 0x2E80 <= ord(c) <= 0x2FDF] == []
    assert "生成时间" in text and "部门" in text and "区级预算与绩效看板" in text
    assert "\ufb01" not in text and "putuo_finance_bureau" in _flat(text)


def test__pdf_first_page_is_drawn_with_cjk_glyphs(overview_pdf):
    """Every character of page 1 has a glyph: no tofu boxes (fonts-noto-cjk), and ink on the page."""
    pdf = pypdfium2.PdfDocument(overview_pdf)
    page = pdf[0]
    text = page.get_textpage().get_text_range()
    assert "总览简报" in text and "\ufffd" not in text
    image = page.render(scale=1).to_pil().convert("L")
    dark = sum(image.histogram()[:128])
    assert dark > 2000  # text drawn, not an empty page
    pdf.close()


def test__docx_holds_title_filters_points_table_and_images(overview, overview_docx):
    paragraphs = [p.text for p in overview_docx.paragraphs]
    assert paragraphs[0] == "总览简报"
    assert "区：全部" in paragraphs and "文件类型：全部" in paragraphs
    assert "分析要点" in paragraphs
    numbered = [p for p in paragraphs if re.match(r"\d+\. ", p)]
    assert len(numbered) == len(overview.points)
    assert numbered[0] == "1. " + overview.points[0].text
    assert f"来源：{FINANCE} 第10页" in paragraphs
    assert len(overview_docx.inline_shapes) == len(overview.figures) == 1
    table = overview_docx.tables[0]
    header = [c.text for c in table.rows[0].cells]
    assert header[:4] == ["区", "年度", "决算覆盖部门", "本年支出合计（万元）"]
    finance = next(r for r in table.rows[1:] if r.cells[1].text == "2024")
    assert [c.text for c in finance.cells][:4] == ["普陀", "2024", "普陀区 · 财政局", "2,940.05"]
    section = overview_docx.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4


def test__budget_briefing_pdf_has_two_charts_and_the_years_table(con):
    b = briefing.build("预算与决算", con, Filters(), made_at="m", data_at="d")
    reader = PdfReader(io.BytesIO(briefing_render.to_pdf(b)))
    text = _flat("\n".join(page.extract_text() for page in reader.pages))
    assert "预算与决算简报" in text and "预算部门上海市普陀区人民政府万里街道办事处" in text
    assert _flat("比 2023 年（16,497.86 万元）减少 876.75 万元") in text
    assert "比上年增减率" in text and "-876.75" in text and "-5.31%" in text  # the years table
    assert sum(len(p.images) for p in reader.pages) >= len(b.figures) == 2


def test__text_from_documents_is_never_markup():
    hostile = '<img src="http://example.com/x.png"><script>alert(1)</script>'
    b = Briefing(
        page="总览",
        title="总览简报",
        scope=(("部门", hostile),),
        made_at="m",
        data_at="d",
        points=(Point(f"部门“{hostile}”", (Source(f"{hostile}.pdf", page=1, file_type="pdf"),)),),
        tables=(Table("表", ("名称",), ((hostile,),), (False,)),),
    )
    page = briefing_render.to_html(b, [])
    assert "<script>" not in page and '<img src="http' not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    text = _flat("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(briefing_render.to_pdf(b))).pages))
    assert _flat(hostile) in text  # printed as the characters it is
    document = docx.Document(io.BytesIO(briefing_render.to_docx(b)))
    assert any(hostile in p.text for p in document.paragraphs)


def test__without_chromium_the_docx_is_still_written_and_says_why(overview, monkeypatch):
    monkeypatch.setattr(briefing_render, "CHROMIUM", "/nonexistent/chromium")
    assert "Chromium" in (briefing_render.unavailable() or "")
    document = docx.Document(io.BytesIO(briefing_render.to_docx(overview)))
    assert len(document.inline_shapes) == 0
    assert any(p.text.startswith("图表未能生成：服务器未安装 Chromium") for p in document.paragraphs)
    with pytest.raises(briefing_render.BriefingError):
        briefing_render.to_pdf(overview)


def test__a_tall_chart_fits_the_docx_page():
    from PIL import Image

    tall = io.BytesIO()
    Image.new("RGB", (1520, 4000), "white").save(tall, format="PNG")
    size = briefing_render._picture_size(tall.getvalue())
    assert set(size) == {"height"} and round(size["height"].mm) == briefing_render.DOCX_HEIGHT_MM
    wide = io.BytesIO()
    Image.new("RGB", (1520, 900), "white").save(wide, format="PNG")
    assert set(briefing_render._picture_size(wide.getvalue())) == {"width"}


def test__briefings_share_one_warm_chromium_and_a_dead_one_is_started_again():
    """Starting Playwright and chromium cost about 2 s of every briefing: the server keeps one."""
    # the Browser objects themselves are kept (not their id(), which a new object could reuse)
    first = briefing_render.in_browser(lambda work: work.context.browser)
    again = briefing_render.in_browser(lambda work: work.context.browser)
    assert first is again  # the same browser
    briefing_render.in_browser(lambda work: work.context.browser.close())  # chromium gone
    after = briefing_render.in_browser(lambda work: work.context.browser.is_connected())
    assert after is True


def test__a_job_that_fails_says_so_to_its_caller_and_the_next_one_runs():
    def broken(work):
        raise ValueError("坏的任务")

    with pytest.raises(ValueError, match="坏的任务"):
        briefing_render.in_browser(broken)
    assert briefing_render.in_browser(lambda work: work.printer().evaluate("1 + 1")) == 2


def test__the_pdf_then_the_word_file_of_one_view_draw_its_charts_once(overview, con, monkeypatch):
    """Chromium draws a chart once; the other format of the same view takes the same picture."""
    monkeypatch.setattr(briefing_render, "DRAWN", briefing_render._Images())
    drawn: list[int] = []
    real = briefing_render._draw
    monkeypatch.setattr(
        briefing_render, "_draw", lambda work, specs: drawn.append(len(specs)) or real(work, specs)
    )
    assert overview.figures, "总览's briefing has a chart"
    briefing_render.to_pdf(overview)
    document = docx.Document(io.BytesIO(briefing_render.to_docx(overview)))
    assert drawn == [len(overview.figures)]
    assert len(document.inline_shapes) == len(overview.figures)
    songjiang = briefing.build(
        "总览",
        con,
        Filters(districts=("松江",)),
        made_at="2026-12-07 08:30 北京时间",
        data_at="2026-12-07 08:28 北京时间",
    )
    briefing_render.to_docx(songjiang)  # another view: its chart is another picture
    assert drawn == [len(overview.figures), len(songjiang.figures)]


def test__briefings_share_two_warm_tabs_that_keep_nothing_of_the_last_one(overview, monkeypatch):
    """A fresh context and tab per briefing cost chromium 3.5-4 CPU-s: the tabs are kept, emptied."""
    assert overview.figures, "总览's briefing has a chart"

    def pdf() -> bytes:
        monkeypatch.setattr(briefing_render, "DRAWN", briefing_render._Images())  # its charts drawn anew
        return briefing_render.to_pdf(overview)

    pdf()
    tabs = briefing_render.in_browser(lambda work: (work.charts(), work.printer()))
    left = briefing_render.in_browser(
        lambda work: work.charts().evaluate("[...document.body.children].map(e => e.id || e.tagName)")
    )
    assert left == ["js-plotly-tester"]  # every chart drawn was removed (plotly.js keeps its text ruler)
    pdf()
    assert briefing_render.in_browser(lambda work: (work.charts(), work.printer())) == tabs
    # a tab that was closed (crashed) is opened again for the next briefing's charts
    briefing_render.in_browser(lambda work: work.charts().close())
    monkeypatch.setattr(briefing_render, "DRAWN", briefing_render._Images())
    (png,) = briefing_render.in_browser(lambda work: briefing_render.chart_images(work, overview.figures[:1]))
    assert png.startswith(b"\x89PNG")
    assert briefing_render.in_browser(lambda work: work.charts()) != tabs[0]
