"""File bytes -> :class:`~etl.readers.model.Document`: the only place that knows file types.

The type is told by the bytes, never by the name: a '.pdf' that is really an
HTML page is refused with a message saying so. One reader per type.
"""

from __future__ import annotations

import io
import zipfile

from etl.readers.model import DOCX, PDF, TEXT, XLSX, Document
from etl.readers.text import DecodedText, UnreadableDocument, decode_document, read_text

__all__ = [
    "DecodedText",
    "Document",
    "UnreadableDocument",
    "decode_document",
    "detect_type",
    "read_document",
]

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_MARKS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<?xml")


def detect_type(data: bytes) -> str:
    """PDF, DOCX, XLSX or TEXT from the first bytes; UnreadableDocument for anything else we know."""
    head = data[:1024]
    if b"%PDF-" in head:
        return PDF
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile as exc:
            raise UnreadableDocument("文件是损坏或不完整的压缩包（DOCX/XLSX 文件不完整）") from exc
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
        raise UnreadableDocument("文件是 ZIP 压缩包，但不是 Word（DOCX）或 Excel（XLSX）文件")
    if data.startswith(_OLE):
        raise UnreadableDocument(
            "文件是旧版 Office 格式（.doc/.xls）或加密的 Office 文件，无法读取；请另存为 DOCX、XLSX 或 PDF"
        )
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if any(lowered.startswith(mark) for mark in _HTML_MARKS):
        raise UnreadableDocument("文件是网页（HTML/XML），不是 PDF、DOCX、XLSX 原件或文本；请下载原始文件")
    return TEXT


def read_document(source_file: str, data: bytes) -> Document:
    """Read any supported file into the document model, or raise UnreadableDocument.

    Whatever a damaged file makes a reader's library raise becomes UnreadableDocument,
    so one bad file is one failed document, never a stopped build.
    """
    kind = detect_type(data)
    try:
        if kind == PDF:
            from etl.readers.pdf import read_pdf

            return read_pdf(source_file, data)
        if kind == DOCX:
            from etl.readers.docx import read_docx

            return read_docx(source_file, data)
        if kind == XLSX:
            from etl.readers.xlsx import read_xlsx

            return read_xlsx(source_file, data)
        return read_text(source_file, data)
    except UnreadableDocument:
        raise
    except Exception as exc:
        name = _KIND_NAMES.get(kind, kind)
        raise UnreadableDocument(
            f"读取{name}文件时出错（{type(exc).__name__}: {exc}），文件可能已损坏或格式不规范"
        ) from exc


_KIND_NAMES = {PDF: " PDF ", DOCX: " Word（DOCX）", XLSX: " Excel（XLSX）", TEXT: "文本"}
