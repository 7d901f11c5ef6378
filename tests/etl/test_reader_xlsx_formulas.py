"""XLSX formulas: a formula stored without its result is named in a check, never read as a silent blank.

openpyxl writes formulas without results (it never calculates), exactly like the
programs whose workbooks arrive unopened by Excel. Cached results are written into the
sheet XML by hand where a test needs them.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable

import openpyxl
from openpyxl.packaging.relationship import Relationship
from openpyxl.workbook.external_link.external import ExternalBook, ExternalLink

from etl import build
from etl.build import process_document
from etl.readers import read_document
from etl.synth_originals import budget_xlsx

MESSAGE = (
    "工作表“Sheet1”的单元格 C5 是公式“=C6+C7”，文件中没有保存计算结果，该值未读入；"
    "请在 Excel 中打开并保存后再导入"
)


def _save(wb: openpyxl.Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _sheet_xml(data: bytes, change: Callable[[bytes], bytes]) -> bytes:
    """The package with xl/worksheets/sheet1.xml changed by ``change(xml) -> xml``."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        for name in src.namelist():
            content = src.read(name)
            out.writestr(name, change(content) if name == "xl/worksheets/sheet1.xml" else content)
    return buf.getvalue()


def statement(formula: str = "=C6+C7") -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws["A4"], ws["B4"], ws["C4"] = "编码", "科目", "金额"
    ws["A5"], ws["B5"], ws["C5"] = "合计", "", formula
    ws["A6"], ws["B6"], ws["C6"] = "201", "一般公共服务支出", 262.33
    ws["A7"], ws["B7"], ws["C7"] = "205", "教育支出", 1238.58
    return wb


def test__read_xlsx__formula_without_result_is_named_with_its_cell_and_formula() -> None:
    doc = read_document("formula.xlsx", _save(statement()))
    (table,) = doc.tables
    assert table.rows[4][2].text == "" and table.rows[4][2].number is None  # C5: nothing to read
    assert [(c.check, c.severity, c.page) for c in doc.checks] == [("cell_formula_without_value", "error", 1)]
    assert doc.checks[0].message == MESSAGE
    assert doc.checks[0].source_line == table.line_of(4)  # row 5, where 原文查看 opens


def test__read_xlsx__cached_results_and_cached_empty_text_are_read_without_a_check() -> None:
    # Excel stores =C6+C7 with its result, and =IF(…,"") as an empty text result (t="str").
    wb = statement()
    wb.active["D5"] = '=IF(C5=0,"",C5)'
    data = _sheet_xml(
        _save(wb),
        lambda xml: xml.replace(b"<f>C6+C7</f><v></v>", b"<f>C6+C7</f><v>1500.91</v>").replace(
            b'<c r="D5"><f>', b'<c r="D5" t="str"><f>'
        ),
    )
    assert b'<c r="D5" t="str"><f>IF(C5=0,"",C5)</f><v></v>' in zipfile.ZipFile(io.BytesIO(data)).read(
        "xl/worksheets/sheet1.xml"
    ).replace(b"&quot;", b'"')
    doc = read_document("cached.xlsx", data)
    assert doc.tables[0].rows[4][2].number is not None
    assert str(doc.tables[0].rows[4][2].number) == "1500.91"
    assert doc.checks == []


def test__read_xlsx__two_hundred_formulas_of_a_sheet_give_one_check() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "支出明细"
    ws["A1"], ws["B1"], ws["C1"] = "科目", "上年", "本年"
    for r in range(2, 202):
        ws.cell(r, 1, f"项目{r}")
        ws.cell(r, 2, r)
        ws.cell(r, 3, f"=B{r}*2")
    doc = read_document("many.xlsx", _save(wb))
    assert [c.check for c in doc.checks] == ["cell_formula_without_value"]
    message = doc.checks[0].message
    assert message.startswith("工作表“支出明细”有 200 个单元格是公式，文件中没有保存计算结果，这些值未读入")
    assert "C2“=B2*2”、C3“=B3*2”、C4“=B4*2”等" in message and "C5" not in message
    assert message.endswith("请在 Excel 中打开并保存后再导入")


def test__read_xlsx__shared_formula_is_named_as_it_applies_to_each_cell() -> None:
    # Excel writes a filled-down formula once (the master) and refers to it from the other cells.
    wb = statement("=C6+C7")
    wb.active["D5"] = "=C6+C7"
    data = _sheet_xml(
        _save(wb),
        lambda xml: xml.replace(
            b'<c r="C5"><f>C6+C7</f>', b'<c r="C5"><f t="shared" ref="C5:D5" si="0">C6+C7</f>'
        ).replace(b'<c r="D5"><f>C6+C7</f>', b'<c r="D5"><f t="shared" si="0"/>'),
    )
    doc = read_document("shared.xlsx", data)
    assert "C5“=C6+C7”、D5“=D6+D7”" in doc.checks[0].message


def test__read_xlsx__formula_on_another_workbook_has_its_own_check_naming_the_file() -> None:
    wb = statement()
    wb.active["D5"] = "=[1]Sheet1!A1"
    link = ExternalLink(externalBook=ExternalBook(id="rId1"))
    link.file_link = Relationship(
        Id="rId1",
        type="externalLinkPath",
        Target="file:///C:/Users/caiwu/Desktop/2024%E9%A2%84%E7%AE%97%E6%98%8E%E7%BB%86.xlsx",
        TargetMode="External",
    )
    wb._external_links.append(link)
    doc = read_document("linked.xlsx", _save(wb))
    by_id = {c.check: c.message for c in doc.checks}
    assert by_id["cell_formula_without_value"] == MESSAGE
    assert by_id["cell_external_formula_without_value"] == (
        "工作表“Sheet1”的单元格 D5 是引用其他工作簿（2024预算明细.xlsx）的公式“=[1]Sheet1!A1”，"
        "文件中没有保存计算结果，该值未读入；请在 Excel 中打开该文件、更新链接（或将公式粘贴为数值）并保存后再导入"
    )


def test__read_xlsx__a_sheet_of_formulas_only_fails_saying_why() -> None:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "=1+1"
    wb.active["B2"] = "=A1*2"
    out = process_document("only_formulas.xlsx", _save(wb))
    assert out["document"]["status"] == "failed"
    (check,) = out["checks"]
    assert check["check"] == "file_unreadable"
    assert "没有任何有内容的工作表" in check["message"] and "A1“=1+1”" in check["message"]


def test__process_document__a_formula_without_result_makes_a_good_document_partial() -> None:
    good = budget_xlsx(0, seed=3)
    assert process_document(good.file_name, good.data)["document"]["status"] == "ok"
    wb = openpyxl.load_workbook(io.BytesIO(good.data))
    sheet = wb.create_sheet("计算")
    sheet["A1"], sheet["B1"] = "核对", "=1+1"
    page = len(wb.worksheets)  # the sheet added last
    out = process_document(good.file_name, _save(wb))
    assert out["document"]["status"] == "partial"
    found = [c for c in out["checks"] if c["check"] == "cell_formula_without_value"]
    assert [(c["severity"], c["source_page"]) for c in found] == [("error", page)]
    assert re.search(r"工作表“计算”的单元格 B1 是公式“=1\+1”", found[0]["message"])
    assert {"cell_formula_without_value", "cell_external_formula_without_value"} <= build.PARTIAL_CHECKS
