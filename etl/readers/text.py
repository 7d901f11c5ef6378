"""Text files -> the document model: the only place that knows about encodings and line ends.

Documents arrive as UTF-8, UTF-8 with BOM, GB18030/GBK, UTF-16 (Windows' "Unicode", either
byte order, with or without BOM), with CRLF or LF line ends and form feeds between PDF pages
(a Big5 text is refused as such, never read as garbled GB18030: ``etl.readers.encodings``).
All of them must give the same text, so every parser sees one canonical form: str, '\\n'
line ends, no BOM, form feeds turned into line breaks (a page break is a line break, never
glue). A text larger than any document (``etl.readers.limits``: its bytes, its longest line,
its largest table) is refused before it is decoded or split into cells.

A table copied out of Excel or Word arrives as tab-separated lines, one line a
row: that is already a grid, so such lines become table rows whose cells are the
tab-separated parts, exactly as printed (no space removed: the parts joined by
tabs give the line back). Word's other text form of a table — one cell per line,
each opened by a single leading tab, rows between blank lines — stays prose here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from etl.model import Check
from etl.readers.encodings import looks_big5, utf16_codec
from etl.readers.limits import MAX_CELLS, MAX_LINE_CHARS, MAX_TEXT_BYTES, MB
from etl.readers.model import PART, PROSE, ROW, TEXT, Cell, Document, DocumentBuilder, Line, Table


class UnreadableDocument(Exception):
    """The bytes are not a text document we can read; the message says why."""


class ConverterMissing(UnreadableDocument):
    """This machine lacks the program the file type needs (LibreOffice for a .doc): the file may be fine.

    Unlike every other refusal it is no fact about the file, so it is never remembered
    (the build does not cache it): once the program is installed, the file is read.
    """


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str
    checks: tuple[Check, ...] = ()


BINARY = "文件既不是 PDF、DOCX、XLSX，也不是文本（含二进制字节）"
BIG5 = (
    "文件编码为繁体中文 Big5，本系统只读取简体中文文本（UTF-8、UTF-16 或 GB18030/GBK），"
    "按 GB18030 读出的将是乱码，未读取；请在记事本或 WPS 中将文件另存为 UTF-8 编码后再导入"
)
TOO_LARGE = "文件过大或过于复杂："


def _controls(sample: bytes | str) -> bool:
    """More control characters than a text has (tab, line ends and form feed aside)."""
    codes = sample if isinstance(sample, bytes) else [ord(ch) for ch in sample]
    controls = sum(1 for b in codes if b < 32 and b not in (9, 10, 12, 13))
    return controls > max(8, len(sample) // 100)


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    return b"\x00" in sample or _controls(sample)


def _decode(data: bytes) -> DecodedText:
    """Bytes -> text with '\\n' line ends (form feeds kept), or raise UnreadableDocument."""
    if len(data) > MAX_TEXT_BYTES:
        raise UnreadableDocument(
            f"{TOO_LARGE}文本文件大小为 {len(data) / MB:.1f} MB，超过文本文件的上限 {MAX_TEXT_BYTES // MB} MB"
            "（公开文件的文本通常不足 1 MB），未读取"
        )
    if not data.strip():
        raise UnreadableDocument("文件为空（0 字节或只有空白）")
    checks: list[Check] = []
    codec = utf16_codec(data)
    if codec is not None:
        text = _decode_utf16(data, codec, checks)
        return _checked(text.replace("\r\n", "\n").replace("\r", "\n"), codec, checks)
    if _looks_binary(data):
        raise UnreadableDocument(BINARY)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        encoding = "utf-8-sig"
        text = _decode_utf8(data, checks)
    else:
        try:
            text = data.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError as exc:
            # A cut-off UTF-8 file fails only in its last few bytes.
            if exc.start >= len(data) - 3:
                text = _decode_utf8(data, checks)
                encoding = "utf-8"
            elif looks_big5(data):
                raise UnreadableDocument(BIG5) from exc
            else:
                try:
                    text = data.decode("gb18030")
                    encoding = "gb18030"
                except UnicodeDecodeError as exc2:
                    raise UnreadableDocument(
                        f"无法识别文本编码（既不是 UTF-8 也不是 GB18030，第 {exc2.start} 字节出错）"
                    ) from exc2
    return _checked(text.replace("\r\n", "\n").replace("\r", "\n"), encoding, checks)


def _checked(text: str, encoding: str, checks: list[Check]) -> DecodedText:
    """The decoded text, unless one of its lines is longer than any document's (MAX_LINE_CHARS).

    Checked before any line is split into cells: a 20 MB line of tab-separated figures
    would otherwise become millions of cells that every parser scans.
    """
    if len(text) > MAX_LINE_CHARS:
        for number, line in enumerate(text.replace("\f", "\n").split("\n"), start=1):  # read_text's lines
            if len(line) > MAX_LINE_CHARS:
                raise UnreadableDocument(
                    f"{TOO_LARGE}第 {number} 行有 {len(line):,} 个字符，超过每行 {MAX_LINE_CHARS:,} 个字符的上限"
                    "（公开文件最长的一行不到 2,000 个字符；文件可能没有换行），未读取"
                )
    return DecodedText(text=text, encoding=encoding, checks=tuple(checks))


def decode_document(data: bytes) -> DecodedText:
    """Decode document bytes into canonical text, or raise UnreadableDocument."""
    raw = _decode(data)
    return DecodedText(raw.text.replace("\f", "\n"), raw.encoding, raw.checks)


def is_grid_row(line: str) -> bool:
    """A tab-separated table row: text before a tab, or two tabs or more.

    A line with one leading tab and nothing else tabbed is Word's one-cell-a-line
    table text (or an indented paragraph), not a row of cells.
    """
    head, tab, rest = line.partition("\t")
    return bool(tab) and (bool(head.strip()) or "\t" in rest)


def is_cell_line(line: str) -> bool:
    """A line of Word's one-cell-a-line table text: one leading tab opens a cell (alone: an empty one)."""
    return line.startswith("\t") and "\t" not in line[1:]


@dataclass(frozen=True)
class _Item:
    page: int
    text: str


def read_text(source_file: str, data: bytes) -> Document:
    """A text extraction: a line per text line, a new page at each form feed.

    Tables come in two text forms, both read into grids whose cells are the text as
    printed: tab-separated lines (one row a line, short rows padded with blank cells),
    and Word's one-cell-a-line text (a leading tab opens a cell, a line without a tab
    continues the open cell, a blank line ends the row). A block of Word's text whose
    rows all hold one cell is indented prose and stays prose. Every other line is prose.
    The lines are exactly those of :func:`decode_document`, so a figure's line number
    is the text file's line number whatever the line became.
    """
    raw = _decode(data)
    builder = DocumentBuilder(source_file, TEXT)
    builder.page()
    doc = builder.document
    items: list[_Item] = []
    page = 1
    for text_line in raw.text.split("\n"):
        for i, part in enumerate(text_line.split("\f")):
            if i:
                builder.page()
                page += 1
            items.append(_Item(page, part))
    i = 0
    while i < len(items):
        if is_grid_row(items[i].text):
            j = i
            while j < len(items) and items[j].page == items[i].page and is_grid_row(items[j].text):
                j += 1
            _tab_grid(doc, items[i:j])
        elif is_cell_line(items[i].text):
            j = _word_table_end(items, i)
            _word_grid(doc, items[i:j])
        else:
            j = i + 1
            doc.lines.append(Line(len(doc.lines) + 1, items[i].page, items[i].text, PROSE))
        i = j
    doc.encoding = raw.encoding
    doc.checks.extend(raw.checks)
    doc.raw_text = raw.text.replace("\f", "\n")
    return doc


def _tab_grid(doc: Document, items: list[_Item]) -> None:
    """Tab-separated lines -> one table; each row keeps its own text line."""
    rows = [item.text for item in items]
    page = items[0].page
    parts = [row.split("\t") for row in rows]
    width = max(len(p) for p in parts)
    _refuse_huge_grid(len(doc.lines) + 1, len(rows), width)
    grid = [
        [Cell(p[c] if c < len(p) else "", r, c, (r, c)) for c in range(width)] for r, p in enumerate(parts)
    ]
    widths = [len(p) for p in parts]
    index = sum(1 for t in doc.tables if t.page == page) + 1
    doc.tables.append(Table(page, index, grid, len(doc.lines) + 1, widths=widths, placed=False))
    position = len(doc.tables) - 1
    for row in rows:
        doc.lines.append(Line(len(doc.lines) + 1, page, row, ROW, table=position))


def _refuse_huge_grid(line: int, n_rows: int, width: int) -> None:
    """A text table larger than any form (MAX_CELLS, as for a sheet) is refused before its cells are made."""
    if n_rows * width > MAX_CELLS:
        raise UnreadableDocument(
            f"{TOO_LARGE}从第 {line} 行起的文本表格有 {n_rows:,} 行 × {width:,} 列，"
            f"超过每个表格 {MAX_CELLS:,} 个单元格的上限，远大于任何公开表格，未读取"
        )


def _word_table_end(items: list[_Item], start: int) -> int:
    """End (exclusive) of Word's one-cell-a-line table text that starts at ``start``.

    It runs over cell lines, over text lines right after a cell's line (the cell's
    wrapped paragraphs) and over blank lines that a cell line follows; a page break, a
    tab-separated row, or text after a blank line ends it.
    """
    page = items[start].page
    end = start + 1
    j = start + 1
    while j < len(items) and items[j].page == page:
        text = items[j].text
        if is_cell_line(text):
            end = j = j + 1
        elif is_grid_row(text):
            break
        elif not text.strip():
            k = j
            while k < len(items) and items[k].page == page and not items[k].text.strip():
                k += 1
            if (
                k < len(items)
                and items[k].page == page
                and (is_cell_line(items[k].text) or _wrapped_after_blank(items, k))
            ):
                j = k
            else:
                break
        elif items[j - 1].text.strip() or _wrapped_after_blank(items, j):
            end = j = j + 1
        else:
            break
    return end


_PAGE_NUMBER = re.compile(r"^(?:[-—－]\s*\d+\s*[-—－]|\d{1,3}|第\s*\d+\s*页.*)$")
MAX_WRAPPED_CHARS = 8  # a cell's last short paragraph standing alone between blank lines


def _wrapped_after_blank(items: list[_Item], at: int) -> bool:
    """A cell's paragraph printed after a blank line, the table going on below it.

    Word's text puts a blank line between a cell's paragraphs as between rows: '→因公出国 /
    (blank) / （境）费 / →公务用车购置及运行维护费' is one row whose second cell reads 因公出国（境）费.
    A short paragraph with blank lines on both sides ('→年末结转和 / (blank) / 结余 / (blank) /
    →功能分类科目编码') ends its cell and the row; a page number never joins a cell.
    """
    text = items[at].text
    if not text.strip() or "\t" in text:
        return False
    nxt = at + 1
    while nxt < len(items) and items[nxt].page == items[at].page and not items[nxt].text.strip():
        nxt += 1
    if nxt >= len(items) or items[nxt].page != items[at].page or not is_cell_line(items[nxt].text):
        return False
    short = len(text.strip()) <= MAX_WRAPPED_CHARS and not _PAGE_NUMBER.match(text.strip())
    return nxt == at + 1 or short


def _word_grid(doc: Document, items: list[_Item]) -> None:
    """Word's one-cell-a-line table text -> one table (rows between blank lines).

    A cell's lines are joined with line breaks, as printed. A row is told by the line
    that opens its first cell; the other lines of the block are parts of a row.
    """
    page = items[0].page
    rows: list[list[list[str]]] = []  # row -> cell -> its lines
    cell_starts: list[list[int]] = []  # row -> offset in ``items`` of each cell's first line
    row_starts: list[int] = []  # offset in ``items`` of each row's first line
    starts: set[int] = set()
    for offset, item in enumerate(items):
        text = item.text
        if not text.strip() and "\t" not in text:
            continue  # a blank line ends the row
        if is_cell_line(text):
            if not rows or (
                offset > 0 and not items[offset - 1].text.strip() and "\t" not in items[offset - 1].text
            ):
                rows.append([])
                cell_starts.append([])
                row_starts.append(offset)
                starts.add(offset)
            rows[-1].append([text[1:]])
            cell_starts[-1].append(offset)
        else:
            rows[-1][-1].append(text)  # a wrapped line of the open cell
    first = len(doc.lines) + 1
    if max(len(row) for row in rows) <= 1:
        for item in items:  # one cell a row: indented paragraphs, not a table
            doc.lines.append(Line(len(doc.lines) + 1, page, item.text, PROSE))
        return
    width = max(len(row) for row in rows)
    _refuse_huge_grid(first, len(rows), width)
    grid = [
        [
            Cell("\n".join(row[c]), r, c, (r, c), line=first + cell_starts[r][c])
            if c < len(row)
            else Cell("", r, c, (r, c))
            for c in range(width)
        ]
        for r, row in enumerate(rows)
    ]
    index = sum(1 for t in doc.tables if t.page == page) + 1
    table = Table(
        page,
        index,
        grid,
        first,
        widths=[len(row) for row in rows],
        row_lines=[first + offset for offset in row_starts],
        n_lines=len(items),
        placed=False,
    )
    doc.tables.append(table)
    position = len(doc.tables) - 1
    for offset, item in enumerate(items):
        kind = ROW if offset in starts else PART
        doc.lines.append(Line(len(doc.lines) + 1, page, item.text, kind, table=position))


def _decode_utf16(data: bytes, codec: str, checks: list[Check]) -> str:
    """UTF-16 of the given byte order (a BOM dropped); a cut-off last character is a check, as in UTF-8."""
    bom = "\ufeff".encode(codec)
    if data.startswith(bom):
        data = data[len(bom) :]
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        if exc.start < len(data) - 4:
            raise UnreadableDocument(BINARY) from exc
        checks.append(_truncated(len(data), exc.start))
        text = data[: exc.start].decode(codec)
    if _controls(text[:8192]):  # 16-bit numbers of a binary file look like UTF-16 by their NULs
        raise UnreadableDocument(BINARY)
    return text


def _truncated(size: int, at: int) -> Check:
    return Check(
        check="file_truncated",
        severity="error",
        message=f"文件末尾有不完整的字符（共 {size} 字节，在第 {at} 字节处截断），文件可能不完整；"
        "已读取截断前的内容，截断处之后的表格缺失",
    )


def _decode_utf8(data: bytes, checks: list[Check]) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(data) - 3:
            raise UnreadableDocument(f"UTF-8 编码错误（第 {exc.start} 字节）") from exc
        checks.append(_truncated(len(data), exc.start))
        return data[: exc.start].decode("utf-8")
