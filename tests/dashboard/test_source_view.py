"""原文查看's logic: a reference found again in its file, framed where the text is printed.

The PDF cases are the 司法局 2026 部门预算 (tests/cases/real): the sentence with 43269.3 on
p. 9 (its line number found by reading the document here) and the 部门财务收支预算总表 cell
of 一、公共安全支出 (p. 10) as the warehouse records it. A highlight is checked the way a
person would: the text pdfplumber finds inside the framed rectangle.
"""

from __future__ import annotations

import io
import time
from pathlib import Path

import docx
import duckdb
import pdfplumber
import pytest
from PIL import Image

from dashboard import source_view as sv

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "tests" / "cases" / "real"
RAW = ROOT / "data" / "raw"
JUSTICE = REAL / "putuo_justice_bureau_2026_department_budget.pdf"
SEED = RAW / "songjiang_city_operation_center_2020_final_accounts.txt"
WORKBOOK = REAL / "shenzhen_songgang_subdistrict_2023_target_declarations.xlsx"


@pytest.fixture(scope="module")
def justice():
    sv.clear_cache()
    started = time.perf_counter()
    doc = sv.read(JUSTICE)
    first = time.perf_counter() - started
    started = time.perf_counter()
    again = sv.read(JUSTICE)
    cached = time.perf_counter() - started
    print(f"\nreading the 23-page PDF: first {first:.2f} s, cached {cached * 1000:.2f} ms")
    assert again is doc and sv.is_cached(JUSTICE)
    assert cached < 0.05
    return doc


def _line_with(doc, text: str, page: int):
    found = [ln for ln in doc.lines if text in ln.text]
    assert len(found) == 1, [ln.text for ln in found]
    assert found[0].page == page
    return found[0]


def _text_in(rendered: sv.Rendered, page: int) -> list[str]:
    """What pdfplumber reads inside each highlighted rectangle (back in points)."""
    with pdfplumber.open(JUSTICE) as pdf:
        pg = pdf.pages[page - 1]
        out = []
        for rect in rendered.rects:
            x0, top, x1, bottom = rendered.to_points(rect)
            assert 0 <= top < bottom <= float(pg.height) and 0 <= x0 < x1 <= float(pg.width)
            out.append(pg.crop((x0, top, x1, bottom)).extract_text())
        return out


# --- PDF: the sentence and the cell, framed where they are printed ------------------------


def test_the_sentence_with_43269_3_is_framed_where_it_is_printed(justice):
    line = _line_with(justice, "43269.3", page=9)
    location = sv.locate(justice, sv.Request(JUSTICE.name, 9, line.number))
    assert location.page == 9 and location.line == line and not location.notes
    assert "43269.3" in location.text
    rendered = sv.render_page(JUSTICE, location.page, location.boxes)
    assert len(rendered.rects) == 1
    (inside,) = _text_in(rendered, 9)
    assert "43269.3" in inside and "17.62%" in inside
    # the frame is near the top of the page, where the sentence is printed
    assert rendered.rects[0][1] < rendered.height * 0.25
    # the image really is drawn there: the frame's edge colour is on the image
    image = Image.open(io.BytesIO(rendered.png)).convert("RGB")
    x0, top, _, _ = (round(v) for v in rendered.rects[0])
    assert image.getpixel((x0 + 1, top + 1)) == sv.HIGHLIGHT_EDGE[:3]


def test_a_check_names_a_paragraph_by_its_first_line_and_the_whole_paragraph_is_framed(justice):
    # The 增减比例 check of 说明第6项 points at line 98, where the paragraph starts; the
    # figure it quotes (43269.3) is printed on the next line.
    line = _line_with(justice, "其他司法支出（99项）3845.49万元", page=9)
    location = sv.locate(justice, sv.Request(JUSTICE.name, 9, line.number))
    assert [ln.number for ln in location.lines] == [line.number, line.number + 1]
    rendered = sv.render_page(JUSTICE, 9, location.boxes)
    first, second = _text_in(rendered, 9)
    assert "其他司法支出" in first and "43269.3" in second
    assert "7、" not in first + second  # the next item is not framed


def test_the_enlarged_band_shows_the_paragraph_and_cuts_no_line(justice):
    line = _line_with(justice, "其他司法支出（99项）3845.49万元", page=9)
    location = sv.locate(justice, sv.Request(JUSTICE.name, 9, line.number))
    rendered = sv.render_page(JUSTICE, 9, location.boxes)
    box = sv.zoom_box(rendered, sv.page_boxes(justice, 9))
    band = Image.open(io.BytesIO(sv.zoom(rendered, sv.page_boxes(justice, 9))))
    assert band.size == (box[2] - box[0], box[3] - box[1])
    with pdfplumber.open(JUSTICE) as pdf:
        inside = pdf.pages[8].crop(rendered.to_points(box)).extract_text()
    assert "其他司法支出" in inside and "43269.3" in inside
    assert "7、" not in inside and "5、" not in inside  # neither neighbour, not even in part
    assert sv.zoom(sv.render_page(JUSTICE, 9)) is None  # nothing framed: no band


def test_a_budget_line_cell_from_the_warehouse_is_framed(justice, con: duckdb.DuckDBPyConnection):
    row = con.sql(
        """
        SELECT source_file, source_page, source_line, source_cell, amount_printed FROM budget_lines
        WHERE source_file = $f AND statement LIKE '%部门财务收支预算总表' AND name = '一、公共安全支出'
          AND measure = '预算数'
        """,
        params={"f": JUSTICE.name},
    ).fetchall()
    assert len(row) == 1
    file, page, line, cell, printed = row[0]
    assert (page, cell, printed) == (10, "表1 第3行第4列", "87267272.44")
    location = sv.locate(justice, sv.Request(file, page, line, cell))
    assert location.cell is not None and location.text == "87,267,272.44" and not location.notes
    assert location.cell_ref == cell and location.line.number == line
    rendered = sv.render_page(JUSTICE, page, location.boxes)
    (inside,) = _text_in(rendered, page)
    assert inside.strip() == "87,267,272.44"
    # the cell's own box: the right-hand column, not the whole row
    assert rendered.rects[0][0] > rendered.width / 2


def test_a_cell_that_does_not_fit_the_line_is_noted_and_the_row_framed(justice):
    line = justice.line(120)
    location = sv.locate(justice, sv.Request(JUSTICE.name, 10, 120, "表9 第3行第4列"))
    assert location.cell is None and location.line == line
    assert any("找不到单元格" in n for n in location.notes)
    assert location.boxes  # the row's box


def test_the_rendered_page_has_the_pages_aspect_ratio(justice):
    for number in (1, 9, 10):
        page = justice.pages[number - 1]
        rendered = sv.render_page(JUSTICE, number)
        image = Image.open(io.BytesIO(rendered.png))
        assert image.size == (rendered.width, rendered.height)
        assert abs(image.width / image.height - page.width / page.height) < 0.005
        assert image.width >= 1.9 * page.width  # a readable scale (about 144 dpi)
        assert rendered.rects == ()


def test_a_page_without_a_line_and_a_page_past_the_end(justice):
    assert sv.locate(justice, sv.Request(JUSTICE.name, 3)).page == 3
    location = sv.locate(justice, sv.Request(JUSTICE.name, 99))
    assert location.page == 1 and any("只有 23 页" in n for n in location.notes)
    location = sv.locate(justice, sv.Request(JUSTICE.name, 9, 99999))
    assert location.line is None and location.page == 9
    assert any("第 99999 行不存在" in n for n in location.notes)
    # a line on another page than the link says: the line wins, with a note
    location = sv.locate(justice, sv.Request(JUSTICE.name, 2, 120))
    assert location.page == 10 and any("在第 10 页" in n for n in location.notes)


def test_rendering_is_cached():
    sv.render_page(JUSTICE, 5)
    started = time.perf_counter()
    sv.render_page(JUSTICE, 5)
    assert time.perf_counter() - started < 0.01


# --- text, Word and Excel files: the lines around the line --------------------------------


def test_a_text_seed_gives_the_lines_around_the_line():
    lines = SEED.read_text(encoding="utf-8").split("\n")
    doc = sv.read(SEED)
    location = sv.locate(doc, sv.Request(SEED.name, None, 20))
    assert location.page == 1 and location.text == lines[19]
    window = sv.text_window(doc, location)
    assert [w.number for w in window] == list(range(15, 26))
    assert [w.text for w in window] == lines[14:25]
    assert [w.number for w in window if w.target] == [20]
    # near the start the window is cut, not shifted
    window = sv.text_window(doc, sv.locate(doc, sv.Request(SEED.name, 1, 2)))
    assert [w.number for w in window] == list(range(1, 8))


def test_a_checks_line_in_a_seed_is_the_line_the_check_quotes(con: duckdb.DuckDBPyConnection):
    rows = con.sql(
        "SELECT source_line, figure FROM checks WHERE source_file = $f AND source_line IS NOT NULL",
        params={"f": SEED.name},
    ).fetchall()
    assert rows
    lines = SEED.read_text(encoding="utf-8").split("\n")
    doc = sv.read(SEED)
    for number, _ in rows:
        location = sv.locate(doc, sv.Request(SEED.name, None, number))
        assert location.line.text == lines[number - 1]
        assert [w.text for w in sv.text_window(doc, location) if w.target] == [lines[number - 1]]


def test_the_window_is_escaped_html_with_the_line_marked():
    window = [
        sv.WindowLine(1, "前一行", False),
        sv.WindowLine(2, "<script>alert(1)</script> & 合计", True),
        sv.WindowLine(3, "", False),
    ]
    out = sv.window_html(window)
    assert "<script>" not in out and "&lt;script&gt;" in out and "&amp; 合计" in out
    assert "\n\n" not in out  # one HTML block: markdown never re-reads the lines
    assert out.count("#fff1a8") == 1


def test_a_workbook_names_its_sheet_and_finds_a_cell():
    doc = sv.read(WORKBOOK)
    location = sv.locate(doc, sv.Request(WORKBOOK.name, 1, None, "B7"))
    assert location.sheet == doc.pages[0].name and location.sheet
    assert location.cell is not None and location.text.startswith("一、项目背景")
    assert location.line.number == doc.tables[0].line_of(6)
    assert location.boxes == ()


def test_a_word_file_gives_its_lines(tmp_path: Path):
    document = docx.Document()
    for text in ["一、部门职能", "负责全区司法行政工作。", "二、预算说明", "2026年预算安排3845.49万元。"]:
        document.add_paragraph(text)
    path = tmp_path / "sample.docx"
    document.save(path)
    doc = sv.read(path)
    location = sv.locate(doc, sv.Request(path.name, None, 4))
    assert location.text == "2026年预算安排3845.49万元。"
    assert [w.text for w in sv.text_window(doc, location) if w.target] == [location.text]


# --- refused names and parameters ---------------------------------------------------------

KNOWN = ["putuo_justice_bureau_2026_department_budget.pdf", SEED.name]


@pytest.mark.parametrize(
    "name",
    [
        "../etc/passwd",
        "/etc/passwd",
        "data/raw/" + SEED.name,
        "..\\secret.txt",
        "..",
        ".hidden.txt",
        "a\x00b.txt",
        "x" * 500,
        "",
    ],
)
def test_names_with_path_parts_are_refused(name):
    with pytest.raises(sv.SourceError):
        sv.check_name(name)
    with pytest.raises(sv.SourceError):
        sv.parse_request({"file": [name]}, KNOWN)
    with pytest.raises(sv.SourceError):
        sv.resolve_file(name, RAW)


def test_a_file_not_in_the_build_is_refused_even_if_it_exists(tmp_path: Path):
    with pytest.raises(sv.SourceError, match="不在当前数据中"):
        sv.parse_request({"file": ["README.md"]}, KNOWN)
    with pytest.raises(sv.SourceError, match="找不到文件"):
        sv.resolve_file("nope.pdf", RAW)
    with pytest.raises(sv.SourceError, match="没有指定文件"):
        sv.parse_request({}, KNOWN)
    with pytest.raises(sv.SourceError, match="找不到文件"):
        sv.resolve_file("*.txt", RAW)  # a name, never a pattern


def test_the_raw_folder_comes_from_budget_raw(tmp_path: Path, monkeypatch):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("甲\n乙\n", encoding="utf-8")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "b.txt").write_text("丙\n", encoding="utf-8")
    monkeypatch.setenv(sv.RAW_ENV, str(tmp_path))
    assert sv.raw_root() == tmp_path
    assert sv.resolve_file("a.txt") == tmp_path / "sub" / "a.txt"  # the build reads sub-folders
    with pytest.raises(sv.SourceError):
        sv.resolve_file("b.txt")  # hidden folders are not read by the build either
    monkeypatch.delenv(sv.RAW_ENV)
    assert sv.raw_root() == RAW
    assert sv.resolve_file(SEED.name) == SEED


def test_bad_page_line_and_cell_values_become_notes():
    request, notes = sv.parse_request(
        {"file": [KNOWN[0]], "page": ["abc"], "line": ["-3"], "cell": ["<b>x</b>"]}, KNOWN
    )
    assert request == sv.Request(KNOWN[0])
    assert len(notes) == 3 and all("已忽略" in n for n in notes)
    request, notes = sv.parse_request({"file": KNOWN[0], "page": "²", "line": "9" * 40}, KNOWN)
    assert request.page is None and len(notes) == 1  # the line is kept: locate() says it is past the end
    request, notes = sv.parse_request(
        {"file": KNOWN[0], "page": "9", "line": "98", "cell": "表1 第5行第4列"}, KNOWN
    )
    assert request == sv.Request(KNOWN[0], 9, 98, "表1 第5行第4列") and not notes


def test_source_link():
    assert sv.source_link("a.pdf", 9, 98) == "/source?file=a.pdf&page=9&line=98"
    link = sv.source_link("普陀.pdf", 10, 120, "表1 第3行第4列")
    assert link.startswith("/source?file=%E6%99%AE%E9%99%80.pdf&page=10&line=120&cell=")
    assert "%E8%A1%A81" in link and " " not in link
    assert sv.source_link("a.txt", None, 5) == "/source?file=a.txt&line=5"
    assert sv.source_params("a.txt", 1, None) == {"file": "a.txt", "page": "1"}
