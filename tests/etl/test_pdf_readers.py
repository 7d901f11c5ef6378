"""PDFium's reader against pdfplumber's: the same document of every PDF, and its own right values.

Every PDF of tests/cases (the real ones and those made alike) must read the same with both
readers, page by page, cell by cell and line by line (``etl.readers.pdf_compare``). The golden
cells below were typed by hand from the rendered page (pypdfium2 at 1.5x, viewed as an image),
never copied from a reader's output; the page is named beside each. Each file is read once by
each reader per test worker.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from etl.readers import PDFPLUMBER, pdf_reader, read_document
from etl.readers.model import PROSE, Document, Table
from etl.readers.pdf import read_pdf
from etl.readers.pdf_compare import compare_documents
from etl.readers.pdf_geometry import extract_words, find_tables
from etl.readers.pdfium import read_pdf_pdfium
from tests.etl.test_reader_pdf_invisible import OVERFLOW, UNSEEN, _text, pdf_bytes

CASES = Path(__file__).resolve().parents[1] / "cases"
PDFS = sorted(CASES.rglob("*.pdf"), key=lambda p: p.name)
JUSTICE = "putuo_justice_bureau_2026_department_budget.pdf"
WANLI = "putuo_wanli_subdistrict_2024_department_budget.pdf"


@cache
def _readings(name: str) -> tuple[Document, Document]:
    """(pdfplumber's, PDFium's) reading of one PDF of tests/cases."""
    path = next(p for p in PDFS if p.name == name)
    data = path.read_bytes()
    return read_pdf(name, data), read_pdf_pdfium(name, data)


def _table(doc: Document, page: int) -> Table:
    (table,) = [t for t in doc.tables if t.page == page]
    return table


@pytest.mark.parametrize("name", [p.name for p in PDFS])
def test__pdfium_and_pdfplumber__same_document_of_every_pdf(name: str) -> None:
    plumber, pdfium = _readings(name)
    result = compare_documents(plumber, pdfium)
    assert result.identical, result.differences[:5]
    assert result.cells_same == result.cells and result.lines_same == result.lines


def test__pdfium__merged_header_and_rows_of_the_justice_bureau_expenditure_table() -> None:
    # 司法局 2026 部门预算, p.12 (2026年部门支出预算总表): three header rows, twelve rows.
    table = _table(_readings(JUSTICE)[1], 12)
    assert (len(table.rows), table.n_cols) == (15, 7)
    assert [(c.text, c.origin) for c in table.rows[0]] == [("项目", (0, 0))] * 4 + [("支出预算", (0, 4))] * 3
    assert [(c.text, c.origin) for c in table.rows[1][:4]] == [("功能分类科目编码", (1, 0))] * 3 + [
        ("功能分类科目名称", (1, 3))
    ]
    assert table.texts(2) == ["类", "款", "项", "功能分类科目名称", "合计", "基本支出", "项目支出"]
    assert table.rows[2][4].origin == (1, 4)  # 合计 spans the second and third header rows
    assert table.texts(6) == ["204", "06", "04", "基层司法业务", "21703947.00", "0.00", "21703947.00"]
    assert table.texts(14) == [
        "208",
        "05",
        "05",
        "机关事业单位基本养老保险缴费支出",
        "1839485.00",
        "1839485.00",
        "0.00",
    ]


def test__pdfium__prose_of_the_justice_bureau_expenditure_page() -> None:
    # p.12: the title above the table; 编制部门 and 单位 share one printed line.
    prose = [ln.text for ln in _readings(JUSTICE)[1].lines if ln.page == 12 and ln.kind == PROSE]
    assert prose == ["2026年部门支出预算总表", "编制部门：上海市普陀区司法局单位：元"]


def test__pdfium__thousands_and_blank_code_cells_of_the_wanli_table() -> None:
    # 万里街道 2024 部门预算, p.12: a continued table of 18 rows, nine columns, no header.
    table = _table(_readings(WANLI)[1], 12)
    assert (len(table.rows), table.n_cols) == (18, 9)
    assert table.texts(0) == ["201", "38", "02", "一般行政管理事务", "135,200", "135,200", "0", "0", "0"]
    assert table.texts(1) == ["204", "", "", "公共安全支出", "1,633,000", "1,633,000", "0", "0", "0"]
    assert table.texts(15) == ["208", "", "", "社会保障和就业支出", "19,604,064", "19,604,064", "0", "0", "0"]
    assert table.texts(17) == ["208", "05", "01", "行政单位离退休", "243,120", "243,120", "0", "0", "0"]


def _both(data: bytes) -> tuple[Document, Document]:
    return read_pdf("made.pdf", data), read_pdf_pdfium("made.pdf", data)


def test__pdfium__a_blank_drawn_as_its_own_text_object_still_separates_two_numbers() -> None:
    # PDFium's text layer leaves out a text object with no visible glyph (WPS draws blanks so):
    # '2023', a blank object over its gap, '2.55' one point after '2023' ends (12 pt glyphs).
    page = _text(72, 100, "2023") + _text(120, 100, " ") + _text(121, 100, "2.55")
    for doc in _both(pdf_bytes(page)):
        assert [ln.text for ln in doc.lines] == ["2023 2.55"]


def test__pdfium__a_copy_drawn_over_its_original_is_read_like_pdfplumber_reads_it() -> None:
    # PDFium keeps the first of two identical text objects at one place; pdfminer reads both.
    page = _text(72, 100, "本年收入合计100万元。") + _text(72, 100, "本年收入合计100万元。", "1 g")
    plumber, pdfium = _both(pdf_bytes(page))
    assert compare_documents(plumber, pdfium).identical
    assert pdfium.hidden  # the white copy: set apart, not read twice


@pytest.mark.parametrize("pages", [OVERFLOW, (UNSEEN,)], ids=["overflow", "unseen"])
def test__pdfium__clipped_outside_white_and_invisible_text_as_pdfplumber(pages: tuple[str, ...]) -> None:
    plumber, pdfium = _both(pdf_bytes(*pages))
    result = compare_documents(plumber, pdfium)
    assert result.identical, result.differences[:5]


def test__pdf_reader__pdfium_by_default_pdfplumber_on_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ETL_PDF_READER", raising=False)
    assert pdf_reader() == "pdfium"
    monkeypatch.setenv("ETL_PDF_READER", "pdfplumber")
    assert pdf_reader() == PDFPLUMBER
    assert pdf_reader("pdfium") == "pdfium"  # the parameter wins
    with pytest.raises(ValueError, match="未知的 PDF 读取方式"):
        pdf_reader("poppler")
    data = pdf_bytes(_text(72, 100, "2024年度部门决算"))
    assert [ln.text for ln in read_document("x.pdf", data, "pdfplumber").lines] == ["2024年度部门决算"]


# --- the shared geometry, on edges and characters typed here ------------------------------


def _rect(x0: float, top: float, x1: float, bottom: float) -> list[dict[str, float | str]]:
    """A stroked rectangle's four sides, as pdfplumber's edges."""
    h = {"x0": x0, "x1": x1, "width": x1 - x0, "height": 0.0, "orientation": "h"}
    v = {"top": top, "bottom": bottom, "height": bottom - top, "width": 0.0, "orientation": "v"}
    return [
        {**h, "top": top, "bottom": top},
        {**h, "top": bottom, "bottom": bottom},
        {**v, "x0": x0, "x1": x0},
        {**v, "x0": x1, "x1": x1},
    ]


def test__find_tables__a_grid_with_a_merged_cell_and_a_box_apart() -> None:
    # Two rows of three cells, the top row's last two merged; a lone box far below is no table.
    edges = _rect(0, 0, 100, 20) + _rect(100, 0, 300, 20)
    edges += _rect(0, 20, 100, 40) + _rect(100, 20, 200, 40) + _rect(200, 20, 300, 40)
    edges += _rect(0, 200, 50, 220)
    (cells,) = find_tables(edges)
    assert sorted(cells) == [
        (0, 0, 100, 20),
        (0, 20, 100, 40),
        (100, 0, 300, 20),
        (100, 20, 200, 40),
        (200, 20, 300, 40),
    ]


def test__find_tables__lines_a_point_apart_snap_into_one_grid() -> None:
    # The second row's rectangles are drawn 0.4 pt off the first's: one table still.
    edges = (
        _rect(0, 0, 100, 20)
        + _rect(100, 0, 200, 20)
        + _rect(0.4, 20.4, 100.4, 40)
        + _rect(100.4, 20.4, 200, 40)
    )
    (cells,) = find_tables(edges)
    assert len(cells) == 4


def _char(text: str, x0: float, top: float = 100.0, size: float = 10.0) -> dict[str, object]:
    return {"text": text, "x0": x0, "x1": x0 + size, "top": top, "bottom": top + size, "upright": True}


def test__extract_words__blanks_gaps_and_lines_split_words() -> None:
    chars = [_char("2", 0), _char("0", 10), _char(" ", 20), _char("5", 30), _char("万", 44)]
    chars += [_char("元", 0, top=130)]
    assert [w["text"] for w in extract_words(chars)] == ["20", "5", "万", "元"]  # 4 pt gap before 万
    assert [w["text"] for w in extract_words([_char("a", 0), _char("b", 12.5)])] == ["ab"]  # 2.5 pt: one word
