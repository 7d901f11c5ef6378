"""Copies of the 财政局 2024 决算 with one 说明 problem planted each, as Word files.

    PYTHONPATH=. .venv/bin/python tests/cases/planted/make_planted.py

A PDF is hard to edit, so each copy is a DOCX holding the real document page for page: every
prose line the PDF reader reads from ``tests/cases/real/putuo_finance_bureau_2024_final_accounts.pdf``
is a paragraph, every table grid a Word table with the same cells (merged cells repeated, as the
reader expands them), a page break between pages. Then the edits below are applied, each a
literal replacement that must match exactly once on its page.

* ``clean`` corrects the two problems the genuine 说明 prints (p. 21: 财政拨款收入支出总计
  0.3万元 where its 财政拨款收入支出决算总表 prints 总计 2,961.68 万元; 一般公共服务支出（类）
  2106.66万元 "占71.73%" where 2106.66 ÷ 2940.05 is 71.65%): no 说明 finding is expected;
* ``planted_total``: clean, with p. 21's 收入支出总计 2995.39 → 2959.39 万元 (the 收入支出决算总表
  prints 总计 2,995.39 万元 on p. 7);
* ``planted_share``: clean, with p. 21's 基本支出 share 占79.49% → 占74.49% (2336.91 ÷ 2940.05 is 79.49%);
* ``planted_three_public_blank``: clean, with the 三公 table's two figures (p. 18: 合计 and 公务接待费
  预算数 0.95) left blank while p. 23 still states 年初预算为0.95万元.

Deterministic: zip members and the document's dates are fixed, so the same reader gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

import docx
from docx.enum.text import WD_BREAK

from etl.readers import read_document
from etl.readers.model import PROSE, ROW, Document

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parent / "real" / "putuo_finance_bureau_2024_final_accounts.pdf"
FIXED_DATE = datetime(2024, 1, 1)
ZIP_DATE = (2024, 1, 1, 0, 0, 0)
AUTHOR = "tests/cases/planted/make_planted.py"
INDENT_PT = 3  # a line starting this far right of the page's left margin starts a paragraph
LAST_LINE_GAP_PT = 60  # a line stopping this far short of the right margin is a last line or a title
SENTENCE_ENDS = ("。", "；", ";", "！", "？")
RUNS_ON = ("：", ":", "，", ",", "、")  # a short line ending so goes on ('主要原因：' then the reason)

# (page, printed text, replacement): prose lines and table cells alike.
Edit = tuple[int, str, str]
CLEAN: tuple[Edit, ...] = (
    (21, "财政拨款收入支出总计0.3万元", "财政拨款收入支出总计2961.68万元"),
    (21, "2106.66万元，占71.73%", "2106.66万元，占71.65%"),
)
VARIANTS: dict[str, tuple[Edit, ...]] = {
    "clean": CLEAN,
    "planted_total": (*CLEAN, (21, "收入支出总计2995.39万元", "收入支出总计2959.39万元")),
    "planted_share": (*CLEAN, (21, "基本支出2336.91万元，占79.49%", "基本支出2336.91万元，占74.49%")),
    # Each of the two 0.95 cells of the 三公 table's figure row (合计 and 公务接待费 预算数).
    "planted_three_public_blank": (*CLEAN, (18, "0.95", ""), (18, "0.95", "")),
}
NAME = "putuo_finance_bureau_2024_final_accounts_{}.docx"


def _apply(text: str, page: int, edits: list[Edit], used: list[bool]) -> str:
    """The first pending edit of this page that the text holds (one edit per line or cell)."""
    for k, (p, old, new) in enumerate(edits):
        if not used[k] and p == page and old in text:
            if text.count(old) != 1:
                raise ValueError(f"p. {page}: '{old}' is printed {text.count(old)} times in one line")
            used[k] = True
            return text.replace(old, new)
    return text


def _paragraph_ends(source: Document) -> set[int]:
    """Numbers of the prose lines that end a paragraph, from where the PDF prints them.

    A line ends its paragraph when the next prose line of its page starts indented (a first
    line or a heading), when it stops short of the right margin (a last line or a title) unless
    it ends in a mark that runs on, or when a table or the page follows. Wrapped lines are joined into one Word paragraph, as Word holds them.
    """
    ends: set[int] = set()
    lines = source.lines
    for page in {ln.page for ln in lines}:
        prose = [ln for ln in lines if ln.page == page and ln.kind == PROSE and ln.bbox]
        if not prose:
            continue
        left = min(ln.bbox[0] for ln in prose)
        right = max(ln.bbox[2] for ln in prose)
        for ln in prose:
            nxt = source.line(ln.number + 1)
            text, gap = ln.text.rstrip(), right - ln.bbox[2]
            # Lines with figures are set loosely: only a clear gap or a full stop ends a paragraph.
            short = (gap > LAST_LINE_GAP_PT and not text.endswith(RUNS_ON)) or (
                gap > INDENT_PT * 4 and text.endswith(SENTENCE_ENDS)
            )
            if (
                nxt is None
                or nxt.kind != PROSE
                or nxt.page != page
                or nxt.bbox is None
                or nxt.bbox[0] > left + INDENT_PT
                or short
            ):
                ends.add(ln.number)
    return ends


def render(source: Document, edits: tuple[Edit, ...]) -> bytes:
    """The document as Word paragraphs and tables, page for page, with the edits applied."""
    out = docx.Document()
    props = out.core_properties
    props.author = props.last_modified_by = AUTHOR
    props.created = props.modified = FIXED_DATE
    props.revision = 1
    pending, used = list(edits), [False] * len(edits)
    page, written, ends, paragraph = 1, set(), _paragraph_ends(source), ""
    for line in source.lines:
        while line.page > page:  # a page with no text (a blank table page) is still a page
            out.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            page += 1
        if line.kind == PROSE:
            paragraph += _apply(line.text, page, pending, used).strip()
            if line.number in ends:
                out.add_paragraph(paragraph)
                paragraph = ""
        elif line.kind == ROW and line.table is not None and line.table not in written:
            written.add(line.table)
            table = source.tables[line.table]
            grid = out.add_table(rows=len(table.rows), cols=table.n_cols)
            for r, row in enumerate(table.rows):
                for c, cell in enumerate(row):
                    text = _apply(cell.text, page, pending, used) if cell.text else ""
                    grid.cell(r, c).text = text
    out.add_paragraph()
    if not all(used):
        missing = [e for e, u in zip(edits, used, strict=True) if not u]
        raise ValueError(f"edits not found in the document: {missing}")
    buffer = io.BytesIO()
    out.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same members with a fixed date, in name order: the same content gives the same bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        members = sorted((i.filename, src.read(i)) for i in src.infolist())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, content in members:
            dst.writestr(zipfile.ZipInfo(name, ZIP_DATE), content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def main() -> None:
    source = read_document(SOURCE.name, SOURCE.read_bytes())
    for variant, edits in VARIANTS.items():
        path = HERE / NAME.format(variant)
        path.write_bytes(render(source, edits))
        print(f"{path.relative_to(HERE.parents[2])}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
