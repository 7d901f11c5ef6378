"""Performance-target declarations (绩效目标填报表 / 申报表) read from cells, whatever the file.

One parser for the form as officials hold it: the 财政项目支出绩效目标填报表 pages at the
end of a Shanghai 部门预算 (PDF), the same form as Word, Excel or Word's table text (a
leading tab opens a cell: the text reader gives its cells), and other regions'
workbooks such as 深圳宝安区's 二级项目支出绩效目标申报表 (one project per sheet). Every
label, title word and indicator header word is data (``etl/templates/forms.toml``);
this module only interprets it.

A form opens at its title (a grid row, or the prose line just above the grid) or, when
untitled, at a 项目名称 row. Its field rows are label cells, each followed by its value
(the next cell right of the label's merged span); a label with no value to its right
(项目总目标 | 年度总体目标 over the goal texts) takes the value printed below it. The
indicator table starts at the row naming 一级指标 / 三级指标 / 指标值; merged 一级/二级
cells give every row its levels, and a blank level carries down from the row above,
also across a page break. A grid without title or 项目名称 that directly follows a form
(same or next page, no sentence in between) continues it: the indicator rows go on in
the same columns, the header may be repeated. A grid that continues a form but cannot
be aligned is reported, not guessed. A table given as text prints each row's own cells
(a merged cell once): there a row that prints another number of cells than its header
cannot be placed and is reported. The 项目经费情况说明 a 预算 prints before a form is kept
with the project (its 项目概述 and 年度预算安排, as printed). A form whose funds and
indicator table are printed but not filled in is a blank template, reported and not
filed as a project; a table naming a 项目名称 under another form's title (a 自评表, an
执行监控表) is not a declaration.

Figures stay as printed, in the unit the form states (``项目资金（元）``,
``本年度项目金额（万元）``); unit conversion is normalisation's job. Sums the form prints
that disagree with their parts are kept as printed and reported with both figures.

Decisions:
* ``budget_initial`` is 年度资金申请总额 (深圳: 本年度项目金额): what the declaration asks
  for this year.
* ``budget_full_year`` is 当年财政拨款, so one column means one thing whatever file a
  declaration came from; 项目资金总额
  (the project's total funding from all sources) is kept in ``extra``, and where it
  differs from the annual figure the difference is reported. 深圳's 项目总金额（中期规划） is a
  medium-term plan over the whole 实施期限 (three years: three times the year's
  amount), not a budget of the year: it is kept in ``extra`` only and
  ``budget_full_year`` stays empty.
* A 三级指标 printed as 不适用 (the template's placeholder row for an unused 二级指标) is
  not an indicator; the 二级指标 concerned are listed in ``extra['不适用的二级指标']``.
* Another region's form (names printed as 深圳市宝安区…) keeps the region in
  ``extra['地区']``; the document's district is never set here (it is the cover's job,
  and a Shenzhen district is not a Shanghai one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from itertools import combinations
from typing import Any

from etl.model import Check, Indicator, ParseResult, Project, Source
from etl.parsers.cover import forms_meta, read_cover, read_toc
from etl.readers.model import PROSE, Cell, Document, Line, Table
from etl.templates import forms_data, normalise, strip_entry
from etl.textutil import clean_cell, parse_amount

LAYOUT = "declaration_forms"  # the parser (ParseResult.layout, documents.layouts)
PROJECT_LAYOUT = "declaration_form"  # Project.layout of every form it reads
KIND = "target_declaration"

_YEAR_ROW = re.compile(r"^（?((?:19|20)\d{2})年度?）?$")
_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})年")
_SENTENCE_MARKS = re.compile(r"[。，；！？,;]")
_UNIT_IN_NOTE = re.compile(r"万元|元")
_YEAR_IN_NOTE = re.compile(r"(?:19|20)\d{2}")
_REGION = re.compile(r"^(?P<city>[\u4e00-\u9fff]{2,4}?市)(?P<county>[\u4e00-\u9fff]{1,5}?[区县])")
# A figure in 万 stated in the form's own text: '0.3万元', '48.14万', '24.67万一年' (not 万人次).
_WAN_FIGURE = re.compile(r"(\d+(?:\.\d+)?)\s*万(?:元|(?![人次平户册份件个字名套台]))")
_LABEL_PREFIX = "其中："
MAX_GAP_CHARS = 8  # a prose line this short (no sentence mark) between two grids is page furniture
MAX_SUBSET_FIGURES = 10
WAN = Decimal(10000)
UNREADABLE = "declaration_form_unreadable"
NOT_ALIGNED = "row_not_aligned"  # the build's id for a row that cannot be placed (document partial)


_FACTORS = {"元": Decimal(1), "万元": Decimal(10000)}


# --- vocabulary ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    key: str | None = None  # Project attribute
    extra: str | None = None  # Project.extra key
    amount: str | None = None  # funding-block amount key
    unit_only: bool = False
    below: bool = False
    listing: bool = False  # the label heads a block of rows (its first row names the columns)


@dataclass(frozen=True)
class Identity:
    check: str
    total: str
    parts: tuple[str, ...]


@dataclass(frozen=True)
class FormVocabulary:
    title_endings: tuple[str, ...]
    other_titles: tuple[str, ...]
    continued: tuple[str, ...]
    referrals: tuple[str, ...]
    max_title_chars: int
    labels: tuple[tuple[str, FieldSpec], ...]  # normalised label, longest first
    annual_opener: str
    annual_side: dict[str, str]
    renamed_extra: dict[str, str]
    identities: tuple[Identity, ...]
    columns: dict[str, tuple[str, ...]]  # indicator role -> normalised header words
    self_evaluation: frozenset[str]
    not_applicable: frozenset[str]
    level_words: frozenset[str]
    footer: tuple[str, ...]
    home_city: str
    category_words: tuple[str, ...]
    narrative_markers: tuple[str, ...]
    narrative_sections: dict[str, tuple[str, ...]]  # extra key -> heading words
    whole_department: tuple[str, ...]  # title words of a whole department's form
    whole_department_name: str
    whole_department_category: str


def _norm(text: str) -> str:
    return normalise(text).rstrip("：")


@cache
def vocabulary() -> FormVocabulary:
    data: dict[str, Any] = forms_data()
    labels: list[tuple[str, FieldSpec]] = []
    for f in data["field"]:
        spec = FieldSpec(
            key=f.get("key"),
            extra=f.get("extra"),
            amount=f.get("amount"),
            unit_only=bool(f.get("unit_only", False)),
            below=bool(f.get("below", False)),
        )
        labels += [(_norm(x), spec) for x in f["labels"]]
    for block in data.get("list", []):
        spec = FieldSpec(extra=block["extra"], listing=True)
        labels += [(_norm(x), spec) for x in block["labels"]]
    labels.sort(key=lambda item: -len(item[0]))
    funds, ind, titles = data["funds"], data["indicators"], data["titles"]
    return FormVocabulary(
        title_endings=tuple(normalise(x) for x in titles["endings"]),
        other_titles=tuple(normalise(x) for x in titles["others"]),
        continued=tuple(normalise(x) for x in titles["continued"]),
        referrals=tuple(normalise(x) for x in titles["referrals"]),
        max_title_chars=int(titles["max_chars"]),
        labels=tuple(labels),
        annual_opener=funds["annual_side_opener"],
        annual_side=dict(funds["annual_side"]),
        renamed_extra=dict(funds["renamed_extra"]),
        identities=tuple(Identity(i["check"], i["total"], tuple(i["parts"])) for i in funds["identity"]),
        columns={
            role: tuple(_norm(x) for x in ind[role])
            for role in ("level1", "level2", "level3", "target", "explanation")
        },
        self_evaluation=frozenset(_norm(x) for x in ind["self_evaluation"]),
        not_applicable=frozenset(_norm(x) for x in ind["not_applicable"]),
        level_words=frozenset(_norm(x) for x in ind["level_words"]),
        footer=tuple(normalise(x) for x in ind["footer"]),
        home_city=data["region"]["home_city"],
        category_words=tuple(data["category"]["words"]),
        narrative_markers=tuple(data["narrative"]["markers"]),
        narrative_sections={k: tuple(v) for k, v in data["narrative"]["sections"].items()},
        whole_department=tuple(titles["whole_department"]),
        whole_department_name=titles["whole_department_name"],
        whole_department_category=titles["whole_department_category"],
    )


# --- words ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelMatch:
    spec: FieldSpec
    printed: str  # the label as printed, without its trailing colon
    unit: str | None  # 元 / 万元 stated in the label's note
    inline: str | None = None  # the value printed in the label's own cell ('项目名称：…')
    note: str | None = None  # the label's parenthesised note as printed ('（2022 年- 2022年）')


def match_label(text: str) -> LabelMatch | None:
    """The field a label cell names, or None when the cell is not a label."""
    raw = clean_cell(text)
    s = normalise(raw)
    if not s:
        return None
    if s.startswith(_LABEL_PREFIX):
        s = s[len(_LABEL_PREFIX) :]
    for label, spec in vocabulary().labels:
        if not s.startswith(label):
            continue
        rest, note = s[len(label) :], ""
        if rest.startswith("（") and "）" in rest:
            close = rest.index("）")
            note, rest = rest[1:close], rest[close + 1 :]
        unit = m.group(0) if (m := _UNIT_IN_NOTE.search(note)) else None
        printed = re.sub(r"^其中\s*[：:]\s*", "", raw).rstrip("：: ")
        if rest in ("", "："):
            shown = re.search(r"[（(].*[)）]", raw.replace("\n", "")) if note else None
            return LabelMatch(spec, printed, unit, note=shown.group(0) if shown else None)
        if rest.startswith("：") and not spec.unit_only:
            value = re.split(r"[：:]", raw, maxsplit=1)[1].strip()
            return LabelMatch(spec, printed.split("：")[0].split(":")[0], unit, value)
        return None
    # An unknown label printed with a colon ('资金来源：'): kept in extra as printed.
    if s.endswith("：") and 1 < len(s) <= 20 and not _SENTENCE_MARKS.search(s):
        printed = raw.rstrip("：: ")
        return LabelMatch(FieldSpec(extra=printed), printed, None)
    return None


def title_kind(text: str) -> str | None:
    """'declaration' | 'continued' | 'other' (another form's title) | None for a form title."""
    voc = vocabulary()
    s = normalise(strip_entry(text))
    if not s or len(s) > voc.max_title_chars or _SENTENCE_MARKS.search(s):
        return None
    if s.startswith(voc.referrals):
        return None  # '详见单位的项目绩效目标表': the forms are printed elsewhere
    if any(s.endswith(o) for o in voc.other_titles):
        return "other"
    for ending in voc.title_endings:
        at = s.find(ending)
        if at < 0:
            continue
        rest = s[at + len(ending) :]
        if any(w in rest for w in voc.continued):
            return "continued"
        if not rest or _YEAR_ROW.match(rest):
            return "declaration"
    return None


def _is_footer(text: str) -> bool:
    s = normalise(text)
    return any(s.startswith(w) for w in vocabulary().footer)


def _unique_texts(row: list[Cell]) -> list[str]:
    return list(dict.fromkeys(clean_cell(c.text) for c in row if clean_cell(c.text)))


def row_title(row: list[Cell]) -> tuple[str | None, str | None]:
    """(kind, title as printed) when a grid row is a form title (one text over the row)."""
    texts = _unique_texts(row)
    if len(texts) != 1:
        return None, None
    kind = title_kind(texts[0])
    return kind, texts[0] if kind else None


def indicator_columns(row: list[Cell]) -> dict[str, int] | None:
    """Column of each indicator role when the row is the indicator header, else None."""
    voc = vocabulary()
    found: dict[str, int] = {}
    for c, cell in enumerate(row):
        if not cell.is_origin:
            continue
        s = _norm(cell.text)
        for role, words in voc.columns.items():
            if s in words and role not in found:
                found[role] = c
    if all(r in found for r in ("level1", "level3", "target")):
        return found
    return None


def _is_self_evaluation_header(row: list[Cell]) -> bool:
    words = vocabulary().self_evaluation
    return any(_norm(c.text) in words for c in row if c.text.strip())


def _has_name_label(row: list[Cell]) -> bool:
    for cell in row:
        if cell.is_origin and (m := match_label(cell.text)) and m.spec.key == "project_name":
            return True
    return False


def _fmt(value: Decimal) -> str:
    return f"{value:,.2f}"


# --- one form ------------------------------------------------------------------------------


@dataclass
class _Amount:
    text: str  # as printed
    number: Decimal | None  # the XLSX cell's value
    line: int
    page: int
    label: str  # the label as printed, for messages
    unit: str | None  # unit stated in the label's note


@dataclass
class _Form:
    """One form being read; it may run over several grids and pages."""

    project: Project
    page: int
    sheet: str | None
    titled: bool
    last_page: int
    amounts: dict[str, _Amount] = field(default_factory=dict)
    unit: str | None = None  # the funding block's '项目资金（元）'
    columns: dict[str, int] | None = None  # indicator columns
    n_cols: int | None = None  # width of the grid the columns were read from
    level1: str | None = None
    level2: str | None = None
    not_applicable: list[str] = field(default_factory=list)
    below: dict[int, LabelMatch] = field(default_factory=dict)  # column -> label waiting for the row below
    below_width: int | None = None  # cells the labels' row printed (text grids: rows print their own count)
    header_width: int | None = None  # cells the indicator header printed (text grids)
    annual_at: tuple[int, int] | None = None  # (table first line, column) of 年度资金申请总额
    has_content: bool = False  # any label or indicator header read
    self_evaluation: bool = False
    done: bool = False  # the footnote was read
    by_prose: bool = False  # opened by a title line above the grid (which may be the document's own)
    whole: bool = False  # a whole department's targets (部门整体预算绩效目标表), not one project's
    listing: tuple[LabelMatch, tuple[int, int], list[tuple[int, str]]] | None = None  # open block
    checks: list[Check] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"工作表“{self.sheet}”" if self.sheet is not None else f"第 {self.page} 页"

    @property
    def name(self) -> str:
        return self.project.project_name or "（未读到项目名称）"

    def check(
        self, check: str, severity: str, message: str, line: int | None, page: int | None = None
    ) -> None:
        self.checks.append(
            Check(
                check,
                severity,
                message,
                source_line=line,
                project_ref=str(self.project.source_line),
                page=page if page is not None else self.page,
            )
        )

    # rows ------------------------------------------------------------------------------

    def read_row(self, table: Table, r: int) -> None:
        row = table.rows[r]
        texts = _unique_texts(row)
        if not texts or self.done or self.self_evaluation:
            return
        if _is_footer(texts[0]):
            self.done = self.has_content  # a note under a read form ends it; before any field it is no end
            return
        self.project.end_line = max(self.project.end_line, table.last_line_of(r))
        self.last_page = max(self.last_page, table.page)
        if self.columns is None and len(texts) == 1 and (m := _YEAR_ROW.match(normalise(texts[0]))):
            self.project.year = int(m.group(1))
            self.project.sources["year"] = _cell_source(table, r, texts[0])
            return
        columns = indicator_columns(row)
        if columns is not None:
            self.below.clear()
            if _is_self_evaluation_header(row):
                self.self_evaluation = True
                return
            self.columns, self.n_cols, self.has_content = columns, table.n_cols, True
            self.header_width = printed_width(table, r)
            return
        if self.columns is not None and table.n_cols == self.n_cols:
            if self.aligned(table, r, texts):
                self.read_indicator(table, r)
            return
        if self.listing is not None and self.read_listing(table, r):
            return
        consumed = self.read_below(table, r)
        self.read_fields(table, r, consumed)

    def read_below(self, table: Table, r: int) -> set[tuple[int, int]]:
        """Values printed under labels that had none to their right (the goal texts)."""
        consumed: set[tuple[int, int]] = set()
        waiting, self.below = self.below, {}
        width = printed_width(table, r, self.below_width)
        if waiting and width is not None and self.below_width is not None and width != self.below_width:
            labels = "/".join(m.printed for m in waiting.values())
            self.check(
                NOT_ALIGNED,
                "warning",
                f"{self.where}项目“{self.name}”的目标行印有 {width} 格，其上“{labels}”一行印有 "
                f"{self.below_width} 格，无法对齐，目标未读入：{_row_text(table, r)}",
                table.line_of(r),
                table.page,
            )
            return consumed
        for c, match in waiting.items():
            if c >= table.n_cols:
                continue
            cell = table.rows[r][c]
            if cell.origin[0] != r or match_label(cell.text) is not None or not cell.text.strip():
                continue
            consumed.add(cell.origin)
            self.store(match, cell.text, table, r, c)
        return consumed

    def read_fields(self, table: Table, r: int, consumed: set[tuple[int, int]]) -> None:
        row = table.rows[r]
        for c, cell in enumerate(row):
            if not cell.is_origin or cell.origin in consumed:
                continue
            match = match_label(cell.text)
            if match is None:
                continue
            self.has_content = True
            end = c
            while end + 1 < len(row) and row[end + 1].origin == cell.origin:
                end += 1
            value: Cell | None = row[end + 1] if end + 1 < len(row) else None
            if value is not None and (value.origin[0] != r or match_label(value.text) is not None):
                value = None  # the next cell is a label, or belongs to a row above
            if match.spec.amount is not None and match.spec.amount == vocabulary().annual_opener:
                self.annual_at = (table.first_line, c)
            if match.spec.listing:
                names = [
                    (k, _one_line(x.text))
                    for k, x in enumerate(row)
                    if k > end and x.is_origin and x.text.strip()
                ]
                self.listing = (match, cell.origin, names)
                return  # the rest of the row names the block's columns
            if match.inline is not None:
                self.store(match, match.inline, table, r, c, None)
            elif value is not None and (value.text.strip() or not match.spec.below):
                self.store(match, value.text, table, r, end + 1, value.number)
            elif match.spec.below:
                self.below[c] = match  # nothing to its right: the text stands in the row below
                self.below_width = printed_width(table, r)
            else:
                self.store(match, "", table, r, c)

    def read_listing(self, table: Table, r: int) -> bool:
        """A row of the open block (its label cell runs down over it); False when the block ended."""
        assert self.listing is not None
        match, origin, names = self.listing
        row = table.rows[r]
        label = row[origin[1]] if origin[1] < len(row) else None
        runs_on = label is not None and (
            label.origin == origin
            or (label.origin[0] == r and not label.text.strip() and table.widths is not None)
        )
        if not runs_on:
            self.listing = None
            return False
        values = [
            f"{name}：{_one_line(row[k].text)}" for k, name in names if k < len(row) and row[k].text.strip()
        ]
        if values:
            key = match.spec.extra or match.printed
            line = "；".join(values)
            self.project.extra[key] = (
                f"{self.project.extra[key]}\n{line}" if key in self.project.extra else line
            )
        return True

    def store(
        self,
        match: LabelMatch,
        text: str,
        table: Table,
        r: int,
        c: int,
        number: Decimal | None = None,
    ) -> None:
        spec, p = match.spec, self.project
        # A cell printed over several lines: a name or figure is one string, a text keeps
        # its paragraphs (Word's text gives a cell's lines as printed).
        lines = [x for x in (clean_cell(x) for x in text.split("\n")) if x]
        text = "\n".join(lines) if spec.below else "".join(lines)
        if spec.below and match.note and _YEAR_IN_NOTE.search(match.note):
            p.extra.setdefault(f"{spec.extra or match.printed}期间", match.note)
        if spec.unit_only:
            self.unit = self.unit or match.unit
            return
        if spec.amount is not None:
            key = spec.amount
            if (
                self.annual_at is not None
                and self.annual_at[0] == table.first_line
                and c >= self.annual_at[1]
                and key in vocabulary().annual_side
            ):
                key = vocabulary().annual_side[key]
            if key not in self.amounts:
                self.amounts[key] = _Amount(
                    text, number, table.cell_line(r, c), table.page, match.printed, match.unit
                )
            return
        if not text:
            return
        if spec.key == "project_name" and not p.project_name:
            p.project_name = text
            p.source_cell = table.place(r, c)
        elif spec.key == "department" and p.department is None:
            p.department = text
            p.sources["department"] = Source(
                table.cell_line(r, c), table.page, table.place(r, c), table.sheet, text
            )
        elif spec.key == "unit" and p.unit is None:
            p.unit = text
            p.sources["unit"] = Source(
                table.cell_line(r, c), table.page, table.place(r, c), table.sheet, text
            )
        elif spec.key == "category" and p.category is None:
            p.category = next((w for w in vocabulary().category_words if text.startswith(w)), None)
        elif spec.key == "goal" and p.goal is None:
            p.goal = text
        if spec.extra is not None:
            p.extra.setdefault(spec.extra, text)

    def aligned(self, table: Table, r: int, texts: list[str]) -> bool:
        """Whether an indicator row stands on the header's columns.

        In a grid of an original it does. A table given as text prints each row's own cells
        (a merged cell once): a row printing another number of cells than the header cannot
        be placed, and a row of one text is a note under the table, not an indicator.
        """
        width = printed_width(table, r, self.header_width)
        if width is None or width == self.header_width:
            return True
        if len(texts) == 1 and width == 1:
            self.check(
                "declaration_unread_text",
                "info",
                f"{self.where}项目“{self.name}”的指标表中有一行单独文字，未作为指标读取：{texts[0]}",
                table.line_of(r),
                table.page,
            )
            return False
        self.check(
            NOT_ALIGNED,
            "warning",
            f"{self.where}项目“{self.name}”的指标行印有 {width} 格，表头印有 {self.header_width} 格，"
            f"无法对齐，该行未读入：{_row_text(table, r)}",
            table.line_of(r),
            table.page,
        )
        return False

    def read_indicator(self, table: Table, r: int) -> None:
        row = table.rows[r]
        assert self.columns is not None

        def at(role: str) -> str:
            c = self.columns.get(role)  # type: ignore[union-attr]
            return _one_line(row[c].text) if c is not None and c < len(row) else ""

        l1, l2, l3, target, explanation = (
            at(k) for k in ("level1", "level2", "level3", "target", "explanation")
        )
        if l1 and l1 != self.level1:
            self.level1, self.level2 = l1, None
        if l2:
            self.level2 = l2
        line = table.cell_line(r, self.columns["level3"])
        if not l3:
            if target:
                self.check(
                    NOT_ALIGNED,
                    "warning",
                    f"{self.where}项目“{self.name}”的指标行有指标值“{target}”但没有三级指标，该行未读入",
                    line,
                    table.page,
                )
            return
        na = vocabulary().not_applicable
        if _norm(l3) in na and (not target or _norm(target) in na):
            if self.level2 and self.level2 not in self.not_applicable:
                self.not_applicable.append(self.level2)
            return
        self.project.indicators.append(
            Indicator(
                level1=self.level1,
                level2=self.level2,
                level3=l3,
                target_value=target or None,
                actual_value=None,
                weight=None,
                score=None,
                deviation_reason=None,
                source_line=line,
                explanation=explanation or None,
                source_cell=table.place(r, self.columns["level3"]),
            )
        )

    # continuation ----------------------------------------------------------------------

    def takes(self, table: Table) -> bool:
        """Whether a grid without a title of its own continues this form."""
        head = table.rows[:3]
        if any(row_title(row)[0] is not None or _has_name_label(row) for row in head):
            return True  # the rows themselves open, continue or close a form
        if any(indicator_columns(row) is not None for row in head):
            return True
        if self.columns is None:
            return any(match_label(c.text) is not None for row in table.rows for c in row if c.is_origin)
        if table.n_cols == self.n_cols:
            return True
        words = {_norm(w) for i in self.project.indicators for w in (i.level1, i.level2) if w}
        words |= vocabulary().level_words
        if any(_norm(c.text) in words for row in table.rows for c in row if c.text.strip()):
            self.check(
                NOT_ALIGNED,
                "error",
                f"{table.where}的表格紧接项目“{self.name}”的绩效目标表，但列数（{table.n_cols}）与前页"
                f"（{self.n_cols}）不同且没有指标表头，无法对齐，该页的指标未读入",
                table.line_of(0),
                table.page,
            )
        return False


def _one_line(text: str) -> str:
    """A cell's text printed over several lines as one string (a wrapped name or figure)."""
    return "".join(clean_cell(x) for x in text.split("\n"))


def printed_width(table: Table, r: int, against: int | None = None) -> int | None:
    """Cells a text row printed; None for an original's grid (its cells stand on their columns).

    Empty cells at the row's end beyond ``against`` (the width it is compared with) do not count.
    """
    if table.widths is None:
        return None
    cells = table.printed(r)
    n = len(cells)
    while against is not None and n > against and not cells[n - 1].text.strip():
        n -= 1
    return n


def _row_text(table: Table, r: int) -> str:
    """A row's cells as printed, for messages: '｜' between cells, '（空）' for empty ones."""
    return "｜".join(clean_cell(c.text).replace("\n", "") or "（空）" for c in table.printed(r))


# --- finishing a form ----------------------------------------------------------------------


def _amount_value(form: _Form, a: _Amount) -> Decimal | None:
    try:
        value = parse_amount(a.text)
    except ValueError:
        value = None
        if a.number is None:
            form.check(
                "declaration_amount_unreadable",
                "warning",
                f"{form.where}项目“{form.name}”的“{a.label}”印为“{a.text}”，无法读作金额",
                a.line,
                a.page,
            )
    if value is None and a.number is not None:
        value = a.number
    return value


def _extra_key(key: str, a: _Amount) -> str | None:
    renamed = vocabulary().renamed_extra
    if key in renamed:
        return renamed[key]
    match = match_label(a.label)
    return match.spec.extra if match is not None else None


def read_funds(form: _Form) -> None:
    """The funding block -> budget_initial / budget_full_year, extra texts and the sums' checks."""
    p = form.project
    values: dict[str, Decimal | None] = {}
    for key, a in form.amounts.items():
        values[key] = _amount_value(form, a)
        extra = _extra_key(key, a)
        if extra is not None and a.text:
            p.extra.setdefault(extra, a.text)
    units = list(dict.fromkeys(u for u in [form.unit, *(a.unit for a in form.amounts.values())] if u))
    p.amount_unit = units[0] if units else None
    for key, a in form.amounts.items():
        # An amount whose own label states another unit is converted exactly by that label.
        if values[key] is not None and a.unit and p.amount_unit and a.unit != p.amount_unit:
            values[key] = values[key] * _FACTORS[a.unit] / _FACTORS[p.amount_unit]
    if len(units) > 1:
        form.check(
            "declaration_unit_conflict",
            "warning",
            f"{form.where}项目“{form.name}”的资金栏同时注明了“{'”和“'.join(units)}”两种单位，各数按其栏目所注单位换算为“{units[0]}”读入",
            p.source_line,
        )
    if form.amounts and p.amount_unit is None:
        form.check(
            "declaration_unit_missing",
            "warning",
            f"{form.where}项目“{form.name}”的资金栏未注明单位（如“项目资金（元）”或“（万元）”），金额未换算",
            p.source_line,
        )
    p.budget_initial = values.get("annual")
    # 当年财政拨款, as the text layout stores it (see the module docstring).
    p.budget_full_year = values.get("current_year")
    if p.budget_initial is None and not form.whole:  # a whole department asks for no project's sum
        printed = form.amounts.get("annual")
        form.check(
            "declaration_annual_amount_missing",
            "warning",
            f"{form.where}项目“{form.name}”未读到年度资金申请总额（本年度项目金额）"
            + (f"（印为“{printed.text}”）" if printed is not None and printed.text else ""),
            printed.line if printed is not None else p.source_line,
        )
    # The funding block's sums are compared in etl/validate/performance.py.


def unit_evidence(form: _Form) -> None:
    """The form's own text stating its amount in 万 (测算依据, 成本指标) against the label's unit.

    A figure the form states in 万 (or a sum of the 测算依据's items) that equals the printed
    amount divided by 10000 says the amount is in 元, one that equals it says 万元. The
    figures stay as printed; a unit the text contradicts is reported for a person to decide.
    """
    p = form.project
    amount, printed_unit = p.budget_initial, p.amount_unit
    if amount is None or printed_unit not in ("元", "万元", None) or amount == 0:
        return
    basis = p.extra.get("测算依据", "")
    stated: list[tuple[Decimal, str]] = [
        (Decimal(m.group(1)), f"测算依据写明“{m.group(0)}”") for m in _WAN_FIGURE.finditer(basis)
    ]
    for ind in p.indicators:
        for text in (ind.target_value, ind.explanation):
            stated += [
                (Decimal(m.group(1)), f"三级指标“{ind.level3}”写明“{m.group(0)}”")
                for m in _WAN_FIGURE.finditer(text or "")
            ]
    basis_figures = [Decimal(m.group(1)) for m in _WAN_FIGURE.finditer(basis)][:MAX_SUBSET_FIGURES]
    for n in range(2, len(basis_figures) + 1):
        for subset in combinations(basis_figures, n):
            total = sum(subset, Decimal(0))
            items = " + ".join(f"{x}万" for x in subset)
            stated.append((total, f"测算依据各项合计 {items} = {format(total.normalize(), 'f')}万"))
    as_yuan = next((where for value, where in stated if value * WAN == amount), None)
    as_wan = next((where for value, where in stated if value == amount), None)
    if printed_unit is None:
        _unit_from_text(form, as_yuan, as_wan)
        return
    if printed_unit == "万元" and as_yuan is not None and as_wan is None:
        says, means = as_yuan, "元"
    elif printed_unit == "元" and as_wan is not None and as_yuan is None:
        says, means = as_wan, "万元"
    else:
        return
    a = form.amounts["annual"]
    form.check(
        "declaration_unit_doubtful",
        "warning",
        f"{form.where}项目“{form.name}”的“{a.label}”印为 {a.text}，栏目注明单位为{printed_unit}，"
        f"但表内{says}，表明该数以{means}为单位；金额按原文保留，请核对单位",
        a.line,
        a.page,
    )


def _unit_from_text(form: _Form, as_yuan: str | None, as_wan: str | None) -> None:
    """No unit printed over the funds: the form's own text may state the amount with one.

    When exactly one reading agrees (the 测算依据 items add up to the amount in 万, say), the
    figures are read in that unit and the decision is reported with its evidence; otherwise
    they stay unconverted (declaration_unit_missing says so).
    """
    if (as_yuan is None) == (as_wan is None):
        return
    p = form.project
    unit, says = ("万元", as_wan) if as_wan is not None else ("元", as_yuan)
    p.amount_unit = unit
    form.checks = [c for c in form.checks if c.check != "declaration_unit_missing"]
    a = form.amounts["annual"]
    form.check(
        "declaration_unit_from_text",
        "warning",
        f"{form.where}项目“{form.name}”的资金栏未注明单位；“{a.label}”印为 {a.text}，表内{says}，"
        f"按{unit}读入；请核对单位",
        a.line,
        a.page,
    )


def region_of(p: Project) -> str | None:
    """'深圳市宝安区' when the names are printed under another city than the home one."""
    for name in (p.department, p.unit):
        if name and (m := _REGION.match(normalise(name))) and m.group("city") != vocabulary().home_city:
            return m.group("city") + m.group("county")
    return None


def _filled(form: _Form) -> bool:
    """Whether a form carries anything: an indicator or an amount other than zero."""
    for a in form.amounts.values():
        try:
            value = parse_amount(a.text)
        except ValueError:
            return True  # printed, just not as a figure: the form is filled in
        if (value if value is not None else a.number) not in (None, 0):
            return True
    return bool(form.project.indicators)


def finish(form: _Form, result: ParseResult, blanks: list[Project] | None = None) -> None:
    """Close a form: the project (when it has a name) and every check it raised.

    A blank form is no project, but its head still says whose it is: it goes to ``blanks``.
    """
    if form.self_evaluation or not (form.titled or form.has_content):
        return
    if not form.titled and form.columns is None:
        return  # a table naming a 项目名称 without an indicator table is no declaration form
    p = form.project
    if p.project_name and (form.amounts or form.columns is not None) and not _filled(form):
        # The template's funds and indicator table are printed, and nothing is filled in.
        result.checks.append(
            Check(
                "declaration_form_empty",
                "info",
                f"{form.where}项目“{p.project_name}”的绩效目标表没有填写任何指标和金额（空白表），未作为项目读入",
                source_line=p.source_line,
                page=form.page,
            )
        )
        if blanks is not None:
            blanks.append(p)
        return
    if not p.project_name:
        form.check(
            UNREADABLE,
            "error",
            f"{form.where}的绩效目标表未读到“项目名称”，该表未读入（可能是图片、没有表格线或版式未识别）",
            p.source_line,
        )
        result.checks += form.checks
        return
    if not p.indicators:
        form.check(
            UNREADABLE,
            "error",
            f"{form.where}项目“{p.project_name}”的绩效目标表未读到任何绩效指标（一级/二级/三级指标及指标值），指标未读入",
            p.source_line,
        )
    read_funds(form)
    unit_evidence(form)
    if form.not_applicable:
        p.extra["不适用的二级指标"] = "、".join(form.not_applicable)
    region = region_of(p)
    if region is not None:
        p.extra["地区"] = region
    result.projects.append(p)
    result.checks += form.checks


# --- the document --------------------------------------------------------------------------


def _between(doc: Document, previous: Table | None, table: Table) -> list[Line]:
    start = previous.next_line if previous is not None else 1
    return [ln for ln in doc.lines[start - 1 : table.first_line - 1] if ln.kind == PROSE and ln.text.strip()]


def _breaks(lines: list[Line]) -> bool:
    """A sentence between two grids ends a form; page numbers and short lines do not."""
    for ln in lines:
        s = normalise(ln.text)
        if len(s) <= MAX_GAP_CHARS and not _SENTENCE_MARKS.search(s):
            continue
        return True
    return False


def _prose_title(
    lines: list[Line], table: Table, toc: set[int]
) -> tuple[Line, str, int | None, Line | None] | None:
    """(line, title, year, the year's line) when one of the last prose lines above the grid is a form title."""
    last = [ln for ln in lines if ln.page == table.page][-3:]
    for i in range(len(last) - 1, -1, -1):
        ln = last[i]
        if ln.number in toc or strip_entry(ln.text) != ln.text.strip():
            continue
        kind = title_kind(ln.text)
        if kind == "declaration":
            year, year_line = None, None
            for later in [ln, *last[i + 1 :]]:
                s = normalise(later.text)
                if m := (_YEAR_ROW.match(s) or _TITLE_YEAR.search(s)):
                    year, year_line = int(m.group(1)), later
            return ln, clean_cell(ln.text), year, year_line
    return None


def _cell_source(table: Table, r: int, text: str) -> Source:
    """Where a text of grid row r was read: the first cell printing it."""
    for c, cell in enumerate(table.rows[r]):
        if cell.is_origin and clean_cell(cell.text) == clean_cell(text):
            return Source(table.cell_line(r, c), table.page, table.place(r, c), table.sheet, clean_cell(text))
    return Source(table.line_of(r), table.page, None, table.sheet, clean_cell(text))


def _open(title: str | None, table: Table, r: int, line: int | None = None) -> _Form:
    source_line = line if line is not None else table.line_of(r)
    project = Project(
        kind=KIND,
        layout=PROJECT_LAYOUT,
        source_line=source_line,
        end_line=source_line,
        project_name="",
    )
    form = _Form(project, table.page, table.sheet, title is not None, table.page)
    if title:
        project.extra["表名"] = title
        where = Source(line, table.page, text=title) if line is not None else _cell_source(table, r, title)
        project.sources["title"] = where
        if m := _TITLE_YEAR.search(normalise(title)):
            project.year = int(m.group(1))
            project.sources["year"] = where
        voc = vocabulary()
        if any(w in normalise(title) for w in voc.whole_department):
            form.whole = True
            project.project_name = voc.whole_department_name
            project.category = voc.whole_department_category
    return form


def detect(doc: Document) -> bool:
    """A document holding a declaration form: a form title, or a 项目名称 grid with an indicator header."""
    if any(ln.kind == PROSE and title_kind(ln.text) == "declaration" for ln in doc.lines):
        return True
    for table in doc.tables:
        if any(row_title(row)[0] == "declaration" for row in table.rows[:3]):
            return True
        headers = [row for row in table.rows if indicator_columns(row) is not None]
        if any(_has_name_label(row) for row in table.rows) and any(
            not _is_self_evaluation_header(row) for row in headers
        ):
            return True
    return False


def parse(doc: Document) -> ParseResult:
    result = ParseResult(layout=LAYOUT)
    _, toc = read_toc(doc, None)
    form: _Form | None = None
    previous: Table | None = None
    used_titles: set[int] = set()
    blanks: list[Project] = []

    def close() -> None:
        nonlocal form
        if form is not None:
            finish(form, result, blanks)
        form = None

    year_above: int | None = None  # a '（2023年度）' row while no form is open: the next form's year
    year_above_at: Source | None = None
    for table in doc.tables:
        blocked = False  # under another form's title: a 项目名称 row opens no declaration
        between = _between(doc, previous, table)
        prose = _prose_title(between, table, toc)
        if form is not None and (
            prose is not None
            or _breaks(between)
            or table.page > form.last_page + 1
            or table.sheet != form.sheet
            or not form.takes(table)
        ):
            close()
        if prose is not None:
            ln, title, year, year_line = prose
            used_titles.add(ln.number)
            form = _open(title, table, 0, ln.number)
            if year and year_line is not None:
                form.project.year = year
                form.project.sources["year"] = Source(
                    year_line.number, year_line.page, text=clean_cell(year_line.text)
                )
            form.by_prose = True
        for r, row in enumerate(table.rows):
            kind, title = row_title(row)
            if kind == "declaration":
                p = form.project if form is not None else None
                if p is not None and (
                    p.project_name or p.indicators or (form.has_content and not form.by_prose)
                ):
                    close()
                # A form opened by a title above (a document's own title) and holding nothing yet
                # yields to the title printed on the form itself.
                form = _open(title, table, r)
                blocked = False
                continue
            if kind == "other":
                close()
                blocked = True
                continue
            if kind == "continued":
                continue
            if form is None and (m := _YEAR_ROW.match(normalise("".join(_unique_texts(row))))):
                year_above = int(m.group(1))
                year_above_at = _cell_source(table, r, "".join(_unique_texts(row)))
                continue
            if (
                _has_name_label(row)
                and not blocked
                and (form is None or form.project.project_name or form.columns is not None)
            ):
                close()
                form = _open(None, table, r)
                if form.project.year is None and year_above is not None and year_above_at is not None:
                    form.project.year = year_above
                    form.project.sources["year"] = year_above_at
                year_above = None
            if form is not None:
                form.read_row(table, r)
        previous = table
    close()
    _narratives(doc, result.projects)
    _titles_without_grids(doc, toc, used_titles, result)
    result.meta = forms_meta(result.projects, blanks)
    _document_checks(doc, result)
    return result


# --- the 项目经费情况说明 before a form -----------------------------------------------------------

_HEADING = re.compile(r"^([一二三四五六七八九十]{1,3})、\s*(.*)$")
_NUMERALS = {c: i + 1 for i, c in enumerate("一二三四五六七八九十")}


def _narratives(doc: Document, projects: list[Project]) -> None:
    """Each form's 项目经费情况说明 (the last marker since the previous form): its sections, as printed.

    Headings count upward (一 < 二 < …), so a numbered item inside a section's text is not
    taken for the next heading.
    """
    voc = vocabulary()
    texts = [clean_cell(ln.text.replace("\t", " ")) for ln in doc.lines]
    floor = 0
    for p in sorted(projects, key=lambda p: p.source_line):
        start = p.source_line - 1
        markers = [
            i
            for i in range(floor, start)
            if (key := normalise(texts[i]))
            and any(key.startswith(m) for m in voc.narrative_markers)
            and len(key) <= 12
        ]
        floor = max(floor, p.end_line)
        if not markers:
            continue
        headings: list[tuple[int, str]] = []
        last = 0
        for i in range(markers[-1] + 1, start):
            m = _HEADING.match(texts[i])
            number = _chinese_number(m.group(1)) if m else None
            if m is None or number is None or number <= last:
                continue
            last = number
            headings.append((i, m.group(2)))
        for k, (i, title) in enumerate(headings):
            key, rest = _section(title)
            if key is None or key in p.extra:
                continue
            stop = headings[k + 1][0] if k + 1 < len(headings) else start
            body = ([rest] if rest else []) + [t for t in texts[i + 1 : stop] if t]
            if body:
                p.extra[key] = "\n".join(body)


def _chinese_number(text: str) -> int | None:
    """'一' -> 1 … '十' -> 10, '十一' -> 11; None for anything else."""
    if len(text) == 1:
        return _NUMERALS.get(text)
    if text.startswith("十") and len(text) == 2 and text[1] in _NUMERALS:
        return 10 + _NUMERALS[text[1]]
    return None


def _section(title: str) -> tuple[str | None, str]:
    """A heading's section (its extra key) and the text printed after the heading word."""
    compact = normalise(title)
    for key, words in vocabulary().narrative_sections.items():
        for word in words:
            if compact.startswith(word):
                return key, _after_word(title, word).lstrip("：: ").strip()
    return None, ""


def _after_word(text: str, word: str) -> str:
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


def _titles_without_grids(doc: Document, toc: set[int], used: set[int], result: ParseResult) -> None:
    """A form title printed on a page without any grid: the form is an image or lost its lines."""
    pages_with_grids = {t.page for t in doc.tables}
    for ln in doc.lines:
        if ln.kind != PROSE or ln.number in used or ln.number in toc or ln.page in pages_with_grids:
            continue
        if strip_entry(ln.text) != ln.text.strip() or title_kind(ln.text) != "declaration":
            continue
        result.checks.append(
            Check(
                UNREADABLE,
                "error",
                f"第 {ln.page} 页有标题“{clean_cell(ln.text)}”，但该页没有可读的表格（可能是图片或没有表格线），该绩效目标表未读入",
                source_line=ln.number,
                page=ln.page,
            )
        )


def _document_checks(doc: Document, result: ParseResult) -> None:
    """Facts about all forms at once: another region's forms; forms without a year."""
    regions = list(dict.fromkeys(p.extra["地区"] for p in result.projects if "地区" in p.extra))
    if regions:
        n = sum(1 for p in result.projects if "地区" in p.extra)
        result.checks.append(
            Check(
                "declaration_outside_shanghai",
                "info",
                f"本文件的 {n} 张绩效目标申报表属于{'、'.join(regions)}，不是上海市的区，区县留空（地区见项目附加信息）",
            )
        )
    undated = [p for p in result.projects if p.year is None]
    if undated and read_cover(doc).year is None:
        result.checks.append(
            Check(
                "declaration_year_missing",
                "info",
                f"本文件有 {len(undated)} 张绩效目标申报表未印年度，文件封面也未写明年度，"
                + (
                    f"年度取其指标值所写的{result.meta.year}年（如“{result.meta.sources['year'].text}”）"
                    if result.meta.year is not None and "year" in result.meta.sources
                    else "年度留空"
                ),
                source_line=undated[0].source_line,
            )
        )
