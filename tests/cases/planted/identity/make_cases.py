"""Remake the identity cases: python tests/cases/planted/identity/make_cases.py (from the repo root).

Each case copies a real document's cover, one of its tables and its 说明 sentence (typed
from tests/cases/real, see README.md here) into a small Word file, with one fact planted or
left as printed. The two wrapped-cover cases are rendered to PDF by LibreOffice
(``soffice --headless --convert-to pdf``), so the name breaks at a line end exactly as a
cover printed in a large font does; the Word file is removed after conversion.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import docx
import openpyxl
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

HERE = Path(__file__).resolve().parent
FONT = "Noto Serif CJK SC"

# putuo_finance_bureau_2024_final_accounts.pdf p.10, 支出决算表 (万元): the 201 class, typed from the page.
FINANCE_ROWS = [
    ["201", "一般公共服务支出", "2,106.66", "1,503.52", "603.14"],
    ["201 06", "财政事务", "2,106.66", "1,503.52", "603.14"],
    ["201 06 01", "行政运行", "1,511.89", "1,503.52", "8.37"],
    ["201 06 02", "一般行政管理事务", "10.00", "", "10.00"],
    ["201 06 07", "信息化建设", "135.25", "", "135.25"],
    ["201 06 08", "财政委托业务支出", "449.52", "", "449.52"],
]
FINAL_HEADER = ["科目编码", "科目名称", "本年支出合计", "基本支出", "项目支出"]
# putuo_finance_bureau_2024_final_accounts.pdf p.24 (三) 国有资产占有使用情况说明, as printed but the date.
FINANCE_ASSETS = (
    "截至{date}，上海市普陀区财政局共有车辆0辆，其中：部级领导干部用车0辆、主要领导干部用车0辆、"
    "机要通信用车0辆、应急保障用车0辆、执法执勤用车0辆、特种专业技术用车0辆、离退休干部用车0辆、"
    "其他用车0辆。单价100万元（含）以上设备（不含车辆）2台（套）。"
)
# putuo_justice_bureau_2026_department_budget.pdf p.15, 一般公共预算支出功能分类预算表 (元): the 204 class.
JUSTICE_ROWS = [
    ["204", "公共安全支出", "87267272.44", "16726725.44", "70540547.00"],
    ["204 06", "司法", "87267272.44", "16726725.44", "70540547.00"],
    ["204 06 01", "行政运行", "16726725.44", "16726725.44", "0.00"],
    ["204 06 04", "基层司法业务", "21703947.00", "0.00", "21703947.00"],
    ["204 06 05", "普法宣传", "1242900.00", "0.00", "1242900.00"],
    ["204 06 07", "公共法律服务", "6860000.00", "0.00", "6860000.00"],
    ["204 06 13", "信息化建设", "2278800.00", "0.00", "2278800.00"],
    ["204 06 99", "其他司法支出", "38454900.00", "0.00", "38454900.00"],
]
BUDGET_HEADER = ["功能分类科目编码", "功能分类科目名称", "合计", "基本支出", "项目支出"]
# putuo_justice_bureau_2026_department_budget.pdf p.22 五、国有资产占有使用情况, as printed but the date.
JUSTICE_ASSETS = (
    "截至{date}，上海市普陀区司法局共有车辆3辆，其中：部级领导干部用车0辆、主要领导干部用车0辆、"
    "机要通信用车0辆、应急保障用车0辆、执法执勤用车3辆、特种专业技术用车0辆、离退休干部用车0辆、"
    "其他用车0辆；单价100万元（含）以上设备（不含车辆）0台（套）。"
)


def _document() -> docx.Document:
    d = docx.Document()
    section = d.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    # Word's A4 margins for Chinese documents: 3.17 cm left and right (415.6 pt of text).
    section.left_margin = section.right_margin = Cm(3.17)
    style = d.styles["Normal"]
    style.font.name = FONT
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    return d


def _para(d: docx.Document, text: str, size: float | None = None, center: bool = False) -> None:
    p = d.add_paragraph()
    run = p.add_run(text)
    run.font.name = FONT
    run.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    if size is not None:
        run.font.size = Pt(size)
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _page_break(d: docx.Document) -> None:
    d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _table(d: docx.Document, rows: list[list[str]]) -> None:
    table = d.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text


def final_accounts(
    department: str, *, report_date: str | None = None, assets_date: str | None = None
) -> docx.Document:
    """A 2024 决算 after the 财政局's: cover (36 pt name), 支出决算表 (201 class), 国有资产 sentence."""
    d = _document()
    _para(d, department, 36, center=True)
    _para(d, "2024年度部门决算", 26, center=True)
    if report_date is not None:
        _para(d, f"报送日期：{report_date}", 16, center=True)
    _page_break(d)
    _para(d, "支出决算表", 16, center=True)
    _para(d, "单位：万元")
    _table(d, [FINAL_HEADER, *FINANCE_ROWS])
    if assets_date is not None:
        _page_break(d)
        _para(d, "（三）国有资产占有使用情况说明")
        _para(d, FINANCE_ASSETS.format(date=assets_date))
    return d


def budget(
    department: str, *, size: float = 16, assets_date: str | None = None, signed: str | None = None
) -> docx.Document:
    """A 2026 部门预算 after the 司法局's: cover, 功能分类预算表 (204 class), 国有资产 sentence, 落款."""
    d = _document()
    _para(d, "上海市普陀区2026年区级部门预算", 22, center=True)
    _para(d, f"预算主管部门：{department}", size)
    _page_break(d)
    _para(d, "2026年部门一般公共预算支出功能分类预算表", 16, center=True)
    _para(d, f"编制部门：{department}")
    _para(d, "单位：元")
    _table(d, [BUDGET_HEADER, *JUSTICE_ROWS])
    if assets_date is not None or signed is not None:
        _page_break(d)
    if assets_date is not None:
        _para(d, "五、国有资产占有使用情况")
        _para(d, JUSTICE_ASSETS.format(date=assets_date))
    if signed is not None:
        _para(d, department)
        _para(d, signed)
    return d


def _to_pdf(d: docx.Document, name: str) -> None:
    """Render the Word file to HERE/name with LibreOffice."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / (Path(name).stem + ".docx")
        d.save(source)
        subprocess.run(
            ["soffice", "--headless", "--convert-to", "pdf", "--outdir", tmp, str(source)],
            check=True,
            capture_output=True,
            timeout=180,
        )
        shutil.copyfile(Path(tmp) / name, HERE / name)


def placeholder_form() -> None:
    """A self-evaluation form whose head still names the template's 主管部门 and 实施单位."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "自评表"
    ws.append(["2024年度项目支出绩效自评表"])
    ws.append(["项目名称", "XX项目"])
    ws.append(["主管部门", "上海市XX区XX局", "实施单位", "XX单位"])
    wb.save(HERE / "placeholder_form.xlsx")


def main() -> None:
    # The name breaks after 规划和自然 at 36 pt (11 characters a line), after 执 at 20 pt.
    _to_pdf(final_accounts("上海市普陀区规划和自然资源局"), "wrapped_title_final_accounts.pdf")
    _to_pdf(budget("上海市普陀区城市管理行政执法局", size=20), "wrapped_label_budget.pdf")
    final_accounts("中共上海市普陀区委宣传部").save(HERE / "party_committee_final_accounts.docx")
    budget("上海市普陀区XX局").save(HERE / "placeholder_budget.docx")
    placeholder_form()
    final_accounts("上海市普陀区财政局", report_date="2024年3月", assets_date="2023年12月31日").save(
        HERE / "final_accounts_dates_planted.docx"
    )
    final_accounts("上海市普陀区财政局", report_date="2025年3月", assets_date="2024年12月31日").save(
        HERE / "final_accounts_dates_genuine.docx"
    )
    budget("上海市普陀区司法局", assets_date="2024年8月31日", signed="2027年1月").save(
        HERE / "budget_dates_planted.docx"
    )
    budget("上海市普陀区司法局", assets_date="2025年8月31日", signed="2025年9月").save(
        HERE / "budget_dates_genuine.docx"
    )


if __name__ == "__main__":
    main()
