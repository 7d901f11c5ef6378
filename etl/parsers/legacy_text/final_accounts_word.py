"""Word-table text of a 决算 table -> rows of cells.

Text extracted from a Word table prints one cell per tab-led line and separates
table rows with a blank line. A cell whose text has its own line break
continues on a line that does *not* start with a tab (often after a blank
line, e.g. ``→经济分类`` / ``（空行）`` / ``科目编码``); such a line belongs to the
cell before it and does not end the row.

The tokenizer only cuts cells and rows; it keeps blank cells (``''``) because
in this layout a cell's position is reliable and a blank means "nothing printed".
What the cells mean is decided in :mod:`etl.parsers.final_accounts`.
"""

from __future__ import annotations

from etl.textutil import clean_cell

# (cell text cleaned of outer and ideographic spaces, 1-based line of the cell's first line)
Cell = tuple[str, int]


def is_word_table_line(text: str) -> bool:
    """A Word-table cell line starts with a tab."""
    return text.startswith("\t")


def word_cells(text: str) -> list[str]:
    """Cells of one tab-led line: usually one, several when the line has more tabs."""
    return [clean_cell(part) for part in text.split("\t")[1:]]


def tokenize_word_table(lines: list[tuple[int, str]]) -> list[list[Cell]]:
    """Numbered lines of one table body -> table rows, each a list of (cell, line).

    Blank lines separate rows; a non-tab line continues the previous cell (joined
    without a space, since Chinese words wrap without one).
    """
    rows: list[list[Cell]] = []
    row: list[Cell] = []
    after_blank = False
    for number, text in lines:
        if not text.strip() and not is_word_table_line(text):
            after_blank = True
            continue
        if is_word_table_line(text):
            if row and after_blank:
                rows.append(row)
                row = []
            row.extend((cell, number) for cell in word_cells(text))
        elif row:
            last_text, last_line = row[-1]
            row[-1] = (last_text + clean_cell(text), last_line)
        else:
            row = [(clean_cell(text), number)]
        after_blank = False
    if row:
        rows.append(row)
    return rows
