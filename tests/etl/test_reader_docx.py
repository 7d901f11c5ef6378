"""The DOCX reader on Word files built here with python-docx from seed-like content.

The 收入决算表 below follows 松江区城市运行管理中心 2020 (data/raw): a title paragraph,
a 单位 paragraph, a header whose cells are merged across (gridSpan) and down
(vMerge), coded rows with blank cells, then 说明 paragraphs after a page break.
"""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import docx
import pytest
from docx.enum.text import WD_BREAK

from etl.build import process_document
from etl.readers import read_document
from etl.readers.model import DOCX, PROSE, ROW, Document

COVER = "上海市松江区城市运行管理中心2020年度部门决算"
TITLE = "收入决算表"
UNIT = "单位：万元"
NOTES = [
    "三、支出决算情况说明",
    "2020年度支出决算为148.30万元，比2019年度决算增加12.10万元。",
]
MEASURES = ["本年收入合计", "财政拨款收入", "其他收入"]
BODY = [  # 类 | 款 | 项 | 科目名称 | 本年收入合计 | 财政拨款收入 | 其他收入
    ["", "", "", "合计", "148.30", "148.30", ""],
    ["208", "", "", "社会保障和就业支出", "148.30", "148.30", ""],
    ["208", "05", "", "行政事业单位养老支出", "148.30", "148.30", ""],
    ["208", "05", "05", "机关事业单位基本养老保险\n缴费支出", "99.08", "99.08", ""],
    ["208", "05", "06", "机关事业单位职业年金缴费支出", "49.22", "49.22", ""],
]
HEADER_ROWS = 3


def _set(cell: object, text: str) -> None:
    """A cell's text, a '\\n' starting a new paragraph inside the cell (a wrapped name)."""
    first, *rest = text.split("\n")
    cell.text = first  # type: ignore[attr-defined]
    for more in rest:
        cell.add_paragraph(more)  # type: ignore[attr-defined]


def income_statement_docx() -> bytes:
    d = docx.Document()
    d.add_paragraph(COVER)
    d.add_page_break()
    d.add_paragraph(TITLE)
    d.add_paragraph(UNIT)
    table = d.add_table(rows=HEADER_ROWS + len(BODY), cols=7)
    table.style = "Table Grid"
    table.cell(0, 0).merge(table.cell(0, 3)).text = "项目"  # gridSpan 4
    for c, measure in enumerate(MEASURES, start=4):
        table.cell(0, c).merge(table.cell(2, c)).text = measure  # vMerge over the three header rows
    table.cell(1, 0).merge(table.cell(1, 2)).text = "科目编码"
    table.cell(1, 3).merge(table.cell(2, 3)).text = "科目名称"
    for c, level in enumerate(["类", "款", "项"]):
        table.cell(2, c).text = level
    for r, values in enumerate(BODY, start=HEADER_ROWS):
        for c, value in enumerate(values):
            if value:
                _set(table.cell(r, c), value)
    d.add_page_break()
    for note in NOTES:
        d.add_paragraph(note)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def income_bytes() -> bytes:
    return income_statement_docx()


@pytest.fixture(scope="module")
def income(income_bytes: bytes) -> Document:
    return read_document("songjiang_2020_income.docx", income_bytes)


def test__read_docx__type_is_told_by_the_bytes(income_bytes: bytes) -> None:
    doc = read_document("named_like_a_text_file.txt", income_bytes)
    assert doc.file_type == DOCX
    assert len(doc.tables) == 1


def test__read_docx__prose_lines_in_document_order(income: Document) -> None:
    prose = [(ln.page, ln.text) for ln in income.lines if ln.kind == PROSE]
    assert prose == [(1, COVER), (2, TITLE), (2, UNIT), (3, NOTES[0]), (3, NOTES[1])]


def test__read_docx__table_sits_between_its_title_and_the_notes(income: Document) -> None:
    kinds = [ln.kind for ln in income.lines]
    n_rows = HEADER_ROWS + len(BODY)
    assert kinds == [PROSE, PROSE, PROSE] + [ROW] * n_rows + [PROSE, PROSE]
    table = income.tables[0]
    assert table.first_line == 4 and table.page == 2 and table.index == 1
    assert [ln.number for ln in income.lines] == list(range(1, len(income.lines) + 1))


def test__read_docx__page_breaks_start_new_pages(income: Document) -> None:
    assert [p.number for p in income.pages] == [1, 2, 3]
    assert income.page_of(1) == 1  # the cover
    assert income.page_of(2) == 2  # the title, after the first break
    assert income.page_of(income.tables[0].line_of(len(income.tables[0].rows) - 1)) == 2
    assert income.page_of(len(income.lines)) == 3  # the notes, after the second break


def test__read_docx__horizontal_merge_is_expanded(income: Document) -> None:
    table = income.tables[0]
    assert table.n_cols == 7
    assert table.texts(0)[:4] == ["项目"] * 4
    assert [c.origin for c in table.rows[0][:4]] == [(0, 0)] * 4
    assert table.rows[0][0].is_origin and not table.rows[0][3].is_origin
    assert table.texts(1)[:3] == ["科目编码"] * 3


def test__read_docx__vertical_merge_is_expanded(income: Document) -> None:
    table = income.tables[0]
    for c, measure in enumerate(MEASURES, start=4):
        assert [table.rows[r][c].text for r in range(HEADER_ROWS)] == [measure] * HEADER_ROWS
        assert [table.rows[r][c].origin for r in range(HEADER_ROWS)] == [(0, c)] * HEADER_ROWS
    assert [table.rows[r][3].text for r in (1, 2)] == ["科目名称", "科目名称"]
    assert table.rows[2][3].origin == (1, 3)
    assert table.texts(2)[:3] == ["类", "款", "项"]
    # The merge ends with the header: the first body row has cells of its own.
    assert all(c.is_origin for c in table.rows[HEADER_ROWS])


def test__read_docx__blank_cells_kept_in_place(income: Document) -> None:
    table = income.tables[0]
    assert table.texts(HEADER_ROWS) == ["", "", "", "合计", "148.30", "148.30", ""]
    assert table.texts(HEADER_ROWS + 1) == ["208", "", "", "社会保障和就业支出", "148.30", "148.30", ""]
    assert table.texts(HEADER_ROWS + 2)[:3] == ["208", "05", ""]


def test__read_docx__cell_paragraphs_are_joined(income: Document) -> None:
    row = income.tables[0].texts(HEADER_ROWS + 3)
    assert row == ["208", "05", "05", "机关事业单位基本养老保险缴费支出", "99.08", "99.08", ""]


def test__read_docx__page_break_inside_a_paragraph_splits_it() -> None:
    d = docx.Document()
    p = d.add_paragraph("第一部分 部门概况")
    p.add_run().add_break(WD_BREAK.PAGE)
    p.add_run("第二部分 部门决算表")
    d.add_paragraph("收入支出决算总表")
    buf = io.BytesIO()
    d.save(buf)
    doc = read_document("split.docx", buf.getvalue())
    assert [(ln.page, ln.text) for ln in doc.lines] == [
        (1, "第一部分部门概况"),  # the space beside Chinese characters is layout, not text
        (2, "第二部分部门决算表"),
        (2, "收入支出决算总表"),
    ]


def test__read_docx__damaged_grid_span_does_not_stop_the_reader(income_bytes: bytes) -> None:
    # A gridSpan whose value is not a number (a hand-edited or badly exported file).
    src = zipfile.ZipFile(io.BytesIO(income_bytes))
    xml = src.read("word/document.xml").decode()
    assert 'w:gridSpan w:val="4"' in xml
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        for name in src.namelist():
            data = src.read(name)
            if name == "word/document.xml":
                data = xml.replace('w:gridSpan w:val="4"', 'w:gridSpan w:val="four"').encode()
            out.writestr(name, data)
    doc = read_document("damaged_span.docx", buf.getvalue())
    table = doc.tables[0]
    assert table.texts(0)[0] == "项目"
    # The body rows are untouched by the damaged header cell.
    assert table.texts(HEADER_ROWS + 4)[:4] == ["208", "05", "06", "机关事业单位职业年金缴费支出"]


# --- end to end: a Word 决算 table becomes budget lines ------------------------------------


@pytest.fixture(scope="module")
def processed(income_bytes: bytes) -> dict:
    return process_document("songjiang_2020_income.docx", income_bytes)


def test__process_document__docx_income_statement_yields_budget_lines(processed: dict) -> None:
    assert processed["document"]["file_type"] == DOCX
    assert processed["document"]["status"] in ("ok", "partial")  # partial: the other eight tables are absent
    got = {
        (b["code"], b["measure"]): (b["name"], b["amount_yuan"], b["statement"])
        for b in processed["budget_lines"]
        if b["code"] is not None
    }
    assert got == {
        ("208", "本年收入合计"): ("社会保障和就业支出", Decimal("1483000"), TITLE),
        ("208", "财政拨款收入"): ("社会保障和就业支出", Decimal("1483000"), TITLE),
        ("20805", "本年收入合计"): ("行政事业单位养老支出", Decimal("1483000"), TITLE),
        ("20805", "财政拨款收入"): ("行政事业单位养老支出", Decimal("1483000"), TITLE),
        ("2080505", "本年收入合计"): ("机关事业单位基本养老保险缴费支出", Decimal("990800"), TITLE),
        ("2080505", "财政拨款收入"): ("机关事业单位基本养老保险缴费支出", Decimal("990800"), TITLE),
        ("2080506", "本年收入合计"): ("机关事业单位职业年金缴费支出", Decimal("492200"), TITLE),
        ("2080506", "财政拨款收入"): ("机关事业单位职业年金缴费支出", Decimal("492200"), TITLE),
    }


def test__process_document__docx_blank_cell_gives_no_line(processed: dict) -> None:
    # 其他收入 is blank in every row: a blank is not a zero.
    assert not [b for b in processed["budget_lines"] if b["measure"] == "其他收入"]


def test__process_document__docx_total_row_and_provenance(processed: dict) -> None:
    totals = [b for b in processed["budget_lines"] if b["code"] is None]
    assert {b["measure"]: b["amount_yuan"] for b in totals} == {
        "本年收入合计": Decimal("1483000"),
        "财政拨款收入": Decimal("1483000"),
    }
    assert all(b["is_total"] and b["name"] == "合计" for b in totals)
    line = next(
        b for b in processed["budget_lines"] if b["code"] == "2080506" and b["measure"] == "财政拨款收入"
    )
    # Title, unit and cover come first: the header is on lines 4-6, the 合计 row 7, 2080506 row 11.
    assert line["source_line"] == 11 and line["source_page"] == 2
    assert line["source_cell"] == "表1 第8行第6列"
    doc = processed["document"]
    assert (doc["district"], doc["year"], doc["kind"]) == ("松江", 2020, "final_accounts")
