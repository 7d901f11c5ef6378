"""The one document model every reader produces and every layout parser reads.

A document is a sequence of pages; a page holds prose lines and table grids in
reading order. Every block is numbered into one document-wide list of lines (a prose line is one line, a table row is one line), so a figure's
provenance is always (file, page, line) and, for a table cell, the cell too.
Parsers never see bytes, file types or extractor quirks: only this model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from etl.model import Check

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points

PDF, DOCX, XLSX, TEXT = "pdf", "docx", "xlsx", "text"
# Old Office formats: an .xls workbook (read with xlrd) and a .doc/.wps converted to DOCX first.
XLS, DOC = "xls", "doc"
WORKBOOKS = (XLSX, XLS)  # a page is a sheet, a cell is named like 'B7'
PROSE, ROW = "prose", "row"
# A further line of a table row printed over several text lines (Word's one-cell-a-line
# text: the row's other cells, a cell's wrapped lines, the blank line between rows).
PART = "part"
# A prose line the page does not show (outside the page box, clipped, white or invisible) whose
# text the page or the next shows as well (a block drawn over a page break on both pages):
# numbered, so findings can name it, but never read.
HIDDEN = "hidden"


@dataclass(frozen=True)
class Cell:
    """One grid position. A merged cell is expanded: every position it covers holds its text."""

    text: str  # line breaks inside the cell already joined; '' for a blank cell
    row: int  # 0-based position in the table grid
    col: int
    origin: tuple[int, int]  # top-left position of the (merged) cell covering this position
    bbox: BBox | None = None  # PDF only
    number: Decimal | None = None  # XLSX only: the cell's numeric value, not its display text
    line: int | None = None  # Word's text only: the document line the cell starts on

    @property
    def is_origin(self) -> bool:
        """False for positions covered by a merged cell that starts elsewhere."""
        return self.origin == (self.row, self.col)


@dataclass
class Table:
    """A table grid as printed (PDF ruling lines, a DOCX table, an XLSX sheet)."""

    page: int  # 1-based page (XLSX: sheet number)
    index: int  # 1-based number of the table on its page
    rows: list[list[Cell]]  # rectangular
    first_line: int  # document-wide line number of the grid's first row
    bbox: BBox | None = None
    sheet: str | None = None  # XLSX sheet name
    # Cells each row printed, when fewer than the grid's width: a tab-separated text line
    # stops where its last tab does, and the grid pads it with blank cells.
    widths: list[int] | None = None
    # Document line of each row, when rows do not take one line each (Word's text), and
    # the number of document lines the table covers then.
    row_lines: list[int] | None = None
    n_lines: int | None = None
    # False for rows rebuilt from a text file's lines: no table an official could find the
    # cell in (the line says where), so such a grid names no cell.
    placed: bool = True

    @property
    def n_cols(self) -> int:
        return len(self.rows[0]) if self.rows else 0

    def line_of(self, row: int) -> int:
        """Document-wide line number of a grid row."""
        return self.row_lines[row] if self.row_lines is not None else self.first_line + row

    @property
    def where(self) -> str:
        """Where an official finds the table: 工作表“名称” in a workbook, else 第 N 页."""
        return f"工作表“{self.sheet}”" if self.sheet is not None else f"第 {self.page} 页"

    @property
    def next_line(self) -> int:
        """The first document line after the table."""
        return self.first_line + (self.n_lines if self.n_lines is not None else len(self.rows))

    def cell_line(self, row: int, col: int) -> int:
        """Document line of a cell: its own line in Word's text, else its row's."""
        cells = self.rows[row]
        own = cells[col].line if col < len(cells) else None
        return own if own is not None else self.line_of(row)

    def last_line_of(self, row: int) -> int:
        """The last document line a row is printed on (its cells over several lines in Word's text)."""
        if self.row_lines is None:
            return self.line_of(row)
        ends = [c.line + c.text.count("\n") for c in self.rows[row] if c.line is not None]
        return max(ends) if ends else self.line_of(row)

    def row_at(self, line: int) -> int | None:
        """The grid row a ROW line of the document is (None for any other line)."""
        if self.row_lines is not None:
            return self.row_lines.index(line) if line in self.row_lines else None
        row = line - self.first_line
        return row if 0 <= row < len(self.rows) else None

    def cell_ref(self, row: int, col: int) -> str:
        """Where a cell is, in words an official can find: 'B7' in a sheet, else table/row/column."""
        if self.sheet is not None:
            return f"{column_letter(col)}{row + 1}"
        return f"表{self.index} 第{row + 1}行第{col + 1}列"

    def place(self, row: int, col: int) -> str | None:
        """Where a figure's cell is, for provenance: its cell_ref, or None for a grid of text lines."""
        return self.cell_ref(row, col) if self.placed else None

    def texts(self, row: int) -> list[str]:
        return [c.text for c in self.rows[row]]

    def printed(self, row: int) -> list[Cell]:
        """The cells a row printed (a padded text row without its padding)."""
        cells = self.rows[row]
        return cells if self.widths is None else cells[: self.widths[row]]

    def is_blank(self) -> bool:
        return all(not c.text.strip() for r in self.rows for c in r)


@dataclass(frozen=True)
class Line:
    """One line of the document-wide numbering: a prose line or a table row."""

    number: int  # 1-based, document-wide
    page: int
    text: str  # a table row is rendered with ' | ' between cells
    kind: str  # PROSE, ROW, PART or HIDDEN
    bbox: BBox | None = None
    table: int | None = None  # index into Document.tables for ROW lines


@dataclass
class Page:
    number: int  # 1-based
    has_text: bool = True
    name: str | None = None  # XLSX sheet name
    width: float | None = None
    height: float | None = None
    blank_grid: bool = False  # ruled table lines and no text at all (PDF)


@dataclass
class Document:
    """What a reader read from one file."""

    source_file: str
    file_type: str  # PDF | DOCX | XLSX | XLS | DOC | TEXT
    pages: list[Page] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    encoding: str | None = None
    # A text file's canonical text, kept as read (every text layout parses it; never re-joined).
    raw_text: str | None = None
    # Lines (prose or HIDDEN) the page does not show -> why: 'outside' the page box, 'clipped',
    # 'white', 'invisible' (render mode). PDF only (etl.readers.pdf_ink).
    hidden: dict[int, str] = field(default_factory=dict)

    @property
    def is_text(self) -> bool:
        """Plain text extractions are read by the text layouts; originals by the grid layouts."""
        return self.file_type == TEXT

    @property
    def text(self) -> str:
        """Every line, in order (for a text file: exactly its canonical text)."""
        if self.raw_text is None:
            self.raw_text = "\n".join(line.text for line in self.lines)
        return self.raw_text

    def prose_text(self) -> str:
        """Prose lines only; table rows become empty lines so line numbers stay the same."""
        return "\n".join(line.text if line.kind == PROSE else "" for line in self.lines)

    def line(self, number: int) -> Line | None:
        if 1 <= number <= len(self.lines):
            return self.lines[number - 1]
        return None

    def page_of(self, number: int | None) -> int | None:
        """Page of a document-wide line number (None when unknown)."""
        if number is None:
            return None
        line = self.line(number)
        return line.page if line else None


class DocumentBuilder:
    """Appends pages, prose lines and tables while keeping the line numbering consistent."""

    def __init__(self, source_file: str, file_type: str) -> None:
        self.document = Document(source_file=source_file, file_type=file_type)

    def page(self, **kwargs: object) -> Page:
        page = Page(number=len(self.document.pages) + 1, **kwargs)  # type: ignore[arg-type]
        self.document.pages.append(page)
        return page

    def prose(self, page: int, text: str, bbox: BBox | None = None) -> Line:
        line = Line(len(self.document.lines) + 1, page, text, PROSE, bbox)
        self.document.lines.append(line)
        return line

    def table(
        self, page: int, grid: list[list[Cell]], bbox: BBox | None = None, sheet: str | None = None
    ) -> Table:
        doc = self.document
        index = sum(1 for t in doc.tables if t.page == page) + 1
        table = Table(page, index, grid, len(doc.lines) + 1, bbox, sheet)
        doc.tables.append(table)
        position = len(doc.tables) - 1
        for row in grid:
            text = " | ".join(c.text for c in row if c.is_origin)  # a merged cell's text once
            doc.lines.append(Line(len(doc.lines) + 1, page, text, ROW, _row_bbox(row), position))
        return table


def _row_bbox(row: list[Cell]) -> BBox | None:
    boxes = [c.bbox for c in row if c.bbox is not None]
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def column_letter(col: int) -> str:
    """0 -> 'A', 27 -> 'AB' (spreadsheet column names)."""
    name = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        name = chr(65 + rem) + name
    return name


def expand_grid(
    n_rows: int,
    n_cols: int,
    spans: list[tuple[int, int, int, int, str]],
    bboxes: dict[tuple[int, int], BBox] | None = None,
    numbers: dict[tuple[int, int], Decimal] | None = None,
) -> list[list[Cell]]:
    """(row0, col0, row1, col1, text) spans (end-exclusive) -> a rectangular grid of Cells.

    Positions no span covers are blank cells of their own.
    """
    grid: list[list[Cell | None]] = [[None] * n_cols for _ in range(n_rows)]
    bboxes = bboxes or {}
    numbers = numbers or {}
    for r0, c0, r1, c1, text in spans:
        for r in range(r0, min(r1, n_rows)):
            for c in range(c0, min(c1, n_cols)):
                if grid[r][c] is None:
                    grid[r][c] = Cell(text, r, c, (r0, c0), bboxes.get((r0, c0)), numbers.get((r0, c0)))
    return [
        [cell if cell is not None else Cell("", r, c, (r, c)) for c, cell in enumerate(row)]
        for r, row in enumerate(grid)
    ]
