"""XLSX formula cells whose result the file does not hold, found in the package's sheet XML.

A workbook keeps a formula's last result beside the formula (``<v>``), and the reader
reads that result. A workbook written by a program and never opened in Excel has no
result to keep, so the cell would silently read as blank. This module finds such
cells so the reader can say which ones were not read, and why.

It reads the sheet XML itself instead of opening the workbook a second time with
openpyxl's ``data_only=False``: openpyxl turns a missing result and a cached empty
text (``=IF(B5=0,"",C5/B5)``, common in budget templates) into the same ``None``, and
only the XML tells them apart. Sheets are parsed only when their bytes hold an ``<f``
element, so a workbook without formulas costs one regular-expression scan per sheet.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from etl.model import Check
from etl.readers.model import Table

_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_HAS_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")
# '[1]Sheet1!A1' (Excel's index of an external link) or "'C:\\dir\\[预算.xlsx]Sheet1'!A1"
_EXTERNAL = re.compile(r"\[\d+\]|\[[^\[\]]+\.xl\w*\]", re.IGNORECASE)
SHOWN_CELLS = 3  # cells named in one check; the count says how many more
SHOWN_FORMULA = 60  # characters of a formula shown in a message


@dataclass(frozen=True)
class Unvalued:
    """A formula cell without a stored result."""

    ref: str  # 'C5'
    row: int  # 1-based sheet row
    formula: str  # '=C6+C7'
    external: bool  # refers to another workbook


def formulas_without_values(data: bytes) -> tuple[dict[str, list[Unvalued]], list[str]]:
    """(sheet title -> its unvalued formula cells in sheet order, the linked workbooks' names).

    A package this cannot follow (no workbook part, odd relationships) gives nothing:
    the reader has already opened it, and this only adds what it can prove.
    """
    from lxml import etree

    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        names = set(package.namelist())
        workbook = etree.fromstring(package.read("xl/workbook.xml"))
        rels = _relationships(package, "xl/_rels/workbook.xml.rels")
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return {}, []
    found: dict[str, list[Unvalued]] = {}
    for sheet in workbook.iterfind("{*}sheets/{*}sheet"):
        part = _part("xl", rels.get(sheet.get(_REL) or "", ""))
        if part not in names:
            continue
        xml = package.read(part)
        if not _HAS_FORMULA.search(xml):
            continue
        try:
            cells = _unvalued_cells(xml)
        except (etree.XMLSyntaxError, ValueError):  # openpyxl read the sheet; nothing here to prove
            continue
        if cells:
            found[sheet.get("name") or ""] = cells
    return found, _linked_workbooks(package, workbook, rels, names) if found else []


def _relationships(package: zipfile.ZipFile, part: str) -> dict[str, str]:
    from lxml import etree

    root = etree.fromstring(package.read(part))
    return {r.get("Id") or "": r.get("Target") or "" for r in root.iterfind("{*}Relationship")}


def _part(folder: str, target: str) -> str:
    """A relationship target as a package part name ('worksheets/sheet1.xml' -> 'xl/worksheets/sheet1.xml')."""
    if not target:
        return ""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(folder, target))


def _linked_workbooks(
    package: zipfile.ZipFile, workbook: Any, rels: dict[str, str], names: set[str]
) -> list[str]:
    """File names of the external workbooks, in Excel's [1], [2] … order ('' when unknown)."""
    linked = []
    for ref in workbook.iterfind("{*}externalReferences/{*}externalReference"):
        part = _part("xl", rels.get(ref.get(_REL) or "", ""))
        folder, name = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", name + ".rels")
        target = ""
        if rels_part in names:
            try:
                target = next(iter(_relationships(package, rels_part).values()), "")
            except Exception:  # a damaged link part: the formula is still named, without its file
                target = ""
        linked.append(re.split(r"[\\/]", unquote(target))[-1])
    return linked


def _unvalued_cells(xml: bytes) -> list[Unvalued]:
    """Formula cells of one sheet's XML that hold no result (a cached empty text is a result)."""
    from lxml import etree
    from openpyxl.formula.translate import Translator
    from openpyxl.utils.cell import get_column_letter

    out: list[Unvalued] = []
    shared: dict[str, tuple[str, str]] = {}  # si -> (master formula, master cell)
    row_no, col_no, last_row = 0, 0, None
    for _, cell in etree.iterparse(io.BytesIO(xml), events=("end",), tag="{*}c"):
        row = cell.getparent()
        if row is not last_row:
            last_row = row
            row_no = int(row.get("r") or row_no + 1)
            col_no = 0
        ref = cell.get("r")
        match = _CELL_REF.fullmatch(ref or "")
        if match:
            row_no, col_no = int(match.group(2)), _column_number(match.group(1))
        else:
            col_no += 1
            ref = f"{get_column_letter(col_no)}{row_no}"
        f = cell.find("{*}f")
        if f is not None:
            text, si = f.text or "", f.get("si")
            if f.get("t") == "shared" and si is not None:
                if text:
                    shared[si] = (text, ref)
                elif si in shared:
                    master, origin = shared[si]
                    try:
                        text = Translator("=" + master, origin=origin).translate_formula(ref)[1:]
                    except Exception:  # a formula openpyxl cannot tokenise: name the master's text
                        text = master
            value = cell.find("{*}v")
            has_value = cell.find("{*}is") is not None or (
                value is not None and (bool(value.text) or cell.get("t") == "str")
            )
            if not has_value:
                formula = "=" + text if text else "（公式内容未保存）"
                out.append(Unvalued(ref, row_no, formula, bool(_EXTERNAL.search(text))))
        cell.clear()
    return out


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def formula_checks(
    title: str, page: int, cells: list[Unvalued], table: Table | None, linked: list[str]
) -> list[Check]:
    """One check per sheet and kind (plain / another workbook), naming the first cells and the count."""
    checks = []
    for external in (False, True):
        group = [c for c in cells if c.external is external]
        if not group:
            continue
        first = group[0]
        line = table.line_of(first.row - 1) if table is not None and first.row <= len(table.rows) else None
        checks.append(
            Check(
                "cell_external_formula_without_value" if external else "cell_formula_without_value",
                "error",
                _message(title, group, linked if external else []),
                source_line=line,
                page=page,
            )
        )
    return checks


def _shown(formula: str) -> str:
    return formula if len(formula) <= SHOWN_FORMULA else formula[: SHOWN_FORMULA - 1] + "…"


def _message(title: str, cells: list[Unvalued], linked: list[str]) -> str:
    used = sorted({int(n) for c in cells for n in re.findall(r"\[(\d+)\]", c.formula)})
    files = [
        linked[n - 1] for n in used if 0 < n <= len(linked) and linked[n - 1]
    ]  # the ones these cells name
    what = "公式"
    if cells[0].external:
        what = "引用其他工作簿" + (f"（{'、'.join(files)}）" if files else "") + "的公式"
    advice = (
        "请在 Excel 中打开该文件、更新链接（或将公式粘贴为数值）并保存后再导入"
        if cells[0].external
        else "请在 Excel 中打开并保存后再导入"
    )
    if len(cells) == 1:
        c = cells[0]
        return (
            f"工作表“{title}”的单元格 {c.ref} 是{what}“{_shown(c.formula)}”，文件中没有保存计算结果，"
            f"该值未读入；{advice}"
        )
    shown = "、".join(f"{c.ref}“{_shown(c.formula)}”" for c in cells[:SHOWN_CELLS])
    more = "等" if len(cells) > SHOWN_CELLS else ""
    return (
        f"工作表“{title}”有 {len(cells)} 个单元格是{what}，文件中没有保存计算结果，这些值未读入"
        f"（{shown}{more}）；{advice}"
    )
