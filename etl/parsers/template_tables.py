"""The standard 决算 and 预算 tables of an original document (PDF, Word, Excel), read from cells.

Each table grid is recognised by its title (the prose just above it, or a title
row inside the grid) and read by the column roles its header gives: code columns
(类/款/项, or one 编码 column), a name column and figure columns, whose header is the
measure. Nothing depends on spacing: a blank cell is a blank figure, a code printed
'302 99' stays in its code cells. A grid without a title directly after a table is
that table's continuation on the next page, with or without its header repeated;
a continuation that prints fewer columns (the 合计 row alone on a page, its label
cells merged) is aligned from the right. What cannot be read becomes a check that
names the table, the page and the cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

from etl.model import BudgetLine, Check, ParseResult, ThreePublicLine
from etl.parsers.cover import read_cover, read_toc
from etl.readers.model import PROSE, Cell, Document, Line, Table
from etl.templates import FINAL_ACCOUNTS, TableTemplate, match_title, normalise, strip_entry, vocabulary
from etl.textutil import parse_amount

LAYOUT = "template_tables"

CODE, NAME, MEASURE, EMPTY, NUMBERING = "code", "name", "measure", "empty", "numbering"
_UNIT_RE = vocabulary().unit_line
_CONTINUED_RE = re.compile(r"[（(]?续表?[)）]?$")
_UNIT_HEAD = re.compile(r"^(?:金额)?单位[：:]?万?$")  # the first line of a unit split over two
_UNIT_TAILS = ("元", "万元")
_FUNCTIONAL = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_ECONOMIC = re.compile(r"^\d{3}(?:\d{2})?$")
_CODE_AND_NAME = re.compile(r"^(\d{3}(?:\s*\d{2}){0,2})\s*(\D.*)$")
_DIGITS_ONLY = re.compile(r"^[\d\s]+$")
_ROW_LABEL = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d{1,2}[、.．](?!\d))"
)
MAX_GAP_LINE = 8  # a line between two tables this short (no sentence) does not break a continuation
NOTE_LINES = 8  # lines after a table where its note is printed
UNREAD = "table_not_read"


# --- column layout ------------------------------------------------------------------


@dataclass
class Group:
    """One block of columns read together: a coded group or one side of a two-sided table."""

    code_cols: list[int] = field(default_factory=list)
    name_col: int | None = None
    measures: list[tuple[int, str]] = field(default_factory=list)  # (column, measure as printed)
    side: str | None = None
    # A second label column without a header word, between the name and the figures (江苏's
    # 收入预算总表: 一般公共预算资金 | 小计 / 公共财政拨款(补助)资金): the row's item, its 小计 the group's.
    sub_name_col: int | None = None
    # The label of a row printed without any label column (江苏's 支出预算总表: one row of figures
    # under 合计 | 基本支出 | …): set only where the grid prints that one row.
    total_label: str | None = None


@dataclass
class Layout:
    header_rows: int  # rows of the grid that are title, unit or header
    groups: list[Group]
    n_cols: int
    paths: list[tuple[str, ...]]  # header words of each column, top to bottom


@dataclass
class OpenTable:
    """A standard table being read; it may continue over several grids and pages."""

    template: TableTemplate
    printed: str
    unit: str | None
    layout: Layout | None
    page: int
    title_line: int | None
    n_lines: int = 0
    has_body: bool = False  # any non-blank figure cell was seen
    next_line: int = 0  # the first document line after the table's last grid
    grid: Table | None = None  # the grid whose header gave ``layout``, and where its header starts
    header_start: int = 0
    awaiting_header: bool = False  # the title block printed alone; header and rows on the next grid
    last: tuple[Table, Layout, int] | None = None  # last grid read, its layout, its first line's index


def _is_blank(text: str) -> bool:
    s = normalise(text)
    return not s or s in vocabulary().header["blank_words"]


def _is_amount(text: str) -> bool:
    try:
        return parse_amount(text) is not None
    except ValueError:
        return False


def _is_total_label(text: str) -> bool:
    s = normalise(text)
    return bool(s) and (s in vocabulary().totals or s.startswith(("合计", "总计")))


def _is_code_level_word(text: str) -> bool:
    return normalise(text) in vocabulary().header["code_level_words"]


def _is_data_row(row: list[Cell], totals: bool = True) -> bool:
    """A row with a figure, or a total label in its first cell, is data, not header.

    Header rows print total words too (本年收入合计, 合计 over a figure column), but
    never in the first column, where a data row's label stands.
    """
    words = vocabulary().header["row_number_words"]
    texts = [c.text for c in row if c.text.strip()]
    if not texts or normalise(texts[0]) in words:
        return False
    first = row[0].text.strip()
    if _ROW_LABEL.match(first) or _FUNCTIONAL.match("".join(first.split())):
        return True  # an enumerated item ('一、…', '1.') or a code opens a data row
    if totals and _is_total_label(first):
        # A total row, unless the row also prints header words (合计 | 基本支出 | 项目支出).
        return all(_is_amount(c.text) or normalise(c.text) == normalise(first) for c in row if c.text.strip())
    return any(_is_amount(c.text) for c in row if c.text.strip())


def _title_row(row: list[Cell]) -> bool:
    """A grid row that is a title or a unit line (one merged cell, or 单位：…)."""
    texts = {c.text for c in row if c.text.strip()}
    if len(texts) != 1:
        return any(_UNIT_RE.search(t) for t in texts) and not any(_is_amount(t) for t in texts)
    (text,) = texts
    return (
        match_title(text) is not None
        or bool(_UNIT_RE.search(text))
        or bool(vocabulary().table_number.match(normalise(text)))
    )


def _paths(table: Table, start: int, end: int) -> list[tuple[str, ...]]:
    paths: list[list[str]] = [[] for _ in range(table.n_cols)]
    for r in range(start, end):
        for c, cell in enumerate(table.rows[r]):
            if _is_blank(cell.text):
                continue
            s = normalise(cell.text)
            if not paths[c] or paths[c][-1] != s:
                paths[c].append(s)
    return [tuple(p) for p in paths]


def _role(path: tuple[str, ...]) -> str:
    if not path:
        return EMPTY
    header = vocabulary().header
    if any(normalise(p) in header["row_number_words"] for p in path):
        return NUMBERING  # 行次 / 栏次: the row's number, not a figure
    if any("编码" in p or "代码" in p or p in header["code_level_words"] for p in path):
        return CODE
    if any(any(w in p for w in ("名称",)) for p in path) or path[-1] in header["name_words"]:
        return NAME
    return MEASURE


def _measure(path: tuple[str, ...]) -> str:
    """The column's measure as printed: its lowest header, or the group's name for a 小计."""
    leaf = path[-1]
    if leaf in vocabulary().header["subtotal_words"] and len(path) > 1:
        return path[-2]
    return leaf


def _side(path: tuple[str, ...]) -> str | None:
    header = vocabulary().header
    top = path[0] if path else ""
    if len(path) > 1:
        if any(top.endswith(w) for w in header["income_side"]):
            return "收入"
        if any(top.endswith(w) for w in header["expenditure_side"]):
            return "支出"
    return None


def _coded_groups(paths: list[tuple[str, ...]]) -> list[Group]:
    """Columns -> groups: label columns (codes and a name, in any order) then their figures.

    A new group starts where a label column follows a figure column: the 基本支出
    table prints two groups side by side (301/303 | 302/310).
    """
    groups: list[Group] = []
    current = Group()
    for c, path in enumerate(paths):
        role = _role(path)
        if role in (CODE, NAME) and current.measures:
            groups.append(current)
            current = Group()
        if role == CODE:
            current.code_cols.append(c)
        elif role == NAME and current.name_col is None:
            current.name_col = c
        elif role == MEASURE:
            current.measures.append((c, _measure(path)))
    groups.append(current)
    return [g for g in groups if g.measures]


def _two_sided_groups(paths: list[tuple[str, ...]]) -> list[Group]:
    """Columns -> the 收入 and 支出 halves, each a 项目 column followed by its figures."""
    groups: list[Group] = []
    for c, path in enumerate(paths):
        role = _role(path)
        side = _side(path)
        if role in (NAME, CODE):
            groups.append(Group(name_col=c, side=side))
        elif role == MEASURE and groups:
            groups[-1].measures.append((c, _measure(path)))
    sides = ("收入", "支出")
    for i, g in enumerate(groups):
        if g.side is None and i < len(sides):
            g.side = sides[i]
    return [g for g in groups if g.measures]


def header_layout(table: Table, reader: str, start: int = 0) -> Layout | None:
    """The layout a grid's own header gives, or None when its first rows are already data."""
    end = start
    totals = reader != "three_public"  # the 三公 header starts with 合计
    while end < len(table.rows) and not _is_data_row(table.rows[end], totals):
        end += 1
    paths = _paths(table, start, end)
    if end == start or not any(paths):
        return None
    labelled = _one_path_a_column(table, start, paths)
    if reader == "two_sided":
        groups = _two_sided_groups(labelled)
    elif reader == "coded":
        groups = _with_sub_names(_coded_groups(labelled), labelled, table, end)
    else:
        groups = []
    return Layout(end, groups, table.n_cols, paths)


def continued_layout(previous: Layout, table: Table) -> Layout | None:
    """The layout of a continuation grid printed without its header.

    Same columns: the previous layout. Fewer columns (label cells merged on a page
    of its own): the figure columns aligned from the right, the rest a label.
    """
    if table.n_cols == previous.n_cols:
        return Layout(0, previous.groups, previous.n_cols, previous.paths)
    if len(previous.groups) != 1 or table.n_cols > previous.n_cols:
        return None
    group = previous.groups[0]
    m = len(group.measures)
    labels = table.n_cols - m
    if labels < 1:
        return None
    measures = [(labels + i, measure) for i, (_, measure) in enumerate(group.measures)]
    shifted = Group(
        code_cols=list(range(labels)) if group.code_cols else [],
        name_col=None if group.code_cols else 0,
        measures=measures,
        side=group.side,
    )
    return Layout(0, [shifted], table.n_cols, [()] * table.n_cols)


# --- a table given as text lines: its merged cells' spans restored ------------------------


def _amount_cell(text: str) -> bool:
    return bool(text.strip()) and _is_amount(text)


def _label_spans(texts: list[str], width: int) -> list[int] | None:
    """Spans of a data row printing fewer cells than the table: a label merged over code columns.

    The missing columns go to the labels that stand before a figure (合计 over 类/款/项 and the
    name; 人员经费合计 | 1,963.59 | 公用经费合计 | 2,020.46 over two groups), one each from the
    left, the rest to the first of them.
    """
    missing = width - len(texts)
    labels = [
        i for i, t in enumerate(texts[:-1]) if t.strip() and not _is_amount(t) and _amount_cell(texts[i + 1])
    ]
    if not labels:
        return None
    spans = [1] * len(texts)
    for k in range(missing):
        spans[labels[k] if k < len(labels) else labels[0]] += 1
    return spans


def _header_spans(texts: list[str], below: list[tuple[int, str]]) -> list[int] | None:
    """Spans of a header row from the row below (its cells' spans and texts).

    Word's text prints a cell merged down as an empty cell in the rows below: each such
    empty cell continues the cell above it, and a run of printed cells below belongs to the
    cell above them (合计 | 因公出国（境）费 | 公务用车购置及运行维护费 over ∅ | ∅ | 小计 | 购置费 | 运行维护费).
    """
    groups: list[int] = []
    run = 0
    for span, text in below:
        if text.strip():
            run += span
            continue
        if run:
            groups.append(run)
            run = 0
        groups.append(span)
    if run:
        groups.append(run)
    return groups if len(groups) == len(texts) else None


def _labels_then_blanks(row: list[str]) -> bool:
    """A header row naming only the label columns (编码, 名称), its figure columns left blank."""
    printed = [i for i, t in enumerate(row) if t.strip()]
    return (
        bool(printed)
        and all(_role((normalise(row[i]),)) in (CODE, NAME) for i in printed)
        and printed == list(range(len(printed)))
    )


def respanned(table: Table) -> Table:
    """A grid of text lines (cells printed once, spans lost) with its merged cells' spans restored.

    A figure row is as wide as the table's figure rows; a narrower one has a label merged
    over label columns, a wider one prints the header's 类/款/项 before its 合计 (both Word's
    text). A header row is spanned by the row below it, or its first cell spans the columns
    it lacks. A grid of an original is returned as it is.
    """
    if table.widths is None:
        return table
    texts = [[c.text for c in table.printed(r)] for r in range(len(table.rows))]
    figure_widths = [len(t) for t in texts if any(_amount_cell(x) for x in t)]
    if not figure_widths:
        return table
    width = max(set(figure_widths), key=figure_widths.count)
    spans: list[list[int]] = [[1] * len(t) for t in texts]
    for r, row in enumerate(texts):
        if len(row) > width and any(_amount_cell(x) for x in row):
            lead = 0
            while lead < len(row) and _is_code_level_word(row[lead]):
                lead += 1
            if lead and len(row) - lead <= width and _is_total_label(row[lead]):
                texts[r], spans[r] = row[lead:], [1] * (len(row) - lead)  # '类|款|项|合计|…': header words
                row = texts[r]
        if len(row) < width and any(_amount_cell(x) for x in row):
            spans[r] = _label_spans(row, width) or spans[r]
    for r in range(len(texts) - 1, -1, -1):
        row = texts[r]
        if sum(spans[r]) >= width or any(_amount_cell(x) for x in row):
            continue
        below = list(zip(spans[r + 1], texts[r + 1], strict=True)) if r + 1 < len(texts) else []
        found = _header_spans(row, below) if below and sum(spans[r + 1]) == width else None
        if found is None and _labels_then_blanks(row):
            found = [1] * len(
                row
            )  # 功能分类科目编码 | 科目名称 | ∅ …: the label columns, blanks left unprinted
        if found is None and width % len(row) == 0:
            found = [width // len(row)] * len(row)  # ∅ | ∅ | 小计 | 购置费 | 运行维护费 | ∅ over 12 figures
        spans[r] = found or [width - len(row) + 1, *[1] * (len(row) - 1)]
    grid: list[list[Cell]] = []
    originals = table.rows
    # A row still wider than the figure rows keeps its cells: the reader reports them, never drops them.
    n_cols = max(width, *(sum(row_spans) for row_spans in spans))
    for r, (row, row_spans) in enumerate(zip(texts, spans, strict=True)):
        cells: list[Cell] = []
        skipped = len(table.printed(r)) - len(row)  # leading header words set aside
        for k, (text, span) in enumerate(zip(row, row_spans, strict=True)):
            start = len(cells)
            line = originals[r][k + skipped].line if k + skipped < len(originals[r]) else None
            cells += [Cell(text, r, start + i, (r, start), line=line) for i in range(span)]
        cells += [Cell("", r, c, (r, c)) for c in range(len(cells), n_cols)]
        grid.append(cells)
    return Table(
        table.page,
        table.index,
        grid,
        table.first_line,
        table.bbox,
        table.sheet,
        row_lines=table.row_lines,
        n_lines=table.n_lines if table.n_lines is not None else len(table.rows),
        placed=table.placed,
    )


# --- reading rows ---------------------------------------------------------------------


@dataclass
class RowReading:
    lines: list[BudgetLine] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    has_body: bool = False


def _where(open_table: OpenTable, table: Table, r: int, c: int | None = None) -> str:
    at = f"{table.where}" + (f"（{table.cell_ref(r, c)}）" if c is not None else f"表格第 {r + 1} 行")
    return f"“{open_table.printed}”{at}"


def _table_check(
    check: str,
    severity: str,
    message: str,
    open_table: OpenTable,
    table: Table,
    row: int,
    code: str | None = None,
) -> Check:
    """A finding about one row of a standard table: the row's line and the table's title."""
    return Check(
        check, severity, message, source_line=table.line_of(row), statement=open_table.printed, code=code
    )


def _amount(cell: Cell) -> Decimal | None:
    if cell.number is not None:
        return cell.number
    return parse_amount(cell.text)


def _code_of(parts: list[str], classification: str | None) -> tuple[str | None, bool]:
    """Code cells -> (one code, whether a 款/项 printed with one digit was padded).

    '201','06','01' -> '2010601'; '208 05 05' -> '2080505'; '301','2' -> '30102' (padded).
    """
    tokens = ["".join(p.split()) for p in parts]
    padded = False
    if len(tokens) > 1 and len(tokens[0]) == 3 and all(1 <= len(t) <= 2 for t in tokens[1:]):
        padded = any(len(t) == 1 for t in tokens[1:])
        tokens = [tokens[0], *(t.zfill(2) for t in tokens[1:])]
    digits = "".join(tokens)
    pattern = _ECONOMIC if classification == "economic" else _FUNCTIONAL
    return (digits, padded) if pattern.match(digits) else (None, False)


def read_coded_row(open_table: OpenTable, table: Table, r: int, group: Group, out: RowReading) -> None:
    """One group of one row of a coded table -> BudgetLines (one per printed figure)."""
    row = table.rows[r]
    classification = open_table.template.classification
    raw_parts = [row[c].text.strip() for c in group.code_cols]
    parts = [p for p in raw_parts if p and not _is_code_level_word(p) and not _is_blank(p)]
    name = _row_name(row, group)
    code: str | None = None
    label: str | None = None
    if parts and all(_DIGITS_ONLY.match(p) for p in parts):
        code, padded = _code_of(parts, classification)
        if padded:
            out.checks.append(
                _table_check(
                    "code_printed_short",
                    "warning",
                    f"{_where(open_table, table, r, group.code_cols[0])}的科目编码印为“{' | '.join(parts)}”，"
                    f"款/项编码少一位，按“{code}”读入",
                    open_table,
                    table,
                    r,
                    code=code,
                )
            )
        if code is None:
            out.checks.append(
                _table_check(
                    "code_not_understood",
                    "error",
                    f"{_where(open_table, table, r, group.code_cols[0])}的科目编码“{' '.join(parts)}”不是有效的"
                    f"{'经济' if classification == 'economic' else '功能'}分类编码，该行未读入",
                    open_table,
                    table,
                    r,
                )
            )
            return
    elif parts:
        first = parts[0]
        m = _CODE_AND_NAME.match(first)
        if m and not name:
            code, _ = _code_of([m.group(1)], classification)
            name = m.group(2).strip()
        else:
            label = first
    if label is not None and _is_amount(label):
        out.has_body = True
        out.checks.append(
            _table_check(
                "row_not_placed",
                "error",
                f"{_where(open_table, table, r)}在科目栏印有数字“{label}”，无法确定该行的科目，未读入",
                open_table,
                table,
                r,
            )
        )
        return
    if name and _is_amount(name):
        out.has_body = True
        out.checks.append(
            _table_check(
                "row_not_placed",
                "error",
                f"{_where(open_table, table, r, group.name_col)}在名称栏印有数字“{name}”，"
                "无法确定该行的科目，未读入",
                open_table,
                table,
                r,
            )
        )
        return
    if label and name and normalise(label) == normalise(name):
        name = ""
    name = name or label or ""
    figures: list[tuple[int, str, Decimal]] = []
    for c, measure in group.measures:
        cell = row[c]
        if cell.origin[1] not in (c, *[mc for mc, _ in group.measures]) and not cell.is_origin:
            continue  # a label merged into a figure column
        text = cell.text.strip()
        if _is_blank(text):
            continue
        try:
            value = _amount(cell)
        except ValueError:
            if _is_total_label(text) or normalise(text) == normalise(name):
                continue
            out.has_body = True
            out.checks.append(
                _table_check(
                    "cell_not_understood",
                    "error",
                    f"{_where(open_table, table, r, c)}“{measure}”栏的内容“{text}”不是金额，未读入",
                    open_table,
                    table,
                    r,
                    code=code,
                )
            )
            continue
        if value is not None:
            figures.append((c, measure, value))
    if figures:
        out.has_body = True
    if not figures:
        return
    if code is None and not name:
        out.checks.append(
            _table_check(
                "row_not_placed",
                "error",
                f"{_where(open_table, table, r)}有金额但没有科目编码或名称，无法确定属于哪一行，未读入",
                open_table,
                table,
                r,
            )
        )
        return
    label_col = group.code_cols[0] if group.code_cols else group.name_col
    line = table.cell_line(r, label_col) if label_col is not None else table.line_of(r)
    for c, measure, value in figures:
        out.lines.append(
            BudgetLine(
                statement=open_table.printed,
                code=code,
                name=name,
                measure=measure,
                amount=value,
                unit=open_table.unit or "",
                source_line=line,  # the row's (Word's text: the line of the group's label cell)
                classification=classification if code or _is_total_label(name) else None,
                is_total=code is None and _is_total_label(name),
                side=group.side,
                template=open_table.template.template,
                source_cell=table.cell_ref(r, c),
            )
        )


def read_rows(open_table: OpenTable, table: Table, layout: Layout) -> RowReading:
    out = RowReading()
    groups = [_unlabelled_total(group, table, layout) for group in layout.groups]
    for r in range(layout.header_rows, len(table.rows)):
        outside = _figures_outside_columns(table, layout, r)
        if outside and not table.placed:
            # Word's text of a row with more cells than its header: no cell's column is certain.
            out.has_body = True
            texts = " | ".join(c.text.strip() for c in table.printed(r))
            out.checks.append(
                _table_check(
                    "row_not_aligned",
                    "error",
                    f"{_where(open_table, table, r)}印有 {len(table.printed(r))} 个单元格（{texts}），"
                    "多于表头的栏数，无法确定各数字属于哪一栏，该行未读入",
                    open_table,
                    table,
                    r,
                )
            )
            continue
        for group in groups:
            read_coded_row(open_table, table, r, group, out)
        for c in outside:
            out.has_body = True
            out.checks.append(
                _table_check(
                    "figure_outside_columns",
                    "error",
                    f"{_where(open_table, table, r, c)}印有数字“{table.rows[r][c].text.strip()}”，"
                    "但该列不在任何表头栏目之下，无法确定是哪一栏的数，未读入",
                    open_table,
                    table,
                    r,
                )
            )
    return out


def _figures_outside_columns(table: Table, layout: Layout, r: int) -> list[int]:
    """Columns of row ``r`` printing a figure no header word names (a row wider than its header)."""
    used = {c for g in layout.groups for c in (*g.code_cols, g.name_col, *(mc for mc, _ in g.measures))}
    numbering = vocabulary().header["row_number_words"]
    return [
        c
        for c, cell in enumerate(table.rows[r])
        if c not in used
        and cell.is_origin
        and not any(normalise(w) in numbering for w in layout.paths[c])
        and not _is_blank(cell.text.strip())
        and _is_amount(cell.text.strip())
    ]


# --- 三公 ---------------------------------------------------------------------------------


def _three_public_item(path: tuple[str, ...]) -> tuple[str, bool] | None:
    """(item, is_three_public) of a 三公 column from its header words, deepest first."""
    voc = vocabulary()
    for i in range(len(path) - 1, -1, -1):
        word = path[i]
        if word == voc.three_public_group_total and i > 0:
            continue
        for printed, item in voc.three_public_items:
            if word == printed:
                return item, True
        for printed, item in voc.three_public_other:
            if printed in word:
                return item, False
    return None


def _three_public_measure(path: tuple[str, ...], default: str | None) -> str | None:
    voc = vocabulary()
    for word in reversed(path):
        if any(w in word for w in voc.actual_words):
            return "决算数"
        if any(w in word for w in voc.budget_words):
            return "预算数"
    return default


def read_three_public(open_table: OpenTable, table: Table, start: int, result: ParseResult) -> None:
    layout = header_layout(table, "three_public", start)
    if layout is None:
        result.checks.append(
            _table_check(
                "header_not_understood",
                "error",
                f"“{open_table.printed}”（{table.where}）的表头无法识别，三公经费未读入",
                open_table,
                table,
                start,
            )
        )
        return
    open_table.layout = layout
    items: dict[str, dict[str, Decimal | None]] = {}
    lines: dict[str, int] = {}
    grand = _table_total_columns(layout.paths)
    for r in range(layout.header_rows, len(table.rows)):
        row = table.rows[r]
        for c, path in enumerate(layout.paths):
            text = row[c].text.strip()
            if _is_blank(text):
                continue
            found = (grand[c], False) if c in grand else _three_public_item(path)
            measure = _three_public_measure(path, open_table.template.default_measure)
            if found is None or measure is None:
                result.checks.append(
                    _table_check(
                        "header_not_understood",
                        "error",
                        f"“{open_table.printed}”{table.where} {table.cell_ref(r, c)} 的栏目“{'/'.join(path) or '（无表头）'}”"
                        f"无法对应到三公经费项目，数值 {text} 未读入",
                        open_table,
                        table,
                        r,
                    )
                )
                continue
            try:
                value = _amount(row[c])
            except ValueError:
                result.checks.append(
                    _table_check(
                        "cell_not_understood",
                        "error",
                        f"“{open_table.printed}”{table.where} {table.cell_ref(r, c)} 的内容“{text}”不是金额，未读入",
                        open_table,
                        table,
                        r,
                    )
                )
                continue
            open_table.has_body = True
            item, is_three_public = found
            if not is_three_public:
                result.budget_lines.append(
                    BudgetLine(
                        statement=open_table.printed,
                        code=None,
                        name=item,
                        measure=measure,
                        amount=value,  # type: ignore[arg-type]
                        unit=open_table.unit or "",
                        source_line=table.line_of(r),
                        is_total=c in grand,
                        template=open_table.template.template,
                        source_cell=table.cell_ref(r, c),
                    )
                )
                open_table.n_lines += 1
                continue
            slot = items.setdefault(item, {"预算数": None, "决算数": None})
            slot[measure] = value
            lines.setdefault(item, table.cell_line(r, c))
    for item, values in items.items():
        result.three_public.append(
            ThreePublicLine(
                item=item,
                budget=values["预算数"],
                actual=values["决算数"],
                unit=open_table.unit or "",
                source_line=lines[item],
            )
        )
        open_table.n_lines += 1


# --- titles and continuations ---------------------------------------------------------------


def _between(doc: Document, previous: Table | None, table: Table) -> list[Line]:
    """Prose lines between the previous table and this one, on this page or the one before."""
    start = previous.next_line if previous else 1
    return [
        ln
        for ln in doc.lines[start - 1 : table.first_line - 1]
        if ln.kind == PROSE and ln.page >= table.page - 1 and ln.text.strip()
    ]


def _leading_title_rows(table: Table) -> int:
    """Grid rows at the top that are a title, 编制单位 or unit line (as a sheet or a ruled heading prints them)."""
    return grid_heading(table).rows


def _unit_of(lines: list[Line], table: Table) -> str | None:
    for ln in reversed(lines):
        if m := _UNIT_RE.search(ln.text):
            return m.group(1)
    if unit := _unit_over_two_lines(lines):
        return unit
    return grid_heading(table).unit


def _title(lines: list[Line], table: Table, kind: str | None) -> tuple[object, int | None]:
    """(TitleMatch or None, title line): the nearest title above the grid, else in its first rows."""
    for ln in reversed(lines):
        if m := match_title(ln.text, kind):
            return m, ln.number
    for a, b in zip(lines[-3:], lines[-2:], strict=False):
        if m := match_title(a.text + b.text, kind):
            return m, a.number
    for text, r in grid_heading(table).titles:
        if m := match_title(text, kind):
            return m, table.line_of(r)
    return None, None


# --- a heading printed inside the grid ------------------------------------------------------


@dataclass(frozen=True)
class GridHeading:
    """What a grid prints above its header: the title, 编制单位 and 单位 lines, blank rows between."""

    rows: int  # grid rows before the header
    titles: list[tuple[str, int]]  # candidate titles as printed (joined when split over rows), first row
    unit: str | None


def _row_texts(row: list[Cell]) -> list[str]:
    """The distinct texts a row prints, left to right (a merged cell once)."""
    return list(dict.fromkeys(c.text.strip() for c in row if c.text.strip()))


def _is_preparer(text: str) -> bool:
    """'编制单位：上海市普陀区商务委员会': who prepared the table, printed beside its unit."""
    s = normalise(text)
    return any(s.startswith(w + "：") or s == w for w in vocabulary().header["preparer_words"])


def _is_unit_part(text: str) -> bool:
    """A unit line, whole or split over two lines ('单位：万' above '元')."""
    s = normalise(text)
    return bool(_UNIT_RE.search(s) or _UNIT_HEAD.match(s) or s in _UNIT_TAILS)


def _heading_text(text: str) -> bool:
    return match_title(text) is not None or _is_preparer(text) or _is_unit_part(text)


def grid_heading(table: Table) -> GridHeading:
    """The rows at the top of a grid that print its title, 编制单位 and unit, not its header.

    A unit budget rules its heading into the grid: a blank row, the title merged across,
    a blank row, 编制单位 … 单位：元, a blank row, then the header. A title split over two
    rows is one title; a unit split over two lines ('单位：万' / '元') is one unit. Blank
    rows count only when a heading row follows them.
    """
    rows = len(table.rows)
    end = 0
    titles: list[tuple[str, int]] = []
    r = 0
    while r < rows:
        texts = _row_texts(table.rows[r])
        if not texts:
            r += 1
            continue
        if _title_row(table.rows[r]) or all(_heading_text(t) for t in texts):
            titles += [(t, r) for t in texts if match_title(t) is not None]
            end = r = r + 1
            continue
        nxt = next((k for k in range(r + 1, rows) if _row_texts(table.rows[k])), None)
        if len(texts) == 1 and nxt is not None:
            after = _row_texts(table.rows[nxt])
            joined = texts[0] + after[0]
            if match_title(joined) is not None and all(_heading_text(t) for t in after[1:]):
                titles.append((joined, r))  # a title wrapped onto the next row
                end = r = nxt + 1
                continue
        break
    return GridHeading(end, titles, _heading_unit(table, end))


def _heading_unit(table: Table, end: int) -> str | None:
    """The unit a grid's heading rows print, each column's lines read together."""
    for c in range(table.n_cols):
        column = dict.fromkeys(normalise(table.rows[r][c].text) for r in range(end))
        if m := _UNIT_RE.search("".join(t for t in column if t)):
            return m.group(1)
    return None


def _breaks_continuation(lines: list[Line]) -> bool:
    """Prose between two grids other than unit lines, page furniture or '（续表）' ends a table."""
    for ln in lines:
        s = normalise(ln.text)
        if _UNIT_RE.search(s) or _CONTINUED_RE.search(s):
            continue
        if len(s) <= MAX_GAP_LINE and not re.search(r"[。，；]", s):
            continue
        return True
    return False


# --- the document -------------------------------------------------------------------------


def _start(doc: Document, open_table: OpenTable, table: Table, skip: int, result: ParseResult) -> None:
    reader = open_table.template.reader
    open_table.next_line = table.next_line
    if reader != "two_sided":  # the halves of a two-sided table are found by their 项目 columns
        table = respanned(table)
    if reader == "three_public":
        read_three_public(open_table, table, skip, result)
        return
    if 0 < skip == len(table.rows):
        open_table.awaiting_header = True  # the title block is a grid of its own (江苏 p.12)
        return
    layout = header_layout(table, reader, skip)
    if layout is None or not layout.groups:
        result.checks.append(
            _table_check(
                "header_not_understood",
                "error",
                f"“{open_table.printed}”（{table.where}）的表头无法识别（没有找到编码、名称和金额栏），该表未读入",
                open_table,
                table,
                skip,
            )
        )
        return
    open_table.layout = layout
    open_table.grid, open_table.header_start = table, skip
    _read_into(open_table, table, layout, result)
    unknown = sorted({m for g in layout.groups for _, m in g.measures if m not in vocabulary().measures})
    if unknown:
        result.checks.append(
            _table_check(
                "header_measure_unknown",
                "info",
                f"“{open_table.printed}”（{table.where}）的栏目“{'、'.join(unknown)}”不在模板词表中，按原文栏目名读入",
                open_table,
                table,
                skip,
            )
        )


def _read_into(open_table: OpenTable, table: Table, layout: Layout, result: ParseResult) -> None:
    open_table.next_line = table.next_line
    open_table.last = (table, layout, len(result.budget_lines))
    reading = read_rows(open_table, table, layout)
    result.budget_lines += reading.lines
    result.checks += reading.checks + _label_checks(open_table, reading.lines)
    open_table.n_lines += len(reading.lines)
    open_table.has_body = open_table.has_body or reading.has_body


def _label_checks(open_table: OpenTable, lines: list[BudgetLine]) -> list[Check]:
    """Labels read as they stand, said: a total printed unusually ('合计了'), a label printed twice."""
    out: list[Check] = []
    totals = vocabulary().totals
    seen: dict[tuple[str | None, str], int] = {}
    odd: set[str] = set()
    for line in lines:
        if line.code is not None:
            continue
        if line.is_total and normalise(line.name) not in totals and line.name not in odd:
            odd.add(line.name)
            out.append(
                Check(
                    "total_label_nonstandard",
                    "info",
                    f"{open_table.printed}的合计行标签印作“{line.name}”，按合计行读取，名称保留原文",
                    source_line=line.source_line,
                    statement=open_table.printed,
                )
            )
        if open_table.template.reader != "two_sided":
            continue
        first = seen.setdefault((line.side, line.name), line.source_line)
        if first != line.source_line:
            out.append(
                Check(
                    "item_label_repeated",
                    "info",
                    f"{open_table.printed}{line.side or ''}方“{line.name}”在第{first}行和第{line.source_line}行"
                    "各印一次（后者通常是上一行的明细），两行都保留",
                    source_line=line.source_line,
                    statement=open_table.printed,
                )
            )
            seen[(line.side, line.name)] = line.source_line
    return out


def _continue(open_table: OpenTable, table: Table, result: ParseResult) -> bool:
    """Read a title-less grid as the open table's next page; False when it cannot be."""
    reader = open_table.template.reader
    if reader == "three_public" or open_table.layout is None:
        return False
    if reader != "two_sided":
        table = respanned(table)
    own = header_layout(table, reader)
    if own is not None and own.groups and _measures(own) == _measures(open_table.layout):
        layout: Layout | None = own  # the header repeated on the next page
    elif own is not None and own.groups and set(_measures(own)) <= vocabulary().measures:
        return False  # a header of its own: another table whose title was not recognised
    else:
        aligned = _aligned_layout(open_table, table) if table.n_cols != open_table.layout.n_cols else None
        layout = aligned or continued_layout(open_table.layout, table)
        if layout is not None:
            layout = _join_wrapped_names(open_table, table, layout, result)
    if layout is None:
        result.checks.append(
            _table_check(
                "row_not_placed",
                "error",
                f"{table.where}的表格紧接“{open_table.printed}”，但列数（{table.n_cols}）与前页（{open_table.layout.n_cols}）"
                "不同且没有表头，无法对齐，未读入",
                open_table,
                table,
                0,
            )
        )
        return True
    _read_into(open_table, table, layout, result)
    return True


def _measures(layout: Layout) -> list[str]:
    return [m for g in layout.groups for _, m in g.measures]


def _has_figures(table: Table) -> bool:
    return any(_is_amount(c.text) for row in table.rows for c in row if c.text.strip())


def parse_tables(doc: Document, kind: str | None, result: ParseResult) -> list[OpenTable]:
    """Every standard table of the document, continuations joined; returns what was read."""
    read: list[OpenTable] = []
    open_table: OpenTable | None = None
    previous: Table | None = None
    used_titles: set[int] = set()
    _, toc_lines = read_toc(doc, kind)
    other: str | None = None  # a table recognised by its title and not read, that may continue
    for table in printed_grids(doc, kind, result):
        between = [ln for ln in _between(doc, previous, table) if ln.number not in toc_lines]
        match, title_line = _title(between, table, kind)
        skip = _leading_title_rows(table)
        if match is not None:
            template = match.template  # type: ignore[attr-defined]
            unit = _unit_of(between, table)
            open_table = OpenTable(
                template=template,
                printed=match.printed,  # type: ignore[attr-defined]
                unit=unit,
                layout=None,
                page=table.page,
                title_line=title_line,
            )
            if title_line is not None:
                used_titles.add(title_line)
            read.append(open_table)
            if unit is None:
                result.checks.append(
                    Check(
                        "table_unit_missing",
                        "warning",
                        f"“{open_table.printed}”（{table.where}）没有注明金额单位（单位：万元/元），金额未换算",
                        source_line=title_line,
                        statement=open_table.printed,
                    )
                )
            _start(doc, open_table, table, skip, result)
            other = None
        elif (
            open_table is not None
            and open_table.awaiting_header
            and previous is not None
            and not _breaks_continuation(between)
        ):
            open_table.awaiting_header = False
            _start(doc, open_table, table, skip, result)
        elif (
            open_table is not None
            and previous is not None
            and not _breaks_continuation(between)
            and _continue(open_table, table, result)
        ):
            pass
        elif (
            other is not None
            and previous is not None
            and not _breaks_continuation(between)
            and _other_title(between, table, kind) is None
        ):
            pass  # the next page of a table not read (江苏's 政府采购预算表, pp. 21-23): said once
        elif (other := _other_title(between, table, kind)) is not None:
            open_table = None
            result.checks.append(
                Check(
                    "statement_not_parsed",
                    "info",
                    f"{other}不在解析范围内，未读取",
                    source_line=table.line_of(0),
                    statement=other,
                )
            )
        else:
            open_table, other = None, None
            if _has_figures(table) and not _is_form(table) and table.placed:  # text rows: other layouts
                result.checks.append(
                    Check(
                        "table_unrecognised",
                        "info",
                        f"{table.where}有一个含数字的表格，未能按标题对应到标准报表，未读入",
                        source_line=table.line_of(0),
                    )
                )
        previous = table
    _titles_without_tables(doc, kind, used_titles, result)
    return read


def _other_title(lines: list[Line], table: Table, kind: str | None) -> str | None:
    """A table the disclosure prints beside the template's ('资产负债情况表'), by its title."""
    titles = vocabulary().other_tables.get(kind or FINAL_ACCOUNTS, ())
    texts = [ln.text for ln in lines[-2:]] + [c.text for row in table.rows[:2] for c in row if c.text.strip()]
    for text in texts:
        s = normalise(strip_entry(text))
        for title in titles:
            if s.endswith(title) and len(s) - len(title) <= 40:
                return title
    return None


def _is_form(table: Table) -> bool:
    """Performance forms are read by their own layouts."""
    text = normalise(" ".join(c.text for row in table.rows[:3] for c in row))
    return "绩效" in text or "项目名称" in text


def _titles_without_tables(doc: Document, kind: str | None, used: set[int], result: ParseResult) -> None:
    """A standard title printed in the body with no grid under it: the table was lost."""
    _, toc_lines = read_toc(doc, kind)
    for ln in doc.lines:
        if ln.kind != PROSE or ln.number in used or ln.number in toc_lines:
            continue
        m = match_title(ln.text, kind)
        if m is None:
            continue
        result.checks.append(
            Check(
                UNREAD,
                "error",
                f"第 {ln.page} 页有标题“{m.printed}”，但其下没有可读的表格（可能是图片或没有表格线），该表未读入",
                source_line=ln.number,
                statement=m.printed,
                page=ln.page,
            )
        )


def presence_checks(doc: Document, kind: str | None, read: list[OpenTable], result: ParseResult) -> None:
    """Tables found against tables expected (the 目录's list, else the template's set)."""
    entries, _ = read_toc(doc, kind)
    found = [t.template.template for t in read]
    if entries:
        expected = list(dict.fromkeys(e.match.template.template for e in entries))
        where = {e.match.template.template: e for e in entries}
    elif kind is not None and found:
        expected = [t.template for t in vocabulary().of_kind(kind) if not t.optional]
        where = {}
    else:
        expected, where = [], {}
    result.tables_expected = expected
    result.tables_found = list(dict.fromkeys(found))
    for template in expected:
        if template in found:
            continue
        entry = where.get(template)
        listed = f"目录（第 {entry.page} 页）列出的" if entry else "标准模板中的"
        result.checks.append(
            Check(
                "table_missing",
                "error",
                f"{listed}“{entry.match.printed if entry else template}”在正文中没有找到，该表的数据缺失",
                source_line=entry.line if entry else None,
                statement=template,
            )
        )
    for t in read:
        if t.awaiting_header:
            result.checks.append(
                Check(
                    UNREAD,
                    "error",
                    f"第 {t.page} 页的“{t.printed}”只印有标题和单位，其后没有表头和数据，该表未读入",
                    source_line=t.title_line,
                    statement=t.printed,
                    page=t.page,
                )
            )
        elif t.n_lines == 0 and not t.has_body and (note := _empty_note(doc, t)) is not None:
            result.checks.append(
                Check(
                    "statement_empty_with_note",
                    "info",
                    f"{t.printed}无数据，表后说明：{note}",
                    source_line=t.title_line,
                    statement=t.printed,
                )
            )
        elif t.n_lines == 0 and t.has_body:
            result.checks.append(
                Check(
                    "table_yielded_nothing",
                    "error",
                    f"“{t.printed}”（第 {t.page} 页）有数字但没有读出任何数据行",
                    source_line=t.title_line,
                    statement=t.printed,
                )
            )
        elif t.n_lines == 0:
            result.checks.append(
                Check(
                    "table_empty",
                    "info",
                    f"“{t.printed}”（第 {t.page} 页）是空表（没有填列金额）",
                    source_line=t.title_line,
                    statement=t.printed,
                )
            )


def _empty_note(doc: Document, t: OpenTable) -> str | None:
    """The note printed after an empty table saying why ('…，故本表无数据'), if any."""
    for ln in doc.lines[t.next_line - 1 : t.next_line - 1 + NOTE_LINES]:
        if ln.kind != PROSE:
            break  # the next table
        if vocabulary().empty_note.search(normalise(ln.text)):
            return ln.text.strip()
    return None


# --- other provinces' grids: several tables to a grid, rows off the page, merged columns ----------


def printed_grids(doc: Document, kind: str | None, result: ParseResult) -> list[Table]:
    """The document's grids as a reader of the page sees them.

    A grid's rows drawn below the page's bottom edge are not on the page (江苏 p.11 hides two
    tables there): not read, and said. A grid holding a second table (its title row after rows
    of the first: 江苏 p.9 ends 收支预算总表 and prints 收入预算总表 in one ruled grid) is read as
    one grid per table, numbered on its page as the tables it shows.
    """
    out: list[Table] = []
    hidden: dict[int, list[tuple[Table, int]]] = {}
    split: set[int] = set()
    for table in doc.tables:
        kept = _rows_on_page(doc, table)
        if kept < len(table.rows) and any(c.text.strip() for row in table.rows[kept:] for c in row):
            hidden.setdefault(table.page, []).append((table, kept))
        if kept == 0:
            continue
        parts = _title_splits(table, kept, kind)
        if parts == [0] and kept == len(table.rows):
            out.append(table)
            continue
        split.add(table.page)
        ends = [*parts[1:], kept]
        out += [_sub_grid(table, a, b) for a, b in zip(parts, ends, strict=True)]
    for page, grids in hidden.items():
        table, kept = grids[0]
        n = sum(len(t.rows) - k for t, k in grids)
        shown = next(
            " | ".join(c.text for c in row if c.is_origin and c.text.strip()) for row in table.rows[kept:]
        )
        result.checks.append(
            Check(
                "rows_outside_page",
                "warning",
                f"第 {page} 页有 {n} 行表格排在页面下边缘以下（如“{shown[:40]}”），显示和打印时看不到，未读入",
                source_line=table.line_of(kept),
                page=page,
            )
        )
    numbers: dict[int, int] = {}
    for i, table in enumerate(out):
        if table.page in split:
            numbers[table.page] = numbers.get(table.page, 0) + 1
            out[i] = replace(table, index=numbers[table.page])
    return out


def _rows_on_page(doc: Document, table: Table) -> int:
    """How many of the grid's rows start above the page's bottom edge (PDF; else all)."""
    page = doc.pages[table.page - 1] if 0 < table.page <= len(doc.pages) else None
    if page is None or not page.height or table.row_lines is not None:
        return len(table.rows)
    for r, row in enumerate(table.rows):
        tops = [c.bbox[1] for c in row if c.bbox is not None and c.origin[0] == r]
        if tops and min(tops) >= page.height:
            return r
    return len(table.rows)


def _title_splits(table: Table, rows: int, kind: str | None) -> list[int]:
    """Rows where a table starts: 0, and each title row printed after rows of a table body."""
    starts = [0]
    body = False
    for r in range(rows):
        row = table.rows[r]
        texts = {c.text for c in row if c.text.strip()}
        if len(texts) == 1 and _title_row(row):
            (text,) = texts
            if body and (match_title(text, kind) is not None or _other_title([], _one_row(table, r), kind)):
                starts.append(r)
                body = False
            continue
        if texts and not _title_row(row):
            body = True
    return starts


def _one_row(table: Table, r: int) -> Table:
    return Table(table.page, table.index, [table.rows[r]], table.line_of(r))


def _sub_grid(table: Table, start: int, end: int) -> Table:
    """Rows start..end of a grid as a grid of its own (lines and cells keep their document places)."""
    rows = [
        [
            replace(c, row=c.row - start, origin=(max(c.origin[0] - start, 0), c.origin[1]))
            for c in table.rows[r]
        ]
        for r in range(start, end)
    ]
    boxes = [c.bbox for row in rows for c in row if c.bbox is not None]
    bbox = (
        (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )
        if boxes
        else table.bbox
    )
    ends_at = table.line_of(end) if end < len(table.rows) else table.next_line
    return Table(
        table.page,
        table.index,
        rows,
        table.line_of(start),
        bbox,
        table.sheet,
        widths=table.widths[start:end] if table.widths is not None else None,
        row_lines=table.row_lines[start:end] if table.row_lines is not None else None,
        n_lines=ends_at - table.line_of(start),
        placed=table.placed,
    )


def _logical_columns(table: Table, start: int) -> list[int]:
    """Columns that begin a printed column: not merged into the column on their left in every row.

    A PDF grid takes a column boundary from every table on its page; a printed column is then
    several grid columns, merged in every row ('功能科目代码' over columns 2-3, each code once).
    """
    rows = table.rows[start:]
    return [
        c for c in range(table.n_cols) if c == 0 or not rows or any(row[c].origin[1] == c for row in rows)
    ]


def _one_path_a_column(table: Table, start: int, paths: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Header paths with the grid columns merged into their left neighbour throughout left blank."""
    keep = set(_logical_columns(table, start))
    return [p if c in keep else () for c, p in enumerate(paths)]


def _with_sub_names(groups: list[Group], paths: list[tuple[str, ...]], table: Table, end: int) -> list[Group]:
    """A column without a header word between a group's name and its figures, printing item names.

    江苏's 收入预算总表 prints 一般公共预算资金 (merged down) beside 小计 / 公共财政拨款(补助)资金 / 专项收入.
    """
    for group in groups:
        if group.name_col is None or not group.measures:
            continue
        first_measure = min(c for c, _ in group.measures)
        for c in range(group.name_col + 1, first_measure):
            if paths[c]:
                continue
            cells = [table.rows[r][c] for r in range(end, len(table.rows))]
            if any(cell.is_origin and cell.text.strip() and not _is_amount(cell.text) for cell in cells):
                group.sub_name_col = c
                break
    return groups


def _row_name(row: list[Cell], group: Group) -> str:
    """The row's name in a group: its name cell, or the item beside it in a second label column."""
    if group.total_label is not None:
        return group.total_label
    if group.name_col is None:
        return ""
    name = row[group.name_col].text.strip()
    name = "" if _is_blank(name) else name
    if group.sub_name_col is None:
        return name
    sub = row[group.sub_name_col]
    text = sub.text.strip()
    if sub.origin == row[group.name_col].origin or _is_blank(text):
        return name  # one label over both columns, or none beside it
    if normalise(text) in vocabulary().header["subtotal_words"]:
        return name  # 一般公共预算资金 | 小计: the group's own figure
    return text


def _unlabelled_total(group: Group, table: Table, layout: Layout) -> Group:
    """A group without label columns in a grid printing one row of figures: that row is the total.

    江苏's 支出预算总表 prints 合计 | 基本支出 | 项目支出 | 单位预留机动经费 | 结转下年资金 over one row.
    """
    if group.code_cols or group.name_col is not None:
        return group
    rows = [
        r
        for r in range(layout.header_rows, len(table.rows))
        if any(_is_amount(table.rows[r][c].text) for c, _ in group.measures if table.rows[r][c].text.strip())
    ]
    if len(rows) != 1:
        return group
    return replace(group, total_label=vocabulary().totals[0])  # '合计', the first total label


def _aligned_layout(open_table: OpenTable, table: Table) -> Layout | None:
    """The open table's layout on a grid of other width, by its printed columns.

    The same printed columns in order (江苏 p.8: six printed columns over eight grid columns on
    p.7); else, where the grids have boxes, each header column's middle falls in one printed
    column of the new grid (p.9: one label cell over 功能科目名称 | 金额 | 项目名称). None when a
    printed column of the new grid holding text has no header column above it.
    """
    ref, layout = open_table.grid, open_table.layout
    if ref is None or layout is None:
        return None
    old = _logical_columns(ref, open_table.header_start)
    new = _logical_columns(table, 0)
    if len(old) == len(new):
        pairs = dict(zip(old, new, strict=True))
    else:
        old_x, new_x = _column_edges(ref, open_table.header_start, old), _column_edges(table, 0, new)
        if old_x is None or new_x is None:
            return None
        pairs = {}
        for i, c in enumerate(old):
            middle = (old_x[i] + old_x[i + 1]) / 2
            hits = [new[j] for j in range(len(new)) if new_x[j] <= middle < new_x[j + 1]]
            if hits:
                pairs[c] = hits[0]
        texts = {c for c in new for row in table.rows if row[c].is_origin and row[c].text.strip()}
        if not texts <= set(pairs.values()):
            return None

    def at(c: int | None) -> int | None:
        if c is None:
            return None
        return pairs.get(max((o for o in old if o <= c), default=old[0]))

    groups: list[Group] = []
    for g in layout.groups:
        codes = [m for m in dict.fromkeys(at(c) for c in g.code_cols) if m is not None]
        name, sub = at(g.name_col), at(g.sub_name_col)
        labels = {*codes, name, sub}
        measures: list[tuple[int, str]] = []
        for c, measure in g.measures:
            m = at(c)
            if m is not None and m not in labels and m not in (x for x, _ in measures):
                measures.append((m, measure))
        groups.append(Group(codes, name, measures, g.side, sub if sub != name else None))
    return Layout(0, groups, table.n_cols, [()] * table.n_cols)


def _column_edges(table: Table, start: int, columns: list[int]) -> list[float] | None:
    """Left edges of the printed columns and the grid's right edge, from the cells' boxes."""
    rows = table.rows[start:]
    edges: list[float] = []
    for c in columns:
        lefts = [row[c].bbox[0] for row in rows if row[c].origin[1] == c and row[c].bbox is not None]
        if not lefts:
            return None
        edges.append(min(lefts))
    rights = [cell.bbox[2] for row in rows for cell in row if cell.bbox is not None]
    return [*edges, max(rights)] if rights else None


def _join_wrapped_names(open_table: OpenTable, table: Table, layout: Layout, result: ParseResult) -> Layout:
    """A name wrapped onto the next page joined to its row: the layout without that row.

    The first row of a header-less grid that prints no figure and no code, only the rest of
    names whose row above (the last of the previous page) printed figures (江苏 pp.7-8
    '八、社会保障和就' / '业支出'; pp.8-9 '当年收入' / '小计'), is never a row of its own. A row
    printing an item of its own without figures (普陀财政局 2024 p.7 '结余分配' under
    '本年支出合计') stays a row: see ``_is_name_tail``.
    """
    if open_table.last is None or layout.header_rows >= len(table.rows):
        return layout
    before, before_layout, first = open_table.last
    r, above = layout.header_rows, len(before.rows) - 1
    row = table.rows[r]
    if above < before_layout.header_rows or any(_is_amount(c.text) for c in row if c.text.strip()):
        return layout
    labelled = {c for g in layout.groups for c in (*g.code_cols, g.name_col, g.sub_name_col) if c is not None}
    if any(c.text.strip() for i, c in enumerate(row) if i not in labelled):
        return layout
    renamed: dict[int, BudgetLine] = {}
    for g, g_before in zip(layout.groups, before_layout.groups, strict=False):
        if any(row[c].text.strip() and not _is_code_level_word(row[c].text) for c in g.code_cols):
            return layout  # a code: a row of its own
        tail = _row_name(row, replace(g, sub_name_col=None)) if g.name_col is not None else ""
        if not tail:
            continue
        label_col = g_before.code_cols[0] if g_before.code_cols else g_before.name_col
        name = _row_name(before.rows[above], g_before) if label_col is not None else ""
        coded = any(before.rows[above][c].text.strip() for c in g_before.code_cols)
        if label_col is None or not _is_name_tail(name, coded, tail):
            return layout
        where = before.cell_line(above, label_col)
        hits = [
            i
            for i in range(first, len(result.budget_lines))
            if result.budget_lines[i].source_line == where
            and result.budget_lines[i].name == name
            and result.budget_lines[i].side == g_before.side
        ]
        if not hits:
            return layout  # nothing stored above to join: the text is a row of its own
        for i in hits:
            line = result.budget_lines[i]
            joined = name + tail
            total = line.code is None and _is_total_label(joined)
            classification = open_table.template.classification if line.code or total else None
            renamed[i] = replace(line, name=joined, is_total=total, classification=classification)
    if not renamed:
        return layout
    for i, line in renamed.items():
        result.budget_lines[i] = line
    return Layout(r + 1, layout.groups, layout.n_cols, layout.paths)


def _is_name_tail(name: str, coded: bool, tail: str) -> bool:
    """Whether ``tail`` (a figure-less label atop a page) ends ``name`` (the label above it).

    A total is complete, and a tail never opens like a row of its own (a number '九、', a code,
    '其中：', a total). What is left is a tail where it cannot be a row: a bare '小计', or a label
    without number under a row that has one (its siblings are numbered or coded).
    """
    if not name or _is_total_label(name):
        return False
    t = normalise(tail)
    if _ROW_LABEL.match(tail) or _is_total_label(tail) or t.startswith("其中") or _CODE_AND_NAME.match(t):
        return False
    return t in vocabulary().header["subtotal_words"] or coded or bool(_ROW_LABEL.match(name))


def _unit_over_two_lines(lines: list[Line]) -> str | None:
    """A unit line broken over two lines ('单位：万' / '元')."""
    for a, b in zip(reversed(lines[:-1]), reversed(lines[1:]), strict=True):
        if m := _UNIT_RE.search(normalise(a.text) + normalise(b.text)):
            return m.group(1)
    return None


def _table_total_columns(paths: list[tuple[str, ...]]) -> dict[int, str]:
    """三公 columns that are the whole table's total: a 合计 beside the items' own heading.

    江苏's table prints 合计 | “三公”经费 (小计 | 因公出国（境）费 | …) | 会议费 | 培训费: its 合计 adds
    会议费 and 培训费, the heading's 小计 is the 三公 合计.
    """
    voc = vocabulary()
    if not any(p and p[0] == voc.three_public_heading for p in paths):
        return {}
    return {c: p[0] for c, p in enumerate(paths) if len(p) == 1 and _is_total_label(p[0])}


# --- entry points -----------------------------------------------------------------------------


def detect(doc: Document) -> bool:
    """A document with table grids: an original's, or a text's tables given with cells."""
    return bool(doc.tables)


def parse(doc: Document) -> ParseResult:
    cover = read_cover(doc)
    result = ParseResult(layout=LAYOUT, meta=cover.meta())
    read = parse_tables(doc, cover.kind, result)
    if cover.kind is None and read:
        kinds = {t.template.kind for t in read}
        if len(kinds) == 1:
            result.meta.kind = kinds.pop()
    presence_checks(doc, result.meta.kind, read, result)
    return result
