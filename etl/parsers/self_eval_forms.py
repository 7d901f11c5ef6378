"""财政项目支出绩效自评表 read from cells, whatever the file: Word, PDF, Excel or tab-separated text.

One form, top to bottom: the title 财政项目支出绩效自评表 (a cell, or the paragraph
above the grid), the year ('(2022 年度)' / '2020年度'), 项目名称, 主管部门 … 实施单位 …,
the funds header '项目资金 (元)' + 年初预算数 全年预算数 全年执行数 分值 执行率 得分 with
the rows 年度资金总额 / 其中：当年财政拨款 / 上年结转资金 / 其他资金, the 年度总体目标
texts (预期目标, 实际完成情况), the indicator table and a '总分' row. The words are data
(``[self_evaluation]`` of ``etl/templates/forms.toml``).

The reader gives every row as cells: a grid row of an original (a merged cell's text
once, at its top-left position) or a tab-separated text line; a prose line is a row of
one cell. Cell positions are trusted only where they line up: text copied out of a table
prints a merged cell once and shifts the cells after it, so indicator rows are read by
content — the last pair of adjacent numbers is 分值/得分, a text after them the deviation
reason, the three cells before them 三级指标 / 年度指标值 / 实际完成值 and anything before
that a hierarchy label. Labels are classified with the vocabulary (二级 -> 一级) and carried
down to the rows that do not print them (a merged cell prints them once). Funds rows are
aligned on the header's columns when they line up, otherwise by the type of their cells.
A form may run over several grids and pages: its rows are read in document order.

Two oddities of real files are reported, not repaired: indicator rows printed after a
form's 总分 and before the next title (they belong to no project on hand), and a form
rendered twice side by side in the same rows (both copies are read, the left one is kept
and the differences are listed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from etl.model import Check, Indicator, ParseResult, Project, Source
from etl.parsers.cover import forms_meta
from etl.readers.model import PART, ROW, Document
from etl.templates import forms_data
from etl.textutil import (
    clean_cell,
    is_amount,
    is_blank,
    is_code,
    is_percent,
    parse_amount,
    parse_percent,
    squash,
)

LAYOUT = "self_eval_forms"  # the parser (ParseResult.layout, documents.layouts)
PROJECT_LAYOUT = "self_eval_form"  # Project.layout of every form it reads
KIND = "self_evaluation"

# Year cell: '(2022 年度)', '2020年度', '（2021年度）'.
YEAR_RE = re.compile(r"^[（(]?\s*(\d{4})\s*年度?\s*[)）]?$")
# A year printed in front of the title: '2020年度财政项目支出绩效自评表'.
TITLE_YEAR_RE = re.compile(r"^[（(]?(\d{4})年度?[)）]?")
# Unit in the funds header: '项目资金 (元)', '项目资金（万元）'.
UNIT_RE = re.compile(r"[（(]\s*(万元|元)\s*[)）]")
SCORE_RE = re.compile(r"^(\d+(?:\.\d+)?)分?$")
# A level label carrying its section's points: '产出指标(50分)', '效益指标（30分）'.
LABEL_POINTS_RE = re.compile(r"^(?P<label>.+?)[（(](?P<points>\d+(?:\.\d+)?)分[)）]$")


# ---------------------------------------------------------------- vocabulary


# Column roles of the standard indicator table: the only one that may be read by content.
STANDARD_COLUMNS = frozenset({"level1", "level2", "level3", "target", "actual", "weight", "score", "reason"})


@dataclass(frozen=True)
class Vocabulary:
    titles: tuple[str, ...]
    head_rows: int
    prose_min_chars: int
    fields: dict[str, str]  # a head label (whitespace removed) -> project_name | department | unit
    extra_labels: frozenset[str]
    measures: tuple[str, ...]
    targets: dict[str, str]
    percent_measures: frozenset[str]
    amount_measures: frozenset[str]
    min_measures: int
    funds_total: str
    funds_rows: dict[str, str]
    funds_prefix: re.Pattern[str]
    goal_header_words: frozenset[str]
    goal_labels: frozenset[str]
    header_keys: frozenset[str]
    header_words: frozenset[str]
    section_labels: frozenset[str]
    total_re: re.Pattern[str]
    execution_rate_names: frozenset[str]
    none_words: frozenset[str]
    columns: dict[str, str]  # a header word (whitespace removed) -> its column's role
    levels: dict[str, str]  # 二级 -> 一级
    level_suffix: dict[str, str]  # an 二级's ending -> its 一级
    frameworks: frozenset[str]  # 一级 sections of the scored frameworks
    labelled: dict[str, str]  # a scored form's head label -> Project attribute
    labelled_extra: frozenset[str]  # head labels kept in Project.extra
    category_answers: dict[str, str]  # 是否为经常性项目: answer -> category
    grades: tuple[str, ...]

    @property
    def level1_labels(self) -> frozenset[str]:
        return frozenset(self.levels.values()) | frozenset(self.level_suffix.values()) | self.frameworks


@cache
def vocabulary() -> Vocabulary:
    data: dict[str, Any] = forms_data()["self_evaluation"]
    fields, funds, goal, ind = data["fields"], data["funds"], data["goal"], data["indicators"]
    totals = "|".join(re.escape(t) for t in ind["totals"])
    return Vocabulary(
        titles=tuple(squash(t) for t in data["titles"]),
        head_rows=int(data["head_rows"]),
        prose_min_chars=int(data["prose_min_chars"]),
        fields={
            squash(label): key for key in ("project_name", "department", "unit") for label in fields[key]
        },
        extra_labels=frozenset(squash(x) for x in fields["extra_labels"]),
        measures=tuple(funds["measures"]),
        targets=dict(funds["targets"]),
        percent_measures=frozenset(funds["percent"]),
        amount_measures=frozenset(funds["amounts"]),
        min_measures=int(funds["min_measures"]),
        funds_total=funds["total"],
        funds_rows=dict(funds["rows"]),
        funds_prefix=re.compile(rf"^{re.escape(funds['prefix'])}[：:]?"),
        goal_header_words=frozenset(goal["header_words"]),
        goal_labels=frozenset(goal["labels"]),
        header_keys=frozenset(ind["header_keys"]),
        header_words=frozenset(ind["header_words"]),
        section_labels=frozenset(ind["section_labels"]),
        total_re=re.compile(rf"^(?:{totals})[:：]?(.*)$"),
        execution_rate_names=frozenset(squash(n) for n in ind["execution_rate"]),
        none_words=frozenset(ind["none_words"]),
        columns={squash(word): role for role, words in data["columns"].items() for word in words},
        levels=dict(data["levels"]),
        level_suffix=dict(data["level_suffix"]),
        frameworks=frozenset(data["frameworks"]["qingpu"]) | frozenset(data["frameworks"]["others"]),
        labelled={squash(k): v for k, v in data["labelled"].items()},
        labelled_extra=frozenset(squash(x) for x in data["labelled_extra"]["labels"]),
        category_answers=dict(data["answers"]["category"]),
        grades=tuple(data["answers"]["grades"]),
    )


# ---------------------------------------------------------------- rows


@dataclass(frozen=True)
class Row:
    """One row of the document in reading order: a grid row's cells, or a prose line as one cell."""

    line: int  # document-wide line number (a text file's own line)
    printed: tuple[str, ...]  # cells as printed; a merged cell's text only at its first position
    grid: bool = True  # False for a prose line
    page: int = 1
    refs: tuple[str | None, ...] = ()  # each cell's place in its grid ('B7', '表1 第5行第3列')

    @property
    def raw(self) -> str:
        """The cells joined by tabs: a text row's own line, an original's row alike."""
        return "\t".join(self.printed)

    @property
    def cells(self) -> list[str]:
        return [clean_cell(c) for c in self.printed]

    @property
    def nonempty(self) -> list[str]:
        return [c for c in self.cells if c]

    @property
    def has_tab(self) -> bool:
        """A row of cells (a prose line is one text)."""
        return self.grid

    @property
    def blank(self) -> bool:
        return not self.nonempty

    def joined(self, nxt: Row) -> Row:
        """This row with the next one appended inside its last cell (an in-cell line break)."""
        cells = (*self.printed[:-1], self.printed[-1] + nxt.printed[0], *nxt.printed[1:])
        return Row(self.line, cells, self.grid or nxt.grid, self.page, (*self.refs, *nxt.refs[1:]))

    def part(self, start: int, end: int | None) -> Row:
        return Row(self.line, self.printed[start:end], self.grid, self.page, self.refs[start:end])

    def ref_of(self, text: str) -> str | None:
        """The place of the first cell printing this text (None for a prose line)."""
        for i, cell in enumerate(self.cells):
            if cell == text and i < len(self.refs):
                return self.refs[i]
        return None


def document_rows(doc: Document) -> list[Row]:
    """Every line of the document as a row, in reading order (one row per line)."""
    rows = []
    for ln in doc.lines:
        if ln.kind == PART:
            continue  # read with its row
        table = doc.tables[ln.table] if ln.kind == ROW and ln.table is not None else None
        row = table.row_at(ln.number) if table is not None else None
        if table is not None and row is not None:
            cells = table.printed(row)
            refs = tuple(table.place(row, c) for c in range(len(cells)))
            rows.append(
                Row(ln.number, tuple(c.text if c.is_origin else "" for c in cells), True, ln.page, refs)
            )
        else:
            rows.append(Row(ln.number, (ln.text,), False, ln.page))
    return rows


@dataclass
class CellReading:
    """What one indicator row says, before the hierarchy is carried."""

    labels: list[str]
    level3: str
    target: str | None
    actual: str | None
    weight: Decimal
    score: Decimal
    reason: str | None
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (check, severity, message)
    # Read by the header's columns: the levels as printed in their own columns (blank when
    # a merged cell printed them above), and what the other columns hold.
    by_columns: bool = False
    level1: str | None = None
    level2: str | None = None
    rule: str | None = None
    explanation: str | None = None


@dataclass
class Carry:
    """The 一级/二级 labels in force (merged cells print them once)."""

    level1: str | None = None
    level2: str | None = None


@dataclass
class FormReading:
    """A parsed form plus what it left over."""

    project: Project | None
    checks: list[Check]
    orphans: list[Check]
    blank: Project | None = None  # a blank form: no project, but its head says whose it is


# ---------------------------------------------------------------- small readers


def is_title_cell(cell: str) -> bool:
    """True for the form title (with or without a year printed in front)."""
    s = TITLE_YEAR_RE.sub("", squash(cell), count=1)
    return s in vocabulary().titles


def _is_score(cell: str) -> bool:
    """A 分值/得分 cell: a plain number, optionally followed by 分."""
    s = squash(cell)
    return is_amount(s) or bool(SCORE_RE.match(s))


def _score(cell: str) -> Decimal:
    s = squash(cell)
    m = SCORE_RE.match(s)
    if m:
        return Decimal(m.group(1))
    amount = parse_amount(s)
    assert amount is not None
    return amount


def split_points(label: str) -> tuple[str, str | None]:
    """'产出指标(50分)' -> ('产出指标', '50'); a label without points -> (label, None)."""
    s = squash(label)
    m = LABEL_POINTS_RE.match(s)
    return (m.group("label"), m.group("points")) if m else (s, None)


def _label_kind(label: str) -> int:
    """1 for a 一级 label, 2 for a 二级 label, 0 for a section word, -1 if unknown."""
    voc = vocabulary()
    s = split_points(label)[0]
    if s in voc.section_labels:
        return 0
    if s in voc.level1_labels:
        return 1
    if s in voc.levels or any(s.endswith(suffix) for suffix in voc.level_suffix):
        return 2
    return -1


def _implied_level1(level2: str) -> str | None:
    voc = vocabulary()
    s = split_points(level2)[0]
    if s in voc.levels:
        return voc.levels[s]
    return next((level1 for suffix, level1 in voc.level_suffix.items() if s.endswith(suffix)), None)


def is_indicator_header(row: Row) -> bool:
    """A column-header row of the indicator table (possibly repeated after a page break)."""
    voc = vocabulary()
    words = {squash(c) for c in row.nonempty}
    if words & voc.header_keys and len(words & voc.header_words) >= 2:
        return True
    roles = set(header_columns(row))
    return "level3" in roles and len(roles) >= 3


def header_columns(row: Row) -> dict[str, int]:
    """Each column role the header row names -> its column (the first cell naming it)."""
    columns = vocabulary().columns
    found: dict[str, int] = {}
    for i, cell in enumerate(row.cells):
        role = columns.get(squash(cell))
        if role is not None and role not in found:
            found[role] = i
    return found


def is_standard(columns: dict[str, int]) -> bool:
    """The standard table (分值 and 得分, nothing else): its rows may be read by content."""
    return {"weight", "score"} <= set(columns) <= STANDARD_COLUMNS


def _with_unit(value: str, unit: str) -> str:
    """'95' + '%' -> '95%'; a value already printed with its unit keeps it."""
    if not value or not unit or unit in vocabulary().none_words or value.endswith(unit):
        return value
    return value + unit


def read_by_columns(row: Row, columns: dict[str, int]) -> CellReading | None:
    """An indicator row read on the header's columns; None when its cells do not line up.

    They line up when every printed cell stands under a column the header names, the
    三级指标 is printed and 分值 / 得分 (where the header has them) hold numbers.
    """
    cells = row.cells
    used = set(columns.values())
    if any(text and i not in used for i, text in enumerate(cells)):
        return None

    def at(role: str) -> str:
        i = columns.get(role)
        return cells[i] if i is not None and i < len(cells) else ""

    level3 = at("level3")
    points = [at(role) for role in ("weight", "score") if role in columns]
    # 分值/得分 hold numbers. Another form may leave one blank (青浦's 人员到位率: no 权重, 自评分 0);
    # on the standard form a blank there is the mark of a shifted row, read by content instead.
    blank_allowed = not is_standard(columns)
    if (
        not level3
        or any((p or not blank_allowed) and not _is_score(p) for p in points)
        or (points and not any(points))
    ):
        return None
    if is_standard(columns) and (
        _label_kind(at("level1")) in (0, 2) or _label_kind(at("level2")) in (0, 1) or _label_kind(level3) >= 0
    ):
        return None  # the standard words stand in the wrong columns: the row is shifted
    none = vocabulary().none_words
    nature = at("nature")
    target = _with_unit(at("target"), at("measure_unit"))
    if target and nature and nature not in none:
        target = nature + target
    actual = _with_unit(at("actual"), at("measure_unit"))
    weight = _score(at("weight")) if at("weight") else None
    score = _score(at("score")) if at("score") else None
    values = {"target": (target, "年度指标值"), "actual": (actual, "实际完成值")}
    missing = [word for role, (value, word) in values.items() if role in columns and not value]
    problems = []
    if missing:
        problems.append(("indicator_value_missing", "warning", f"指标“{level3}”未印{'和'.join(missing)}"))
    return CellReading(
        labels=[],
        level3=level3,
        target=target or None,
        actual=actual or None,
        weight=weight,  # type: ignore[arg-type]
        score=score,  # type: ignore[arg-type]
        reason=at("reason") or None,
        problems=problems,
        by_columns=True,
        level1=at("level1") or None,
        level2=at("level2") or None,
        rule=at("rule") or None,
        explanation=at("explanation") or None,
    )


def carry_columns(
    reading: CellReading, carry: Carry, vocabulary_levels: bool = False
) -> list[tuple[str, str, str]]:
    """The levels a row prints in their own columns; a blank one carries down from above.

    A printed 二级 of the vocabulary under a carried 一级 it does not belong to moves the
    一级 along (the 一级 cell was not printed); a printed pair that disagrees is noted. On
    the standard form (``vocabulary_levels``) a level word the vocabulary lacks is noted too.
    """
    problems: list[tuple[str, str, str]] = []
    level1 = split_points(reading.level1)[0] if reading.level1 else None
    level2 = split_points(reading.level2)[0] if reading.level2 else None
    printed = [(label, level) for label, level in ((level1, "一级"), (level2, "二级")) if label]
    if vocabulary_levels and len(printed) == 1 and _label_kind(printed[0][0]) < 0:
        # A lone label the vocabulary lacks: its column says its level (a pair speaks for itself).
        label, level = printed[0]
        problems.append(
            ("indicator_label_unknown", "info", f"指标层级标签“{label}”不在词表中，按{level}指标处理")
        )
    if level1 and level1 != carry.level1:
        carry.level1, carry.level2 = level1, None
    if level2:
        implied = _implied_level1(level2)
        if level1 and implied and _label_kind(level1) == 1 and implied != level1:
            problems.append(
                (
                    "indicator_level_conflict",
                    "info",
                    f"二级指标“{level2}”印在一级指标“{level1}”之下（词表中属于“{implied}”），按所印记录",
                )
            )
        elif not level1 and implied and carry.level1 != implied and _label_kind(carry.level1 or "") == 1:
            carry.level1 = implied
        carry.level2 = level2
    return problems


def _header_labels(row: Row) -> list[str]:
    """Hierarchy labels printed inside a header row ('产出指标→一级指标→二级指标→…')."""
    return [c for c in row.nonempty if _label_kind(c) in (1, 2)]


def read_indicator_cells(cells: list[str]) -> CellReading | None:
    """Read an indicator row by content; None when it has no 分值/得分 pair or no 三级指标."""
    k = None
    for i in range(len(cells) - 2, -1, -1):
        if _is_score(cells[i]) and _is_score(cells[i + 1]):
            k = i
            break
    if k is None:
        return None
    before, after = cells[:k], cells[k + 2 :]
    lead = 0
    while lead < len(before) and _label_kind(before[lead]) >= 0:
        lead += 1
    labels = [c for c in before[:lead] if _label_kind(c) != 0]
    rest = before[lead:]
    problems: list[tuple[str, str, str]] = []
    if not rest:
        return None
    weight, score = _score(cells[k]), _score(cells[k + 1])
    target = actual = None
    if len(rest) >= 3:
        labels += rest[:-3]
        level3, target, actual = rest[-3:]
    elif len(rest) == 2:
        level3 = rest[0]
        problems.append(
            (
                "indicator_value_missing",
                "warning",
                f"指标“{level3}”只印了一个指标值“{rest[1]}”，无法判断是年度指标值还是实际完成值，两者均留空",
            )
        )
    else:
        level3 = rest[0]
        problems.append(("indicator_value_missing", "warning", f"指标“{level3}”未印年度指标值和实际完成值"))
    reason = None
    if len(after) == 1:
        reason = after[0]
    elif len(after) > 1:
        reason = " ".join(after)
        problems.append(
            (
                "indicator_row_extra_cells",
                "warning",
                f"指标“{level3}”得分之后有 {len(after)} 个单元格（{'｜'.join(after)}），合并作为偏差原因",
            )
        )
    return CellReading(labels, level3, target, actual, weight, score, reason, problems)


def apply_labels(labels: list[str], carry: Carry) -> list[tuple[str, str, str]]:
    """Update the carried 一级/二级 with the labels one row prints; return doubts."""
    problems: list[tuple[str, str, str]] = []
    labels = [lab for lab in labels if _label_kind(lab) != 0]
    if not labels:
        return problems
    kinds = [_label_kind(lab) for lab in labels]
    if -1 in kinds:
        if len(labels) == 1:
            kinds = [2]
            problems.append(
                ("indicator_label_unknown", "info", f"指标层级标签“{labels[0]}”不在词表中，按二级指标处理")
            )
        else:
            # Two or more labels: unknown ones take the level their position gives.
            kinds = [1 if i < len(labels) - 1 else 2 for i in range(len(labels))]
            if len(labels) > 2:
                problems.append(
                    (
                        "indicator_labels_extra",
                        "warning",
                        f"一行印有 {len(labels)} 个层级标签（{'｜'.join(labels)}），取最后两个作一级/二级",
                    )
                )
                labels, kinds = labels[-2:], [1, 2]
    printed1: str | None = None
    for lab, kind in zip(labels, kinds, strict=True):
        lab = split_points(lab)[0]
        if kind == 1:
            printed1 = lab
            if lab != carry.level1:
                carry.level1, carry.level2 = lab, None
        else:
            implied = _implied_level1(lab)
            if printed1 is not None and implied is not None and implied != printed1:
                problems.append(
                    (
                        "indicator_level_conflict",
                        "info",
                        f"二级指标“{lab}”印在一级指标“{printed1}”之下（词表中属于“{implied}”），按所印记录",
                    )
                )
            elif printed1 is None and implied is not None and carry.level1 != implied:
                carry.level1 = implied
            carry.level2 = lab
    return problems


def read_total(row: Row) -> tuple[Decimal | None, Decimal | None, bool] | None:
    """'总分→100→95.26' -> (100, 95.26); '总分：→91' -> (None, 91). None if not a 总分 row.

    The third element is False when the row's numbers could not be read.
    """
    total_re = vocabulary().total_re
    cells = row.nonempty
    for i, cell in enumerate(cells):
        m = total_re.match(squash(cell))
        if not m or (m.group(1) and not _is_score(m.group(1))):
            continue  # '合计数量' names an indicator, not the total
        tail = ([m.group(1)] if m.group(1) else []) + cells[i + 1 :]
        if not tail:
            return None, None, True  # nothing printed: no total to read, nothing misread
        numbers = [_score(c) for c in tail if _is_score(c)]
        if len(numbers) != len(tail) or len(numbers) > 2:
            return None, None, False  # a cell that is no score: keep none rather than guess which is which
        if len(numbers) == 1:
            return None, numbers[0], True
        if len(numbers) == 2:
            return numbers[0], numbers[1], True
        return None, None, False
    return None


# ---------------------------------------------------------------- forms in the document


def _title_columns(row: Row) -> list[int]:
    return [i for i, c in enumerate(row.cells) if c and is_title_cell(c)]


def measure_of(cell: str) -> str | None:
    """The funds measure a header cell names: its words before the first parenthesis."""
    head = re.split(r"[（(]", squash(cell), maxsplit=1)[0]
    return head if head in vocabulary().measures else None


def funds_columns(row: Row) -> dict[int, str]:
    """Column -> measure when the row is the funds header (年初预算数 全年预算数 全年执行数 …)."""
    voc = vocabulary()
    if not row.has_tab:
        return {}
    found = {i: m for i, c in enumerate(row.cells) if (m := measure_of(c)) is not None}
    measures = set(found.values())
    if len(measures) < voc.min_measures or not measures & voc.amount_measures:
        return {}
    return found


def _is_funds_header(row: Row) -> bool:
    return bool(funds_columns(row))


def _is_name_row(row: Row) -> bool:
    fields = vocabulary().fields
    return row.has_tab and any(fields.get(squash(c)) == "project_name" for c in row.nonempty)


def form_ranges(rows: list[Row]) -> list[tuple[int, int]]:
    """[start, end) positions in ``rows`` of the forms (title to next title)."""
    titles = [i for i, row in enumerate(rows) if _title_columns(row)]
    ranges = []
    for n, start in enumerate(titles):
        end = titles[n + 1] if n + 1 < len(titles) else len(rows)
        head = [r for r in rows[start + 1 : end] if not r.blank][: vocabulary().head_rows]
        if any(_is_name_row(r) or _is_funds_header(r) for r in head):
            ranges.append((start, end))
    return ranges


def split_copies(rows: list[Row]) -> list[list[Row]]:
    """Split a form printed several times side by side at the columns of its title cells."""
    cols = _title_columns(rows[0])
    if len(cols) < 2:
        return [rows]
    bounds = [*cols[1:], None]
    starts = [0, *cols[1:]]
    copies: list[list[Row]] = [[] for _ in starts]
    for row in rows:
        for n, (a, b) in enumerate(zip(starts, bounds, strict=True)):
            copies[n].append(row.part(a, b))
    return copies


# ---------------------------------------------------------------- one form


@dataclass
class _FormState:
    project: Project
    checks: list[Check] = field(default_factory=list)
    measure_cols: dict[int, str] = field(default_factory=dict)
    goal_rows: list[Row] = field(default_factory=list)
    in_goal: bool = False
    funds_seen: bool = False

    def check(self, check: str, severity: str, message: str, line: int | None) -> None:
        self.checks.append(
            Check(check, severity, message, source_line=line, project_ref=str(self.project.source_line))
        )


def _extra_pairs(cells: list[str]) -> dict[str, str] | None:
    """'项目联系人 | 向俐 | 联系电话 | 6788…' -> label: value; None unless every pair reads so."""
    if not cells or len(cells) % 2:
        return None
    voc = vocabulary()
    pairs = dict(zip(cells[::2], cells[1::2], strict=True))
    known = all(
        squash(label) in voc.extra_labels or squash(label) in voc.fields or _labelled_key(label)
        for label in pairs
    )
    return pairs if known else None


def _read_head_row(state: _FormState, row: Row) -> None:
    """Title, year, 项目名称, 主管部门/实施单位 and the funds header."""
    voc = vocabulary()
    p = state.project
    cells = row.nonempty
    for i, cell in enumerate(cells):
        key = voc.fields.get(squash(cell))
        nxt = cells[i + 1] if i + 1 < len(cells) else None
        year = _year_of(cell) if p.year is None else None
        if year is not None:
            p.year = year
            p.sources["year"] = _row_source(row, cell)
        elif key == "project_name" and nxt is not None and not p.project_name:
            p.project_name = nxt
            p.source_cell = row.ref_of(nxt)
            rest = cells[i + 2 :]
            if rest and (pairs := _extra_pairs(rest)) is not None:
                for label, value in pairs.items():
                    if squash(label) in vocabulary().extra_labels:
                        p.extra.setdefault(label, value)  # the fields are read with the row's other labels
            elif rest:
                state.check(
                    "project_name_extra_cells",
                    "warning",
                    f"项目名称行有多个单元格：{'｜'.join(cells[i + 1 :])}，取第一个",
                    row.line,
                )
        elif key == "department" and nxt is not None and voc.fields.get(squash(nxt)) != "unit":
            p.department = nxt
            p.sources["department"] = _row_source(row, nxt)
        elif key == "unit" and nxt is not None:
            p.unit = nxt
            p.sources["unit"] = _row_source(row, nxt)
    measures = funds_columns(row)
    if measures and not state.measure_cols:
        state.measure_cols = measures
        m = UNIT_RE.search(row.raw)
        if m:
            p.amount_unit = m.group(1)
    elif not measures:
        _read_labelled(state, row)


def _row_source(row: Row, text: str) -> Source:
    """Where a head cell's text was read (its cell in a grid; the line of a prose row)."""
    return Source(row.line, row.page, row.ref_of(text), None, text)


def _labelled_key(cell: str) -> tuple[str, str | None] | None:
    """(attribute or extra label, unit in its note) when a cell is a labelled field of a scored head."""
    voc = vocabulary()
    s = squash(cell)
    head, _, note = s.partition("（") if "（" in s else s.partition("(")
    unit = m.group(1) if (m := re.match(r"(万元|元)[)）]", note)) else None
    if head in voc.labelled:
        return voc.labelled[head], unit
    if s in voc.labelled_extra or head in voc.labelled_extra:
        return "extra:" + clean_cell(cell), None
    return None


def _read_labelled(state: _FormState, row: Row) -> None:
    """A scored form's head row: label | value pairs (当年预算数（元） | 113,600.00 | …)."""
    p = state.project
    cells = row.cells
    for i, cell in enumerate(cells):
        found = _labelled_key(cell) if cell else None
        if found is None:
            continue
        key, unit = found
        value = next((c for c in cells[i + 1 :] if c), "")
        if not value or _labelled_key(value) is not None or vocabulary().fields.get(squash(value)):
            continue  # nothing printed: the next cell is another label
        if key.startswith("extra:"):
            p.extra.setdefault(key.removeprefix("extra:"), value)
        elif key == "execution_rate":
            if is_percent(value):
                p.execution_rate = parse_percent(value)
        elif key in ("budget_full_year", "prior_year_budget", "executed"):
            if is_amount(value):
                setattr(p, key, parse_amount(value))
                p.amount_unit = p.amount_unit or unit
                state.funds_seen = True
        elif key == "category":
            p.category = vocabulary().category_answers.get(squash(value), p.category)
        elif key == "grade":
            p.grade = value
        elif getattr(p, key) is None:
            setattr(p, key, value)


def _year_of(cell: str) -> int | None:
    """The year of a '(2022 年度)' cell or of a title with the year in front."""
    s = squash(cell)
    m = YEAR_RE.match(s) or (re.match(r"^[（(]?(\d{4})", s) if is_title_cell(s) else None)
    return int(m.group(1)) if m else None


def _funds_label(cell: str) -> str | None:
    voc = vocabulary()
    s = voc.funds_prefix.sub("", squash(cell))
    return voc.funds_rows.get(s)


def _unlabelled_total(row: Row, measure_cols: dict[int, str]) -> bool:
    """Figures under the header's measures and nothing else: the one funds row of a short form."""
    printed = [(i, c) for i, c in enumerate(row.cells) if c]
    return (
        bool(printed)
        and all(i in measure_cols for i, _ in printed)
        and _funds_types_ok({measure_cols[i]: c for i, c in printed})
    )


def _align_funds(row: Row, label_col: int, measure_cols: dict[int, str]) -> dict[str, str] | None:
    """Values of a funds row by measure: on the header's columns, else by cell type."""
    values = [(i, c) for i, c in enumerate(row.cells) if c and i > label_col]
    if (
        values
        and measure_cols
        and label_col < min(measure_cols)
        and all(i in measure_cols for i, _ in values)
    ):
        aligned = {measure_cols[i]: c for i, c in values}
        if _funds_types_ok(aligned):
            return aligned
    texts = [c for _, c in values]
    measures = vocabulary().measures
    if len(texts) == len(measures):
        by_order = dict(zip(measures, texts, strict=True))
        if _funds_types_ok(by_order):
            return by_order
    return None


def _funds_types_ok(values: dict[str, str]) -> bool:
    """执行率 holds a percentage, every other measure an amount (or a dash for 'nothing')."""
    percent = vocabulary().percent_measures
    for measure, text in values.items():
        if is_blank(text):
            continue
        is_rate = measure in percent
        if is_rate != is_percent(text) or (not is_rate and not is_amount(text)):
            return False
    return True


def _read_funds_row(state: _FormState, row: Row) -> bool:
    """年度资金总额 / 当年财政拨款 / 上年结转资金 / 其他资金; True when the row was one."""
    voc = vocabulary()
    cells = row.cells
    label_col = next((i for i, c in enumerate(cells) if c), None)
    if label_col is None:
        return False
    name = _funds_label(cells[label_col])
    if name is None and not state.funds_seen and _unlabelled_total(row, state.measure_cols):
        name, label_col = voc.funds_total, -1
    if name is None:
        return False
    p = state.project
    values = _align_funds(row, label_col, state.measure_cols)
    if values is None:
        printed = "｜".join(c for c in cells[label_col + 1 :] if c)
        state.check(
            "funds_row_unaligned",
            "warning",
            f"项目“{p.project_name}”资金行“{cells[label_col]}”的数字无法与表头对齐：{printed}",
            row.line,
        )
        return True
    if name != voc.funds_total:
        for measure, text in values.items():
            p.extra[f"{name}_{measure}"] = text
        return True
    state.funds_seen = True
    for measure, text in values.items():
        # _align_funds accepted only cells that parse as their measure's type.
        target = voc.targets.get(measure)
        if target is None:
            continue
        value = parse_percent(text) if measure in voc.percent_measures else parse_amount(text)
        setattr(p, target, value)
    return True


def _is_goal_header(row: Row) -> bool:
    words = vocabulary().goal_header_words
    return any(squash(c) in words for c in row.nonempty)


def _read_goal(state: _FormState) -> None:
    """预期目标 / 实际完成情况: a cell may run over several rows (in-cell line breaks of a text copy)."""
    if not state.goal_rows:
        return
    labels = vocabulary().goal_labels
    joined = "".join(r.raw for r in state.goal_rows)
    texts = [c for c in (clean_cell(x) for x in joined.split("\t")) if c and squash(c) not in labels]
    p = state.project
    if texts:
        p.goal = texts[0]
    if len(texts) > 1:
        p.result = texts[1]
    if len(texts) > 2:
        state.check(
            "goal_cells_extra",
            "warning",
            f"项目“{p.project_name}”年度总体目标区有 {len(texts)} 段文字，只取前两段作预期目标与实际完成情况",
            state.goal_rows[0].line,
        )


def _indicator(reading: CellReading, carry: Carry, line: int, cell: str | None = None) -> Indicator:
    return Indicator(
        level1=carry.level1,
        level2=carry.level2,
        level3=reading.level3,
        target_value=reading.target,
        actual_value=reading.actual,
        weight=reading.weight,
        score=reading.score,
        deviation_reason=reading.reason,
        source_line=line,
        explanation=reading.explanation,
        scoring_rule=reading.rule,
        source_cell=cell,
    )


def _level_cells(row: Row, columns: dict[str, int]) -> tuple[str | None, str | None]:
    cells = row.cells

    def at(role: str) -> str | None:
        i = columns.get(role)
        return (cells[i] or None) if i is not None and i < len(cells) else None

    return at("level1"), at("level2")


def _levels_only(row: Row, columns: dict[str, int]) -> bool:
    """A row printing only 一级/二级 in their columns (an 二级 with no indicator under it)."""
    level_cols = {columns[r] for r in ("level1", "level2") if r in columns}
    printed = [i for i, c in enumerate(row.cells) if c]
    return bool(printed) and all(i in level_cols for i in printed)


def _note_points(project: Project, row: Row) -> None:
    """A level label printed with its section's points ('产出指标(50分)'): kept as '分值:产出指标'."""
    for cell in row.nonempty:
        label, points = split_points(cell)
        if points is not None and _label_kind(label) >= 1:
            project.extra.setdefault(f"分值:{label}", points)


def _execution_rate_indicator(project: Project) -> None:
    """A form printing its execution rate as an indicator row (预算执行率): the project's rate.

    The row stays an indicator (its 分值 is part of the form's 100); only the rate as
    printed is taken, and only when the funds block printed none.
    """
    if project.execution_rate is not None:
        return
    names = vocabulary().execution_rate_names
    for ind in project.indicators:
        if squash(ind.level3) in names and ind.actual_value and is_percent(ind.actual_value):
            project.execution_rate = parse_percent(ind.actual_value)
            project.extra.setdefault("执行率（指标行）", ind.actual_value)
            return


def _is_label_only(row: Row) -> bool:
    cells = row.nonempty
    return bool(cells) and all(_label_kind(c) >= 0 for c in cells)


def _furniture(rows: list[Row], at: int) -> bool:
    """A prose line at a page break between two rows of a form: a running header or footer."""
    row = rows[at]
    if row.grid:
        return False
    before = next((r for r in reversed(rows[:at]) if r.grid), None)
    after = next((r for r in rows[at + 1 :] if r.grid), None)
    return (before is not None and before.page != row.page) or (after is not None and after.page != row.page)


def parse_form(rows: list[Row]) -> FormReading:
    """Read one form (title row first); rows after its 总分 are checked for orphans."""
    title = rows[0]
    project = Project(
        kind=KIND, layout=PROJECT_LAYOUT, source_line=title.line, end_line=title.line, project_name=""
    )
    state = _FormState(project)
    if title.nonempty:
        project.sources["title"] = _row_source(title, title.nonempty[0])
    _read_head_row(state, title)
    body = [r for i, r in enumerate(rows) if i and not r.blank and not _furniture(rows, i)]
    pos = 0
    # -- head, funds and goal: everything before the indicator table
    while pos < len(body):
        row = body[pos]
        if is_indicator_header(row):
            break
        if state.funds_seen and _strict_indicator(row) and not _funds_label(row.nonempty[0]):
            state.check(
                "indicator_header_missing",
                "warning",
                f"第 {row.line} 行起的指标行前没有指标表头（三级指标…）",
                row.line,
            )
            break
        if state.in_goal:
            state.goal_rows.append(row)
        elif _is_goal_header(row) and not _funds_label(row.nonempty[0]):
            state.in_goal = True
        elif not (state.measure_cols and _read_funds_row(state, row)):
            _read_head_row(state, row)
        pos += 1
    _read_goal(state)
    project.end_line = body[pos - 1].line if pos else title.line
    # -- indicator table
    carry = Carry()
    columns: dict[str, int] = {}
    header_seen = False
    total_row: Row | None = None
    pending: tuple[Row, str | None, str | None] | None = None
    prose_run = 0
    while pos < len(body):
        row = body[pos]
        pos += 1
        _note_points(project, row)
        total = read_total(row)
        if total is not None:
            total_row = row
            project.score_max, project.score_total, clean = total
            if not clean:
                state.check(
                    "score_total_unparsed",
                    "warning",
                    f"项目“{project.project_name}”总分行印为“{'｜'.join(row.nonempty)}”，无法读出总分",
                    row.line,
                )
            break
        if is_indicator_header(row):
            columns, header_seen = header_columns(row), True
            _note(state, apply_labels(_header_labels(row), carry), row.line)
            project.end_line = row.line
            continue
        reading = read_by_columns(row, columns) if columns else None
        if reading is None and columns and not is_standard(columns):
            if _levels_only(row, columns):
                levels = CellReading([], "", None, None, Decimal(0), Decimal(0), None, by_columns=True)
                levels.level1, levels.level2 = _level_cells(row, columns)
                _note(state, carry_columns(levels, carry), row.line)
                project.end_line = row.line
                continue
        elif reading is None:
            reading = read_indicator_cells(row.nonempty)
        if reading is None and _is_label_only(row) and (not columns or is_standard(columns)):
            _note(state, apply_labels(row.nonempty, carry), row.line)
            if carry.level1 or carry.level2:
                pending = (row, carry.level1, carry.level2)
            project.end_line = row.line
            continue
        if reading is None and pos < len(body) and _continues(row, body[pos]):
            joined = row.joined(body[pos])
            if _strict_indicator(joined):
                reading = read_indicator_cells(joined.nonempty)
                pos += 1
                row = joined
        if reading is None:
            if not row.has_tab and project.indicators and _is_name_tail(row):
                prev = project.indicators[-1]
                prev.level3 += squash(row.raw)
                state.check(
                    "indicator_name_wrapped",
                    "info",
                    f"第 {row.line} 行“{clean_cell(row.raw)}”接在上一行指标名称之后，合为“{prev.level3}”",
                    row.line,
                )
                project.end_line = row.line
                continue
            if not row.has_tab:
                prose_run += 1
                if len(clean_cell(row.raw)) >= vocabulary().prose_min_chars or prose_run >= 2:
                    break
            state.check(
                "indicator_row_unparsed",
                "warning",
                f"项目“{project.project_name}”第 {row.line} 行无法读作指标行：{'｜'.join(row.nonempty)}",
                row.line,
            )
            continue
        prose_run = 0
        if reading.by_columns:
            _note(state, carry_columns(reading, carry, is_standard(columns)), row.line)
        else:
            _note(state, apply_labels(reading.labels, carry), row.line)
        if pending is not None:
            _unused_label_row(state, pending, (carry.level1, carry.level2))
            pending = None
        _note(state, reading.problems, row.line)
        project.indicators.append(_indicator(reading, carry, row.line, row.ref_of(reading.level3)))
        project.end_line = row.line
    if pending is not None:
        _unused_label_row(state, pending, (None, None))
    if total_row is not None:
        project.end_line = total_row.line
    _execution_rate_indicator(project)
    _final_form_checks(state, total_row)
    orphans = _orphan_rows(body[pos:], project) if total_row is not None else []
    if project.project_name and (state.measure_cols or header_seen) and _empty(project):
        # The template's funds header or indicator table is printed, and nothing is filled in.
        message = (
            f"项目“{project.project_name}”的绩效自评表没有填写任何资金数和指标（空白表），未作为项目读入"
        )
        return FormReading(
            None, [Check("self_eval_form_empty", "info", message, source_line=title.line)], orphans, project
        )
    if not project.project_name:
        return FormReading(
            None,
            [
                Check(
                    "project_name_missing",
                    "error",
                    f"第 {title.line} 行的绩效自评表没有项目名称，整张表未读取",
                    source_line=title.line,
                )
            ],
            orphans,
        )
    return FormReading(project, state.checks, orphans)


def _empty(p: Project) -> bool:
    """A blank template: no indicator, no amount other than zero, no score other than zero."""
    figures = (p.budget_initial, p.budget_full_year, p.executed, p.score_total)
    return not p.indicators and all(f is None or f == 0 for f in figures)


def _note(state: _FormState, problems: list[tuple[str, str, str]], line: int) -> None:
    for check, severity, message in problems:
        state.check(check, severity, f"项目“{state.project.project_name}”：{message}", line)


def _unused_label_row(
    state: _FormState, pending: tuple[Row, str | None, str | None], used: tuple[str | None, str | None]
) -> None:
    """A label-only row whose labels no following indicator row took: it may belong to the row above."""
    row, level1, level2 = pending
    if (level1, level2) == used:
        return
    inds = [i for i in state.project.indicators if i.source_line < row.line]
    above = ""
    if inds:
        prev = inds[-1]
        above = f"；它可能属于上一行指标“{prev.level3}”（已按所印顺序记为“{prev.level1}/{prev.level2}”）"
    state.check(
        "indicator_label_row_unused",
        "info",
        f"项目“{state.project.project_name}”第 {row.line} 行只印了层级标签“{'｜'.join(row.nonempty)}”，"
        f"其后没有指标行沿用{above}",
        row.line,
    )


def _continues(row: Row, nxt: Row) -> bool:
    """An in-cell line break: this row's last cell is still open and the next row starts inside it."""
    return (
        not row.raw.rstrip(" ").endswith("\t")
        and not nxt.raw.startswith("\t")
        and read_total(nxt) is None
        and not is_indicator_header(nxt)
    )


def _is_name_tail(row: Row) -> bool:
    """A short tab-less fragment (the rest of a name the extraction put after its numbers)."""
    s = squash(row.raw)
    return 0 < len(s) <= 12 and not is_amount(s) and _label_kind(s) < 0 and read_total(row) is None


def _strict_indicator(row: Row) -> bool:
    """A row that reads as a complete indicator (三级指标, both values, 分值 <= 100, no code cells)."""
    cells = row.nonempty
    if not cells or is_code(cells[0]):
        return False
    reading = read_indicator_cells(cells)
    return (
        reading is not None
        and reading.target is not None
        and not [p for p in reading.problems if p[0] == "indicator_value_missing"]
        and reading.weight <= 100
    )


def _final_form_checks(state: _FormState, total_row: Row | None) -> None:
    p = state.project
    if total_row is None:
        state.check(
            "self_eval_total_missing",
            "warning",
            f"项目“{p.project_name}”的自评表没有总分行（表在第 {p.end_line} 行后中断），总分留空",
            p.end_line,
        )
    if not state.funds_seen:
        state.check(
            "funds_total_missing",
            "warning",
            f"项目“{p.project_name}”的自评表没有可读的“年度资金总额”行",
            p.source_line,
        )
    if p.amount_unit is None:
        state.check(
            "amount_unit_missing",
            "warning",
            f"项目“{p.project_name}”的项目资金表头未注明单位（元/万元）",
            p.source_line,
        )
    if not p.indicators:
        state.check(
            "indicators_missing",
            "warning",
            f"项目“{p.project_name}”的自评表没有可读的绩效指标行",
            p.source_line,
        )


def _orphan_rows(rows: list[Row], previous: Project) -> list[Check]:
    """Indicator rows printed after a form's 总分 and before the next title: they belong to no project."""
    found: list[Row] = []
    totals: list[str] = []
    for row in rows:
        if read_total(row) is not None:
            found.append(row)
            totals.append(" ".join(row.nonempty))
            continue
        if _strict_indicator(row) or (_is_label_only(row) and found):
            found.append(row)
            continue
        break
    count = sum(1 for r in found if read_total(r) is None and not _is_label_only(r))
    if not count:
        return []
    first, last = found[0].line, found[-1].line
    tail = f"，另有总分行“{'；'.join(totals)}”" if totals else ""
    return [
        Check(
            "orphan_indicator_rows",
            "warning",
            f"第 {first}–{last} 行有 {count} 行绩效指标{tail}，印在项目“{previous.project_name}”的总分之后、"
            "下一张自评表标题之前，不属于任何一张表，未计入任何项目",
            source_line=first,
        )
    ]


# ---------------------------------------------------------------- side-by-side copies


def _figures(p: Project) -> dict[str, str]:
    """Every printed figure/text of a project, flattened for comparison."""
    out = {
        "项目名称": p.project_name,
        "主管部门": p.department or "",
        "实施单位": p.unit or "",
        "年度": str(p.year or ""),
        "金额单位": p.amount_unit or "",
        "年度资金总额 年初预算数": _fmt(p.budget_initial),
        "年度资金总额 全年预算数": _fmt(p.budget_full_year),
        "年度资金总额 全年执行数": _fmt(p.executed),
        "年度资金总额 分值": _fmt(p.execution_weight),
        "年度资金总额 执行率": _fmt(p.execution_rate),
        "年度资金总额 得分": _fmt(p.execution_score),
        "总分": _fmt(p.score_total),
        "满分": _fmt(p.score_max),
        "预期目标": p.goal or "",
        "实际完成情况": p.result or "",
        "指标行数": str(len(p.indicators)),
    }
    for key, value in p.extra.items():
        out[key.replace("_", " ")] = value
    for n, ind in enumerate(p.indicators, 1):
        for label, value in (
            ("一级指标", ind.level1),
            ("二级指标", ind.level2),
            ("三级指标", ind.level3),
            ("年度指标值", ind.target_value),
            ("实际完成值", ind.actual_value),
            ("分值", _fmt(ind.weight)),
            ("得分", _fmt(ind.score)),
            ("偏差原因", ind.deviation_reason),
        ):
            out[f"第{n}行指标 {label}"] = value or ""
    return out


def _fmt(value: Decimal | None) -> str:
    return "" if value is None else format(value, "f")


def compare_copies(left: Project, right: Project) -> list[str]:
    """Differences between two renderings of one form, named figure by figure."""
    a, b = _figures(left), _figures(right)
    diffs = []
    for key in list(a) + [k for k in b if k not in a]:
        va, vb = a.get(key, ""), b.get(key, "")
        if va != vb:
            diffs.append(f"{key}：左 {va or '（空）'} / 右 {vb or '（空）'}")
    return diffs


def _duplicate_check(kept: Project, other: Project, n: int) -> Check:
    diffs = compare_copies(kept, other)
    where = f"项目“{kept.project_name}”（第 {kept.source_line} 行）在同一行上并排印了两份"
    if n > 2:
        where = f"项目“{kept.project_name}”（第 {kept.source_line} 行）在同一行上并排印了 {n} 份"
    if diffs:
        return Check(
            "duplicate_rendering_differs",
            "warning",
            f"{where}，右侧一份与左侧不一致：{'；'.join(diffs)}。采用左侧（第一份）",
            source_line=kept.source_line,
            project_ref=str(kept.source_line),
        )
    return Check(
        "duplicate_rendering_identical",
        "info",
        f"{where}，内容一致，只保留左侧一份",
        source_line=kept.source_line,
        project_ref=str(kept.source_line),
    )


# ---------------------------------------------------------------- document


def detect(doc: Document) -> bool:
    """Does the document hold at least one 财政项目支出绩效自评表 with cells?"""
    if "自评表" not in doc.text:
        return False
    return bool(form_ranges(document_rows(doc)))


def parse(doc: Document) -> ParseResult:
    """Every self-evaluation form of the document."""
    result = ParseResult(layout=LAYOUT)
    rows = document_rows(doc)
    blanks: list[Project] = []
    for start, end in form_ranges(rows):
        copies = split_copies(rows[start:end])
        readings = [parse_form(copy) for copy in copies]
        first = readings[0]
        result.checks += first.checks + first.orphans
        if first.blank is not None:
            blanks.append(first.blank)
        if first.project is None:
            continue
        result.projects.append(first.project)
        others = [r.project for r in readings[1:] if r.project is not None]
        for other in others:
            result.checks.append(_duplicate_check(first.project, other, len(copies)))
    result.meta = forms_meta(result.projects, blanks)
    return result
