"""File bytes -> :class:`~etl.readers.model.Document`: the only place that knows file types.

The type is told by the bytes, never by the name: a '.pdf' that is really an
HTML page is refused with a message saying so. One reader per type. An OLE2
compound file is told by its streams (``etl.readers.ole``): an .xls workbook, a
Word .doc or WPS 文字 .wps (Word's binary format, read alike), or a
password-protected .docx/.xlsx, which is refused.

A PDF is read with PDFium (``etl.readers.pdfium``, about four times pdfplumber's speed) or,
when ``ETL_PDF_READER=pdfplumber`` is set or asked for, with pdfplumber (``etl.readers.pdf``):
both make the same document of every real PDF of tests/cases (bench/pdf_readers.py).
"""

from __future__ import annotations

import io
import os
import zipfile

from etl.readers.model import DOC, DOCX, PDF, TEXT, XLS, XLSX, Document
from etl.readers.ole import MAGIC as _OLE
from etl.readers.ole import ole_type
from etl.readers.text import ConverterMissing, DecodedText, UnreadableDocument, decode_document, read_text

__all__ = [
    "ConverterMissing",
    "DecodedText",
    "Document",
    "UnreadableDocument",
    "decode_document",
    "detect_type",
    "is_original",
    "pdf_reader",
    "read_document",
]

PDF_READER_ENV = "ETL_PDF_READER"
PDFIUM, PDFPLUMBER = "pdfium", "pdfplumber"
PDF_READERS = (PDFIUM, PDFPLUMBER)

_HTML_MARKS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<?xml")


def is_original(head: bytes) -> bool:
    """Whether a file's first bytes (1 KB is enough) are a PDF, a ZIP package (DOCX/XLSX) or an
    OLE2 compound file (.xls/.doc/.wps): an original, slow to read, as opposed to a text."""
    head = head[:1024]
    return b"%PDF-" in head or head.startswith((b"PK\x03\x04", b"PK\x05\x06", _OLE))


def detect_type(data: bytes) -> str:
    """PDF, DOCX, XLSX, XLS, DOC or TEXT from the bytes; UnreadableDocument for anything else we know."""
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
        return ole_type(data)
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if any(lowered.startswith(mark) for mark in _HTML_MARKS):
        raise UnreadableDocument("文件是网页（HTML/XML），不是 PDF、DOCX、XLSX 原件或文本；请下载原始文件")
    return TEXT


def pdf_reader(name: str | None = None) -> str:
    """The PDF reader to use: ``name``, else $ETL_PDF_READER, else PDFium."""
    chosen = (name or os.environ.get(PDF_READER_ENV) or PDFIUM).strip().lower()
    if chosen not in PDF_READERS:
        raise ValueError(f"未知的 PDF 读取方式“{chosen}”（{PDF_READER_ENV} 可选：{'、'.join(PDF_READERS)}）")
    return chosen


def read_document(source_file: str, data: bytes, pdf_reader_name: str | None = None) -> Document:
    """Read any supported file into the document model, or raise UnreadableDocument.

    Whatever a damaged file makes a reader's library raise becomes UnreadableDocument,
    so one bad file is one failed document, never a stopped build. ``pdf_reader_name``
    picks the PDF reader (see :func:`pdf_reader`).
    """
    kind = detect_type(data)
    reader = pdf_reader(pdf_reader_name) if kind == PDF else None
    try:
        if kind == PDF and reader == PDFPLUMBER:
            from etl.readers.pdf import read_pdf

            return read_pdf(source_file, data)
        if kind == PDF:
            from etl.readers.pdfium import read_pdf_pdfium

            return read_pdf_pdfium(source_file, data)
        if kind == DOCX:
            from etl.readers.docx import read_docx

            return read_docx(source_file, data)
        if kind == XLSX:
            from etl.readers.xlsx import read_xlsx

            return read_xlsx(source_file, data)
        if kind == XLS:
            from etl.readers.xls import read_xls

            return read_xls(source_file, data)
        if kind == DOC:
            from etl.readers.doc import read_doc

            return read_doc(source_file, data)
        return read_text(source_file, data)
    except UnreadableDocument:
        raise
    except Exception as exc:
        name = _KIND_NAMES.get(kind, kind)
        raise UnreadableDocument(
            f"读取{name}文件时出错（{type(exc).__name__}: {exc}），文件可能已损坏或格式不规范"
        ) from exc


_KIND_NAMES = {
    PDF: " PDF ",
    DOCX: " Word（DOCX）",
    XLSX: " Excel（XLSX）",
    XLS: " Excel（XLS）",
    DOC: "旧版 Word（DOC/WPS）",
    TEXT: "文本",
}
