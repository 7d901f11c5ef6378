"""青浦's own self-evaluation form ('2020年度财政项目绩效自评价'), read from PDF text.

Each form has a header of labelled fields (项目名称, 预算单位, 当年预算数（元） ...,
labels and values often split over lines by the PDF), then a scored table whose
一级指标 sections ('投入与管理(36分)', '产出目标(24分)' ...) hold indicator rows:
指标名称, 指标解释, 权重, 评分规则, 自评分, 备注, and a '合计' row.

The PDF stacks every cell vertically, so a row arrives as: name lines,
[explanation lines], weight, [rule lines], score, [remark lines]. Numbers are
therefore the anchors: the first bare number after a name is the weight, the
next one the score, text in between is the scoring rule. Text between one
row's score and the next row's weight is "remark of the previous row + name
(+ explanation) of the next one"; it is split with vocabularies kept below
(standard 投入与管理 names, names common in these forms, explanation openings).
Whatever stays ambiguous becomes a Check, not a guess.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from decimal import Decimal

from etl.model import Check, Indicator, ParseResult, Project
from etl.templates import forms_data
from etl.textutil import clean_cell, is_amount, parse_amount, parse_percent, squash

LAYOUT = "qingpu"
KIND = "self_evaluation"

# ---------------------------------------------------------------- vocabulary

# Form title (whitespace removed): '2020年度财政项目绩效自评价'.
TITLE_RE = re.compile(r"^(?:(\d{4})年度?)?(?:财政)?项目绩效自评价表?$")

# Header labels in their usual order: (field key, label as printed).
HEADER_LABELS: tuple[tuple[str, str], ...] = (
    ("project_name", "项目名称"),
    ("unit", "预算单位"),
    ("office", "具体实施处（科室）"),
    ("recurring", "是否为经常性项目"),
    ("budget", "当年预算数（元）"),
    ("prior", "上年预算金额（元）"),
    ("executed", "预算执行数（元）"),
    ("rate", "预算执行率（%）"),
    ("goal", "项目年度总目标"),
    ("eval_date", "自评时间"),
    ("grade", "绩效等级"),
    ("result", "主要绩效"),
    ("problems", "主要问题"),
    ("measures", "改进措施"),
)
AMOUNT_FIELDS = ("budget", "prior", "executed")
# Fields whose label must be printed (a missing one is a warning).
REQUIRED_FIELDS = ("project_name", "budget", "executed", "rate", "grade")
# Header fields kept in Project.extra, under their printed label.
EXTRA_FIELDS = {
    "office": "具体实施处（科室）",
    "eval_date": "自评时间",
    "problems": "主要问题",
    "measures": "改进措施",
}
_SELF_EVALUATION = forms_data()["self_evaluation"]  # the vocabulary the cell parser reads the form by
CATEGORY_BY_ANSWER: dict[str, str] = _SELF_EVALUATION["answers"]["category"]
GRADES = tuple(_SELF_EVALUATION["answers"]["grades"])

# Column-header words of the scored table (repeated when a table crosses a page).
TABLE_START_WORD = "一级指标"
TABLE_HEADER_WORDS = (
    "一级指标",
    "二级指标",
    "三级指标",
    "指标名称",
    "指标解释",
    "权重",
    "评分规则",
    "自评分",
    "自评",
    "得分",
    "备注",
    "分",
)
TOTAL_WORD = "合计"

# 一级指标 section names; other short names ending in these suffixes are accepted too.
LEVEL1_NAMES = tuple(_SELF_EVALUATION["frameworks"]["qingpu"])
LEVEL1_SUFFIX_RE = re.compile(r"^[\u4e00-\u9fff]{1,6}(?:目标|管理|指标)$")
MIN_SECTION_POINTS = Decimal(5)
POINTS_RE = re.compile(r"^[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[）)]\s*(.*)$")
NAME_AND_POINTS_RE = re.compile(r"^(.*?)\s*[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[）)]\s*(.*)$")

# The six standard 投入与管理 indicators: name -> (weight, opening of its 指标解释).
STANDARD_INDICATORS: dict[str, tuple[Decimal, str]] = {
    "项目设立的规范性": (Decimal(5), "项目的申请"),
    "绩效目标合理性": (Decimal(8), "项目所设定"),
    "预算执行率": (Decimal(8), "反映项目预算执行"),
    "财务（资产）管理制度的健全性和执行的有效性": (Decimal(5), "项目的财务制度"),
    "资金使用的合规性": (Decimal(6), "项目资金使用"),
    "项目管理制度的健全性和执行的有效性": (Decimal(4), "与项目直接相关"),
}
# Names frequent in the other sections of these forms: used only to split
# "remark of the previous row + next name" where the next name is one of them.
COMMON_NAMES = (
    "人员到位率",
    "长效管理制度建设",
    "绩效目标的合理性",
    "专款专用率",
    "预算执行率",
    "用户满意度",
    "满意度",
    "设备完好率",
    "计划完成率",
    "合格率",
    "完成及时性",
    "制度健全性",
)
# How a 指标解释 usually begins (it describes or asks about the project).
EXPLANATION_OPENINGS = (
    "反映",
    "用以",
    "与项目",
    "项目是否",
    "项目的",
    "项目所",
    "项目资金",
    "项目建设",
    "项目实施",
)
# Words that make a text read like a remark (备注) rather than an indicator name.
REMARK_MARKERS = ("未", "不够", "不高", "不足", "有待", "需", "偏低", "没有", "%", "，", "。", "；")
# Page furniture that pdfplumber leaves between pages.
PAGE_NUMBER_RE = re.compile(r"^(?:[-—－]\s*\d+\s*[-—－]|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?)$")
# A new paragraph inside a multi-line text field (list item or sub-label).
PARAGRAPH_START_RE = re.compile(
    r"^(?:\d+\s*[.、．)）]|[（(]\d+[)）]|[①-⑳]|[一二三四五六七八九十]+、|项目(?:总|年度)目标[：:])"
)
_NUMBER_TOKEN_RE = re.compile(r"^\d+(?:\.\d+)?$")
_TOTAL_FRAGMENT_RE = re.compile(r"^\d[\d,]*(?:\.\d*)?$")
_PUNCTUATION = "，。；：、,.;:（）()“”"

# ---------------------------------------------------------------- public API


def detect(text: str) -> bool:
    """True when the text holds at least one 青浦 '财政项目绩效自评价' form."""
    if "绩效自评价" not in text or "上年预算金额" not in text:
        return False
    return any(TITLE_RE.match(squash(line)) for line in text.split("\n") if "自评价" in line)


def parse(text: str) -> ParseResult:
    """Every 青浦 self-evaluation form in the text -> Project records and checks."""
    result = ParseResult(layout=LAYOUT)
    lines = text.split("\n")
    for start, end in form_spans(lines):
        project, checks = parse_form(lines, start, end)
        result.projects.append(project)
        result.checks.extend(checks)
    return result


# ---------------------------------------------------------------- forms


def form_spans(lines: list[str]) -> list[tuple[int, int]]:
    """(title index, end index exclusive) of every form, 0-based."""
    starts = [i for i, line in enumerate(lines) if "自评价" in line and TITLE_RE.match(squash(line))]
    return [(s, starts[k + 1] if k + 1 < len(starts) else len(lines)) for k, s in enumerate(starts)]


@dataclass
class _Form:
    """Working state of one form while it is read."""

    project: Project
    checks: list[Check] = field(default_factory=list)

    def check(self, check: str, severity: str, message: str, line: int | None) -> None:
        self.checks.append(
            Check(check, severity, message, source_line=line, project_ref=str(self.project.source_line))
        )


def parse_form(lines: list[str], start: int, end: int) -> tuple[Project, list[Check]]:
    """One form (lines[start:end], start = title) -> Project with indicators, and checks."""
    title = squash(lines[start])
    m = TITLE_RE.match(title)
    year = int(m.group(1)) if m and m.group(1) else None
    project = Project(
        kind=KIND,
        layout=LAYOUT,
        source_line=start + 1,
        end_line=last_nonblank_line(lines, start, end),
        project_name="",
        year=year,
    )
    form = _Form(project)
    table_start = find_table_start(lines, start + 1, end)
    read_header(form, lines, start + 1, table_start if table_start is not None else end)
    if table_start is None:
        form.check("qingpu_indicator_table_missing", "warning", "自评表未找到“一级指标”评分表", start + 1)
    else:
        read_table(form, lines, table_start, end)
    return project, form.checks


def last_nonblank_line(lines: list[str], start: int, end: int) -> int:
    """1-based number of the last line with text in lines[start:end]."""
    for i in range(end - 1, start - 1, -1):
        if clean_cell(lines[i]):
            return i + 1
    return start + 1


def find_table_start(lines: list[str], start: int, end: int) -> int | None:
    """Index of the scored table's header line ('一级指标 指标名称 …'), or of its first section."""
    for i in range(start, end):
        if squash(lines[i]).startswith(TABLE_START_WORD):
            return i
    for i in range(start, end):
        nxt = next_nonblank(lines, i + 1, end)
        if section_header(clean_cell(lines[i]), clean_cell(lines[nxt]) if nxt is not None else ""):
            return i
    return None


def next_nonblank(lines: list[str], start: int, end: int) -> int | None:
    """Index of the next line with text, or None."""
    for i in range(start, end):
        if clean_cell(lines[i]):
            return i
    return None


# ---------------------------------------------------------------- header


def label_regex(label: str) -> re.Pattern[str]:
    """A label that may be wrapped anywhere, with full/half-width brackets and 元 or 万元."""
    parts = []
    for ch in label:
        if ch in "（(":
            parts.append("[（(]")
        elif ch in "）)":
            parts.append("[）)]")
        elif ch in "%％":
            parts.append("[%％]")
        elif ch == "元":
            parts.append(r"(?:万\s*)?元")
        else:
            parts.append(re.escape(ch))
    return re.compile(r"\s*".join(parts))


_LABEL_RES = {key: label_regex(label) for key, label in HEADER_LABELS}


def locate_labels(joined: str) -> list[tuple[str, int, int]]:
    """(field key, start, end) of each label found, in text order.

    Labels are searched in their usual order, each after the previous one, so a
    label word quoted inside an earlier value (主要问题 naming 预算执行率) is not taken.
    """
    found: list[tuple[str, int, int]] = []
    pos = 0
    for key, _label in HEADER_LABELS:
        rx = _LABEL_RES[key]
        m = rx.search(joined, pos) or rx.search(joined)
        if m is None:
            continue
        if any(s < m.end() and m.start() < e for _k, s, e in found):
            continue
        found.append((key, m.start(), m.end()))
        pos = max(pos, m.end())
    found.sort(key=lambda t: t[1])
    return found


def join_paragraphs(value: str) -> str:
    """Wrapped lines joined without spaces; list items and sub-labels start a new line."""
    out = ""
    for raw in value.split("\n"):
        piece = clean_cell(raw)
        if not piece:
            continue
        if out and PARAGRAPH_START_RE.match(piece):
            out += "\n" + piece
        else:
            out += piece
    return out


def read_header(form: _Form, lines: list[str], start: int, end: int) -> None:
    """The labelled fields above the table -> Project fields (values as printed)."""
    p = form.project
    kept = [
        (i + 1, clean_cell(lines[i]))
        for i in range(start, end)
        if clean_cell(lines[i]) and not PAGE_NUMBER_RE.match(clean_cell(lines[i]))
    ]
    joined = "\n".join(text for _no, text in kept)
    offsets, pos = [], 0
    for _no, text in kept:
        offsets.append(pos)
        pos += len(text) + 1

    def line_of(offset: int) -> int:
        k = bisect.bisect_right(offsets, offset) - 1
        return kept[max(k, 0)][0] if kept else start + 1

    found = locate_labels(joined)
    values: dict[str, tuple[str, int, str]] = {}
    for k, (key, s, e) in enumerate(found):
        nxt = found[k + 1][1] if k + 1 < len(found) else len(joined)
        values[key] = (joined[e:nxt], line_of(s), joined[s:e])
    for key in REQUIRED_FIELDS:
        if key not in values:
            label = dict(HEADER_LABELS)[key]
            form.check("qingpu_field_missing", "warning", f"自评表未找到“{label}”栏", p.source_line)

    if "project_name" in values:
        p.project_name = join_paragraphs(values["project_name"][0])
        if not p.project_name:
            form.check("qingpu_field_missing", "warning", "自评表“项目名称”为空", values["project_name"][1])
    if "unit" in values:
        p.unit = join_paragraphs(values["unit"][0]) or None
    read_category(form, values.get("recurring"))
    read_amounts(form, values)
    if "rate" in values:
        raw, line, _label = values["rate"]
        if squash(raw):
            try:
                p.execution_rate = parse_percent(squash(raw))
            except ValueError:
                form.check(
                    "qingpu_amount_unreadable", "error", f"预算执行率“{squash(raw)}”无法读作百分比", line
                )
    if "goal" in values:
        p.goal = join_paragraphs(values["goal"][0]) or None
    if "result" in values:
        p.result = join_paragraphs(values["result"][0]) or None
    read_grade(form, values.get("grade"))
    for key, label in EXTRA_FIELDS.items():
        if key in values:
            text = join_paragraphs(values[key][0])
            if text:
                p.extra[label] = text


def read_category(form: _Form, value: tuple[str, int, str] | None) -> None:
    """是否为经常性项目: 是 -> 经常性, 否 -> 一次性; anything else is reported."""
    if value is None:
        return
    answer = squash(value[0])
    if not answer:
        return
    if answer in CATEGORY_BY_ANSWER:
        form.project.category = CATEGORY_BY_ANSWER[answer]
    else:
        form.check(
            "qingpu_category_unknown", "warning", f"“是否为经常性项目”印为“{answer}”，不是“是/否”", value[1]
        )


def read_amounts(form: _Form, values: dict[str, tuple[str, int, str]]) -> None:
    """当年预算数 / 上年预算金额 / 预算执行数 in the unit their labels state.

    The project keeps one unit (当年预算数's); an amount whose own label states the other
    unit is converted exactly by its label ('上年预算金额（元） 10,000.00' -> 1 万元), and the
    mix is reported.
    """
    p = form.project
    units: dict[str, str] = {}
    amounts: dict[str, Decimal] = {}
    labels: dict[str, str] = {}
    for key in AMOUNT_FIELDS:
        if key not in values:
            continue
        raw, line, label = values[key]
        units[key] = "万元" if "万" in label else "元"
        labels[key] = squash(label)
        figure = squash(raw)
        if not figure:
            continue
        try:
            amount = parse_amount(figure)
        except ValueError:
            form.check(
                "qingpu_amount_unreadable", "error", f"“{squash(label)}”印为“{figure}”，无法读作金额", line
            )
            continue
        if amount is not None:
            amounts[key] = amount
    if not units:
        return
    p.amount_unit = units.get("budget") or next(iter(units.values()))
    factor = {"元": Decimal(1), "万元": Decimal(10000)}
    for key, amount in amounts.items():
        value = amount * factor[units[key]] / factor[p.amount_unit]
        if key == "budget":
            p.budget_full_year = value
        elif key == "prior":
            p.prior_year_budget = value
        else:
            p.executed = value
    if len(set(units.values())) > 1:
        form.check(
            "qingpu_amount_unit_mixed",
            "warning",
            "表头金额单位不一致："
            + "、".join(f"“{labels[k]}”以{u}计" for k, u in units.items())
            + f"；各数按其栏目所注单位换算为{p.amount_unit}记录",
            p.source_line,
        )


def read_grade(form: _Form, value: tuple[str, int, str] | None) -> None:
    """绩效等级 as printed; a word outside 优/良/合格/不合格 is reported."""
    if value is None:
        return
    grade = squash(value[0])
    if not grade:
        form.check("qingpu_field_missing", "warning", "自评表“绩效等级”为空", value[1])
        return
    form.project.grade = grade
    if grade not in GRADES:
        form.check(
            "qingpu_grade_unknown",
            "warning",
            f"绩效等级印为“{grade}”，不是已知等级（{'、'.join(GRADES)}）",
            value[1],
        )


# ---------------------------------------------------------------- table: tokens


@dataclass
class _Tok:
    """One piece of a table line: text, or a bare number."""

    kind: str  # 'text' | 'num'
    text: str
    line: int
    value: Decimal | None = None
    blank_weight: bool = False  # 'name    0': the weight column was left blank
    lone: bool = False  # 'name 0': one number after a name, column not tellable from spacing


def is_header_words(text: str) -> bool:
    """True when the line is only column-header words (header repeated after a page break)."""
    rest = squash(text)
    if not rest:
        return False
    while rest:
        for word in TABLE_HEADER_WORDS:
            if rest.startswith(word):
                rest = rest[len(word) :]
                break
        else:
            return False
    return True


def is_level1_name(text: str, points: Decimal | None = None) -> bool:
    """A 一级指标 section name such as 投入与管理 or 产出目标.

    A name outside the vocabulary only counts with section-sized points, so a
    rule line ending in '…管理' followed by '（1分）' does not open a section.
    """
    s = squash(text)
    if s in LEVEL1_NAMES:
        return True
    return bool(LEVEL1_SUFFIX_RE.match(s)) and points is not None and points >= MIN_SECTION_POINTS


def section_header(text: str, next_text: str) -> tuple[str, Decimal | None, str, bool] | None:
    """(name, points, residue, consumed next line) when the line opens a 一级指标 section.

    Forms: '投入与管理(36分)', '投入与管理' + '(36分)' on the next line, the points
    line carrying the first indicator ('(20分) 用户满意度'), or the bare name.
    """
    m = NAME_AND_POINTS_RE.match(text)
    if m and m.group(1) and is_level1_name(m.group(1), Decimal(m.group(2))):
        return squash(m.group(1)), Decimal(m.group(2)), m.group(3).strip(), False
    pm = POINTS_RE.match(next_text)
    if pm and is_level1_name(text, Decimal(pm.group(1))):
        return squash(text), Decimal(pm.group(1)), pm.group(2).strip(), True
    if squash(text) in LEVEL1_NAMES:
        return squash(text), None, "", False
    return None


def split_name_explanation(text: str) -> list[str]:
    """'完成及时性 项目是否按时完成' -> name and explanation printed on one line."""
    for m in re.finditer(r"\s+", text):
        left, right = text[: m.start()], text[m.end() :]
        if (
            right.startswith(EXPLANATION_OPENINGS)
            and 0 < len(squash(left)) <= 12
            and not any(c in _PUNCTUATION for c in left)
        ):
            return [left, right]
    return [text]


_LEADING_NUMBER_RE = re.compile(r"^(\d+(?:\.\d+)?)\s+(?![%％分个台元])(?=\S)")
_TRAILING_NUMBER_RE = re.compile(r"(\s+)(\d+(?:\.\d+)?)$")


def line_tokens(text: str, no: int) -> list[_Tok]:
    """A table line -> tokens: peel bare numbers off its start and end ('16台  6  6').

    With one trailing number after a wide gap ('人员到位率    0') the weight column
    was left blank, so that number is the score.
    """
    rest = text.strip()
    words = rest.split()
    if words and all(is_amount(w) for w in words):
        return [_Tok("num", w, no, parse_amount(w)) for w in words]
    lead: list[_Tok] = []
    while m := _LEADING_NUMBER_RE.match(rest):
        lead.append(_Tok("num", m.group(1), no, Decimal(m.group(1))))
        rest = rest[m.end() :]
    trail: list[_Tok] = []
    gap = ""
    while len(trail) < 2 and (m := _TRAILING_NUMBER_RE.search(rest)) and rest[: m.start()].strip():
        trail.insert(0, _Tok("num", m.group(2), no, Decimal(m.group(2))))
        gap = m.group(1)
        rest = rest[: m.start()]
    if len(trail) == 1 and rest.strip():
        trail[0].blank_weight = len(gap) >= 4
        trail[0].lone = not trail[0].blank_weight
    texts = (
        [_Tok("text", piece, no) for piece in split_name_explanation(rest.strip())] if rest.strip() else []
    )
    return [*lead, *texts, *trail]


# ---------------------------------------------------------------- table: rows


@dataclass
class _Row:
    """One indicator row being assembled from tokens."""

    block: list[_Tok]  # text before the weight: remark of the previous row + name (+ explanation)
    weight: Decimal | None = None
    weight_seen: bool = False
    rule: list[_Tok] = field(default_factory=list)
    score: Decimal | None = None
    score_seen: bool = False
    remark: list[_Tok] = field(default_factory=list)
    indicator: Indicator | None = None


@dataclass
class _Section:
    """One 一级指标 section: its printed maximum and its tokens."""

    name: str
    points: Decimal | None
    line: int
    tokens: list[_Tok] = field(default_factory=list)


def read_table(form: _Form, lines: list[str], start: int, end: int) -> None:
    """The scored table -> indicators, section and total checks, score_total/score_max."""
    sections: list[_Section] = []
    total: tuple[list[str], int, int] | None = None
    i = start
    while i < end:
        text = clean_cell(lines[i])
        no = i + 1
        if not text or is_header_words(text) or PAGE_NUMBER_RE.match(text):
            i += 1
            continue
        if squash(text).startswith(TOTAL_WORD):
            total = read_total_fragments(lines, i, end)
            break
        nxt = next_nonblank(lines, i + 1, end)
        head = section_header(text, clean_cell(lines[nxt]) if nxt is not None else "")
        if head:
            name, points, residue, consumed = head
            sections.append(_Section(name, points, no))
            if residue:
                sections[-1].tokens.extend(
                    line_tokens(residue, nxt + 1 if consumed and nxt is not None else no)
                )
            i = (nxt + 1) if consumed and nxt is not None else i + 1
            continue
        if sections:
            sections[-1].tokens.extend(line_tokens(text, no))
        else:
            form.check(
                "qingpu_text_unplaced", "warning", f"评分表首个一级指标之前有无法归属的文字“{text}”", no
            )
        i += 1

    if not sections:
        form.check(
            "qingpu_indicator_table_missing",
            "warning",
            "评分表未找到一级指标（如“投入与管理(36分)”）",
            start + 1,
        )
    for section in sections:
        form.project.indicators.extend(section_indicators(form, section))
    read_total(form, total, sections)


def section_indicators(form: _Form, section: _Section) -> list[Indicator]:
    """Tokens of one section -> indicators (weights and scores anchored on bare numbers)."""
    rows: list[_Row] = []
    pending: list[_Tok] = []
    open_row: _Row | None = None
    toks = section.tokens
    for n, tok in enumerate(toks):
        if tok.kind == "text":
            (open_row.rule if open_row is not None else pending).append(tok)
            continue
        if open_row is not None:
            open_row.score, open_row.score_seen, open_row = tok.value, True, None
            continue
        row = _Row(block=pending)
        pending = []
        rows.append(row)
        followed_by_number = n + 1 < len(toks) and toks[n + 1].kind == "num"
        if tok.blank_weight or (tok.lone and not followed_by_number):
            row.score, row.score_seen = tok.value, True
            if tok.lone:
                form.check(
                    "qingpu_single_number_row",
                    "warning",
                    f"一级指标“{section.name}”中“{tok_line_text(toks, n)}”只印一个数 {tok.text}，"
                    f"无法从版面判断是权重还是自评分；已作为自评分、权重为空",
                    tok.line,
                )
        else:
            row.weight, row.weight_seen, open_row = tok.value, True, row

    if not rows:
        form.check(
            "qingpu_section_empty", "warning", f"一级指标“{section.name}”下未读到任何权重或得分", section.line
        )
        return []
    for k in range(len(rows)):
        split_row_block(form, section, rows, k)
    if pending:
        rows[-1].remark.extend(pending)
    finish_section(form, section, rows, bool(pending))
    return [r.indicator for r in rows if r.indicator is not None]


def tok_line_text(toks: list[_Tok], n: int) -> str:
    """The text tokens printed on the same line as toks[n] (for messages)."""
    return "".join(t.text for t in toks if t.line == toks[n].line and t.kind == "text")


def _joined(toks: list[_Tok]) -> str:
    """Wrapped cell lines joined without spaces (outer spaces stripped)."""
    return "".join(clean_cell(t.text) for t in toks)


def standard_name_split(texts: list[str], partial_ok: bool) -> tuple[int, int, bool] | None:
    """(start, end, explanation recognised) of a standard 投入与管理 name in the block lines.

    The smallest start wins whose rest begins as that name's explanation does, so
    a remark that itself opens with a standard name ('预算执行率未达到…') is skipped.
    When no rest begins so (an explanation printed with its start missing) and
    ``partial_ok``, the last standard name found at a line start is taken: a
    remark comes before the name, never after it.
    """
    longest = max(len(n) for n in STANDARD_INDICATORS)
    candidates: list[tuple[int, int]] = []
    for k in range(len(texts)):
        acc = ""
        for m in range(k, len(texts)):
            acc += squash(texts[m])
            if len(acc) > longest:
                break
            if acc not in STANDARD_INDICATORS:
                continue
            rest = "".join(squash(t) for t in texts[m + 1 :])
            opening = STANDARD_INDICATORS[acc][1]
            if not rest or rest.startswith(opening) or rest.startswith(EXPLANATION_OPENINGS):
                return k, m + 1, True
            candidates.append((k, m + 1))
    if partial_ok and candidates:
        return (*candidates[-1], False)
    return None


def known_name_start(texts: list[str]) -> int | None:
    """Smallest line index from which the lines spell a known indicator name."""
    known = set(STANDARD_INDICATORS) | set(COMMON_NAMES)
    for k in range(len(texts)):
        if "".join(squash(t) for t in texts[k:]) in known:
            return k
    return None


def explanation_start(texts: list[str]) -> int | None:
    """First line (never the first) that opens a 指标解释."""
    for k in range(1, len(texts)):
        if squash(texts[k]).startswith(EXPLANATION_OPENINGS):
            return k
    return None


def split_row_block(form: _Form, section: _Section, rows: list[_Row], k: int) -> None:
    """Split rows[k].block into remark of rows[k-1], name and explanation; build the Indicator."""
    row = rows[k]
    prev = rows[k - 1] if k > 0 else None
    toks = row.block
    texts = [t.text for t in toks]
    std = standard_name_split(texts, partial_ok=bool(row.rule))
    if std is not None:
        ns, ne, recognised = std
        lead, name_toks, expl = toks[:ns], toks[ns:ne], toks[ne:]
        if not recognised:
            form.check(
                "qingpu_explanation_unrecognised",
                "info",
                f"一级指标“{section.name}”指标“{squash(_joined(name_toks))}”的指标解释印为“{_joined(expl)}”，"
                f"开头与常见写法不同，可能缺字；已按标准指标名称拆分",
                name_toks[0].line,
            )
    else:
        e = explanation_start(texts)
        e = len(toks) if e is None else e
        name_part, expl = toks[:e], toks[e:]
        lead = []
        if prev is not None and len(name_part) > 1:
            s = known_name_start([t.text for t in name_part])
            if s is not None:
                lead, name_part = name_part[:s], name_part[s:]
            elif prev_deducted(prev) and any(w in _joined(name_part) for w in REMARK_MARKERS):
                form.check(
                    "qingpu_remark_or_name_ambiguous",
                    "warning",
                    f"一级指标“{section.name}”中“{_joined(name_part)}”可能含上一指标的备注，"
                    f"无法分开备注与指标名称；已整体作为指标名称",
                    name_part[0].line,
                )
        name_toks = name_part
    if lead:
        if prev is not None:
            prev.remark.extend(lead)
        else:
            form.check(
                "qingpu_text_unplaced",
                "warning",
                f"一级指标“{section.name}”首个指标名称前有无法归属的文字“{_joined(lead)}”",
                lead[0].line,
            )
    name = squash(_joined(name_toks))
    line = name_toks[0].line if name_toks else (toks[0].line if toks else section.line)
    if not name:
        form.check(
            "qingpu_indicator_name_missing",
            "warning",
            f"一级指标“{section.name}”中权重 {fmt(row.weight)}、自评分 {fmt(row.score)} 的一行没有指标名称",
            line,
        )
    row.indicator = Indicator(
        level1=section.name,
        level2=None,
        level3=name,
        target_value=None,
        actual_value=None,
        weight=row.weight,
        score=row.score,
        deviation_reason=None,
        source_line=line,
        explanation=_joined(expl) or None,
        scoring_rule=_joined(row.rule) or None,
    )


def prev_deducted(row: _Row) -> bool:
    """True when the row lost points (a remark usually explains why)."""
    return row.weight is not None and row.score is not None and row.score < row.weight


def fmt(value: Decimal | None) -> str:
    """A figure as printed, or '空' for a blank cell."""
    return "空" if value is None else f"{value:f}"


def finish_section(form: _Form, section: _Section, rows: list[_Row], trailing_text: bool) -> None:
    """Attach remarks; check weights against the section maximum and scores against weights."""
    for row in rows:
        if row.indicator is not None:
            row.indicator.deviation_reason = _joined(row.remark) or None
        if row.weight_seen and not row.score_seen:
            form.check(
                "qingpu_score_missing",
                "warning",
                f"一级指标“{section.name}”指标“{row.indicator.level3 if row.indicator else ''}”"
                f"权重 {fmt(row.weight)} 之后未读到自评分",
                row.indicator.source_line if row.indicator else section.line,
            )
    weights = sum((r.weight for r in rows if r.weight is not None), Decimal(0))
    if section.points is None:
        form.check(
            "qingpu_section_max_missing",
            "info",
            f"一级指标“{section.name}”未印分值（如“(36分)”）",
            section.line,
        )
    else:
        # Compared with its indicators' weights in etl/validate/performance.py.
        form.project.extra[f"分值:{section.name}"] = f"{section.points:f}"
    if trailing_text and section.points is not None and weights < section.points and rows[-1].indicator:
        form.check(
            "qingpu_trailing_text_ambiguous",
            "warning",
            f"一级指标“{section.name}”末尾文字“{rows[-1].indicator.deviation_reason}”可能是未打分指标的名称，"
            f"已作为上一指标的备注",
            rows[-1].remark[0].line,
        )


# ---------------------------------------------------------------- table: total


def read_total_fragments(lines: list[str], i: int, end: int) -> tuple[list[str], int, int]:
    """Number pieces printed after '合计' (same line and the lines below), and the last line used."""
    first = clean_cell(lines[i])
    rest = squash(first)[len(TOTAL_WORD) :]
    pieces = clean_cell(first)[clean_cell(first).find("计") + 1 :].split() if rest else []
    last = i + 1
    j = i + 1
    while j < end:
        text = clean_cell(lines[j])
        if not text:
            j += 1
            continue
        words = text.split()
        if all(_TOTAL_FRAGMENT_RE.match(w) for w in words):
            pieces.extend(words)
            last = j + 1
            j += 1
            continue
        break
    return pieces, i + 1, last


def join_number_fragments(pieces: list[str]) -> list[str]:
    """'96.0' + '0' -> '96.00': a cell the PDF wrapped inside its decimals."""
    out: list[str] = []
    for piece in pieces:
        if out and "." in out[-1] and piece.isdigit():
            decimals = out[-1].split(".", 1)[1]
            if len(decimals) < 2 and len(decimals) + len(piece) <= 2:
                out[-1] += piece
                continue
        out.append(piece)
    return out


def read_total(form: _Form, total: tuple[list[str], int, int] | None, sections: list[_Section]) -> None:
    """合计: printed maximum and total score; compare with the section maxima and the scores."""
    p = form.project
    if total is None:
        form.check("qingpu_total_missing", "warning", "评分表未找到“合计”行", p.source_line)
        return
    pieces, line, last = total
    p.end_line = last
    numbers = join_number_fragments(pieces)
    values: list[Decimal] = []
    for piece in numbers:
        try:
            amount = parse_amount(piece)
        except ValueError:
            amount = None
        if amount is None:
            form.check("qingpu_total_unreadable", "warning", f"“合计”行数字“{piece}”无法读取", line)
            return
        values.append(amount)
    if len(values) != 2:
        form.check(
            "qingpu_total_unreadable",
            "warning",
            f"“合计”行应印满分与自评总分两个数，读到 {len(values)} 个：{'、'.join(numbers) or '无'}",
            line,
        )
        return
    p.score_max, p.score_total = values
    # Σ weights = 满分 and Σ scores = 总分 are compared in etl/validate/performance.py.
