"""The XLSX reader: workbooks built here with openpyxl, and a real one (深圳 松岗街道).

The real workbook's expected values were typed from its cells as openpyxl shows
them (values, merged ranges, number formats), not from the reader's output.
"""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from etl.build import process_document
from etl.readers import read_document
from etl.readers.model import XLSX, Document, Table

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "cases" / "real"
SHARED = Path("/work/shared/real")
SONGGANG = "shenzhen_songgang_subdistrict_2023_target_declarations.xlsx"


def real_path(name: str) -> Path:
    """A real document: the copy in tests/cases/real, else the shared original."""
    for folder in (CASES, SHARED):
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(f"{name} is neither in {CASES} nor in {SHARED}")


# --- a workbook built here ---------------------------------------------------------------


def statement_workbook() -> bytes:
    """A 收入决算表 sheet in 元 with merged title and header, a 说明 sheet, and an empty sheet."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "收入决算表"
    ws["A1"] = "收入决算表"
    ws.merge_cells("A1:D1")
    ws["A2"] = "单位：元"
    ws["A3"] = "科目编码"
    ws.merge_cells("A3:A4")  # down
    ws["B3"] = "科目名称"
    ws.merge_cells("B3:B4")
    ws["C3"] = "金额"
    ws.merge_cells("C3:D3")  # across
    ws["C4"], ws["D4"] = "本年收入合计", "财政拨款收入"
    ws["A5"], ws["B5"] = "合计", ""
    ws["C5"] = 96282213.44
    ws["D5"] = 96282213.44
    ws["A6"], ws["B6"] = "201", "一般公共服务支出"
    ws["C6"] = 262.33 + 1238.58  # a total as a formula caches it: 1500.9099999999999
    ws["A7"] = 2080505  # a code typed as a number
    ws["B7"] = "机关事业单位基本养老保险\n缴费支出"
    ws["C7"] = 990800
    ws["D7"] = "3,998.79"  # a figure typed as text
    ws["A8"], ws["B8"] = "填报日期", datetime(2024, 3, 1)
    ws["C8"] = 0.955
    for ref in ("C5", "D5", "C6", "C7"):
        ws[ref].number_format = "#,##0.00"
    ws["B8"].number_format = "yyyy-mm-dd"
    ws["C8"].number_format = "0.0%"
    notes = wb.create_sheet("说明")
    notes["A1"] = "说明"
    notes["A2"] = "本表反映部门本年度取得的各项收入情况。"
    wb.create_sheet("Sheet3")  # left empty, as exported workbooks often are
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def book() -> Document:
    return read_document("statement.xlsx", statement_workbook())


def _cell(doc: Document, page: int, ref: str):
    table = next(t for t in doc.tables if t.page == page)
    col = ord(ref[0]) - ord("A")
    row = int(ref[1:]) - 1
    return table.rows[row][col]


def test__read_xlsx__each_sheet_is_a_page(book: Document) -> None:
    assert book.file_type == XLSX
    assert [(p.number, p.name) for p in book.pages] == [(1, "收入决算表"), (2, "说明"), (3, "Sheet3")]
    # A sheet of one text a row (the 说明) is prose, not a table.
    assert [(t.page, t.sheet, t.index) for t in book.tables] == [(1, "收入决算表", 1)]
    assert [(ln.page, ln.kind) for ln in book.lines if ln.page == 2] == [(2, "prose"), (2, "prose")]
    assert book.pages[2].has_text is False  # the empty sheet holds no table
    assert book.checks == []


def test__read_xlsx__number_is_the_value_not_the_display(book: Document) -> None:
    total = _cell(book, 1, "C5")  # shown '96,282,213.44'
    assert total.number == Decimal("96282213.44")
    assert total.text == "96282213.44"
    whole = _cell(book, 1, "C7")  # shown '990,800.00'
    assert whole.number == Decimal("990800") and whole.text == "990800"


def test__read_xlsx__formula_float_noise_is_dropped(book: Document) -> None:
    # Excel keeps 15 significant digits: 1500.9099999999999 is 1500.91.
    cell = _cell(book, 1, "C6")
    assert cell.number == Decimal("1500.91")
    assert cell.text == "1500.91"


def test__read_xlsx__text_cells_hold_no_number(book: Document) -> None:
    typed = _cell(book, 1, "D7")
    assert typed.text == "3,998.79" and typed.number is None
    assert _cell(book, 1, "A6").number is None  # '201' typed as text stays text
    code = _cell(book, 1, "A7")
    assert code.text == "2080505" and code.number == Decimal("2080505")


def test__read_xlsx__percentage_reads_as_printed(book: Document) -> None:
    cell = _cell(book, 1, "C8")  # shown '95.5%'
    assert cell.text == "95.5%"
    assert cell.number == Decimal("0.955")


def test__read_xlsx__date_cell_is_a_date(book: Document) -> None:
    cell = _cell(book, 1, "B8")
    assert cell.text == "2024-03-01"
    assert cell.number is None


def test__read_xlsx__merged_positions_hold_the_merged_text(book: Document) -> None:
    table = book.tables[0]
    assert table.n_cols == 4
    assert table.texts(0) == ["收入决算表"] * 4
    assert [c.origin for c in table.rows[0]] == [(0, 0)] * 4
    assert [table.rows[r][0].text for r in (2, 3)] == ["科目编码", "科目编码"]
    assert table.rows[3][0].origin == (2, 0) and not table.rows[3][0].is_origin
    assert table.texts(2) == ["科目编码", "科目名称", "金额", "金额"]
    assert table.texts(3) == ["科目编码", "科目名称", "本年收入合计", "财政拨款收入"]
    # The unit line is not merged: its other positions are blank cells of their own.
    assert table.texts(1) == ["单位：元", "", "", ""]
    assert all(c.is_origin for c in table.rows[1])


def test__read_xlsx__line_breaks_in_a_cell_are_joined(book: Document) -> None:
    assert _cell(book, 1, "B7").text == "机关事业单位基本养老保险缴费支出"


def test__read_xlsx__cells_are_named_like_in_excel(book: Document) -> None:
    table = book.tables[0]
    assert table.cell_ref(4, 2) == "C5"
    assert table.cell_ref(6, 1) == "B7"
    line = book.line(table.line_of(6))
    assert line is not None and line.page == 1
    assert line.text == "2080505 | 机关事业单位基本养老保险缴费支出 | 990800 | 3,998.79"


def test__read_xlsx__sheets_number_their_lines_in_order(book: Document) -> None:
    (first,) = book.tables
    assert first.first_line == 1 and len(first.rows) == 8
    assert [(ln.number, ln.text) for ln in book.lines[8:]] == [
        (9, "说明"),
        (10, "本表反映部门本年度取得的各项收入情况。"),
    ]
    assert [ln.number for ln in book.lines] == list(range(1, 11))


def test__read_xlsx__trailing_blank_rows_are_dropped() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "说明"
    ws["B10"] = None
    ws["B10"].number_format = "#,##0.00"  # a formatted but empty cell extends the sheet
    buf = io.BytesIO()
    wb.save(buf)
    doc = read_document("trailing.xlsx", buf.getvalue())
    assert [ln.text for ln in doc.lines] == ["说明"]  # one line, not ten


# --- the real workbook: 20 绩效目标申报表, one a sheet ---------------------------------------


@pytest.fixture(scope="module")
def songgang_bytes() -> bytes:
    return real_path(SONGGANG).read_bytes()


@pytest.fixture(scope="module")
def songgang(songgang_bytes: bytes) -> Document:
    return read_document(SONGGANG, songgang_bytes)


def _sheet(doc: Document, page: int) -> Table:
    tables = [t for t in doc.tables if t.page == page]
    assert len(tables) == 1
    return tables[0]


def test__read_xlsx__real_workbook_twenty_sheets_twenty_pages(songgang: Document) -> None:
    assert len(songgang.pages) == 20
    assert len(songgang.tables) == 20
    assert [t.page for t in songgang.tables] == list(range(1, 21))
    assert songgang.pages[0].name == "1.政府购买服务（专业技术服务类社区工作站管理经费）花果山社区"
    assert songgang.pages[19].name == "20.政府购买服务（应急服务类+防疫工作经费）"
    assert all(t.sheet == p.name for t, p in zip(songgang.tables, songgang.pages, strict=True))
    assert all(t.n_cols == 5 for t in songgang.tables)  # A:E on every sheet


def test__read_xlsx__real_workbook_merged_cells_expanded(songgang: Document) -> None:
    first = _sheet(songgang, 1)
    assert first.texts(0) == ["二级项目支出绩效目标申报表"] * 5  # A1:E1
    assert [first.rows[r][0].text for r in range(11, 15)] == ["产出"] * 4  # A12:A15
    assert [first.rows[r][0].origin for r in range(11, 15)] == [(11, 0)] * 4
    assert [first.rows[r][0].text for r in range(15, 19)] == ["效益"] * 4  # A16:A19
    assert first.texts(6)[1:] == [first.texts(6)[1]] * 4  # B7:E7, the 政策依据
    # Sheet 10 has three more 产出 rows: A12:A18.
    tenth = _sheet(songgang, 10)
    assert [tenth.rows[r][0].text for r in range(11, 18)] == ["产出"] * 7


def test__read_xlsx__real_workbook_amounts_are_numbers(songgang: Document) -> None:
    first = _sheet(songgang, 1)
    # Row 6: 项目总金额（中期规划，万元）： 9000 (B6:C6) | 本年度项目金额（万元）： 3000, shown '9,000.00'.
    assert first.texts(5) == [
        "项目总金额（中期规划，万元）：",
        "9000",
        "9000",
        "本年度项目金额（万元）：",
        "3000",
    ]
    assert first.rows[5][1].number == Decimal("9000")
    assert first.rows[5][2].number == Decimal("9000")  # the merged position holds the value too
    assert first.rows[5][4].number == Decimal("3000")
    # Sheet 2 (东方社区): 412752 and 137584.
    second = _sheet(songgang, 2)
    assert (second.rows[5][1].number, second.rows[5][4].number) == (Decimal("412752"), Decimal("137584"))
    # The 项目编码 is text of 21 digits: never a number.
    assert first.texts(1)[:2] == ["项目编码：", "440306231391500000173"]
    assert first.rows[1][1].number is None


def test__read_xlsx__real_workbook_line_breaks_joined(songgang: Document) -> None:
    policy = _sheet(songgang, 1).rows[6][1].text  # B7, eight lines in the cell
    assert "\n" not in policy
    assert policy.startswith("一、项目背景：1.社区工作站是政府在社区的服务平台")
    assert "共同推进社区各项事业。二、项目内容：执行及管理维持工作站正常运行" in policy


def test__process_document__real_workbook_does_not_crash(songgang_bytes: bytes) -> None:
    out = process_document(SONGGANG, songgang_bytes)
    doc = out["document"]
    assert doc["file_type"] == XLSX and doc["n_pages"] == 20
    if out["projects"]:
        assert doc["status"] in ("ok", "partial")
        return
    # Nothing read (yet): a check says why, in Chinese.
    assert doc["status"] == "failed"
    errors = [c for c in out["checks"] if c["severity"] == "error"]
    assert errors, out["checks"]
    assert any(any("\u4e00" <= ch <= "\u9fff" for ch in c["message"]) for c in errors)
