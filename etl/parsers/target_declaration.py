"""Target declarations ('财政项目支出绩效目标填报表' / '绩效目标申报表'), read from Word-table text.

A Word table arrives one cell per tab-led line: a line that starts with a tab
opens a cell, a line without a tab continues the cell above it (a wrapped
paragraph), a blank line ends the table row. An empty cell is a line holding
only a tab, so cell POSITIONS are reliable within a row. Vertically merged
cells print their text in the top row only; rows below hold an empty cell and
inherit the value ("carry upward").

Each form: title, '（2022年度）', labelled fields (项目名称 / 项目类别,
主管部门 / 实施单位, 计划开始日期 / 计划完成日期), the funding block under
'项目资金（元）', the goal row (项目总目标 / 年度总目标) and the indicator table
(一级指标 / 二级指标 / 三级指标 / 年度指标值). A '项目经费情况说明N' narrative
(一、项目概述 … 六、年度预算安排 … 七、绩效目标) may precede each form; its
overview and budget plan are kept as text (no amounts are read from it).

The document's intro sentence ('编报绩效目标的项目7个 …') belongs to the
narrative parser and is not read here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from etl.model import Check, Indicator, ParseResult, Project
from etl.textutil import clean_cell, is_blank, parse_amount, squash

LAYOUT = "declaration"
KIND = "target_declaration"

# ---------------------------------------------------------------- vocabulary

# Declaration form titles (whitespace removed), e.g. '财政项目支出绩效目标填报表',
# '2022年度项目支出绩效目标申报表'.
DECLARATION_TITLE_RE = re.compile(r"绩效目标(?:填报|申报)表(?:[（(]\d{4}年度?[）)])?$")
TITLE_YEAR_RE = re.compile(r"(\d{4})年")
# Any form title: a declaration or a self-evaluation; another form's title ends a form.
FORM_TITLE_RE = re.compile(r"绩效(?:目标(?:填报|申报)|自评价?)表?(?:[（(]\d{4}年度?[）)])?$")
MAX_TITLE_CHARS = 60
# '（2022年度）' printed under the title.
YEAR_RE = re.compile(r"^[（(]?(\d{4})年度?[）)]?$")
# The narrative that precedes a form: '项目经费情况说明1'.
NARRATIVE_MARKER_RE = re.compile(
    r"^(?:项目经费情况说明|项目情况说明|项目经费说明)[0-9一二三四五六七八九十]*[：:]?$"
)
# Narrative section headings: '一、项目概述', '六、年度预算安排'.
HEADING_RE = re.compile(r"^([一二三四五六七八九十]{1,3})、\s*(.*)$")
CHINESE_NUMERALS = {c: i + 1 for i, c in enumerate("一二三四五六七八九十")}
NARRATIVE_SECTIONS = {
    "overview": ("项目概述", "项目概况", "项目基本情况"),
    "budget_plan": ("年度预算安排", "预算安排", "年度资金安排"),
}

# The first cell of a form's field rows; a line holding only this word anchors a form.
ANCHOR_LABEL = "项目名称"

# Labelled fields (label with whitespace and a leading '其中：' removed) -> key.
FIELD_LABELS: dict[str, str] = {
    "项目名称": "name",
    "项目类别": "category",
    "项目类型": "category",
    "主管部门": "department",
    "实施单位": "unit",
    "预算单位": "unit",
    "计划开始日期": "planned_start",
    "计划完成日期": "planned_end",
    "项目资金总额": "fund_total",
    "年度资金申请总额": "fund_annual",
    "财政资金": "fund_fiscal",
    "当年财政拨款": "fund_current_year",
    "上年结转资金": "fund_carryover",
    "上年结转": "fund_carryover",
    "其他资金": "fund_other",
}
FUND_KEYS = (
    "fund_total",
    "fund_annual",
    "fund_fiscal",
    "fund_current_year",
    "fund_carryover",
    "fund_other",
    "fund_other_annual",
)
# Fund figures kept as printed text in Project.extra (年度资金申请总额 is budget_initial too).
EXTRA_FUND_KEYS = (
    "fund_total",
    "fund_annual",
    "fund_fiscal",
    "fund_current_year",
    "fund_carryover",
    "fund_other",
    "fund_other_annual",
)
FUND_LABEL_TEXT = {
    "fund_total": "项目资金总额",
    "fund_annual": "年度资金申请总额",
    "fund_fiscal": "其中：财政资金",
    "fund_current_year": "其中：当年财政拨款",
    "fund_carryover": "上年结转资金",
    "fund_other": "其他资金",
    "fund_other_annual": "其他资金（年度）",
}
LABEL_PREFIX_RE = re.compile(r"^其中[：:]")
# '项目资金（元）' / '项目资金（万元）': the unit of every figure in the funding block.
FUND_UNIT_RE = re.compile(r"^(?:项目)?资金(?:情况)?[（(](万元|元)[)）]$")
CATEGORY_WORDS = ("经常性", "一次性")

# Goal row header: '项目总目标（2022 年- 2022年）' and '年度总目标'; the texts are in the
# row below, or (other templates) in the cell right of each label.
GOAL_LABELS = {
    "total_goal": ("项目总目标", "总体目标"),
    "goal": ("年度总目标", "年度绩效目标", "年度目标"),
}
GOAL_GROUP_LABELS = ("项目绩效目标", "绩效目标")

# Indicator table header words -> column key.
INDICATOR_HEADER: dict[str, str] = {
    "一级指标": "level1",
    "二级指标": "level2",
    "三级指标": "level3",
    "年度指标值": "value",
    "指标值": "value",
    "年度目标值": "value",
}
REQUIRED_INDICATOR_COLUMNS = ("level1", "level2", "level3", "value")
# Words that make a table a self-evaluation, not a declaration.
SELF_EVAL_WORDS = ("实际完成值", "自评", "得分")
# Page furniture (a page number alone on a line) is dropped.
PAGE_NUMBER_RE = re.compile(r"^(?:[-—－]\s*\d+\s*[-—－]|\d{1,3}|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?)$")


# ---------------------------------------------------------------- public API


def detect(text: str) -> bool:
    """True when the text holds a 绩效目标填报表/申报表 (title or its own field words)."""
    if "绩效目标填报表" in text or "绩效目标申报表" in text:
        return True
    return "年度资金申请总额" in text and "年度指标值" in text


def parse(text: str) -> ParseResult:
    """Every declaration form in the text -> Project records (with indicators) and checks."""
    result = ParseResult(layout=LAYOUT)
    lines = text.split("\n")
    markers = narrative_markers(lines)
    spans = form_spans(lines, markers)
    previous_end = 0
    for span in spans:
        project, checks = parse_form(lines, span)
        if project is not None:
            narrative = preceding_narrative(markers, previous_end, span.start)
            if narrative is not None:
                project.extra.update(narrative_sections(lines, narrative, span.start))
            result.projects.append(project)
        result.checks.extend(checks)
        previous_end = span.end
    if not spans and detect(text):
        result.checks.append(
            Check(
                "declaration_no_forms",
                "warning",
                "文中有绩效目标申报表的标题或栏目，但未找到以“项目名称”开头的表格",
            )
        )
    return result


# ---------------------------------------------------------------- cells and rows


@dataclass
class Cell:
    """One table cell: its printed lines (first one without the leading tab)."""

    lines: list[str]
    line: int  # 1-based line of the cell's first line

    @property
    def text(self) -> str:
        """Wrapped lines joined without spaces: the cell as one name or figure."""
        return "".join(clean_cell(x) for x in self.lines)

    @property
    def paragraphs(self) -> str:
        """The cell's non-empty lines joined with '\\n': a text field as printed."""
        return "\n".join(c for c in (clean_cell(x) for x in self.lines) if c)

    @property
    def key(self) -> str:
        """Whitespace-free text for matching labels."""
        return squash(self.text)


@dataclass
class Row:
    """One table row: the cells between two blank lines."""

    cells: list[Cell]

    @property
    def first_line(self) -> int:
        return self.cells[0].line

    @property
    def last_line(self) -> int:
        last = self.cells[-1]
        return last.line + len(last.lines) - 1

    def texts(self) -> list[str]:
        return [c.text for c in self.cells]

    def is_empty(self) -> bool:
        return all(not c.key for c in self.cells)


def is_blank_line(line: str) -> bool:
    """A line with no tab and no text ends a row (a tab alone is an empty cell)."""
    return "\t" not in line and not clean_cell(line)


def split_rows(lines: list[str], start: int, end: int) -> list[Row]:
    """lines[start:end] (0-based) -> rows of cells.

    A tab opens a cell; text before the first tab of a line continues the open
    cell (or opens one when the row has none yet). A page number alone on a
    line after a blank line is page furniture and is dropped.
    """
    rows: list[Row] = []
    cells: list[Cell] = []
    previous_blank = True
    for i in range(start, end):
        line = lines[i]
        if is_blank_line(line):
            if cells:
                rows.append(Row(cells))
                cells = []
            previous_blank = True
            continue
        if previous_blank and "\t" not in line and PAGE_NUMBER_RE.match(clean_cell(line)):
            continue
        previous_blank = False
        head, *rest = line.split("\t")
        if head.strip() or not rest:  # text before the first tab continues the open cell
            if cells:
                cells[-1].lines.append(head)
            else:
                cells.append(Cell([head], i + 1))
        for part in rest:
            cells.append(Cell([part], i + 1))
    if cells:
        rows.append(Row(cells))
    return rows


# ---------------------------------------------------------------- spans


@dataclass(frozen=True)
class Span:
    """A form's lines, 0-based, end exclusive: start is its title (or '（2022年度）', or 项目名称)."""

    start: int
    anchor: int  # the 项目名称 line
    end: int
    title: str | None  # the declaration title as printed, whitespace removed


def line_key(line: str) -> str:
    return squash(line)


def narrative_markers(lines: list[str]) -> list[int]:
    """0-based lines holding only '项目经费情况说明N'."""
    return [i for i, line in enumerate(lines) if NARRATIVE_MARKER_RE.match(line_key(line))]


def is_form_title(key: str) -> bool:
    return 0 < len(key) <= MAX_TITLE_CHARS and bool(FORM_TITLE_RE.search(key))


def form_spans(lines: list[str], markers: list[int]) -> list[Span]:
    """Every declaration form: from its title (or 项目名称) to the next form, narrative or title."""
    anchors = [i for i, line in enumerate(lines) if line_key(line) == ANCHOR_LABEL]
    starts: list[tuple[int, int, str | None]] = []
    floor = 0
    for a in anchors:
        start, title = form_start(lines, a, floor)
        starts.append((start, a, title))
        floor = a + 1
    boundaries = sorted(
        set(markers)
        | {s for s, _a, _t in starts}
        | {i for i, line in enumerate(lines) if is_form_title(line_key(line))}
    )
    spans = []
    for start, anchor, title in starts:
        end = next((b for b in boundaries if b > anchor), len(lines))
        span = Span(start, anchor, end, title)
        if is_declaration(lines, span):
            spans.append(span)
    return spans


def form_start(lines: list[str], anchor: int, floor: int) -> tuple[int, str | None]:
    """The form's first line: its title above 项目名称 (past the '（2022年度）' line), if any."""
    start = anchor
    for j in range(anchor - 1, floor - 1, -1):
        key = line_key(lines[j])
        if not key:
            continue
        if YEAR_RE.match(key):
            start = j
            continue
        if is_form_title(key):
            return j, key
        break
    return start, None


def is_declaration(lines: list[str], span: Span) -> bool:
    """A declaration title, or (untitled) the declaration's own words and no self-evaluation words."""
    if span.title is not None:
        return bool(DECLARATION_TITLE_RE.search(span.title))
    body = squash("".join(lines[span.anchor : span.end]))
    if any(w in body for w in SELF_EVAL_WORDS):
        return False
    return "年度资金申请总额" in body or "年度指标值" in body


# ---------------------------------------------------------------- one form


@dataclass
class _Form:
    """Working state of one form while it is read."""

    project: Project
    checks: list[Check] = field(default_factory=list)
    funds: dict[str, tuple[str, int]] = field(default_factory=dict)  # key -> (printed, line)

    def check(self, check: str, severity: str, message: str, line: int | None) -> None:
        self.checks.append(
            Check(check, severity, message, source_line=line, project_ref=str(self.project.source_line))
        )


def parse_form(lines: list[str], span: Span) -> tuple[Project | None, list[Check]]:
    """One form -> Project with indicators (None when it has no 项目名称 value), and checks."""
    rows = [r for r in split_rows(lines, span.start, span.end) if not r.is_empty()]
    project = Project(
        kind=KIND,
        layout=LAYOUT,
        source_line=(span.start if span.title is not None else span.anchor) + 1,
        end_line=rows[-1].last_line if rows else span.anchor + 1,
        project_name="",
    )
    form = _Form(project)
    header_at = next((k for k, r in enumerate(rows) if indicator_columns(r) is not None), None)
    field_rows = rows if header_at is None else rows[:header_at]
    read_fields(form, field_rows)
    if not project.project_name:
        form.check(
            "declaration_name_missing", "error", "绩效目标申报表的“项目名称”为空，未读取该表", span.anchor + 1
        )
        return None, form.checks
    if header_at is None:
        form.check(
            "declaration_no_indicators",
            "warning",
            f"项目“{project.project_name}”的绩效目标申报表没有“一级指标/二级指标/三级指标/年度指标值”指标表",
            project.source_line,
        )
    else:
        read_indicators(form, rows[header_at:])
        if not project.indicators:
            form.check(
                "declaration_no_indicators",
                "warning",
                f"项目“{project.project_name}”的指标表没有任何三级指标行",
                rows[header_at].first_line,
            )
    read_funds(form)
    return project, form.checks


# ---------------------------------------------------------------- fields


def label_key(cell: Cell) -> str | None:
    """The field key of a label cell, or None when the cell is not a known label."""
    return FIELD_LABELS.get(LABEL_PREFIX_RE.sub("", cell.key))


def read_fields(form: _Form, rows: list[Row]) -> None:
    """Title, year, labelled fields, funding block and goals: everything above the indicators."""
    p = form.project
    annual_column: int | None = None
    k = 0
    while k < len(rows):
        row = rows[k]
        keys = [c.key for c in row.cells]
        title_year = next((TITLE_YEAR_RE.search(x) for x in keys if is_form_title(x)), None)
        if title_year and p.year is None:
            p.year = int(title_year.group(1))
        year = next((YEAR_RE.match(x) for x in keys if YEAR_RE.match(x)), None)
        if year:
            p.year = int(year.group(1))
        goal_columns = goal_header(row)
        if goal_columns is not None:
            p.extra.update(goal_period(row))
            if goal_values_inline(row):
                read_inline_goals(form, row, goal_columns)
            elif k + 1 < len(rows):
                read_goals(form, row, rows[k + 1], goal_columns)
                k += 2
                continue
            k += 1
            continue
        for j, cell in enumerate(row.cells):
            unit = FUND_UNIT_RE.match(cell.key)
            if unit and p.amount_unit is None:
                p.amount_unit = unit.group(1)
            key = label_key(cell)
            if key is None:
                continue
            if key == "fund_annual":
                # cells at or right of this column belong to 年度资金申请总额 (the second 其他资金)
                annual_column = j
            if key == "fund_other" and annual_column is not None and j >= annual_column:
                key = "fund_other_annual"
            value = row.cells[j + 1] if j + 1 < len(row.cells) else None
            if value is not None and label_key(value) is not None:
                value = None
            store_field(form, key, value, cell.line)
        k += 1


def store_field(form: _Form, key: str, value: Cell | None, label_line: int) -> None:
    """One labelled value -> the Project field, Project.extra or the funding figures."""
    p = form.project
    text = value.text if value is not None else ""
    line = value.line if value is not None else label_line
    if key in FUND_KEYS:
        if key not in form.funds:
            form.funds[key] = (text, line)
        return
    if not text:
        return
    if key == "name" and not p.project_name:
        p.project_name = text
    elif key == "category":
        p.category = next((w for w in CATEGORY_WORDS if text.startswith(w)), text)
    elif key == "department":
        p.department = text
    elif key == "unit":
        p.unit = text
    elif key in ("planned_start", "planned_end"):
        p.extra[key] = text


def goal_header(row: Row) -> dict[str, int] | None:
    """Column of 项目总目标 and of 年度总目标 when this is the goal header row."""
    columns: dict[str, int] = {}
    for j, cell in enumerate(row.cells):
        key = goal_label(cell)
        if key is not None and key not in columns:
            columns[key] = j
    return columns or None


def goal_label(cell: Cell) -> str | None:
    """'total_goal' / 'goal' when the cell is a goal label (a period may follow the word)."""
    for key, words in GOAL_LABELS.items():
        for word in words:
            rest = cell.key[len(word) :]
            if cell.key.startswith(word) and (not rest or rest[0] in "（(：:"):
                return key
    return None


def goal_values_inline(row: Row) -> bool:
    """True when the goal texts sit right of their labels instead of in the row below."""
    return any(c.key and goal_label(c) is None and c.key not in GOAL_GROUP_LABELS for c in row.cells)


def read_inline_goals(form: _Form, row: Row, columns: dict[str, int]) -> None:
    """Goal texts printed in the cell right of each label."""
    for key, j in columns.items():
        value = row.cells[j + 1] if j + 1 < len(row.cells) else None
        if value is None or goal_label(value) is not None or is_blank(value.paragraphs):
            continue
        if key == "goal":
            form.project.goal = value.paragraphs
        else:
            form.project.extra[key] = value.paragraphs


def goal_period(row: Row) -> dict[str, str]:
    """'（2022 年- 2022年）' printed under 项目总目标, kept as printed."""
    for cell in row.cells:
        if goal_label(cell) == "total_goal":
            m = re.search(r"[（(].*$", cell.text)
            if m:
                return {"total_goal_period": m.group(0)}
    return {}


def read_goals(form: _Form, header: Row, row: Row, columns: dict[str, int]) -> None:
    """The row under the goal header: 项目总目标 and 年度总目标 at the header's columns."""
    p = form.project
    if len(row.cells) != len(header.cells):
        form.check(
            "declaration_row_unaligned",
            "warning",
            f"项目“{p.project_name or '?'}”的目标行有 {len(row.cells)} 格，表头“项目总目标/年度总目标”行有 "
            f"{len(header.cells)} 格，无法对齐：{cells_text(row)}",
            row.first_line,
        )
        return
    for key, j in columns.items():
        text = row.cells[j].paragraphs
        if is_blank(text):
            continue
        if key == "goal":
            p.goal = text
        else:
            p.extra[key] = text


def read_funds(form: _Form) -> None:
    """The funding block -> budget_initial / budget_full_year, extra texts and the cross-checks."""
    p = form.project
    amounts: dict[str, Decimal | None] = {}
    for key, (text, line) in form.funds.items():
        try:
            amounts[key] = parse_amount(text)
        except ValueError:
            amounts[key] = None
            form.check(
                "declaration_amount_unreadable",
                "warning",
                f"项目“{p.project_name}”的“{FUND_LABEL_TEXT[key]}”印为“{text}”，无法读作金额",
                line,
            )
        if key in EXTRA_FUND_KEYS and text:
            p.extra[key] = text
    p.budget_initial = amounts.get("fund_annual")
    p.budget_full_year = amounts.get("fund_current_year")
    if form.funds and p.amount_unit is None:
        form.check(
            "declaration_unit_missing",
            "warning",
            f"项目“{p.project_name}”的资金栏未印单位（应为“项目资金（元）”或“项目资金（万元）”）",
            p.source_line,
        )
    if p.budget_initial is None:
        printed = form.funds.get("fund_annual", ("", None))
        form.check(
            "declaration_annual_amount_missing",
            "warning",
            f"项目“{p.project_name}”未读到“年度资金申请总额”"
            + (f"（印为“{printed[0]}”）" if printed[0] else ""),
            printed[1] or p.source_line,
        )


# ---------------------------------------------------------------- indicators


def indicator_columns(row: Row) -> dict[str, int] | None:
    """Column of 一级/二级/三级指标 and 年度指标值 when this is the indicator header row."""
    columns: dict[str, int] = {}
    for j, cell in enumerate(row.cells):
        key = INDICATOR_HEADER.get(cell.key)
        if key is not None and key not in columns:
            columns[key] = j
    if all(k in columns for k in REQUIRED_INDICATOR_COLUMNS):
        return columns
    return None


def cells_text(row: Row) -> str:
    """A row's cells as printed, for messages: '｜' between cells, '（空）' for empty ones."""
    return "｜".join(t or "（空）" for t in row.texts())


def aligned_cells(row: Row, width: int) -> list[Cell] | None:
    """The row's cells at the header's positions; extra empty cells at the end are dropped."""
    cells = list(row.cells)
    while len(cells) > width and not cells[-1].key:
        cells.pop()
    return cells if len(cells) == width else None


def read_indicators(form: _Form, rows: list[Row]) -> None:
    """Indicator rows under the header: merged 一级/二级 cells carry down from the row above."""
    p = form.project
    columns = indicator_columns(rows[0])
    assert columns is not None
    width = len(rows[0].cells)
    level1: str | None = None
    level2: str | None = None
    for row in rows[1:]:
        if indicator_columns(row) is not None:
            continue  # header repeated after a page break; merged cells keep carrying
        if len(row.cells) == 1:
            form.check(
                "declaration_unread_text",
                "info",
                f"项目“{p.project_name}”的指标表中有一行单独文字，未作为指标读取：{cells_text(row)}",
                row.first_line,
            )
            continue
        cells = aligned_cells(row, width)
        if cells is None:
            form.check(
                "declaration_row_unaligned",
                "warning",
                f"项目“{p.project_name}”的指标行有 {len(row.cells)} 格，表头有 {width} 格，无法对齐："
                f"{cells_text(row)}",
                row.first_line,
            )
            continue
        l1, l2, l3, value = (cells[columns[k]] for k in REQUIRED_INDICATOR_COLUMNS)
        if l1.text:
            level1, level2 = l1.text, None
        if l2.text:
            level2 = l2.text
        if not l3.text:
            if value.text:
                form.check(
                    "declaration_row_unaligned",
                    "warning",
                    f"项目“{p.project_name}”的指标行有年度指标值“{value.text}”但没有三级指标：{cells_text(row)}",
                    row.first_line,
                )
            continue
        p.indicators.append(
            Indicator(
                level1=level1,
                level2=level2,
                level3=l3.text,
                target_value=value.text or None,
                actual_value=None,
                weight=None,
                score=None,
                deviation_reason=None,
                source_line=l3.line,
            )
        )


# ---------------------------------------------------------------- narrative


def preceding_narrative(markers: list[int], floor: int, start: int) -> int | None:
    """The last '项目经费情况说明' marker between the previous form's end and this form."""
    found = [m for m in markers if floor <= m < start]
    return found[-1] if found else None


def narrative_sections(lines: list[str], marker: int, end: int) -> dict[str, str]:
    """一、项目概述 and 六、年度预算安排 of the narrative (lines marker+1 .. end) as text.

    Headings must count upward (一 < 二 < …), so a numbered item inside a
    section's text is not mistaken for the next heading.
    """
    headings: list[tuple[int, str]] = []  # (line index, heading text after '、')
    last = 0
    for i in range(marker + 1, end):
        m = HEADING_RE.match(clean_cell(lines[i].replace("\t", " ")))
        if not m:
            continue
        number = chinese_number(m.group(1))
        if number is None or number <= last:
            continue
        last = number
        headings.append((i, m.group(2)))
    out: dict[str, str] = {}
    for k, (i, title) in enumerate(headings):
        key, rest = section_key(title)
        if key is None or key in out:
            continue
        stop = headings[k + 1][0] if k + 1 < len(headings) else end
        body = [rest] if rest else []
        body += [c for c in (clean_cell(x.replace("\t", " ")) for x in lines[i + 1 : stop]) if c]
        if body:
            out[key] = "\n".join(body)
    return out


def chinese_number(text: str) -> int | None:
    """'一' -> 1 … '十' -> 10, '十一' -> 11; None for anything else."""
    if len(text) == 1:
        return CHINESE_NUMERALS.get(text)
    if text.startswith("十") and len(text) == 2 and text[1] in CHINESE_NUMERALS:
        return 10 + CHINESE_NUMERALS[text[1]]
    return None


def section_key(title: str) -> tuple[str | None, str]:
    """Heading text -> (section key, text printed after the heading word on the same line)."""
    compact = squash(title)
    for key, words in NARRATIVE_SECTIONS.items():
        for word in words:
            if compact.startswith(word):
                rest = clean_cell(after_word(title, word)).lstrip("：:").strip()
                return key, rest
    return None, ""


def after_word(text: str, word: str) -> str:
    """The part of text after word, where word may be printed with spaces inside it."""
    k = 0
    for i, ch in enumerate(text):
        if k == len(word):
            return text[i:]
        if ch == word[k]:
            k += 1
        elif not ch.isspace():
            return text[i:]
    return ""
