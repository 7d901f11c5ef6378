"""PDF -> the document model, with pdfplumber (pdfminer, pure Python).

pdfplumber reads each page's characters and ruling lines (``page.chars``, ``page.edges``);
what the document makes of them is ``etl.readers.pdf_page``, shared with the PDFium reader
(``etl.readers.pdfium``), so the two can be compared cell by cell. Which characters a page
does not show (clipped, invisible) pdfplumber does not know: pypdfium2 tells
(``etl.readers.pdf_ink``), matched to pdfplumber's characters by text and centre.
"""

from __future__ import annotations

import io
import logging
from typing import Any

from etl.readers import pdf_ink
from etl.readers.model import Document
from etl.readers.pdf_page import PageContent, assemble, overflow_pages
from etl.readers.pdfium_lock import PDFIUM_LOCK
from etl.readers.text import UnreadableDocument

# pdfminer logs every odd object of a damaged file; the checks say what matters.
logging.getLogger("pdfminer").setLevel(logging.ERROR)


def _pdfplumber() -> Any:
    import pdfplumber  # imported lazily: text-only builds never pay for it

    return pdfplumber


def read_pdf(source_file: str, data: bytes) -> Document:
    """Read a PDF's pages into prose lines and table grids, or raise UnreadableDocument."""
    pdfplumber = _pdfplumber()
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many kinds for damaged files
        raise UnreadableDocument(_open_failure(exc)) from exc
    with pdf:
        try:
            pages = list(pdf.pages)
        except Exception as exc:
            raise UnreadableDocument(_open_failure(exc, "读不出页面")) from exc
        if not pages:
            raise UnreadableDocument("PDF 中没有页面")
        with PDFIUM_LOCK:  # PDFium is not thread-safe: only around its own calls, not pdfminer's
            ink = pdf_ink.open_ink(data)
        overflow = _overflow_pages(pages)
        contents: list[PageContent | BaseException] = []
        for page in pages:
            try:
                with PDFIUM_LOCK:
                    page_ink = _ink(ink, page.page_number, overflow)
                contents.append(_content(page, page_ink))
            except Exception as exc:  # one damaged page must not lose the others
                contents.append(exc)
        if ink is not None:
            with PDFIUM_LOCK:
                ink.close()
    return assemble(source_file, contents)


def _content(page: Any, ink: dict[str, Any] | None) -> PageContent:
    """A pdfplumber page -> what the shared page layer reads."""
    fills = [
        (float(s["x0"]), float(s["top"]), float(s["x1"]), float(s["bottom"]))
        for s in (*page.rects, *page.curves)
        if s.get("fill") and not pdf_ink.is_white(s.get("non_stroking_color"))
    ]
    return PageContent(
        number=page.page_number,
        width=float(page.width),
        height=float(page.height),
        chars=page.chars,
        edges=page.edges,
        ruled=bool(page.rects or page.lines),
        images=[(float(i["x0"]), float(i["top"]), float(i["x1"]), float(i["bottom"])) for i in page.images],
        fills=fills,
        ink=pdf_ink.ink_lookup(ink) if ink is not None else None,
    )


_ENCRYPTED = "PDF 已加密（需要密码才能打开），无法读取；请提供未加密的原件"


def _open_failure(exc: BaseException, what: str = "无法打开") -> str:
    """Why a PDF could not be opened, in words an official can act on.

    pdfplumber wraps pdfminer's exceptions (``PdfminerException(PDFPasswordIncorrect())``),
    so the wrapped exception is the one that tells.
    """
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    if isinstance(inner, PDFPasswordIncorrect | PDFEncryptionError):
        return _ENCRYPTED
    detail = f"{type(inner).__name__} {inner}".lower()
    if "password" in detail or "encrypt" in detail:
        return _ENCRYPTED
    reason = str(inner).strip() or type(inner).__name__
    return f"PDF 文件已损坏或不完整，{what}（{reason}）"


def _overflow_pages(pages: list[Any]) -> set[int]:
    """Pages next to (or with) text outside a page box: where a block runs over a page break."""
    readable = []
    for page in pages:
        try:
            readable.append((page.page_number, float(page.width), float(page.height), page.chars))
        except Exception:  # a damaged page is reported when it is read
            continue
    return overflow_pages(readable)


def _ink(pdf: Any, number: int, overflow: set[int]) -> dict[str, Any] | None:
    """pypdfium2's characters of a page where it matters (an overflow page, invisible text), else None."""
    if pdf is None:
        return None
    try:
        clip = number in overflow
        if not clip and not pdf_ink.has_invisible_mode(pdf, number - 1):
            return None
        return pdf_ink.ink_chars(pdf, number - 1, clip)
    except Exception:  # pypdfium2 failing on a page pdfplumber reads: every character counts as shown
        return None
