"""An XLSX's size, counted in its XML before openpyxl loads it.

openpyxl makes an object for every stored cell and row, and for every position a merged
range covers, before the reader sees the sheet: a 1,000,000-row sheet took 81 s and
800 MB, a merged range over the whole sheet never ends. Here each sheet's XML is streamed
(decompressed a block at a time, never whole) and its rows, cells and merged positions
counted, stopping at the first limit passed (``etl.readers.limits``); the ``<dimension>``
a sheet states is only quoted, since a program may write it wrong or not at all.

A sheet over a limit is replaced by an empty one in the bytes openpyxl is given, and the
reader names it in a check, so the workbook's other sheets are still read. When no sheet
with content is left, or the workbook as a whole is too large (its shared strings, its
cells, a part that decompresses beyond MAX_XML_BYTES), the file is refused saying which
limit, before openpyxl has seen it.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from etl.readers.formulas import _part, _relationships
from etl.readers.limits import MAX_CELLS, MAX_SHEET_ROWS, MAX_WORKBOOK_CELLS, MAX_XML_BYTES, MB
from etl.readers.text import UnreadableDocument

BLOCK = MB  # decompressed bytes looked at a time
_NS = rb"<(?:[\w.-]+:)?"
_ROW = re.compile(_NS + rb"row[\s/>]")
_CELL = re.compile(_NS + rb"c[\s/>]")
_STRING = re.compile(_NS + rb"si[\s/>]")
_MERGE = re.compile(_NS + rb"mergeCell\s[^>]*?\bref=[\"']([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?[\"']")
_DIMENSION = re.compile(_NS + rb"dimension\s[^>]*?\bref=[\"']([^\"']{1,40})[\"']")
_SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml")  # counted as sheets below
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
EMPTY_SHEET = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>'
)
TOO_LARGE = "文件过大或过于复杂："
LIMITS_WORDS = (
    f"超出读取上限（每个工作表 {MAX_SHEET_ROWS:,} 行、{MAX_CELLS:,} 个单元格），远大于任何公开表格，未读取"
)


@dataclass
class _Count:
    """What one streamed part holds, as far as it was read."""

    rows: int = 0
    cells: int = 0
    merged: int = 0
    strings: int = 0
    size: int = 0
    dimension: str | None = None
    over: str | None = None  # why counting stopped: the limit passed, in words


@dataclass(frozen=True)
class Oversized:
    """A sheet left out of what openpyxl loads, and why ('超过 100,000 行（文件标明的范围为 A1:B1000000）')."""

    title: str
    reason: str


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _area(m: re.Match[bytes]) -> int:
    """Positions a merged range covers ('C1:XFD1048576')."""
    if m.group(3) is None:
        return 1
    rows = abs(int(m.group(4)) - int(m.group(2))) + 1
    return rows * (abs(_column(m.group(3)) - _column(m.group(1))) + 1)


def _tally(count: _Count, text: bytes, sheet: bool) -> None:
    if sheet:
        count.rows += len(_ROW.findall(text))
        count.cells += len(_CELL.findall(text))
        count.merged += sum(_area(m) for m in _MERGE.finditer(text))
        if count.dimension is None and (m := _DIMENSION.search(text)):
            count.dimension = m.group(1).decode("ascii", "replace")
    else:
        count.strings += len(_STRING.findall(text))
    if count.rows > MAX_SHEET_ROWS:
        count.over = f"超过 {MAX_SHEET_ROWS:,} 行"
    elif count.cells > MAX_CELLS:
        count.over = f"超过 {MAX_CELLS:,} 个单元格"
    elif count.merged > MAX_CELLS:
        count.over = f"的合并单元格覆盖超过 {MAX_CELLS:,} 个单元格"
    elif count.strings > MAX_WORKBOOK_CELLS:
        count.over = f"有超过 {MAX_WORKBOOK_CELLS:,} 段文字"
    elif count.size > MAX_XML_BYTES:
        count.over = f"解压后超过 {MAX_XML_BYTES // MB} MB"


def _count(package: zipfile.ZipFile, part: str, sheet: bool) -> _Count:
    """Stream one part, counting until the end or the first limit passed.

    Each block is counted up to its last '<' and the rest carried over, so no tag is cut
    in two: every tag counted starts with '<' and holds no other.
    """
    count, carry = _Count(), b""
    with package.open(part) as stream:
        while True:
            block = stream.read(BLOCK)
            count.size += len(block)
            text = carry + block
            cut = text.rfind(b"<") if block else len(text)
            cut = len(text) if cut < 0 else cut
            _tally(count, text[:cut], sheet)
            carry = text[cut:]
            if not block or count.over:
                break
    return count


def _sheet_parts(package: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(title, part) of every sheet the workbook lists, in its order."""
    from lxml import etree

    workbook = etree.fromstring(package.read("xl/workbook.xml"))  # its size was counted first
    rels = _relationships(package, "xl/_rels/workbook.xml.rels")
    names = set(package.namelist())
    out = []
    for sheet in workbook.iterfind("{*}sheets/{*}sheet"):
        part = _part("xl", rels.get(sheet.get(_REL) or "", ""))
        if part in names:
            out.append((sheet.get("name") or "", part))
    return out


def _reason(count: _Count) -> str:
    stated = f"（文件标明的范围为 {count.dimension}）" if count.dimension else ""
    return f"{count.over}{stated}"


def guard(data: bytes) -> tuple[bytes, list[Oversized]]:
    """The bytes openpyxl may load (oversized sheets emptied) and those sheets; UnreadableDocument when nothing is left.

    A package this cannot follow is given to openpyxl unchanged: it says what is wrong.
    """
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        for info in package.infolist():  # every other XML part openpyxl reads whole, the workbook's first
            if _SHEET_PART.fullmatch(info.filename) or not info.filename.endswith((".xml", ".rels")):
                continue
            count = _count(package, info.filename, sheet=False)
            if count.over:
                raise UnreadableDocument(
                    f"{TOO_LARGE}Excel（XLSX）文件中的 {info.filename} {count.over}，未读取"
                )
        sheets = _sheet_parts(package)
        counts = [(title, part, _count(package, part, sheet=True)) for title, part in sheets]
    except UnreadableDocument:
        raise
    except Exception:  # damaged zip or XML: openpyxl reports it in the reader's words
        return data, []
    oversized = [(title, part, c) for title, part, c in counts if c.over]
    kept = [c for _, _, c in counts if not c.over]
    if oversized and not any(c.cells for c in kept):
        said = "；".join(f"工作表“{title}”{_reason(c)}" for title, _, c in oversized)
        raise UnreadableDocument(f"{TOO_LARGE}{said}，{LIMITS_WORDS}")
    cells = sum(c.cells for c in kept)
    if cells > MAX_WORKBOOK_CELLS:
        raise UnreadableDocument(
            f"{TOO_LARGE}Excel（XLSX）文件共有 {cells:,} 个单元格，超过每个文件 {MAX_WORKBOOK_CELLS:,} 个的上限，"
            "远大于任何公开表格，未读取"
        )
    if not oversized:
        return data, []
    return _without(package, {part for _, part, _ in oversized}), [
        Oversized(title, _reason(c)) for title, _, c in oversized
    ]


def _without(package: zipfile.ZipFile, parts: set[str]) -> bytes:
    """The package with the given sheet parts emptied (and their relationships dropped)."""
    dropped = {f"{p.rsplit('/', 1)[0]}/_rels/{p.rsplit('/', 1)[1]}.rels" for p in parts}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in package.infolist():
            if info.filename in dropped:
                continue
            body = EMPTY_SHEET if info.filename in parts else package.read(info.filename)
            z.writestr(info.filename, body)
    return out.getvalue()
