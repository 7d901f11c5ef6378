"""部门决算 tables -> BudgetLine / ThreePublicLine, for PDF text.

A 部门决算 prints a fixed family of tables (收入支出决算总表, 收入决算表,
支出决算表, 财政拨款收入支出决算总表, 一般公共预算财政拨款支出决算表, its
基本支出 table, the 三公经费 table, the 政府性基金 / 国有资本经营 tables and
资产负债情况表). They are recognised by their titles and column headers
(vocabulary kept as data below), never by line numbers.

Each table is cut out of the document (title .. 注/说明 note), tokenized by
:mod:`final_accounts_pdf` into rows of cells, and read by one of four readers that share the same table model (``_Table`` + ``_Tok``):

* coded tables (功能分类 code, name, n figures) - read as a stream of tokens, so a
  name or a row of figures may wrap over lines and pages;
* the 基本支出 table - a stream of (code, name, amount) triples, two per printed row;
* the two-sided summary tables - each row aligned to the pattern
  label | figures (收入) | label | figures (支出);
* the 三公经费 table - twelve figures under a two-level header.

Every figure is kept as printed. What cannot be aligned becomes a Check.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from etl.model import BudgetLine, Check, ParseResult, ThreePublicLine
from etl.parsers.legacy_text.final_accounts_pdf import tokenize_pdf_table
from etl.templates import FINAL_ACCOUNTS, vocabulary
from etl.templates import match_title as match_template
from etl.templates import normalise as normalise_title
from etl.textutil import clean_cell, is_amount, is_blank, is_code, parse_amount, squash

LAYOUT = "final_accounts"

# --- vocabulary: the templates' own (etl/templates/tables.toml) ----------------------

_VOC = vocabulary()
# Template title -> how the table is read; the tables recognised and not read are 'skip'.
STATEMENT_KINDS: dict[str, str] = {
    t.template: "economic" if t.classification == "economic" else t.reader
    for t in _VOC.of_kind(FINAL_ACCOUNTS)
}
OTHER_TITLES = _VOC.other_tables[FINAL_ACCOUNTS]
STATEMENT_KINDS.update(dict.fromkeys(OTHER_TITLES, "skip"))

# Rows that are printed totals (is_total); a label starting with 合计/总计 counts too.
TOTAL_LABELS = _VOC.totals
TOTAL_WORDS = ("合计", "总计")
# Header words sometimes glued in front of the total row: '类 款 项 合计 …'.
TOTAL_ROW_HEADER_PREFIX = re.compile(r"^(?:[类款项]\s*)+(?=合计|总计)")

# Column headers that carry figures (the measure of a BudgetLine), a group's 小计 among them.
SUBTOTAL = _VOC.header["subtotal_words"][0]
MEASURE_TERMS = tuple(sorted(_VOC.measures | {SUBTOTAL}))
# Header words of the label columns and of the sides: understood, but carry no figures.
LABEL_COLUMN_TERMS = _VOC.header["label_terms"]
NAME_COLUMN_TERMS = _VOC.header["name_words"][:2]  # 科目名称, 名称 (项目 heads a side, not a name)
SIDE_TERMS = (*_VOC.header["income_side"], *_VOC.header["expenditure_side"])
ROW_NUMBER_TERMS = _VOC.header["row_number_words"]
ITEM_COLUMN = _VOC.item_column  # each side of a two-sided table starts with a 项目 column

# Two-level headers: a group column split into children; the 小计 child is the group's own total.
MEASURE_GROUPS: dict[str, tuple[str, ...]] = _VOC.groups

THREE_PUBLIC_TERMS = (
    *dict.fromkeys(item for _, item in _VOC.three_public_items),
    _VOC.three_public_group_total,
)
THREE_PUBLIC_BUDGET = _VOC.budget_words[0]
THREE_PUBLIC_ACTUAL = _VOC.actual_words[0]
THREE_PUBLIC_IGNORED = ('一般公共预算财政拨款"三公"经费', ITEM_COLUMN)

# Two-sided tables: labels that start a row, and which side a label belongs to.
ENUMERATOR_RE = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[、.．])")
TWO_SIDED_ROW_STARTS = (
    "本年收入合计",
    "本年支出合计",
    "总计",
    "年初",
    "年末",
    "使用非财政拨款结余",
    "结余分配",
    "用事业基金弥补收支差额",
    "其中",
)
INCOME_STARTS = ("年初", "使用非财政拨款结余", "用事业基金弥补")
EXPENDITURE_STARTS = ("年末", "结余分配")

UNIT_RE = _VOC.unit_line
PREPARER_RE = re.compile(r"^(?:编制单位|填报单位)\s*[：:]")  # '编制单位：…' above a table is no header
NOTE_RE = re.compile(r"^(?:注|说明|备注)\s*[：:]")
PART_HEADING_RE = re.compile(r"^第[一二三四五六七八九十]+部分")
OTHER_TABLE_RE = re.compile(r"^[^。，；：:,;]{2,40}(?:决算表|情况表|明细表)$")
EMPTY_NOTE_RE = _VOC.empty_note
CONTINUED_RE = re.compile(r"(?:[（(]续表?[）)]|续表)$")
PROSE_MIN_LENGTH = 45  # a body line with this many non-figure characters is running text

_CODE_FRAGMENT = re.compile(r"^\d{1,2}$")
_NORMALISE = str.maketrans({"“": '"', "”": '"', "＂": '"', "‘": "'", "’": "'", "(": "（", ")": "）"})


# --- the shared table model -------------------------------------------------------


@dataclass(frozen=True)
class _Tok:
    """One non-blank cell in reading order, with where it was printed."""

    text: str
    line: int
    row: int  # index of its source row (a PDF text line)
    col: int  # index of the cell in that row

    @property
    def is_num(self) -> bool:
        # A bare one- or two-digit token ('06', '99', '7') is a 款/项 code fragment, never an
        # amount: 决算 tables print their figures with two decimals ('6.20', '0.00').
        return is_amount(self.text) and not _CODE_FRAGMENT.match(self.text.strip())


@dataclass
class _Table:
    """One printed table: title, unit, body lines and what follows it (notes)."""

    statement: str  # title as printed without the year
    canonical: str  # key into STATEMENT_KINDS
    title_line: int
    body: list[tuple[int, str]]
    trailer: list[tuple[int, str]]
    unit: str | None
    continued_at: list[int] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return STATEMENT_KINDS[self.canonical]


@dataclass
class _Sink:
    """What one parse() call collects (local to the call, never shared)."""

    lines: list[BudgetLine] = field(default_factory=list)
    three_public: list[ThreePublicLine] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)

    def check(
        self,
        check: str,
        severity: str,
        message: str,
        line: int | None = None,
        statement: str | None = None,
        code: str | None = None,
    ) -> None:
        self.checks.append(Check(check, severity, message, line, statement, code))


# --- public API -------------------------------------------------------------------


def detect(text: str) -> bool:
    """True when the document prints a 部门决算 table as PDF text (not as Word's cells)."""
    if not any("表" in line and len(line) < 120 and match_title(line) for line in text.split("\n")):
        return False
    tables = _find_tables(text.split("\n"), _Sink())
    return any(t.kind != "skip" and not _is_word_text(t) for t in tables)


def parse(text: str) -> ParseResult:
    """Read every 部门决算 table printed as PDF text (pure: text in, records out).

    A table given as Word's table text has cells: ``template_tables`` reads it from the
    reader's grids, so it is left alone here (with what the search for tables found about it).
    """
    lines = text.split("\n")
    sink = _Sink()
    tables = _find_tables(lines, sink)
    word = {t.title_line for t in tables if _is_word_text(t)}
    sink.checks = [c for c in sink.checks if c.source_line not in word]
    for table in tables:
        if table.title_line not in word:
            _read_table(table, lines, sink)
    budget_lines = _drop_misaligned(sink.lines, sink.checks)
    return ParseResult(
        layout=LAYOUT, budget_lines=budget_lines, three_public=sink.three_public, checks=sink.checks
    )


def _drop_misaligned(lines: list[BudgetLine], checks: list[Check]) -> list[BudgetLine]:
    """A table whose code repeats under one measure was read out of step: keep none of its figures.

    Extracted text sometimes interleaves two printed columns (the 基本支出 table's two groups);
    the stream reader then pairs names, codes and figures wrongly. A code that appears twice in
    one table proves it, and a wrong figure must never be stored.
    """
    seen: dict[tuple[str, str, str], int] = {}
    for ln in lines:
        if ln.code is not None:
            key = (ln.statement, ln.measure, ln.code)
            seen[key] = seen.get(key, 0) + 1
    bad: dict[str, tuple[str, int]] = {}
    for (statement, _, code), n in seen.items():
        if n > 1 and n > bad.get(statement, ("", 0))[1]:
            bad[statement] = (code, n)
    for statement, (code, n) in bad.items():
        first = next(ln.source_line for ln in lines if ln.statement == statement)
        checks.append(
            Check(
                "row_not_placed",
                "error",
                f"{statement}中科目编码 {code} 出现 {n} 次：文本中各栏次序错乱，无法可靠对应编码、名称和金额，"
                "该表的数字未采用（请使用 PDF 原件）",
                source_line=first,
                statement=statement,
                code=code,
            )
        )
    return [ln for ln in lines if ln.statement not in bad]


# --- finding the tables -----------------------------------------------------------


def _norm(text: str) -> str:
    """Squashed text with quotes and brackets unified, for matching only (same length)."""
    return squash(text).translate(_NORMALISE)


def match_title(line: str) -> tuple[str, str, bool] | None:
    """A table title line -> (title as printed without year, template title, is continuation).

    The templates' own title matcher decides (a numbering, a department and a year may
    stand in front); a '（续）' behind and a '单位：万元' on the line are set aside first.
    """
    if "表" not in line:  # every title ends in …表 (or …表（续）)
        return None
    printed = squash(UNIT_RE.sub("", line))
    if not printed or len(printed) > 80:
        return None
    continued = bool(CONTINUED_RE.search(printed))
    if continued:
        printed = CONTINUED_RE.sub("", printed)
    found = match_template(printed, FINAL_ACCOUNTS)
    if found is not None:
        key = max((t for t in found.template.titles if normalise_title(printed).endswith(t)), key=len)
        return _printed_tail(printed, key), found.template.template, continued
    for other in OTHER_TITLES:
        if normalise_title(printed).endswith(other) and match_template(printed) is None:
            return _printed_tail(printed, other), other, continued
    return None


def _printed_tail(printed: str, key: str) -> str:
    """The shortest end of the printed title that reads as the template's title (quotes kept)."""
    for start in range(len(printed) - 1, -1, -1):
        if normalise_title(printed[start:]) == key:
            return printed[start:]
    return printed


def _is_body_end(text: str) -> bool:
    """A note, or running text: the table above it has ended."""
    flat = squash(text)
    words = re.sub(r"[\d,.，．%-]", "", flat)
    return bool(NOTE_RE.match(flat)) or "。" in flat or len(words) > PROSE_MIN_LENGTH


def _find_tables(lines: list[str], sink: _Sink) -> list[_Table]:
    """Cut the document into tables: title .. next title / part heading; merge continuations."""
    marks: list[tuple[int, tuple[str, str, bool] | None]] = []
    for index, text in enumerate(lines):
        flat = squash(text)
        if not flat:
            continue
        title = match_title(text)
        if title:
            marks.append((index, title))
        elif PART_HEADING_RE.match(flat) or (OTHER_TABLE_RE.match(flat) and not NOTE_RE.match(flat)):
            marks.append((index, None))
            _report_unknown_table(lines, index, sink)
    tables: list[_Table] = []
    for position, (index, title) in enumerate(marks):
        if title is None:
            continue
        end = marks[position + 1][0] if position + 1 < len(marks) else len(lines)
        table = _cut_table(lines, index, end, title)
        previous = tables[-1] if tables else None
        if previous and previous.canonical == table.canonical and _nothing_between(marks, position):
            _merge_continuation(previous, table, sink)
        else:
            tables.append(table)
    return tables


def _nothing_between(marks: list[tuple[int, tuple[str, str, bool] | None]], position: int) -> bool:
    """The mark before this title is the previous table's title (no heading in between)."""
    return position > 0 and marks[position - 1][1] is not None


def _report_unknown_table(lines: list[str], index: int, sink: _Sink) -> None:
    """A '…决算表' title we do not know, followed by figures: say it was not read."""
    flat = squash(lines[index])
    if not flat.endswith("决算表"):
        return
    for text in lines[index + 1 : index + 80]:
        if match_title(text) or PART_HEADING_RE.match(squash(text)):
            break
        if any(is_amount(cell) for cell in re.split(r"[\s\u3000]+", text) if cell):
            sink.check(
                "table_not_recognised",
                "info",
                f"表“{flat}”不在已知的部门决算表之列，未读取其数字",
                index + 1,
            )
            return


def _cut_table(lines: list[str], index: int, end: int, title: tuple[str, str, bool]) -> _Table:
    """Title line .. end -> body (up to the first note/prose line) and trailer; find the unit."""
    statement, canonical, _ = title
    body: list[tuple[int, str]] = []
    trailer: list[tuple[int, str]] = []
    for number in range(index + 2, end + 1):
        text = lines[number - 1]
        if trailer or (text.strip() and _is_body_end(text)):
            trailer.append((number, text))
        else:
            body.append((number, text))
    unit = None
    title_unit = UNIT_RE.search(lines[index])
    if title_unit:
        unit = title_unit.group(1)
    for position, (number, text) in enumerate(body):
        found = UNIT_RE.search(text)
        if found:
            unit = unit or found.group(1)
            text = text[: found.start()] + text[found.end() :]
            body[position] = (number, "" if PREPARER_RE.match(squash(text)) else text)
            break
    body = [(number, "" if PREPARER_RE.match(squash(text)) else text) for number, text in body]
    return _Table(statement, canonical, index + 1, body, trailer, unit)


def _merge_continuation(previous: _Table, table: _Table, sink: _Sink) -> None:
    """The same title again right after its table: a page break, continue the table."""
    previous.body.extend(previous.trailer)
    previous.trailer = table.trailer
    previous.continued_at.append(table.title_line)
    if table.unit and previous.unit and table.unit != previous.unit:
        # Which unit the continued figures are in cannot be told: they are not read (never guessed).
        sink.check(
            "unit_changed_in_continuation",
            "warning",
            f"{previous.statement}续表的单位为“{table.unit}”，与前页“{previous.unit}”不同，无法确定续表数字的单位；"
            f"续表（第{table.title_line}行起）的数字未读入，请核对原表",
            table.title_line,
            previous.statement,
        )
    else:
        previous.body.extend(table.body)
    sink.check(
        "table_continued",
        "info",
        f"{previous.statement}在第{table.title_line}行重复标题后继续，按同一张表读取",
        table.title_line,
        previous.statement,
    )


def _document_unit_before(lines: list[str], line_number: int) -> str | None:
    """The most recent unit line printed before a table that has none."""
    for text in reversed(lines[: line_number - 1]):
        found = UNIT_RE.search(text)
        if found:
            return found.group(1)
    return None


# --- reading one table ------------------------------------------------------------


def _is_word_text(table: _Table) -> bool:
    """A table given as Word's table text (cells on tab-led lines): the cell parser reads it."""
    filled = [text for _, text in table.body if text.strip()]
    return bool(filled) and 2 * sum(text.startswith("\t") for text in filled) >= len(filled)


def _read_table(table: _Table, lines: list[str], sink: _Sink) -> None:
    """Dispatch one table to its reader after the checks common to all tables."""
    if table.kind == "skip":
        sink.check(
            "statement_not_parsed",
            "info",
            f"{table.statement}不在解析范围内，未读取",
            table.title_line,
            table.statement,
        )
        return
    rows = tokenize_pdf_table(table.body)
    if not rows:
        sink.check(
            "title_without_table",
            "info",
            f"“{table.statement}”标题下没有表格内容（可能是目录或正文中的表名）",
            table.title_line,
            table.statement,
        )
        return
    if not any(is_amount(cell) for row in rows for cell, _ in row):
        _report_empty(table, sink)
        return
    unit = table.unit
    if unit is None:
        unit = _document_unit_before(lines, table.title_line)
        if unit is None:
            sink.check(
                "unit_unknown",
                "error",
                f"{table.statement}没有单位行，文档前文也没有单位，无法确定金额单位，未读取该表",
                table.title_line,
                table.statement,
            )
            return
        sink.check(
            "unit_missing",
            "warning",
            f"{table.statement}没有单位行，按文档前文最近的单位“{unit}”记录",
            table.title_line,
            table.statement,
        )
    reader = {
        "coded": _read_coded,
        "economic": _read_economic,
        "two_sided": _read_two_sided,
        "three_public": _read_three_public,
    }[table.kind]
    reader(table, rows, unit, sink)


def _report_empty(table: _Table, sink: _Sink) -> None:
    """A table printed without any figure: fine if its note says so."""
    notes = [text for _, text in table.trailer + table.body if EMPTY_NOTE_RE.search(squash(text))]
    if notes:
        sink.check(
            "statement_empty_with_note",
            "info",
            f"{table.statement}无数据，表后说明：{clean_cell(notes[0])}",
            table.title_line,
            table.statement,
        )
    else:
        sink.check(
            "statement_empty_without_note",
            "warning",
            f"{table.statement}没有任何数字，表后也没有“本表无数据”之类的说明",
            table.title_line,
            table.statement,
        )


def _tokens(rows: list[list[tuple[str, int]]]) -> list[_Tok]:
    """Rows of cells -> the non-blank cells in reading order."""
    return [
        _Tok(clean_cell(text), line, r, c)
        for r, row in enumerate(rows)
        for c, (text, line) in enumerate(row)
        if not is_blank(text)
    ]


# --- labels and headers -----------------------------------------------------------


def _total_label(text: str) -> str | None:
    """The total row's label ('类 款 项 合计' -> '合计'), or None for any other label."""
    label = TOTAL_ROW_HEADER_PREFIX.sub("", squash(text))
    if label in TOTAL_LABELS or label.startswith(TOTAL_WORDS) or label.endswith(TOTAL_WORDS):
        return label
    return None


def _scan_terms(text: str, vocabulary: Iterable[str]) -> tuple[list[str], str]:
    """Squashed header text -> vocabulary terms in printed order (longest match) + leftover text."""
    terms = sorted(set(vocabulary), key=len, reverse=True)
    found: list[str] = []
    unknown: list[str] = []
    position = 0
    while position < len(text):
        for term in terms:
            if text.startswith(term, position):
                found.append(term)
                position += len(term)
                break
        else:
            unknown.append(text[position])
            position += 1
    return found, "".join(unknown)


def _expand_groups(terms: list[str]) -> list[str]:
    """Two-level header: a group column printed above its children takes their places.

    '本年支出 … 小计 基本支出 项目支出' -> 本年支出 (its 小计), 基本支出, 项目支出.
    """
    out = list(terms)
    for group, children in MEASURE_GROUPS.items():
        if group not in out:
            continue
        at = out.index(group)
        width = len(children)
        for start in range(at + 1, len(out) - width + 1):
            if tuple(out[start : start + width]) == children:
                named = [group if child == SUBTOTAL else child for child in children]
                out = out[:at] + named + out[at + 1 : start] + out[start + width :]
                break
    return out


def _header_text(tokens: Iterable[_Tok]) -> str:
    return "".join(_norm(t.text) for t in tokens if not t.is_num)


def _is_header_row(texts: list[str]) -> bool:
    """A two-sided table row with no figure made only of header words ('收入 支出', '项目 决算数 …').

    A lone '收入' or '支出' is more likely the wrapped end of an item label.
    """
    if any(is_amount(t) for t in texts):
        return False
    text = "".join(_norm(t) for t in texts if not is_blank(t))
    terms, unknown = _scan_terms(text, MEASURE_TERMS + LABEL_COLUMN_TERMS + SIDE_TERMS)
    both_sides = all(side in terms for side in SIDE_TERMS)
    strong = any(t not in SIDE_TERMS for t in terms)
    return bool(text) and not unknown and (strong or both_sides)


def _is_header_repeat(tokens: list[_Tok]) -> bool:
    """Labels that are only header words (a header repeated after a page break)."""
    text = _header_text(tokens)
    terms, unknown = _scan_terms(text, MEASURE_TERMS + LABEL_COLUMN_TERMS + SIDE_TERMS + ROW_NUMBER_TERMS)
    strong = [t for t in terms if t in MEASURE_TERMS or "科目" in t or t == ITEM_COLUMN]
    return bool(text) and not unknown and bool(strong)


def _coded_measures(header: str) -> tuple[list[str], str]:
    """Measures of a coded table, in column order, and any header text not understood.

    A 合计/总计 printed after the 科目名称 column header is a total row's label
    left in the header (an empty total row), not a column.
    """
    vocabulary = MEASURE_TERMS + LABEL_COLUMN_TERMS + SIDE_TERMS + ROW_NUMBER_TERMS
    terms, unknown = _scan_terms(header, vocabulary)
    measures: list[str] = []
    after_name_column = False
    for term in terms:
        if term in NAME_COLUMN_TERMS:
            after_name_column = True
        if term in MEASURE_TERMS and not (after_name_column and term in TOTAL_WORDS):
            measures.append(term)
    return _expand_groups(measures), unknown


def _report_header_words(table: _Table, unknown: str, sink: _Sink) -> None:
    if unknown:
        sink.check(
            "header_unknown_words",
            "info",
            f"{table.statement}表头中有未识别的文字“{unknown}”，其余表头已识别",
            table.title_line,
            table.statement,
        )


def _report_header_not_understood(table: _Table, header: str, sink: _Sink) -> None:
    sink.check(
        "header_not_understood",
        "warning",
        f"{table.statement}的表头“{header}”无法识别出数字栏目，未读取该表的数字",
        table.title_line,
        table.statement,
    )


# --- emitting ---------------------------------------------------------------------


def _emit(
    sink: _Sink,
    table: _Table,
    *,
    code: str | None,
    name: str,
    measure: str,
    printed: str | None,
    unit: str,
    line: int,
    classification: str | None,
    is_total: bool,
    side: str | None = None,
) -> None:
    """One printed figure -> one BudgetLine; a blank cell gives none."""
    amount = parse_amount(printed)
    if amount is None:
        return
    sink.lines.append(
        BudgetLine(
            statement=table.statement,
            code=code,
            name=name,
            measure=measure,
            amount=amount,
            unit=unit,
            source_line=line,
            classification=classification,
            is_total=is_total,
            side=side,
        )
    )


def _report_total_label(table: _Table, label: str, line: int, sink: _Sink) -> None:
    """A total row printed with an unusual label ('合计了'): kept, but said."""
    if label not in TOTAL_LABELS:
        sink.check(
            "total_label_nonstandard",
            "info",
            f"{table.statement}的合计行标签印作“{label}”，按合计行读取，名称保留原文",
            line,
            table.statement,
        )


def _report_mismatch(
    table: _Table, line: int, code: str | None, name: str, figures: list[str], columns: list[str], sink: _Sink
) -> None:
    sink.check(
        "row_column_mismatch",
        "warning",
        f"{table.statement}“{(code + ' ') if code else ''}{name}”印有{len(figures)}个数字"
        f"（{'、'.join(figures) or '无'}），表头有{len(columns)}栏（{'、'.join(columns)}），"
        "无法对齐，该行数字未采用",
        line,
        table.statement,
        code,
    )


def _report_continuations(table: _Table, joined: list[tuple[int, str, str]], sink: _Sink) -> None:
    for line, before, after in joined:
        sink.check(
            "name_continuation_after_figures",
            "info",
            f"{table.statement}中“{before}”的名称在数字之后的行续印“{after}”，已接为“{before}{after}”",
            line,
            table.statement,
        )


# --- coded tables (功能分类: code, name, n figures) ------------------------------------


@dataclass
class _Item:
    """One table row being read from the token stream."""

    start: _Tok
    code: str | None
    name: list[_Tok]
    numbers: list[_Tok] = field(default_factory=list)
    tail: list[_Tok] = field(default_factory=list)  # name wrapped after the figures

    @property
    def label(self) -> str:
        return "".join(clean_cell(t.text) for t in self.name) + "".join(clean_cell(t.text) for t in self.tail)


def _name_tail(labels: list[_Tok]) -> list[_Tok]:
    """Labels between a row's figures and the next row: its name tail, then maybe a repeated header.

    The header (a page break repeats it, one word per line or all on one) is the
    longest run of whole lines at the end that starts with a strong header word
    (项目, 科目…, a measure) and holds header words only.
    """
    lines = [list(group) for _, group in itertools.groupby(labels, key=lambda t: t.row)]
    for start in range(len(lines)):
        if _is_header_repeat(lines[start]) and _is_header_repeat([t for line in lines[start:] for t in line]):
            return [t for line in lines[:start] for t in line]
    return labels


def _is_code_start(tokens: list[_Tok], at: int, rows: list[list[tuple[str, int]]]) -> bool:
    """A classification code that begins a row: followed by its name."""
    token = tokens[at]
    if not is_code(token.text):
        return False
    following = tokens[at + 1] if at + 1 < len(tokens) else None
    if following is not None and not following.is_num and _total_label(following.text) is None:
        # header words on a later line are a repeated header, not this code's name
        return following.row == token.row or not _is_header_repeat([following])
    return False


def _is_total_start(tokens: list[_Tok], at: int, rows: list[list[tuple[str, int]]]) -> bool:
    """A total label followed by a figure."""
    token = tokens[at]
    if token.is_num or _total_label(token.text) is None or at + 1 >= len(tokens):
        return False
    following = tokens[at + 1]
    return following.is_num and not _is_code_start(tokens, at + 1, rows)


def _row_starts(tokens: list[_Tok], rows: list[list[tuple[str, int]]]) -> list[int]:
    return [
        at
        for at in range(len(tokens))
        if _is_code_start(tokens, at, rows) or _is_total_start(tokens, at, rows)
    ]


def _stream_items(
    tokens: list[_Tok], starts: list[int], rows: list[list[tuple[str, int]]], per_item: int | None
) -> tuple[list[_Item], list[_Tok]]:
    """Token stream from the first row start -> rows; also the figures no row could take.

    ``per_item`` = 1 for the 基本支出 table (one amount per code); None for coded
    tables (all figures up to the next row start belong to the row). Labels
    after a row's figures are its name wrapped after the figures, unless they
    are only header words (a header repeated at a page break).
    """
    items: list[_Item] = []
    stray: list[_Tok] = []
    pending: list[_Tok] = []
    start_set = set(starts)

    def close() -> None:
        if items:
            items[-1].tail.extend(_name_tail(pending))
        pending.clear()

    for at in range(starts[0] if starts else len(tokens), len(tokens)):
        token = tokens[at]
        if at in start_set:
            close()
            if _is_code_start(tokens, at, rows):
                items.append(_Item(token, token.text, []))
            else:
                items.append(_Item(token, None, [token]))
            continue
        item = items[-1]
        if token.is_num:
            if per_item is not None and len(item.numbers) >= per_item:
                stray.append(token)
                continue
            if pending:  # labels between figures: the name went on after some figures
                item.tail.extend(pending)
                pending.clear()
            item.numbers.append(token)
        elif item.numbers:
            pending.append(token)
        else:
            item.name.append(token)
    close()
    return items, stray


def _value_cells(
    item: _Item, following: _Item | None, rows: list[list[tuple[str, int]]], width: int
) -> tuple[list[str | None], bool] | None:
    """The row's figures aligned to ``width`` columns, and whether spacing was needed.

    Figures count == width: taken in order. Fewer figures, all on one printed
    row: the blank cells of that row fill the gaps when they make exactly
    ``width`` cells (only when the extractor kept one space per blank cell).
    Otherwise None: not aligned.
    """
    numbers = item.numbers
    if len(numbers) == width:
        return [t.text for t in numbers], False
    if not numbers:
        return [None] * width, False  # a row printed without figures: nothing to record
    if len(numbers) > width or len({t.row for t in numbers}) != 1:
        return None
    row = numbers[0].row
    labels = [t for t in [item.start, *item.name, *item.tail] if t.row == row and not t.is_num]
    low = max((t.col for t in labels), default=-1) + 1
    high = following.start.col if following and following.start.row == row else len(rows[row])
    cells = [clean_cell(text) for text, _ in rows[row][low:high]]
    if len(cells) != width or not all(is_blank(c) or is_amount(c) for c in cells):
        return None
    return [None if is_blank(c) else c for c in cells], True


def _read_coded(table: _Table, rows: list[list[tuple[str, int]]], unit: str, sink: _Sink) -> None:
    """收入决算表, 支出决算表, 一般公共预算财政拨款支出决算表 …: code, name, figures."""
    tokens = _tokens(rows)
    starts = _row_starts(tokens, rows)
    first = starts[0] if starts else len(tokens)
    header_tokens = tokens[:first]
    header = _header_text(header_tokens)
    measures, unknown = _coded_measures(header)
    if not measures:
        _report_header_not_understood(table, header, sink)
        return
    _report_header_words(table, unknown, sink)
    _report_header_figures(table, header_tokens, header, sink)
    classification = "economic" if "经济分类" in header else "functional"
    items, stray = _stream_items(tokens, starts, rows, None)
    _report_stray(table, stray, sink)
    spaced = 0
    joined: list[tuple[int, str, str]] = []
    unaligned: list[_Item] = []
    for index, item in enumerate(items):
        following = items[index + 1] if index + 1 < len(items) else None
        name = item.label
        if item.tail:
            head = "".join(clean_cell(t.text) for t in item.name)
            joined.append((item.tail[0].line, head, name[len(head) :]))
        total = item.code is None
        if total:
            _report_total_label(table, name, item.start.line, sink)
        aligned = _value_cells(item, following, rows, len(measures))
        if aligned is None:
            unaligned.append(item)
            continue
        values, inferred = aligned
        spaced += inferred
        for measure, printed in zip(measures, values, strict=True):
            _emit(
                sink,
                table,
                code=item.code,
                name=name,
                measure=measure,
                printed=printed,
                unit=unit,
                line=item.start.line,
                classification=classification,
                is_total=total,
            )
    if unaligned and len(unaligned) == len(items):
        counts = sorted({len(item.numbers) for item in items})
        sink.check(
            "header_not_understood",
            "warning",
            f"{table.statement}表头识别出{len(measures)}栏（{'、'.join(measures)}），但没有一行的数字个数"
            f"与之相符（各行印有{'/'.join(map(str, counts))}个数字），未读取该表的数字",
            table.title_line,
            table.statement,
        )
        return
    for item in unaligned:
        figures = [t.text for t in item.numbers]
        _report_mismatch(table, item.start.line, item.code, item.label, figures, measures, sink)
    _report_continuations(table, joined, sink)
    _report_spacing(table, spaced, sink)


def _report_header_figures(table: _Table, header_tokens: list[_Tok], header: str, sink: _Sink) -> None:
    """Figures above the first row: column numbers under 栏次 are fine, anything else is not."""
    figures = [t for t in header_tokens if t.is_num]
    if figures and not any(term in header for term in ROW_NUMBER_TERMS):
        _report_stray(table, figures, sink)


def _report_stray(table: _Table, stray: list[_Tok], sink: _Sink) -> None:
    if stray:
        sink.check(
            "unassigned_figures",
            "warning",
            f"{table.statement}中有数字不属于任何行：{'、'.join(t.text for t in stray)}，未采用",
            stray[0].line,
            table.statement,
        )


def _report_spacing(table: _Table, rows: int, sink: _Sink) -> None:
    if rows:
        sink.check(
            "blank_cells_from_spacing",
            "info",
            f"{table.statement}有{rows}行数字少于栏目数，按原文中空格所示的空白单元格对齐",
            table.title_line,
            table.statement,
        )


# --- the 基本支出 table (经济分类: code, name, amount, two per printed row) ---------------


def _read_economic(table: _Table, rows: list[list[tuple[str, int]]], unit: str, sink: _Sink) -> None:
    """一般公共预算财政拨款基本支出决算表: a stream of (code, name, 决算数) triples."""
    tokens = _tokens(rows)
    starts = _row_starts(tokens, rows)
    first = starts[0] if starts else len(tokens)
    header = _header_text(tokens[:first])
    terms, unknown = _scan_terms(header, MEASURE_TERMS + LABEL_COLUMN_TERMS)
    measures = sorted({t for t in terms if t in MEASURE_TERMS})
    if len(measures) != 1:
        _report_header_not_understood(table, header, sink)
        return
    _report_header_words(table, unknown, sink)
    measure = measures[0]
    items, stray = _stream_items(tokens, starts, rows, 1)
    _report_stray(table, stray, sink)
    joined = _place_economic_tails(items, rows)
    for item in items:
        name = item.label
        total = item.code is None
        if total:
            _report_total_label(table, name, item.start.line, sink)
        if not item.numbers:
            continue  # code printed with a blank amount: nothing printed, no line
        _emit(
            sink,
            table,
            code=item.code,
            name=name,
            measure=measure,
            printed=item.numbers[0].text,
            unit=unit,
            line=item.start.line,
            classification="economic",
            is_total=total,
        )
    _report_continuations(table, joined, sink)


def _place_economic_tails(
    items: list[_Item], rows: list[list[tuple[str, int]]]
) -> list[tuple[int, str, str]]:
    """Name parts printed after the figures belong to the half of the row they sit under.

    The stream gives them to the last triple of the printed row; when that row
    held two triples, a part at the start of its line (no blank cells before it)
    belongs to the left triple.
    """
    joined: list[tuple[int, str, str]] = []
    for index, item in enumerate(items):
        if not item.tail or not item.numbers:
            continue
        tail, item.tail = item.tail, []
        row = item.numbers[0].row
        left = next(
            (
                other
                for other in items[:index]
                if other.numbers and other.numbers[0].row == row and other is not item
            ),
            None,
        )
        for token in tail:
            leading_blank = any(is_blank(text) for text, _ in rows[token.row][: token.col])
            target = left if left is not None and not leading_blank and token.col == 0 else item
            before = target.label
            target.tail.append(token)
            joined.append((token.line, before, clean_cell(token.text)))
    return joined


# --- two-sided summary tables (收入 | 支出) ------------------------------------------


def _is_item_start(text: str) -> bool:
    """A label that begins a row of a two-sided table ('八、…', 本年收入合计, 年初…)."""
    flat = squash(text)
    return bool(ENUMERATOR_RE.match(flat)) or flat.startswith(TWO_SIDED_ROW_STARTS)


def _label_side(text: str) -> str | None:
    """Which side an item label belongs to, from its wording; None when it could be either."""
    flat = ENUMERATOR_RE.sub("", squash(text))
    if "收入" in flat or flat.endswith("财政拨款") or flat.startswith(INCOME_STARTS):
        return "收入"
    if "支出" in flat or flat.startswith(EXPENDITURE_STARTS):
        return "支出"
    return None


def _is_total_item(label: str) -> bool:
    flat = squash(label)
    return flat in TOTAL_LABELS or flat.startswith(TOTAL_WORDS) or flat.endswith(TOTAL_WORDS)


def _two_sided_pattern(header: str) -> tuple[list[str], list[str]] | None:
    """'收入 支出 项目 决算数 项目 合计 一般公共预算财政拨款 …' -> (收入 measures, 支出 measures)."""
    terms, _ = _scan_terms(header, MEASURE_TERMS + LABEL_COLUMN_TERMS + SIDE_TERMS)
    if terms.count(ITEM_COLUMN) != 2:
        return None
    second = len(terms) - 1 - terms[::-1].index(ITEM_COLUMN)
    first = terms.index(ITEM_COLUMN)
    income = [t for t in terms[first + 1 : second] if t in MEASURE_TERMS]
    spending = [t for t in terms[second + 1 :] if t in MEASURE_TERMS]
    if not income or not spending:
        return None
    return income, spending


def _two_sided_rows(
    rows: list[list[tuple[str, int]]],
) -> tuple[list[list[tuple[str, int]]], list[tuple[int, str, str]]]:
    """Printed PDF-text lines -> table rows, joined where a label wrapped.

    A line that starts with a label which cannot begin a row continues a label
    of the row before: the last one when that row ends in a label (wrapped
    before its figures); otherwise (wrapped after the figures) the 支出 label
    when blank cells lead the line, else the 收入 label. A line of figures only
    continues a row whose last cell is a label.
    """
    out: list[list[tuple[str, int]]] = []
    joined: list[tuple[int, str, str]] = []
    for row in rows:
        cells = [(clean_cell(text), line) for text, line in row]
        filled = [c for c in cells if not is_blank(c[0])]
        if not filled:
            continue
        if _is_header_row([t for t, _ in filled]):
            continue  # header repeated after a page break
        first_text, first_line = filled[0]
        leads_blank = is_blank(cells[0][0])
        previous = out[-1] if out else None
        last_filled = next((c for c in reversed(previous) if not is_blank(c[0])), None) if previous else None
        labels = [i for i, c in enumerate(previous or []) if not is_blank(c[0]) and not is_amount(c[0])]
        if previous is not None and labels and not is_amount(first_text) and not _is_item_start(first_text):
            after_figures = last_filled is not None and is_amount(last_filled[0])
            at = labels[0] if after_figures and not leads_blank else labels[-1]
            before = previous[at][0]
            previous[at] = (before + first_text, previous[at][1])
            if after_figures:
                joined.append((first_line, before, first_text))
            previous.extend(cells[cells.index(filled[0]) + 1 :])
        elif (
            previous is not None
            and all(is_blank(t) or is_amount(t) for t, _ in cells)
            and last_filled is not None
            and not is_amount(last_filled[0])
        ):
            previous.extend(cells)
        else:
            out.append(cells)
    return out, joined


def _align_two_sided(
    cells: list[tuple[str, int]], pattern: list[tuple[str, str]]
) -> tuple[dict[int, tuple[str, int]], bool] | None:
    """Cells of one row -> {slot: cell} for the pattern [(kind L/N, side) …], or None.

    The non-blank cells are placed in order into the slots in every possible
    way; a placement must put labels on label slots of their side and figures
    on figure slots of a side that has a label. A single possible placement is
    taken. Otherwise the cells are taken by position when there are exactly as
    many cells as slots (blank cells included) and they fit; the flag says so.
    Anything else would be a guess: None.
    """

    def fits(mapping: dict[int, tuple[str, int]]) -> bool:
        labelled = set()
        for slot, (text, _) in mapping.items():
            kind, side = pattern[slot]
            if is_blank(text):
                continue
            if kind == "N" and not is_amount(text):
                return False
            if kind == "L":
                if is_amount(text) or _label_side(text) not in (None, side):
                    return False
                labelled.add(side)
        return all(
            is_blank(text) or pattern[slot][1] in labelled
            for slot, (text, _) in mapping.items()
            if pattern[slot][0] == "N"
        )

    filled = [c for c in cells if not is_blank(c[0])]
    placements = []
    if len(filled) <= len(pattern):
        for slots in itertools.combinations(range(len(pattern)), len(filled)):
            mapping = dict(zip(slots, filled, strict=True))
            if fits(mapping):
                placements.append(mapping)
                if len(placements) > 1:
                    break
    if len(placements) == 1:
        return placements[0], False
    if len(cells) == len(pattern):
        by_position = dict(enumerate(cells))
        if fits(by_position):
            return by_position, True
    return None


def _read_two_sided(table: _Table, rows: list[list[tuple[str, int]]], unit: str, sink: _Sink) -> None:
    """收入支出决算总表, 财政拨款收入支出决算总表: one line per item per side and measure."""
    first = next(
        (
            i
            for i, row in enumerate(rows)
            if any(is_amount(t) for t, _ in row)
            or ENUMERATOR_RE.match(squash(next((t for t, _ in row if not is_blank(t)), "")))
        ),
        len(rows),
    )
    header = "".join(_norm(t) for row in rows[:first] for t, _ in row)
    sides = _two_sided_pattern(header)
    if sides is None:
        _report_header_not_understood(table, header, sink)
        return
    income, spending = sides
    pattern = (
        [("L", "收入")] + [("N", "收入")] * len(income) + [("L", "支出")] + [("N", "支出")] * len(spending)
    )
    measures = {1 + i: m for i, m in enumerate(income)}
    measures.update({2 + len(income) + i: m for i, m in enumerate(spending)})
    label_slot = {"收入": 0, "支出": 1 + len(income)}
    body, joined = _two_sided_rows(rows[first:])
    spaced = 0
    for cells in body:
        if _is_header_row([t for t, _ in cells]):
            continue
        aligned = _align_two_sided(cells, pattern)
        if aligned is None:
            _report_unaligned(table, cells, pattern, income, spending, sink)
            continue
        mapping, by_position = aligned
        spaced += by_position and any(is_blank(t) for t, _ in cells)
        for side, slot in label_slot.items():
            label = mapping.get(slot)
            if label is None or is_blank(label[0]):
                continue
            name = clean_cell(label[0])
            total = _is_total_item(name)
            if total:
                _report_total_label(table, squash(name), label[1], sink)
            for figure_slot, measure in measures.items():
                if pattern[figure_slot][1] != side or figure_slot not in mapping:
                    continue
                _emit(
                    sink,
                    table,
                    code=None,
                    name=name,
                    measure=measure,
                    printed=mapping[figure_slot][0],
                    unit=unit,
                    line=label[1],
                    classification=None,
                    is_total=total,
                    side=side,
                )
    _report_continuations(table, joined, sink)
    _report_spacing(table, spaced, sink)
    _report_repeated_labels(table, sink)


def _report_unaligned(
    table: _Table,
    cells: list[tuple[str, int]],
    pattern: list[tuple[str, str]],
    income: list[str],
    spending: list[str],
    sink: _Sink,
) -> None:
    printed = [t for t, _ in cells if not is_blank(t)]
    columns = ["项目", *income, "项目", *spending]
    sink.check(
        "row_not_aligned",
        "warning",
        f"{table.statement}一行印有“{' '.join(printed)}”，无法唯一对应到栏目（{'、'.join(columns)}），"
        "该行数字未采用",
        cells[0][1] if cells else None,
        table.statement,
    )


def _report_repeated_labels(table: _Table, sink: _Sink) -> None:
    """Same item label twice on one side (e.g. the 年初结转 sub-rows): say so, keep both."""
    seen: dict[tuple[str | None, str], int] = {}
    for line in sink.lines:
        if line.statement != table.statement or line.code is not None:
            continue
        key = (line.side, line.name)
        first = seen.setdefault(key, line.source_line)
        if first != line.source_line:
            sink.check(
                "item_label_repeated",
                "info",
                f"{table.statement}{line.side or ''}方“{line.name}”在第{first}行和第{line.source_line}行"
                "各印一次（后者通常是上一行的明细），两行都保留",
                line.source_line,
                table.statement,
            )
            seen[key] = line.source_line


# --- the 三公经费 table ------------------------------------------------------------


def _three_public_columns(header: str) -> tuple[list[str], tuple[str, str]] | None:
    """Header -> item columns (group 小计 named after its group) and the order of 预算数/决算数."""
    vocabulary = (*THREE_PUBLIC_TERMS, THREE_PUBLIC_BUDGET, THREE_PUBLIC_ACTUAL, *THREE_PUBLIC_IGNORED)
    terms, _ = _scan_terms(header, vocabulary)
    items = _expand_groups([t for t in terms if t in THREE_PUBLIC_TERMS])
    pairs = [t for t in terms if t in (THREE_PUBLIC_BUDGET, THREE_PUBLIC_ACTUAL)]
    if not items or SUBTOTAL in items or len(pairs) != 2 * len(items):
        return None
    order = (pairs[0], pairs[1])
    if set(order) != {THREE_PUBLIC_BUDGET, THREE_PUBLIC_ACTUAL}:
        return None
    return items, order


def _read_three_public(table: _Table, rows: list[list[tuple[str, int]]], unit: str, sink: _Sink) -> None:
    """一般公共预算财政拨款“三公”经费支出决算表: budget and actual of six items."""
    tokens = _tokens(rows)
    first = next((i for i, row in enumerate(rows) if any(is_amount(t) for t, _ in row)), len(rows))
    header = "".join(_norm(t) for row in rows[:first] for t, _ in row)
    columns = _three_public_columns(header)
    if columns is None:
        _report_header_not_understood(table, header, sink)
        return
    items, order = columns
    width = 2 * len(items)
    figures = [t for t in tokens if t.is_num and t.row >= first]
    values: list[tuple[str | None, int]]
    if len(figures) == width:
        values = [(t.text, t.line) for t in figures]
    else:
        cells = [(clean_cell(text), line) for text, line in rows[first]]
        if len(cells) != width or not all(is_blank(t) or is_amount(t) for t, _ in cells):
            columns = [item + part for item in items for part in order]
            _report_mismatch(
                table, figures[0].line, None, "三公经费", [t.text for t in figures], columns, sink
            )
            return
        values = [(None if is_blank(t) else t, line) for t, line in cells]
        _report_spacing(table, 1, sink)
    for index, item in enumerate(items):
        pair = dict(zip(order, values[2 * index : 2 * index + 2], strict=True))
        budget, budget_line = pair[THREE_PUBLIC_BUDGET]
        actual, actual_line = pair[THREE_PUBLIC_ACTUAL]
        if budget is None and actual is None:
            continue
        sink.three_public.append(
            ThreePublicLine(
                item=item,
                budget=parse_amount(budget),
                actual=parse_amount(actual),
                unit=unit,
                source_line=budget_line if budget is not None else actual_line,
            )
        )
