"""Synthetic originals with known figures: a 决算 as DOCX and a 预算 as XLSX.

The text generator (:mod:`etl.synth`) writes the layouts the text parsers were built
on; this one writes real Word and Excel files through python-docx and openpyxl, in
renderings the grid parser was not written against, chosen per document at random:
codes in one spaced column ('208 05 05') or in three 类/款/项 columns, the name column
before the code column, blank cells for zero figures, a table continued after a page
break with or without its header, a title and 单位 line inside the sheet, and 元 without
decimals. Round-trip tests hold the parser's output to the truth recorded here.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from decimal import Decimal

from etl.synth import DEPARTMENTS, DISTRICTS, TruthLine, _accounts, _fmt, _totals

WAN = Decimal(10000)
ORIGINAL_LAYOUTS = ("final_accounts_docx", "budget_xlsx")


@dataclass
class SynthOriginal:
    file_name: str
    data: bytes
    district: str
    department: str
    year: int
    layout: str
    unit: str  # the unit the tables print: 万元 (决算) or 元 (预算)
    renderings: dict[str, object] = field(default_factory=dict)
    lines: list[TruthLine] = field(default_factory=list)  # amounts in ``unit``


def _code_cells(code: str, spaced: bool) -> list[str]:
    """'2080505' -> ['208 05 05'] (one spaced column) or ['208', '05', '05'] (类/款/项)."""
    parts = [code[:3], code[3:5], code[5:7]]
    if spaced:
        return [" ".join(p for p in parts if p)]
    return parts


def _figure(value: Decimal, blank_zero: bool, unit: str) -> str:
    if value == 0 and blank_zero:
        return ""
    if unit == "元":
        return f"{int(value):,}"
    return _fmt(value)


def _who(index: int, seed: int) -> tuple[random.Random, str, str, int]:
    rng = random.Random(seed * 7_000_003 + index)
    district = DISTRICTS[index % len(DISTRICTS)]
    department = f"上海市{district}区{DEPARTMENTS[(index // len(DISTRICTS)) % len(DEPARTMENTS)]}"
    year = 2020 + index % 6
    return rng, district.removesuffix("新"), department, year


def final_accounts_docx(index: int, seed: int = 0) -> SynthOriginal:
    """A 决算 as Word: cover, 目录, 支出决算表 (maybe over a page break) and the 基本支出 table."""
    import docx
    from docx.enum.text import WD_BREAK

    rng, district, department, year = _who(index, seed)
    acc = _accounts(rng)
    spaced = rng.random() < 0.5
    name_first = rng.random() < 0.5
    blank_zero = rng.random() < 0.7
    break_at = rng.randint(1, len(acc.rows) - 1) if rng.random() < 0.6 else None
    repeat_header = rng.random() < 0.5
    doc = SynthOriginal(
        f"synth_{index:05d}_final_accounts.docx",
        b"",
        district,
        department,
        year,
        "final_accounts_docx",
        "万元",
        {
            "spaced_codes": spaced,
            "name_first": name_first,
            "blank_zero": blank_zero,
            "page_break": break_at,
            "header_repeated": repeat_header,
        },
    )
    d = docx.Document()
    d.add_paragraph(department)
    d.add_paragraph(f"{year}年度部门决算")
    d.add_paragraph("目录")
    d.add_paragraph("一、支出决算表")
    d.add_paragraph("二、一般公共预算财政拨款基本支出决算表")
    d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    d.add_paragraph("支出决算表")
    d.add_paragraph("单位：万元")
    n_code = 1 if spaced else 3
    header = ["科目编码"] * n_code + ["科目名称"]
    if name_first:
        header = ["科目名称"] + ["科目编码"] * n_code
    header += ["本年支出合计", "基本支出", "项目支出"]
    total, basic, project = _totals(acc)

    def row_cells(label_cells: list[str], name: str, values: list[Decimal]) -> list[str]:
        figures = [_figure(v, blank_zero, "万元") for v in values]
        return ([name, *label_cells] if name_first else [*label_cells, name]) + figures

    rows = [row_cells(["合计"] * n_code, "合计", [total, basic, project])]
    doc.lines += [
        TruthLine("支出决算表", None, "合计", m, v)
        for m, v in (("本年支出合计", total), ("基本支出", basic), ("项目支出", project))
        if not (v == 0 and blank_zero)
    ]
    for code, name, b, p in acc.rows:
        rows.append(row_cells(_code_cells(code, spaced), name, [b + p, b, p]))
        doc.lines += [
            TruthLine("支出决算表", code, name, m, v)
            for m, v in (("本年支出合计", b + p), ("基本支出", b), ("项目支出", p))
            if not (v == 0 and blank_zero)
        ]
    first, rest = (rows, []) if break_at is None else (rows[: break_at + 1], rows[break_at + 1 :])
    _docx_table(d, [header, *first], merge_codes=not spaced and not name_first)
    if rest:
        d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _docx_table(d, [header, *rest] if repeat_header else rest, merge_codes=False)
    d.add_paragraph("注：本表反映部门本年度各项支出情况。")
    d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    d.add_paragraph(f"{year}年度一般公共预算财政拨款基本支出决算表")
    d.add_paragraph("单位：万元")
    econ = [["经济分类科目编码", "科目名称", "决算数", "经济分类科目编码", "科目名称", "决算数"]]
    half = (len(acc.economic) + 1) // 2
    left, right = acc.economic[:half], acc.economic[half:]
    for i in range(half):
        cells = [_spaced_economic(left[i][0], spaced), left[i][1], _figure(left[i][2], blank_zero, "万元")]
        if i < len(right):
            cells += [
                _spaced_economic(right[i][0], spaced),
                right[i][1],
                _figure(right[i][2], blank_zero, "万元"),
            ]
        else:
            cells += ["", "", ""]
        econ.append(cells)
    doc.lines += [
        TruthLine("一般公共预算财政拨款基本支出决算表", code, name, "决算数", amount)
        for code, name, amount in acc.economic
        if not (amount == 0 and blank_zero)
    ]
    _docx_table(d, econ, merge_codes=False)
    buffer = io.BytesIO()
    d.save(buffer)
    doc.data = buffer.getvalue()
    return doc


def _spaced_economic(code: str, spaced: bool) -> str:
    return f"{code[:3]} {code[3:]}".strip() if spaced else code


def _docx_table(d: object, rows: list[list[str]], merge_codes: bool) -> None:
    """A Word table; the total row's label cells merged across the code columns when asked."""
    table = d.add_table(rows=len(rows), cols=len(rows[0]))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    if merge_codes and len(rows) > 1 and rows[1][0] == "合计":
        merged = table.cell(1, 0).merge(table.cell(1, 3))
        merged.text = "合计"


def budget_xlsx(index: int, seed: int = 0) -> SynthOriginal:
    """A 预算 as Excel: one sheet 支出预算总表 in 元 without decimals, title and unit in the sheet."""
    import openpyxl

    rng, district, department, year = _who(index, seed)
    acc = _accounts(rng)
    scope = rng.choice(["部门", "预算单位"])
    wb = openpyxl.Workbook()
    cover = wb.active
    cover.title = "封面"
    cover["A1"] = f"上海市{district}区{year}年区级{'部门' if scope == '部门' else '单位'}预算"
    cover["A2"] = f"{'预算主管部门' if scope == '部门' else '预算单位'}：{department}"
    cover["A4"] = "目录"
    cover["A5"] = f"1. {year}年{scope}支出预算总表"
    ws = wb.create_sheet("支出预算总表")
    ws["A1"] = f"{year}年{scope}支出预算总表"
    ws.merge_cells("A1:F1")
    ws["A2"] = f"编制部门：{department}"
    ws["F2"] = "单位：元"
    ws.append(["项目", None, None, None, "支出预算", None])
    ws.merge_cells("A3:D3")
    ws.merge_cells("E3:F3")
    ws.append(["功能分类科目编码", None, None, "功能分类科目名称", "基本支出", "项目支出"])
    ws.merge_cells("A4:C4")
    ws.append(["类", "款", "项", None, None, None])
    ws.merge_cells("D4:D5")
    ws.merge_cells("E4:E5")
    ws.merge_cells("F4:F5")
    doc = SynthOriginal(
        f"synth_{index:05d}_budget.xlsx",
        b"",
        district,
        department,
        year,
        "budget_xlsx",
        "元",
        {"scope": scope},
    )
    statement = f"{scope}支出预算总表"
    for code, name, b, p in acc.rows:
        parts = [code[:3], code[3:5] or None, code[5:7] or None]
        ws.append([*parts, name, int(b * WAN), int(p * WAN)])
        doc.lines += [
            TruthLine(statement, code, name, m, v * WAN) for m, v in (("基本支出", b), ("项目支出", p))
        ]
    _, basic, project = _totals(acc)
    ws.append(["合计", None, None, None, int(basic * WAN), int(project * WAN)])
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=4)
    doc.lines += [
        TruthLine(statement, None, "合计", m, v * WAN)
        for m, v in (("基本支出", basic), ("项目支出", project))
    ]
    for row in ws.iter_rows(min_row=6, min_col=5, max_col=6):
        for cell in row:
            cell.number_format = "#,##0"
    buffer = io.BytesIO()
    wb.save(buffer)
    doc.data = buffer.getvalue()
    return doc


def generate_original(index: int, seed: int = 0, layout: str | None = None) -> SynthOriginal:
    layout = layout or ORIGINAL_LAYOUTS[index % len(ORIGINAL_LAYOUTS)]
    if layout == "final_accounts_docx":
        return final_accounts_docx(index, seed)
    return budget_xlsx(index, seed)
