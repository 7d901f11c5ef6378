"""DOCX -> the document model, with python-docx: paragraphs are prose, tables are grids.

Body elements are read in document order, so a table's title is the paragraph
before it. Merged cells are expanded from the XML itself (``gridSpan`` across,
``vMerge`` down), so every grid position holds its merged cell's text. A DOCX
has no fixed pages; explicit page breaks start a new page.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from etl.readers.cells import cell_text, tidy
from etl.readers.model import DOCX, Document, DocumentBuilder, expand_grid
from etl.readers.text import UnreadableDocument

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_SPAN = 64  # Word tables have at most 63 columns: a larger span is a damaged value


def read_docx(source_file: str, data: bytes) -> Document:
    """Paragraphs and tables of a Word document, in order, or raise UnreadableDocument."""
    import docx  # imported lazily: text-only builds never pay for it

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx and lxml raise many kinds for a damaged package
        raise UnreadableDocument(_open_failure(exc)) from exc
    builder = DocumentBuilder(source_file, DOCX)
    builder.page()
    for element in document.element.body.iterchildren():
        tag = element.tag
        if tag == f"{_W}p":
            for i, text in enumerate(_paragraph_parts(element)):
                if i:
                    builder.page()
                text = tidy(text)
                if text:
                    builder.prose(len(builder.document.pages), text)
        elif tag == f"{_W}tbl":
            grid = _grid(element)
            if grid and grid[0]:
                builder.table(len(builder.document.pages), grid)
    return builder.document


def _open_failure(exc: BaseException) -> str:
    """Why a Word package could not be opened, in words an official can act on."""
    from lxml import etree

    detail = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
    if isinstance(exc, etree.XMLSyntaxError):
        return f"Word（DOCX）文件已损坏：其中的 XML 内容无法解析（{detail}），无法读取；请重新导出或提供原件"
    if isinstance(exc, zipfile.BadZipFile):
        return f"Word（DOCX）文件已损坏或不完整：压缩包无法解开（{detail}）"
    if isinstance(exc, KeyError):
        return f"Word（DOCX）文件已损坏或不完整：缺少文件的组成部分（{detail}）"
    return f"Word（DOCX）文件已损坏，无法打开（{type(exc).__name__}: {detail}）"


def _int(value: str | None, default: int) -> int:
    """A count attribute (gridSpan, gridBefore); a damaged value counts as the default."""
    try:
        return min(max(int(value), 0), MAX_SPAN) if value is not None else default
    except ValueError:
        return default


def _paragraph_parts(p: Any) -> list[str]:
    """A paragraph's text, split where an explicit page break stands."""
    parts = [""]
    for node in p.iter():
        if node.tag == f"{_W}t":
            parts[-1] += node.text or ""
        elif node.tag == f"{_W}tab":
            parts[-1] += " "
        elif node.tag == f"{_W}br":
            if node.get(f"{_W}type") == "page":
                parts.append("")
            else:
                parts[-1] += "\n"
    return parts


def _cell_text(tc: Any) -> str:
    paragraphs = ["".join(t.text or "" for t in p.iter(f"{_W}t")) for p in tc.iter(f"{_W}p")]
    return cell_text("\n".join(paragraphs))


def _grid(tbl: Any) -> list[list[Any]]:
    """The table's rows with merged cells expanded (gridSpan across, vMerge down)."""
    spans: list[list[Any]] = []  # [r0, c0, r1, c1, text]
    open_columns: dict[int, list[Any]] = {}  # column -> the span a vMerge continues
    n_cols = 0
    rows = [tr for tr in tbl.iterchildren() if tr.tag == f"{_W}tr"]
    for r, tr in enumerate(rows):
        c = 0
        pr = tr.find(f"{_W}trPr")
        if pr is not None and (before := pr.find(f"{_W}gridBefore")) is not None:
            c += _int(before.get(f"{_W}val"), 0)
        for tc in tr.iterchildren():
            if tc.tag != f"{_W}tc":
                continue
            tcpr = tc.find(f"{_W}tcPr")
            span = 1
            vmerge = None
            if tcpr is not None:
                if (gs := tcpr.find(f"{_W}gridSpan")) is not None:
                    span = max(_int(gs.get(f"{_W}val"), 1), 1)
                if (vm := tcpr.find(f"{_W}vMerge")) is not None:
                    vmerge = vm.get(f"{_W}val", "continue")
            if vmerge == "continue" and c in open_columns:
                open_columns[c][2] = r + 1
            else:
                entry = [r, c, r + 1, c + span, _cell_text(tc)]
                spans.append(entry)
                for k in range(c, c + span):
                    open_columns.pop(k, None)
                if vmerge == "restart":
                    open_columns[c] = entry
            c += span
        n_cols = max(n_cols, c)
    return expand_grid(len(rows), n_cols, [tuple(s) for s in spans])
