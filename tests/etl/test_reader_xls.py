"""The XLS reader (xlrd): a real .xls export of the central 预算项目库 and a small workbook made by LibreOffice.

Expected values were typed from the cells as Excel / WPS 表格 show them (the real file) or
as written in tests/cases/old_office/make_fixtures.py (statement.xls), never from the
reader's output.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import olefile
import pytest

from etl.build import process_document
from etl.readers import UnreadableDocument, detect_type, read_document
from etl.readers.model import XLS, Cell, Document, Table

ROOT = Path(__file__).resolve().parents[2]
PKU = ROOT / "tests" / "cases" / "real" / "central_pku_2019_project_library_export.xls"
STATEMENT = ROOT / "tests" / "cases" / "old_office" / "statement.xls"


@pytest.fixture(scope="module")
def pku() -> Document:
    return read_document(PKU.name, PKU.read_bytes())


@pytest.fixture(scope="module")
def statement() -> Document:
    return read_document(STATEMENT.name, STATEMENT.read_bytes())


def sheet(doc: Document, name: str) -> Table:
    (table,) = [t for t in doc.tables if t.sheet == name]
    return table


def cell(table: Table, ref: str) -> Cell:
    col = ord(ref[0]) - ord("A")
    return table.rows[int(ref[1:]) - 1][col]


# --- the real export: 11 sheets of one project (2019年210青少年校园足球扶持资金) -----------------


def test__read_xls__real_export_is_told_by_its_bytes_and_has_eleven_sheets(pku: Document) -> None:
    assert detect_type(PKU.read_bytes()) == XLS
    assert pku.file_type == XLS and pku.source_file == PKU.name
    assert [p.name for p in pku.pages] == [
        "项目基本信息",
        "项目支出立项依据",
        "项目支出实施方案",
        "项目支出计划",
        "项目支出明细",
        "项目支出绩效目标申报表",
        "项目支出绩效目标执行监控",
        "项目支出绩效自评表",
        "部门评审报告",
        "财政评审报告",
        "监管局审核意见报告",
    ]
    assert [p.number for p in pku.pages] == list(range(1, 12))
    assert all(t.sheet == pku.pages[t.page - 1].name for t in pku.tables)


def test__read_xls__real_spending_plan_row_of_2019(pku: Document) -> None:
    plan = sheet(pku, "项目支出计划")
    # Header: D4:F4 年初预算 over 小计 | 财政拨款 | 结转资金 (row 5); A4:A5 序号 merged down.
    assert [cell(plan, r).text for r in ("D4", "E4", "F4")] == ["年初预算"] * 3
    assert [cell(plan, r).text for r in ("D5", "E5", "F5")] == ["小计", "财政拨款", "结转资金"]
    assert [cell(plan, r).text for r in ("A4", "A5")] == ["序号", "序号"]
    # Row 7: 序号 2, 预算年度 2019, 支出计划 190, 年初预算 小计 190, 财政拨款 190, 结转资金 0.
    assert [cell(plan, r).text for r in ("A7", "B7", "C7", "D7", "E7", "F7")] == [
        "2",
        "2019",
        "190",
        "190",
        "190",
        "0",
    ]
    assert cell(plan, "D7").number == Decimal("190")
    assert cell(plan, "B7").number is None  # '2019' is stored as text
    assert plan.cell_ref(6, 3) == "D7"
    # 细化经济分类: [30226]劳务费 150 in row 20.
    assert (cell(plan, "C20").text, cell(plan, "F20").number) == ("[30226]劳务费", Decimal("150"))


def test__read_xls__real_spending_detail_labour_fee(pku: Document) -> None:
    detail = sheet(pku, "项目支出明细")
    assert cell(detail, "I4").text == "支出计划（万元）"
    assert (cell(detail, "D7").text, cell(detail, "E7").text) == ("劳务费", "动画设计制作与播出费用")
    assert (cell(detail, "G7").text, cell(detail, "H7").text) == ("20集", "7.5万元/集")
    labour = cell(detail, "I7")  # shown '150.00' (format #,##0.00): the value, not the display
    assert labour.number == Decimal("150") and labour.text == "150"
    assert cell(detail, "I5").number == Decimal("190")  # the total above the rows
    assert cell(detail, "I6").number == Decimal("0.25")
    line = pku.line(detail.line_of(6))
    assert line is not None and line.page == 5


def test__read_xls__real_merged_range_holds_its_text_everywhere(pku: Document) -> None:
    form = sheet(pku, "项目支出绩效目标申报表")
    assert [cell(form, r).text for r in ("A5", "B5", "C5")] == ["项目名称"] * 3  # A5:C5
    assert [cell(form, r).origin for r in ("A5", "B5", "C5")] == [(4, 0)] * 3
    assert cell(form, "A5").is_origin and not cell(form, "C5").is_origin
    assert cell(form, "D5").text == "2019年210青少年校园足球扶持资金"  # D5:I5
    assert cell(form, "I5").origin == (4, 3)
    assert cell(form, "A2").text == cell(form, "I2").text == "2019年210青少年校园足球扶持资金绩效目标表"


def test__process_document__real_export_is_read_as_xls(pku: Document) -> None:
    out = process_document(PKU.name, PKU.read_bytes())
    assert (out["document"]["file_type"], out["document"]["n_pages"]) == ("xls", 11)
    assert "file_unreadable" not in [c["check"] for c in out["checks"]]


# --- a workbook written with openpyxl and saved by LibreOffice Calc as Excel 97 -------------------


def test__read_xls__the_same_document_as_its_xlsx(statement: Document) -> None:
    assert statement.file_type == XLS
    assert [(p.name, p.has_text) for p in statement.pages] == [("收入决算表", True), ("说明", True)]
    assert [ln.text for ln in statement.lines] == [
        # A merged cell's text once, on the row it starts in (A1:D1, C3:D3, A3:A4, B3:B4).
        "收入决算表",
        "单位：元 |  |  | ",
        "科目编码 | 科目名称 | 金额",
        "本年收入合计 | 财政拨款收入",
        "合计 |  | 1500.91 | 96282213.44",
        "201 | 一般公共服务支出 | 262.33 | ",
        "2080505 | 机关事业单位基本养老保险缴费支出 | 1238.58 | ",
        "填报日期 | 2024-03-01 | 88% | 95.5%",
        "说明",  # one text a row: prose
        "本表反映部门本年度取得的各项收入情况。",
    ]
    assert [ln.kind for ln in statement.lines] == ["row"] * 8 + ["prose"] * 2


def test__read_xls__numbers_percentages_and_dates(statement: Document) -> None:
    table = sheet(statement, "收入决算表")
    total = cell(table, "C5")  # =C6+C7 of 262.33 and 1238.58, stored as 1500.9099999999999
    assert (total.text, total.number) == ("1500.91", Decimal("1500.91"))
    assert cell(table, "D5").number == Decimal("96282213.44")
    assert (cell(table, "C8").text, cell(table, "C8").number) == ("88%", Decimal("0.88"))
    assert (cell(table, "D8").text, cell(table, "D8").number) == ("95.5%", Decimal("0.955"))
    assert (cell(table, "B8").text, cell(table, "B8").number) == ("2024-03-01", None)
    assert (cell(table, "A6").text, cell(table, "A6").number) == ("201", None)  # a code typed as text
    assert cell(table, "A7").number == Decimal("2080505")
    assert [c.origin for c in table.rows[2]] == [(2, 0), (2, 1), (2, 2), (2, 2)]  # C3:D3 across
    assert table.rows[3][0].origin == (2, 0)  # A3:A4 down
    assert table.cell_ref(4, 2) == "C5"


# --- damaged and encrypted workbooks --------------------------------------------------------------


def _with_workbook_stream(data: bytes, change: Callable[[bytes], bytes]) -> bytes:
    """The workbook with its 'Workbook' stream rewritten in place (same size), through olefile."""
    ole = olefile.OleFileIO(io.BytesIO(data), write_mode=True)
    stream = ole.openstream("Workbook").read()
    new = change(bytes(stream))
    assert len(new) == len(stream)
    ole.write_stream("Workbook", new)
    out = ole.fp.getvalue()
    ole.close()
    return out


def test__read_xls__damaged_workbook_stream_is_named_damaged() -> None:
    data = _with_workbook_stream(STATEMENT.read_bytes(), lambda s: b"\x00" * len(s))
    assert detect_type(data) == XLS  # the container is fine, the workbook inside is not
    with pytest.raises(UnreadableDocument, match=r"Excel（XLS）文件已损坏"):
        read_document("broken.xls", data)


def test__detect_type__encrypted_xls_is_refused_as_password_protected() -> None:
    def filepass(stream: bytes) -> bytes:
        # The record after the BOF becomes FILEPASS (0x002F), as Excel writes it for a password.
        bof_length = int.from_bytes(stream[2:4], "little")
        at = 4 + bof_length
        return stream[:at] + (0x002F).to_bytes(2, "little") + stream[at + 2 :]

    data = _with_workbook_stream(STATEMENT.read_bytes(), filepass)
    with pytest.raises(UnreadableDocument) as caught:
        detect_type(data)
    assert "密码" in str(caught.value) and "Excel（XLS）" in str(caught.value)


def test__read_document__an_xls_reader_crash_becomes_unreadable(monkeypatch: pytest.MonkeyPatch) -> None:
    # Whatever a damaged workbook makes xlrd raise, the build sees one failed document.
    import etl.readers.xls

    def crash(source_file: str, data: bytes) -> None:
        raise IndexError("list index out of range")

    monkeypatch.setattr(etl.readers.xls, "read_xls", crash)
    with pytest.raises(UnreadableDocument, match=r"读取 Excel（XLS）文件时出错（IndexError"):
        read_document(STATEMENT.name, STATEMENT.read_bytes())
