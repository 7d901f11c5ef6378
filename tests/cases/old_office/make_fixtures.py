"""Writes the old-format fixtures: files made here, converted by LibreOffice to the 97-2003 formats.

budget_table.doc: a DOCX written with python-docx, converted to Word 97 (needs LibreOffice Writer).
statement.xls: an XLSX written with openpyxl, converted to Excel 97 (needs LibreOffice Calc, e.g. the
Debian package libreoffice-calc-nogui; only to make the file, the tests read it with xlrd).

Run from the repository root: ``.venv/bin/python tests/cases/old_office/make_fixtures.py``.
The tests read the committed files; this says how they were made.
"""

from __future__ import annotations

import subprocess
import tempfile
from datetime import datetime
from pathlib import Path

import docx
import openpyxl

HERE = Path(__file__).resolve().parent


def budget_table_docx(path: Path) -> None:
    """A title, a unit line, a 4 × 4 table with merged cells across and down, and a note."""
    d = docx.Document()
    d.add_paragraph("上海市普陀区示例局2024年部门预算收支总表")
    d.add_paragraph("单位：万元")
    table = d.add_table(rows=4, cols=4)
    table.style = "Table Grid"
    rows = [
        ["项目", "", "预算数", "备注"],
        ["收入", "财政拨款收入", "1,234.56", ""],
        ["", "事业收入", "78.90", "含上年结转"],
        ["合计", "", "1,313.46", ""],
    ]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if value:
                table.cell(r, c).text = value
    table.cell(0, 0).merge(table.cell(0, 1))  # 项目 across A1:B1
    table.cell(1, 0).merge(table.cell(2, 0))  # 收入 down A2:A3
    table.cell(3, 0).merge(table.cell(3, 1))  # 合计 across A4:B4
    d.add_paragraph("说明：本表反映部门年度收支预算总体情况。")
    d.save(str(path))


def statement_xlsx(path: Path) -> None:
    """A 收入决算表 sheet (merged title and header, 元 with formats, a percentage, a date, a formula), a 说明 sheet."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "收入决算表"
    ws["A1"] = "收入决算表"
    ws.merge_cells("A1:D1")
    ws["A2"] = "单位：元"
    ws["A3"] = "科目编码"
    ws.merge_cells("A3:A4")
    ws["B3"] = "科目名称"
    ws.merge_cells("B3:B4")
    ws["C3"] = "金额"
    ws.merge_cells("C3:D3")
    ws["C4"], ws["D4"] = "本年收入合计", "财政拨款收入"
    ws["A5"], ws["C5"], ws["D5"] = "合计", "=C6+C7", 96282213.44
    ws["A6"], ws["B6"], ws["C6"] = "201", "一般公共服务支出", 262.33
    ws["A7"], ws["B7"], ws["C7"] = 2080505, "机关事业单位基本养老保险缴费支出", 1238.58
    ws["A8"], ws["B8"], ws["C8"], ws["D8"] = "填报日期", datetime(2024, 3, 1), 0.88, 0.955
    for ref in ("C5", "D5", "C6", "C7"):
        ws[ref].number_format = "#,##0.00"
    ws["B8"].number_format = "yyyy-mm-dd"
    ws["C8"].number_format = "0%"
    ws["D8"].number_format = "0.0%"
    notes = wb.create_sheet("说明")
    notes["A1"] = "说明"
    notes["A2"] = "本表反映部门本年度取得的各项收入情况。"
    wb.save(str(path))


def convert(source: Path, to: str, tmp: Path) -> None:
    profile = (tmp / "profile").as_uri()
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--norestore",
            f"-env:UserInstallation={profile}",
            "--convert-to",
            to,
            "--outdir",
            str(HERE),
            str(source),
        ],
        check=True,
        timeout=120,
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        budget_table_docx(folder / "budget_table.docx")
        convert(folder / "budget_table.docx", "doc", folder)
        statement_xlsx(folder / "statement.xlsx")
        convert(folder / "statement.xlsx", "xls", folder)


if __name__ == "__main__":
    main()
