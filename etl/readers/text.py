"""Text files -> the document model: the only place that knows about encodings and line ends.

Documents arrive as UTF-8, UTF-8 with BOM, GB18030/GBK, with CRLF or LF
line ends and form feeds between PDF pages. All of them must give the same
text, so every parser sees one canonical form: str, '\\n' line ends, no BOM,
form feeds turned into line breaks (a page break is a line break, never glue).
"""

from __future__ import annotations

from dataclasses import dataclass

from etl.model import Check
from etl.readers.model import PROSE, TEXT, Document, DocumentBuilder, Line


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


def read_text(source_file: str, data: bytes) -> Document:
    """A text extraction: one prose line per text line, a new page at each form feed.

    The lines are exactly those of :func:`decode_document`, so line numbers of the
    text layouts and of the model agree.
    """
    raw = _decode(data)
    builder = DocumentBuilder(source_file, TEXT)
    builder.page()
    doc = builder.document
    page = 1
    lines = doc.lines
    for text_line in raw.text.split("\n"):
        if "\f" not in text_line:
            lines.append(Line(len(lines) + 1, page, text_line, PROSE))
            continue
        for i, part in enumerate(text_line.split("\f")):
            if i:
                builder.page()
                page += 1
            lines.append(Line(len(lines) + 1, page, part, PROSE))
    doc.encoding = raw.encoding
    doc.checks.extend(raw.checks)
    doc.raw_text = raw.text.replace("\f", "\n")
    return doc


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
