"""Text files -> the document model: the only place that knows about encodings and line ends.

Documents arrive as UTF-8, UTF-8 with BOM, GB18030/GBK, with CRLF or LF
line ends and form feeds between PDF pages. All of them must give the same
text, so every parser sees one canonical form: str, '\\n' line ends, no BOM,
form feeds turned into line breaks (a page break is a line break, never glue).

A table copied out of Excel or Word arrives as tab-separated lines, one line a
row: that is already a grid, so such lines become table rows whose cells are the
tab-separated parts, exactly as printed (no space removed: the parts joined by
tabs give the line back). Word's other text form of a table — one cell per line,
each opened by a single leading tab, rows between blank lines — stays prose here.
"""

from __future__ import annotations

from dataclasses import dataclass

from etl.model import Check
from etl.readers.model import PROSE, ROW, TEXT, Cell, Document, DocumentBuilder, Line, Table


class UnreadableDocument(Exception):
    """The bytes are not a text document we can read; the message says why."""


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str
    checks: tuple[Check, ...] = ()


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > max(8, len(sample) // 100)


def _decode(data: bytes) -> DecodedText:
    """Bytes -> text with '\\n' line ends (form feeds kept), or raise UnreadableDocument."""
    if not data.strip():
        raise UnreadableDocument("文件为空（0 字节或只有空白）")
    if _looks_binary(data):
        raise UnreadableDocument("文件既不是 PDF、DOCX、XLSX，也不是文本（含二进制字节）")
    checks: list[Check] = []
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
            else:
                try:
                    text = data.decode("gb18030")
                    encoding = "gb18030"
                except UnicodeDecodeError as exc2:
                    raise UnreadableDocument(
                        f"无法识别文本编码（既不是 UTF-8 也不是 GB18030，第 {exc2.start} 字节出错）"
                    ) from exc2
    text = text.replace("\r\n", "\n").replace("\r", "\n")
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


def read_text(source_file: str, data: bytes) -> Document:
    """A text extraction: a line per text line, a new page at each form feed.

    Consecutive tab-separated lines of one page form a table grid (one row a line, the
    cells as printed, short rows padded with blank cells); every other line is prose.
    The lines are exactly those of :func:`decode_document`, so a figure's line number
    is the text file's line number whatever the line became.
    """
    raw = _decode(data)
    builder = DocumentBuilder(source_file, TEXT)
    builder.page()
    doc = builder.document
    page = 1
    block: list[str] = []  # the rows of the grid being collected

    def close() -> None:
        if block:
            _grid(doc, page, block)
            block.clear()

    for text_line in raw.text.split("\n"):
        for i, part in enumerate(text_line.split("\f")):
            if i:
                close()
                builder.page()
                page += 1
            if is_grid_row(part):
                block.append(part)
                continue
            close()
            doc.lines.append(Line(len(doc.lines) + 1, page, part, PROSE))
    close()
    doc.encoding = raw.encoding
    doc.checks.extend(raw.checks)
    doc.raw_text = raw.text.replace("\f", "\n")
    return doc


def _grid(doc: Document, page: int, rows: list[str]) -> None:
    """Tab-separated lines -> one table; each row keeps its own text line."""
    parts = [row.split("\t") for row in rows]
    width = max(len(p) for p in parts)
    grid = [
        [Cell(p[c] if c < len(p) else "", r, c, (r, c)) for c in range(width)] for r, p in enumerate(parts)
    ]
    index = sum(1 for t in doc.tables if t.page == page) + 1
    widths = [len(p) for p in parts]
    doc.tables.append(Table(page, index, grid, len(doc.lines) + 1, widths=widths))
    position = len(doc.tables) - 1
    for row in rows:
        doc.lines.append(Line(len(doc.lines) + 1, page, row, ROW, table=position))


def _decode_utf8(data: bytes, checks: list[Check]) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(data) - 3:
            raise UnreadableDocument(f"UTF-8 编码错误（第 {exc.start} 字节）") from exc
        checks.append(
            Check(
                check="file_truncated",
                severity="error",
                message=f"文件末尾有不完整的字符（共 {len(data)} 字节，在第 {exc.start} 字节处截断），文件可能不完整；"
                "已读取截断前的内容，截断处之后的表格缺失",
            )
        )
        return data[: exc.start].decode("utf-8")
