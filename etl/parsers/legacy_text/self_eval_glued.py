"""The 'glued' PDF-text rendering of the 财政项目支出绩效自评表.

PDF text extraction glues the cells of a row together
('年度资金总额575856.58575856.58575856.5810100.0%10', '硬件购置数≥20≥555无'),
wraps labels over several lines ('年度资金总' / '额') and puts each form's
figures and indicator rows BEFORE its own header (title, 年度, 项目名称, 主管部门 …).

Indicators cannot be recovered reliably from this, so the parser reads only
what it can read without guessing, per form:

* project name, 主管部门 / 实施单位 (when the glued pair splits cleanly), year,
  the unit the funds header states;
* the 年度资金总额 triple, only when the three figures are the same string with
  two decimals followed by weight, '100…%' and score (equal figures mean a
  100% execution rate, which pins the split); otherwise nothing and a check;
* '总分：N';
* the number of indicator rows (a glued score pair followed by a 'no deviation'
  word such as 无), kept in ``Project.extra['indicator_rows']``.

A document that also holds the tabbed rendering of the same forms is
de-duplicated later (etl.normalize), which is why precision beats recall here.
"""

from __future__ import annotations

import re
from decimal import Decimal

from etl.model import Check, ParseResult, Project
from etl.parsers.cover import forms_meta
from etl.parsers.self_eval_forms import YEAR_RE, is_title_cell
from etl.textutil import clean_cell, parse_amount, squash

LAYOUT = "glued"
KIND = "self_evaluation"

# ---------------------------------------------------------------- vocabulary

NAME_LABEL = "项目名称"
DEPARTMENT_LABEL = "主管部门"
UNIT_LABEL = "实施单位"
FUNDS_TOTAL = "年度资金总额"
# A line that opens a form's figures: the funds header or the 年度资金总额 label (possibly cut: '年度资金').
FUNDS_MARKERS = ("年初预算数",)
FUNDS_LABEL_START = "年度资金"
# Labels of the header block: a line starting with one of these is not a wrapped name.
HEADER_LABELS = ("主管部门", "实施单位", "项目资金", "年度总体目标", "预期目标", "实际完成情况", "绩效指标")
UNIT_RE = re.compile(r"项目资金[（(](万元|元)[)）]")
TOTAL_RE = re.compile(r"^总分[:：]?(\d+(?:\.\d+)?)$")
# Words that end an indicator row when there was no deviation (printed in the 偏差原因 column).
NO_DEVIATION_WORDS = ("无", "无偏差", "未偏差", "不存在偏差")
INDICATOR_ROW_RE = re.compile(r"\d(?:" + "|".join(NO_DEVIATION_WORDS) + r")$")
# Three equal amounts with two decimals, then the rest of the row.
EQUAL_TRIPLE_RE = re.compile(r"^((?:\d{1,3}(?:,\d{3})+|\d+)\.\d{2})\1\1(.*)$")
# The rest after equal figures: weight, a 100% rate, score.
FULL_RATE_REST_RE = re.compile(r"^(\d+?)(100(?:\.0+)?)[%％](\d+(?:\.\d+)?)$")
FIGURES_LINE_RE = re.compile(r"^[\d,.]+[%％]?[\d.]*$")
# Lines of the preceding text longer than this end the backward search for the first form's figures.
PROSE_MIN_CHARS = 60
BACKWARD_LIMIT = 200
ORG_SUFFIXES = ("中心", "局", "办公室", "委员会", "委", "办", "院", "所", "站", "队", "处", "馆", "会")


# ---------------------------------------------------------------- small readers


def _nonblank_after(lines: list[str], i: int, limit: int) -> list[int]:
    """Indexes of the next ``limit`` non-blank lines after ``i``."""
    out = []
    j = i + 1
    while j < len(lines) and len(out) < limit:
        if lines[j].strip():
            out.append(j)
        j += 1
    return out


def _is_glued_name_line(line: str) -> bool:
    s = squash(line)
    return "\t" not in line and s.startswith(NAME_LABEL) and len(s) > len(NAME_LABEL)


def glued_titles(lines: list[str]) -> list[int]:
    """0-based indexes of title lines whose header is glued ('项目名称宣传与推广')."""
    out = []
    for i, line in enumerate(lines):
        if "\t" in line or "自评表" not in line or not is_title_cell(line):
            continue
        if any(_is_glued_name_line(lines[j]) for j in _nonblank_after(lines, i, 6)):
            out.append(i)
    return out


def _is_marker(line: str) -> bool:
    s = squash(line)
    return s.startswith(FUNDS_LABEL_START) or any(m in s for m in FUNDS_MARKERS)


def _first_bound(lines: list[str], title: int) -> int:
    """Where the first form's figures may start: after the last line of prose or table text."""
    j = title - 1
    while j >= 0 and title - j <= BACKWARD_LIMIT:
        line = lines[j]
        if "\t" in line or len(squash(line)) > PROSE_MIN_CHARS or is_title_cell(line):
            break
        j -= 1
    return j


def split_equal_triple(glued: str) -> tuple[Decimal, Decimal, Decimal, Decimal] | None:
    """'575856.58575856.58575856.5810100.0%10' -> (575856.58, 10, 1.000, 10); None if not unambiguous."""
    m = EQUAL_TRIPLE_RE.match(squash(glued))
    if not m:
        return None
    rest = FULL_RATE_REST_RE.match(m.group(2))
    if not rest:
        return None
    amount = parse_amount(m.group(1))
    assert amount is not None
    return amount, Decimal(rest.group(1)), Decimal(rest.group(2)) / Decimal(100), Decimal(rest.group(3))


def find_funds_total(lines: list[str], start: int, stop: int) -> tuple[int, str | None] | None:
    """(line index, glued figures or None) of the 年度资金总额 row in [start, stop); None if no label.

    The label may be cut over lines ('年度资金总' / '额'); its figures follow it on
    the same line or, when the label line holds nothing else, on the next line.
    """
    j = start
    while j < stop:
        s = squash(lines[j])
        if s.startswith(FUNDS_LABEL_START):
            acc, k = s, j
            while not acc.startswith(FUNDS_TOTAL) and FUNDS_TOTAL.startswith(acc):
                nxt = _nonblank_after(lines, k, 1)
                if not nxt or nxt[0] >= stop:
                    break
                k = nxt[0]
                acc += squash(lines[k])
            if acc.startswith(FUNDS_TOTAL):
                rest = acc[len(FUNDS_TOTAL) :]
                if not rest:
                    nxt = _nonblank_after(lines, k, 1)
                    if nxt and nxt[0] < stop and FIGURES_LINE_RE.match(squash(lines[nxt[0]])):
                        rest = squash(lines[nxt[0]])
                return j, rest or None
        j += 1
    return None


def split_department(text: str) -> tuple[str, str | None]:
    """'上海市X中心上海市X中心' -> (dept, unit): a doubled string, or one split before a second '上海市'."""
    half = len(text) // 2
    if len(text) % 2 == 0 and text[:half] == text[half:]:
        return text[:half], text[half:]
    if text.startswith("上海市"):
        cuts = [m.start() for m in re.finditer("上海市", text) if m.start() > 0]
        if len(cuts) == 1:
            return text[: cuts[0]], text[cuts[0] :]
    return text, None


# ---------------------------------------------------------------- one form


def _check(project: Project, check: str, severity: str, message: str, line: int | None) -> Check:
    return Check(check, severity, message, source_line=line, project_ref=str(project.source_line))


def _read_header(lines: list[str], title: int, stop: int, project: Project, checks: list[Check]) -> None:
    """Year, name, 主管部门/实施单位 and the funds unit from the header that follows a title."""
    window = [j for j in range(title + 1, stop) if lines[j].strip()]
    for j in window[:3]:
        m = YEAR_RE.match(squash(lines[j]))
        if m:
            project.year = int(m.group(1))
            break
    name_at = next((j for j in window[:6] if _is_glued_name_line(lines[j])), None)
    if name_at is None:
        return
    project.project_name = clean_cell(lines[name_at])[len(NAME_LABEL) :].strip()
    project.end_line = name_at + 1
    after = [j for j in window if j > name_at]
    if _is_name_tail(lines, after):
        tail = squash(lines[after[0]])
        project.project_name += tail
        checks.append(
            _check(
                project,
                "glued_name_wrapped",
                "info",
                f"项目名称折行：第 {after[0] + 1} 行“{tail}”接在名称之后，合为“{project.project_name}”",
                after[0] + 1,
            )
        )
    dept_at = next((j for j in after[:3] if squash(lines[j]).startswith(DEPARTMENT_LABEL)), None)
    if dept_at is not None:
        _read_department(lines, dept_at, [j for j in after if j > dept_at], project, checks)
    header_text = "".join(squash(lines[j]) for j in window[:40])
    m = UNIT_RE.search(header_text)
    if m:
        project.amount_unit = m.group(1)


def _is_name_tail(lines: list[str], after: list[int]) -> bool:
    """The line after 项目名称 is the rest of the name: short, not a label, and 主管部门 follows it."""
    if len(after) < 2:
        return False
    tail = squash(lines[after[0]])
    return (
        0 < len(tail) <= 15
        and not tail.startswith(HEADER_LABELS)
        and squash(lines[after[1]]).startswith(DEPARTMENT_LABEL)
    )


def _read_department(
    lines: list[str], at: int, following: list[int], project: Project, checks: list[Check]
) -> None:
    rest = squash(lines[at])[len(DEPARTMENT_LABEL) :]
    project.end_line = at + 1
    if UNIT_LABEL in rest:
        dept, unit = rest.split(UNIT_LABEL, 1)
        project.department, project.unit = dept or None, unit or None
        return
    dept, unit = split_department(rest)
    project.department = dept or None
    if unit is not None:
        project.unit = unit
        return
    # The unit may be printed on the next lines, wrapped: accept it only when it spells the department again.
    acc = ""
    for j in following[:3]:
        acc += squash(lines[j])
        if acc == dept:
            project.unit = acc
            project.end_line = j + 1
            return
        if not dept.startswith(acc):
            break
    checks.append(
        _check(
            project,
            "glued_unit_not_read",
            "info",
            f"项目“{project.project_name}”主管部门行印为“{rest}”，实施单位无法从粘连文字中分出，留空",
            at + 1,
        )
    )


def _read_figures(lines: list[str], start: int, stop: int, project: Project, checks: list[Check]) -> None:
    """年度资金总额, 总分 and the indicator-row count of the block [start, stop) before a title."""
    totals = [j for j in range(start, stop) if TOTAL_RE.match(squash(lines[j]))]
    end = totals[-1] if totals else stop
    if totals:
        m = TOTAL_RE.match(squash(lines[end]))
        assert m
        project.score_total = Decimal(m.group(1))
        if len(totals) > 1:
            checks.append(
                _check(
                    project,
                    "glued_total_multiple",
                    "warning",
                    f"项目“{project.project_name}”前有 {len(totals)} 个总分行（第 {', '.join(str(t + 1) for t in totals)} 行），取最后一个",
                    end + 1,
                )
            )
    else:
        checks.append(
            _check(
                project,
                "glued_total_missing",
                "warning",
                f"项目“{project.project_name}”（粘连版式）没有“总分：”行，总分留空",
                project.source_line,
            )
        )
    rows = [j for j in range(start, end) if INDICATOR_ROW_RE.search(squash(lines[j]))]
    project.extra["indicator_rows"] = str(len(rows))
    project.extra["figures_lines"] = f"{start + 1}-{end + 1}"
    found = find_funds_total(lines, start, end)
    if found is None:
        checks.append(
            _check(
                project,
                "glued_funds_total_missing",
                "warning",
                f"项目“{project.project_name}”（粘连版式）在第 {start + 1}–{end + 1} 行找不到“年度资金总额”行",
                start + 1,
            )
        )
        return
    at, glued = found
    if glued is None:
        checks.append(
            _check(
                project,
                "glued_funds_total_missing",
                "warning",
                f"项目“{project.project_name}”（粘连版式）第 {at + 1} 行“年度资金总额”后没有印数字，年初预算数/全年预算数/全年执行数留空",
                at + 1,
            )
        )
        return
    project.extra["年度资金总额_glued"] = glued
    split = split_equal_triple(glued)
    if split is None:
        checks.append(
            _check(
                project,
                "glued_funds_total_ambiguous",
                "warning",
                f"项目“{project.project_name}”（粘连版式）第 {at + 1} 行年度资金总额印为“{glued}”，"
                "不是三个相同的两位小数金额加 100% 执行率，无法无歧义地拆分，留空",
                at + 1,
            )
        )
        return
    amount, weight, rate, score = split
    project.budget_initial = project.budget_full_year = project.executed = amount
    project.execution_weight, project.execution_rate, project.execution_score = weight, rate, score


# ---------------------------------------------------------------- document


def detect(text: str) -> bool:
    """Does the text hold a glued (PDF text) rendering of the self-evaluation form?"""
    if "自评表" not in text:
        return False
    return bool(glued_titles(text.split("\n")))


def parse(text: str) -> ParseResult:
    """One Project per glued form: name, units, 年度资金总额, 总分 and the indicator-row count."""
    result = ParseResult(layout=LAYOUT)
    lines = text.split("\n")
    titles = glued_titles(lines)
    for n, title in enumerate(titles):
        bound = titles[n - 1] if n else _first_bound(lines, title)
        stop = titles[n + 1] if n + 1 < len(titles) else len(lines)
        project = Project(
            kind=KIND, layout=LAYOUT, source_line=title + 1, end_line=title + 1, project_name=""
        )
        checks: list[Check] = []
        header_stop = next((j for j in range(title + 1, stop) if _is_marker(lines[j])), stop)
        _read_header(lines, title, header_stop, project, checks)
        if not project.project_name:
            result.checks.append(
                Check(
                    "project_name_missing",
                    "error",
                    f"第 {title + 1} 行的粘连版式自评表没有可读的项目名称，整张表未读取",
                    source_line=title + 1,
                )
            )
            continue
        start = next((j for j in range(bound + 1, title) if _is_marker(lines[j])), bound + 1)
        _read_figures(lines, start, title, project, checks)
        if project.amount_unit is None:
            checks.append(
                _check(
                    project,
                    "amount_unit_missing",
                    "warning",
                    f"项目“{project.project_name}”（粘连版式）的项目资金表头未注明单位（元/万元）",
                    project.source_line,
                )
            )
        result.projects.append(project)
        result.checks += checks
    if result.projects:
        first, last = result.projects[0], result.projects[-1]
        result.checks.append(
            Check(
                "glued_rendering_present",
                "info",
                f"第 {first.source_line}–{last.end_line} 行有 {len(result.projects)} 张粘连版式（PDF 文本）的绩效自评表："
                "只读取项目名称、单位、年度资金总额、总分和指标行数，不逐条读取指标",
                source_line=first.source_line,
            )
        )
    result.meta = forms_meta(result.projects)
    return result
