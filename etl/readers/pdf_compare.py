"""Two readings of one PDF (pdfplumber's and PDFium's), compared page by page, cell by cell.

What a parser reads must be the same whichever reader read the file: the pages, each table's
grid (every cell's text, position and merged origin) and every line (its kind and text). Boxes
are compared to a hundredth of a point: PDFium computes in single precision, pdfminer in double,
so a box may differ in its sixth digit, which no parser or highlight can see.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from etl.readers.model import ROW, BBox, Document, Table

BOX_TOLERANCE = 0.01  # points


@dataclass
class Comparison:
    """Counts of what two documents share, and the first differences in words."""

    pages: int = 0
    pages_same: int = 0
    tables: int = 0
    tables_same: int = 0
    cells: int = 0
    cells_same: int = 0
    lines: int = 0  # prose lines (and hidden ones), not table rows
    lines_same: int = 0
    max_box_gap: float = 0.0  # the largest difference of a box coordinate seen, in points
    differences: list[str] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return not self.differences

    @property
    def cells_share(self) -> float:
        """Identical cells, in percent of the first reading's cells (100 when it has none)."""
        return 100.0 * self.cells_same / self.cells if self.cells else 100.0

    def note(self, text: str) -> None:
        self.differences.append(text)


def _box_gap(a: BBox | None, b: BBox | None) -> float:
    if a is None or b is None:
        return 0.0 if a is b else float("inf")
    return max(abs(x - y) for x, y in zip(a, b, strict=True))


def compare_documents(a: Document, b: Document) -> Comparison:
    """``a`` (the reference reading) against ``b``, page by page."""
    out = Comparison(pages=len(a.pages))
    if len(a.pages) != len(b.pages):
        out.note(f"页数不同：{len(a.pages)} 与 {len(b.pages)}")
    for number in range(1, len(a.pages) + 1):
        same = _compare_page(a, b, number, out)
        out.pages_same += same
    checks_a = [(c.check, c.page, c.message) for c in a.checks]
    checks_b = [(c.check, c.page, c.message) for c in b.checks]
    if checks_a != checks_b:
        out.note(f"检查项不同：{checks_a[:3]} 与 {checks_b[:3]}")
    if a.hidden != b.hidden:
        out.note(f"隐藏行不同：{sorted(a.hidden.items())[:3]} 与 {sorted(b.hidden.items())[:3]}")
    return out


def _compare_page(a: Document, b: Document, number: int, out: Comparison) -> bool:
    same = True
    pa = a.pages[number - 1]
    pb = b.pages[number - 1] if number <= len(b.pages) else None
    if pb is None or (pa.has_text, pa.blank_grid) != (pb.has_text, pb.blank_grid):
        out.note(f"第 {number} 页：页面属性不同")
        same = False
    elif (
        _box_gap((0, 0, pa.width or 0, pa.height or 0), (0, 0, pb.width or 0, pb.height or 0)) > BOX_TOLERANCE
    ):
        out.note(f"第 {number} 页：页面尺寸不同（{pa.width}×{pa.height} 与 {pb.width}×{pb.height}）")
        same = False
    tables_a = [t for t in a.tables if t.page == number]
    tables_b = [t for t in b.tables if t.page == number]
    if len(tables_a) != len(tables_b):
        out.note(f"第 {number} 页：表格数不同（{len(tables_a)} 与 {len(tables_b)}）")
        same = False
    for index, ta in enumerate(tables_a):
        out.tables += 1
        tb = tables_b[index] if index < len(tables_b) else None
        table_same = _compare_table(ta, tb, out)
        out.tables_same += table_same
        same = same and table_same
    lines_a = [ln for ln in a.lines if ln.page == number and ln.kind != ROW]
    lines_b = [ln for ln in b.lines if ln.page == number and ln.kind != ROW]
    rows_a = [ln.number for ln in a.lines if ln.page == number and ln.kind == ROW]
    rows_b = [ln.number for ln in b.lines if ln.page == number and ln.kind == ROW]
    if rows_a != rows_b:
        out.note(f"第 {number} 页：表格行的行号不同")
        same = False
    for index, la in enumerate(lines_a):
        out.lines += 1
        lb = lines_b[index] if index < len(lines_b) else None
        gap = _box_gap(la.bbox, lb.bbox) if lb is not None else float("inf")
        if (
            lb is not None
            and (la.number, la.kind, la.text) == (lb.number, lb.kind, lb.text)
            and gap <= BOX_TOLERANCE
        ):
            out.lines_same += 1
            out.max_box_gap = max(out.max_box_gap, gap)
        else:
            found = f"“{lb.text}”（{lb.kind}，第 {lb.number} 行）" if lb is not None else "无"
            out.note(f"第 {number} 页第 {la.number} 行“{la.text}”（{la.kind}）：另一读法为 {found}")
            same = False
    if len(lines_b) > len(lines_a):
        out.note(
            f"第 {number} 页：另一读法多出 {len(lines_b) - len(lines_a)} 行，如“{lines_b[len(lines_a)].text}”"
        )
        same = False
    return same


def _compare_table(ta: Table, tb: Table | None, out: Comparison) -> bool:
    where = f"第 {ta.page} 页表{ta.index}"
    cells = [c for row in ta.rows for c in row]
    out.cells += len(cells)
    if tb is None:
        out.note(f"{where}：另一读法没有此表")
        return False
    same = True
    if (len(ta.rows), ta.n_cols) != (len(tb.rows), tb.n_cols):
        out.note(f"{where}：网格不同（{len(ta.rows)}×{ta.n_cols} 与 {len(tb.rows)}×{tb.n_cols}）")
        same = False
    if ta.first_line != tb.first_line or _box_gap(ta.bbox, tb.bbox) > BOX_TOLERANCE:
        out.note(f"{where}：起始行或表格位置不同")
        same = False
    for ca in cells:
        cb = tb.rows[ca.row][ca.col] if ca.row < len(tb.rows) and ca.col < len(tb.rows[ca.row]) else None
        gap = _box_gap(ca.bbox, cb.bbox) if cb is not None else float("inf")
        if cb is not None and (ca.text, ca.origin) == (cb.text, cb.origin) and gap <= BOX_TOLERANCE:
            out.cells_same += 1
            out.max_box_gap = max(out.max_box_gap, gap)
        else:
            found = f"“{cb.text}”（合并自 {cb.origin}）" if cb is not None else "无"
            out.note(
                f"{where} 第{ca.row + 1}行第{ca.col + 1}列“{ca.text}”（合并自 {ca.origin}）：另一读法为 {found}"
            )
            same = False
    return same
