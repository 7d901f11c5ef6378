"""Text hygiene of a disclosure: what a human reviewer marks in the running text.

A reviewer reading a 部门预算 or 部门决算 marks what no table check sees: the 说明
comparing this year's budget with itself ("比2026年预算增加" in a 2026 budget), a
paragraph that ends without 。, a doubled "。。", a quote mark without its partner, text
placed outside the page (so it is not displayed), a template alternative left
unchosen ("增加（减少）"), a "主要原因是" with no reason after it, a title printing
another year, and a 编制部门 line naming another department. Template placeholders
("。。。", "XX") and percentages printed without % are reported here too.

Everything is read from the reader's model (``doc.source``): prose lines only, never
table rows. Lines are first joined into paragraphs, because a sentence, a quote or a
year wraps across lines: from the page geometry where the reader gives bounding boxes
(PDF), one paragraph per line where it gives none (DOCX), and from numbering, blank
lines and line lengths in text files. Template vocabulary is data at the top.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from etl.model import Check
from etl.normalize import NormalizedDocument, clean_department
from etl.readers.model import HIDDEN, PROSE, TEXT, WORKBOOKS, BBox, Document, Line, Page
from etl.templates import match_title, strip_entry
from etl.validate.spec import CheckSpec

# --- vocabulary (data) ------------------------------------------------------------------

# A year as printed before 年 ('2026年', '2025 年度').
_YEAR = r"(?:19|20)\d{2}"
# Full-width digits and percent signs read as ASCII (one character for one: positions stay).
_DIGITS = str.maketrans("０１２３４５６７８９．％", "0123456789.%")

# A comparison with a year: '比2026年预算', '与2025年度相比', '较2022年（上一年度，下同）预算'
# (not '参与2026年预算编制').
_COMPARE_RE = re.compile(
    r"(?<![参给赋授])(?P<word>比|较|与|同)(?P<year>" + _YEAR + r")年(?P<du>度)?(?:[（(][^）)]{0,12}[）)])?"
    r"(?P<what>[^，。；;：:\n]{0,8})"
)
# What follows the compared year when a budget compares with that year (longest first).
_COMPARED_WORDS = (
    "年初预算", "预算", "执行", "相比", "比较", "持平", "增加", "减少", "增长", "下降", "同期", "决算",
)  # fmt: skip
# In a 决算 of year Y, '比Y年年初预算' compares with the year's own budget: correct.
_FINAL_OWN_BUDGET = ("年初预算", "预算", "初")
# The prior year's execution a budget states: '2025年当年预算执行数', '2025年预算执行数'.
_EXECUTION_RE = re.compile(r"(?P<year>" + _YEAR + r")年度?(?:当年)?预算执行数")

# Sentence marks that never stand twice in a row ('。。', '，，', '。，'); '。。。' (three or
# more) is a placeholder and '……' an ellipsis, neither is doubled punctuation.
_MARKS = "，。；、：,;"
_DOUBLED_RE = re.compile(rf"(?<![{_MARKS}])[{_MARKS}]{{2}}(?![{_MARKS}])")
# Template placeholders left in the text: '。。。' and 'XX'.
_PLACEHOLDER_RE = re.compile(r"。{3,}|[XＸ×]{2,}")
_PLACEHOLDER_GAP = 10  # lines between two placeholders of one cluster

# Paired marks checked per paragraph, opening -> closing (half-width brackets count as full).
_PAIRS = {"“": "”", "‘": "’", "《": "》", "（": "）"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}
_HALF_WIDTH = str.maketrans("()", "（）")
_PAIR_NAMES = {"”": "引号", "’": "单引号", "》": "书名号", "）": "括号"}
# '1）' / 'a)' / '①)' numbering an item: a closing bracket without an opening one, by design.
_ITEM_PAREN_RE = re.compile(r"(?:^|(?<=[。；;：:，,\s]))[0-9A-Za-z一二三四五六七八九十①-⑳]{1,2}[)）]")

# Template alternatives printed literally instead of choosing one: '增加（减少）', '增长/下降'.
_DIRECTION_WORDS = ("增加", "减少", "增长", "下降", "上升", "高于", "低于", "大于", "小于", "多于", "少于")
_DIRECTION = "|".join(_DIRECTION_WORDS)
_ALTERNATIVE_RE = re.compile(
    rf"(?P<a>{_DIRECTION})(?:[（(](?P<b>{_DIRECTION})[）)]|[/／](?P<c>{_DIRECTION}))"
)

# A reason or use announced and not given: '主要原因是。', '主要原因：' or '主要用于' at the end.
_REASON_RE = re.compile(
    r"(?P<lead>主要原因(?:是|为)?[：:]|(?:主要)?原因(?:是|为)|主要用于)[：:]?(?=[。；;]|$)"
)

# Percentages printed without a % sign ('占 85.63 ；') where the 说明 states shares and changes.
_N = r"(?<![\d.,])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_BARE_PERCENT_RE = re.compile(
    r"(?P<ctx>占比?(?:[^，。；;\n\d%％]{0,14}的)?|增长|下降|增幅为?|降幅为?|完成(?:年初)?预算的)"
    + _N
    + r"(?![\d.%％])(?=[，。；;,、）)\s]|$)"
)
# Headings of parts that are not the 说明's running prose (no percentage check there) ...
_NOT_NARRATIVE_HEADINGS = ("名词解释", "项目经费", "绩效目标申报表", "绩效目标填报表", "绩效自评表")
# ... and headings that start the 说明 (or another part) again.
_NARRATIVE_HEADINGS = ("编制说明", "情况说明", "其他相关情况", "其他重要事项")
_PART_RE = re.compile(r"^第[一二三四五六七八九十]+部分")
# Words of the performance forms (自评表, 申报表) a text file carries: their cells wrap
# anywhere, so a text file's paragraph ends are not judged from a form's field to the next 说明.
_FORM_WORDS = ("一级指标", "三级指标", "预期目标", "实际完成情况", "年度总体目标", "偏差原因", "项目名称")

# The start of a numbered paragraph: '一、', '（一）', '1、', '1.', '(1)', '①', '第三条'.
_NUMBERED_RE = re.compile(
    r"^(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[、．]|\d{1,2}\.(?!\d)|[一二三四五六七八九十]{1,3}[、.．]"
    r"|第[一二三四五六七八九十]+[部条章节]|[①-⑳])"
)
# 目录 entries end in dot leaders: '四、部门预算编制说明……'.
_LEADER_RE = re.compile(r"[…]{2,}|\.{4,}|·{4,}|[-—_]{4,}")
_TOC_TITLES = ("目录", "目 录")
# Words a heading or title ends with (no 。 follows them).
_HEADING_ENDS = (
    "表", "说明", "情况", "职能", "设置", "解释", "概况", "目录", "构成", "依据", "主体", "方案", "周期",
    "安排", "目标", "概述", "部分", "预算", "决算", "附件",
)  # fmt: skip
_HEADING_MAX = 40  # characters of a heading
_SHORT_HEADING = 12  # a line this short without punctuation is a heading ('目录', '名词解释')
# Lines that are labels, not sentences: the unit, the compiling department.
# A project's period: the label, then dates ('2025年1月1日-2025年12月31日', '2023-01-01').
_PERIOD_LABELS = ("实施周期", "项目周期", "实施期限", "起止时间", "计划开始日期", "计划完成日期")
_PERIOD_YEAR_RE = re.compile("(" + _YEAR + r")\s*(?:年|[-./]\d{1,2}[-./]\d{1,2})")
_LABEL_RE = re.compile(r"^(?:单位[：:]|金额单位|编制部门|编制单位|预算主管部门|主管部门|单位名称|填报单位)")
# A field of a form or a list ('培训时间：第一季度，2.5天'): a short label and a colon.
_FIELD_RE = re.compile(r"^[^，。；,;：:]{1,8}[：:]")
# What makes a paragraph's last clause a sentence rather than a heading or a list item.
_SENTENCE_MARKERS = ("是", "为", "用于", "增加", "减少", "，")
_MIN_SENTENCE = 12  # characters of a paragraph before it is held to end with 。
_MIN_LAST_CLAUSE = 8  # characters of its last clause (after the last 。；：)
# A paragraph ending in one of these has its punctuation (or ends a list, a quote, a bracket).
_FINAL_MARKS = "。！？!?；;：:，,、…）)》”’】]"
_SENTENCE_END = ("。", "；", ";", "：", ":")

# A text file's table row printed with spaces ('30299 其他商品和服务支出 11.21': no sentence
# marks), and a score or amount alone on a line: not prose.
_TEXT_ROW_RE = re.compile(r"^\s*\d{3,}(?!\d|\s*年)\s+\S|\S\s+[-+]?\d[\d,]*(?:\.\d+)?%?\s*$")
_SENTENCE_PUNCT_RE = re.compile(r"[，。；：,;]")
_LONE_NUMBER_RE = re.compile(r"^\s*[-+]?\d[\d,]*(?:\.\d+)?%?\s*$")

# A line naming the department that compiled a table: '编制部门：上海市普陀区司法局单位：元'.
_DEPARTMENT_LINE_RE = re.compile(
    r"(?P<label>编制部门|编制单位|预算主管部门|单位名称)[：:](?P<name>.+?)(?:(?:金额)?单位[：:](?:万元|千元|元))?$"
)
_NAME_SUFFIX_RE = re.compile(r"[（(](?:汇总|本级|本部|合并|部门)[)）]$")
_CITY = "上海市"

# Page geometry, in character heights: a line is "full" when it reaches the right margin
# within _FULL_SLACK, "indented" when it starts _INDENT right of the left margin.
_FULL_SLACK = 2.5
_INDENT = 0.5
_LONG_LINE = 12  # characters of a line that tells where a page's right margin is
_OUTSIDE_SLACK = 1.0  # points a bounding box may stick out of the page (rounding)
# Text files: a file whose long lines are longer than this is not wrapped (a paragraph a
# line); with more blank lines than _DOUBLE_SPACED it double-spaces (a blank separates nothing).
_WRAPPED_MAX = 60
_TEXT_SLACK = 3
_DOUBLE_SPACED = 0.35
_QUOTE = 30  # characters quoted around a spot


def _spec(check_id: str, severity: str, title: str, description: str) -> CheckSpec:
    return CheckSpec(check_id, "consistency", severity, title, description)


SPECS: tuple[CheckSpec, ...] = (
    _spec(
        "comparison_year_wrong",
        "warning",
        "比较年度写错",
        "说明中与之比较的年度（“比某年预算”“某年当年预算执行数”）是否为上一年度，而不是文件本身的年度",
    ),
    _spec(
        "terminal_punctuation_missing", "info", "段末缺句号", "以句子结尾、下一行另起一段的段落末尾是否有句号"
    ),
    _spec("punctuation_doubled", "info", "标点重复", "正文中是否有两个句读标点连用（如“。。”“，，”“。，”）"),
    _spec(
        "quote_unbalanced", "info", "引号括号不成对", "同一段落内的引号“”‘’、书名号《》和括号（）是否成对出现"
    ),
    _spec(
        "text_outside_page",
        "warning",
        "文字超出页面",
        "文字行的位置是否落在页面范围之外（超出部分显示和打印时看不到）",
    ),
    _spec(
        "text_invisible",
        "warning",
        "文字不可见",
        "文字是否以白色、不可见方式绘制或被裁剪在可见区域之外（页面上看不到，读取时只读一次）",
    ),
    _spec("text_placeholder", "info", "模板占位符未替换", "正文中是否留有模板占位符（“。。。”“XX”）"),
    _spec("percent_sign_missing", "info", "百分数缺%号", "说明中表示占比和增减幅度的百分数是否印有 % 号"),
    _spec(
        "alternative_unchosen",
        "info",
        "模板备选词未选定",
        "正文中是否照印模板的备选写法（如“增加（减少）”），而未按实际情况保留其一",
    ),
    _spec("reason_missing", "warning", "原因或用途未写", "“主要原因是”“主要用于”之后是否写明了原因或用途"),
    _spec(
        "heading_year_mismatch",
        "warning",
        "标题年度不一致",
        "表题、章节标题和目录所印年度与文件本身的年度是否一致",
    ),
    _spec(
        "period_year_mismatch",
        "warning",
        "实施周期早于预算年度",
        "预算中项目的实施周期、计划开始和完成日期是否全部落在预算年度之前（多为照抄上年）",
    ),
    _spec(
        "department_name_mismatch",
        "warning",
        "编制部门名称不符",
        "表头“编制部门”等所印部门名称与文件的部门（或其所属单位）是否一致",
    ),
)


def checks(doc: NormalizedDocument) -> list[Check]:
    """Every text-hygiene finding of one document (none without the reader's model)."""
    if doc.source is None:
        return []
    text = _Text(doc.source)
    meta = doc.meta
    return [
        *comparison_year_checks(text, meta.year, meta.kind),
        *terminal_punctuation_checks(text),
        *doubled_punctuation_checks(text),
        *quote_checks(text),
        *outside_page_checks(text),
        *invisible_checks(text),
        *placeholder_checks(text),
        *percent_checks(text),
        *alternative_checks(text),
        *reason_checks(text),
        *heading_year_checks(text, meta.year, meta.kind),
        *department_checks(text, meta.department, meta.units),
        *period_year_checks(text, meta.year, meta.kind),
    ]


# --- the document as paragraphs -----------------------------------------------------------


@dataclass
class Paragraph:
    """Prose lines that belong together, joined without their line breaks.

    ``text`` drops whitespace (kept between two ASCII words); ``owner`` holds, for every
    character, the index of its line in ``lines``, so a finding knows where it is.
    """

    lines: list[Line]
    text: str
    owner: list[int]
    ends_short: bool  # its last line stops well short of the right margin
    next_starts: bool  # what follows starts a paragraph, a page or a table (or nothing follows)

    def line_at(self, pos: int) -> Line:
        if not self.owner:
            return self.lines[0]
        return self.lines[self.owner[max(0, min(pos, len(self.owner) - 1))]]

    def __add__(self, other: Paragraph) -> Paragraph:
        offset = len(self.lines)
        owner = self.owner + [o + offset for o in other.owner]
        return Paragraph(
            self.lines + other.lines, self.text + other.text, owner, other.ends_short, other.next_starts
        )


@dataclass(frozen=True)
class _Geometry:
    """A page's prose block: left and right margin, a typical character height (points)."""

    left: float
    right: float
    height: float

    def full(self, box: BBox) -> bool:
        return box[2] >= self.right - _FULL_SLACK * self.height

    def indented(self, box: BBox) -> bool:
        return box[0] > self.left + _INDENT * self.height

    def centered(self, box: BBox) -> bool:
        gap_left, gap_right = box[0] - self.left, self.right - box[2]
        width = self.right - self.left
        return min(gap_left, gap_right) > 2 * self.height and abs(gap_left - gap_right) < 0.15 * width


class _Text:
    """The document's prose, read once: its prose lines, paragraphs and pages."""

    def __init__(self, source: Document) -> None:
        self.source = source
        self.pages: dict[int, Page] = {p.number: p for p in source.pages}
        self.is_text = source.file_type == TEXT
        self.lines = [ln for ln in source.lines if _is_prose(ln, self.is_text)]
        self.toc_pages = {
            ln.page for ln in self.lines if ln.bbox is not None and _squash(ln.text) in _TOC_TITLES
        }
        self.paragraphs = list(_text_paragraphs(self) if self.is_text else _page_paragraphs(self))

    def where(self, line: Line) -> str:
        """Where an official finds a line: 第N页 (a sheet by name, a text file's line)."""
        if self.source.file_type in WORKBOOKS:
            page = self.pages.get(line.page)
            return f"工作表“{page.name}”" if page and page.name else f"第{line.page}个工作表"
        if self.is_text:
            return f"第{line.number}行" if len(self.pages) <= 1 else f"第{line.page}页第{line.number}行"
        return f"第{line.page}页"

    def places(self, lines: Iterable[Line]) -> str:
        """Where several findings are: '第8页', '第14–22页', '第18–42行'."""
        lines = list(lines)
        if self.is_text:
            first, last = lines[0].number, lines[-1].number
            return f"第{first}行" if first == last else f"第{first}–{last}行"
        return "第" + _ranges(sorted({ln.page for ln in lines})) + "页"

    def is_toc(self, line: Line) -> bool:
        return bool(_LEADER_RE.search(line.text)) or line.page in self.toc_pages

    def in_toc(self, para: Paragraph) -> bool:
        return any(self.is_toc(ln) for ln in para.lines)


def _ranges(numbers: list[int]) -> str:
    """[8] -> '8'; [14, 15, 16, 20] -> '14–16、20'."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return "、".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def _is_prose(line: Line, is_text: bool) -> bool:
    """A prose line; in a text file a tab-separated or space-aligned line is a table row."""
    if line.kind != PROSE:
        return False
    if not is_text:
        return True
    if "\t" in line.text or _LONE_NUMBER_RE.match(line.text):
        return False
    return not (_TEXT_ROW_RE.search(line.text) and not _SENTENCE_PUNCT_RE.search(line.text))


def _squash(text: str) -> str:
    return "".join(text.split())


def _joined(lines: list[Line]) -> tuple[str, list[int]]:
    """Lines joined into one text (whitespace dropped except between two ASCII words)."""
    parts: list[str] = []
    owner: list[int] = []
    for i, line in enumerate(lines):
        piece = re.sub(r"\s+", _space_or_nothing, line.text.translate(_DIGITS).strip())
        parts.append(piece)
        owner += [i] * len(piece)
    return "".join(parts), owner


def _space_or_nothing(m: re.Match[str]) -> str:
    s = m.string
    before = s[m.start() - 1] if m.start() > 0 else ""
    after = s[m.end()] if m.end() < len(s) else ""
    return " " if before.isascii() and before.isalnum() and after.isascii() and after.isalnum() else ""


def _numbered(text: str) -> bool:
    return bool(_NUMBERED_RE.match(text.strip()))


def _heading_like(text: str, short: bool = True) -> bool:
    """A line without sentence punctuation that is numbered, ends as titles do, or is short."""
    s = _squash(strip_entry(text))
    if not s or len(s) > _HEADING_MAX or re.search(r"[，。；,;]", s.rstrip("。")):
        return False
    if _numbered(text) or s.endswith(_HEADING_ENDS):
        return True
    return short and len(s) <= _SHORT_HEADING and not s.endswith("。")


def _ends_sentence(line: Line) -> bool:
    return line.text.rstrip().endswith(_SENTENCE_END)


def _page_paragraphs(text: _Text) -> Iterator[Paragraph]:
    """An original's paragraphs: from the page geometry, or a paragraph per line without it.

    A line ends its paragraph when the next starts indented or numbered after a line that
    stops short (or ends a sentence), when a heading, a table or a new page intervenes.
    """
    geometry = _geometries(text.lines, text.pages)
    current: list[Line] = []
    for line in text.lines:
        if not line.text.strip():
            continue
        if current and _breaks(current[-1], line, geometry, text.source.lines):
            yield _page_paragraph(current, line, geometry, text.source.lines)
            current = []
        current.append(line)
    if current:
        yield _page_paragraph(current, None, geometry, text.source.lines)


def _geometries(lines: list[Line], pages: dict[int, Page]) -> dict[int, _Geometry]:
    """Each page's margins, from its prose lines and the document's pages of its size.

    The left margin is where continuation lines start (the leftmost line), the right one
    where the longest lines stop; a page with few long lines (one-line paragraphs) takes
    the document's margins for pages of its width.
    """
    boxes: dict[int, list[tuple[BBox, str]]] = {}
    for ln in lines:
        s = _squash(ln.text)
        if ln.bbox is not None and s and not _LEADER_RE.search(s) and not _LABEL_RE.match(s):
            boxes.setdefault(ln.page, []).append((ln.bbox, s))
    rights: dict[int, float] = {}
    for page, items in boxes.items():
        long = [box[2] for box, s in items if len(s) >= _LONG_LINE]
        if len(long) >= 3:
            rights[page] = max(long)

    def size(page: int) -> float:
        return round(pages[page].width or 0) if page in pages else 0

    by_size: dict[float, list[int]] = {}
    for page in rights:
        by_size.setdefault(size(page), []).append(page)
    out: dict[int, _Geometry] = {}
    for page, items in boxes.items():
        height = statistics.median(max(6.0, box[3] - box[1]) for box, _ in items)
        same = by_size.get(size(page), [])
        left = min(box[0] for box, _ in items)
        right = max(box[2] for box, _ in items)
        if same:
            right = max(rights.get(page, 0.0), statistics.median(rights[p] for p in same))
            if page not in rights:  # a page of indented first lines only
                left = min(left, statistics.median(min(b[0] for b, _ in boxes[p]) for p in same))
        out[page] = _Geometry(left, right, height)
    return out


def _rows_between(source_lines: list[Line], a: Line, b: Line) -> bool:
    """True when a table row stands between two prose lines."""
    return any(ln.kind != PROSE and ln.text.strip() for ln in source_lines[a.number : b.number - 1])


def _breaks(a: Line, b: Line, geometry: dict[int, _Geometry], source_lines: list[Line]) -> bool:
    """Whether line b starts a new paragraph after line a."""
    ga, gb = geometry.get(a.page), geometry.get(b.page)
    if a.bbox is None or b.bbox is None or ga is None or gb is None:
        return True  # no geometry (DOCX): the reader gives a paragraph a line
    if _rows_between(source_lines, a, b):
        return True
    full_a = ga.full(a.bbox)
    if _heading_like(a.text) or (not full_a and ga.centered(a.bbox)):
        return True  # a heading is never longer than a line
    if (gb.centered(b.bbox) and not gb.full(b.bbox)) or gb.indented(b.bbox):
        return True
    if _numbered(b.text) and (not full_a or _ends_sentence(a)):
        return True
    return b.page != a.page and not full_a


def _page_paragraph(
    lines: list[Line], nxt: Line | None, geometry: dict[int, _Geometry], source_lines: list[Line]
) -> Paragraph:
    text, owner = _joined(lines)
    last = lines[-1]
    g = geometry.get(last.page)
    if last.bbox is None or g is None:
        return Paragraph(lines, text, owner, True, True)
    starts = True
    if nxt is not None and nxt.page == last.page and nxt.bbox is not None:
        gn = geometry.get(nxt.page)
        starts = (
            _rows_between(source_lines, last, nxt)
            or _numbered(nxt.text)
            or (gn is not None and (gn.indented(nxt.bbox) or gn.centered(nxt.bbox)))
        )
    return Paragraph(lines, text, owner, not g.full(last.bbox), starts)


def _text_paragraphs(text: _Text) -> Iterator[Paragraph]:
    """A text file's paragraphs: a paragraph per line when lines are not wrapped; else cut at
    numbering after a short line, at headings, tables and pages, and at blank lines unless
    every line is followed by one."""
    prose = [ln for ln in text.lines if ln.text.strip()]
    if not prose:
        return
    lengths = sorted(len(_squash(ln.text)) for ln in prose if len(_squash(ln.text)) >= 8) or [0]
    width = lengths[int(0.9 * (len(lengths) - 1))]
    wrapped = width <= _WRAPPED_MAX
    blank_separates = 1 - len(prose) / max(1, len(text.lines)) <= _DOUBLE_SPACED

    def full(ln: Line) -> bool:
        return wrapped and len(_squash(ln.text)) >= width - _TEXT_SLACK

    current: list[Line] = []
    blank_before = False
    for line in text.source.lines:
        if not _is_prose(line, True):
            if current:
                yield _text_paragraph(current)
            current, blank_before = [], False
            continue
        if not line.text.strip():
            blank_before = True
            continue
        if current and _text_breaks(current[-1], line, wrapped, blank_before and blank_separates, full):
            yield _text_paragraph(current)
            current = []
        current.append(line)
        blank_before = False
    if current:
        yield _text_paragraph(current)


def _text_breaks(a: Line, b: Line, wrapped: bool, blank: bool, full: Callable[[Line], bool]) -> bool:
    if not wrapped or blank or b.page != a.page:
        return True
    if _numbered(b.text) and (not full(a) or _heading_like(b.text) or _ends_sentence(a)):
        return True
    return not full(a) and _heading_like(a.text)


def _text_paragraph(lines: list[Line]) -> Paragraph:
    """A text file's paragraph ends only where numbering, a blank line or a table says so."""
    text, owner = _joined(lines)
    return Paragraph(lines, text, owner, True, True)


def _quote(text: str, start: int, end: int | None = None) -> str:
    """At most _QUOTE characters of text around [start, end), with … where cut."""
    end = start + 1 if end is None else end
    room = max(0, _QUOTE - (end - start))
    lo = max(0, start - room // 2)
    hi = min(len(text), end + room - (start - lo))
    lo = max(0, min(lo, hi - _QUOTE))
    return ("…" if lo > 0 else "") + text[lo:hi] + ("…" if hi < len(text) else "")


def _check(
    check_id: str, severity: str, message: str, line: Line, figure: str | None, compared: str | None = None
) -> Check:
    return Check(
        check_id, severity, message, source_line=line.number, page=line.page, figure=figure, compared=compared
    )


# --- 1. comparison with the document's own year -----------------------------------------------


def comparison_year_checks(text: _Text, year: int | None, kind: str | None) -> list[Check]:
    """A budget of year Y compares with Y-1 ('比2025年预算'), never with Y itself, and its
    prior execution is Y-1's ('2025年当年预算执行数'); a 决算 of Y compares with Y-1 too.
    One check per kind of mistake, counting every place."""
    if year is None or kind not in ("budget", "final_accounts"):
        return []
    own: list[tuple[Paragraph, int, int]] = []
    execution: list[tuple[Paragraph, int, int]] = []
    for para in text.paragraphs:
        if text.in_toc(para):
            continue
        taken: set[int] = set()
        if kind == "budget":
            for m in _EXECUTION_RE.finditer(para.text):
                if int(m.group("year")) == year:
                    execution.append((para, m.start(), m.end()))
                    taken.add(m.start("year"))
        for m in _COMPARE_RE.finditer(para.text):
            if int(m.group("year")) != year or m.start("year") in taken:
                continue
            what = m.group("what")
            word = next((w for w in _COMPARED_WORDS if what.startswith(w)), None)
            if kind == "budget" and word is None:
                continue
            if kind == "final_accounts" and what.startswith(_FINAL_OWN_BUDGET):
                continue
            own.append((para, m.start(), m.start("what") + len(word or "")))
    out: list[Check] = []
    what_doc = "预算" if kind == "budget" else "决算"
    compared = f"{what_doc}年度 {year}年"
    if own:
        para, start, end = own[0]
        printed = para.text[start:end]
        lines = [p.line_at(s) for p, s, _ in own]
        fixed = printed.replace(str(year), str(year - 1), 1)
        out.append(
            _check(
                "comparison_year_wrong",
                "warning",
                f"{text.places(lines)}有 {len(own)} 处与本年（{year}年）自身比较，如“{_quote(para.text, start, end)}”；"
                f"{year}年{what_doc}应与上年（{year - 1}年）比较，应为“{fixed}”",
                lines[0],
                printed,
                compared,
            )
        )
    if execution:
        para, start, end = execution[0]
        printed = para.text[start:end]
        lines = [p.line_at(s) for p, s, _ in execution]
        out.append(
            _check(
                "comparison_year_wrong",
                "warning",
                f"{text.places(lines)}有 {len(execution)} 处“{printed}”，如“{_quote(para.text, start, end)}”；"
                f"{year}年预算所列的上年执行数应为{year - 1}年的",
                lines[0],
                printed,
                compared,
            )
        )
    return out


# --- 2. a paragraph ending without 。 -------------------------------------------------------


def terminal_punctuation_checks(text: _Text) -> list[Check]:
    """A sentence paragraph whose next line starts anew must end with 。."""
    out: list[Check] = []
    for para in _outside_forms(text):
        if not (para.ends_short and para.next_starts) or text.in_toc(para):
            continue
        s = para.text.rstrip()
        if not _is_unfinished_sentence(s) or _LABEL_RE.match(_squash(para.lines[0].text)):
            continue
        last = para.lines[-1]
        out.append(
            _check(
                "terminal_punctuation_missing",
                "info",
                f"{text.where(last)}段落“{_quote(s, len(s) - 1)}”末尾缺少句号（下一行已另起一段）",
                last,
                s[-_QUOTE:],
            )
        )
    return out


def _is_unfinished_sentence(s: str) -> bool:
    """A sentence (not a heading, title, field or list item) that ends in a word or a figure."""
    if (
        not s
        or s[-1] in _FINAL_MARKS
        or not (s[-1].isdigit() or s[-1] in "%％" or "\u4e00" <= s[-1] <= "\u9fff")
    ):
        return False
    if "，" not in s and (_heading_like(s) or s.endswith(_HEADING_ENDS)):
        return False
    if _FIELD_RE.match(s) and "。" not in s:
        return False  # a form's or a list's field: '培训时间：第一季度，2.5天'
    clause = re.split(r"[。！？；;：:]", s)[-1]
    if len(s) < _MIN_SENTENCE or len(clause) < _MIN_LAST_CLAUSE or _numbered(clause):
        return False
    return any(m in clause for m in _SENTENCE_MARKERS)


def _outside_forms(text: _Text) -> Iterator[Paragraph]:
    """A text file's paragraphs outside its performance forms (whose cells wrap anywhere).

    A form runs from a paragraph naming its fields (一级指标, 预期目标 …) to the next 说明
    heading; an original's forms are tables, so all its paragraphs are kept.
    """
    if not text.is_text:
        yield from text.paragraphs
        return
    in_form = False
    for para in text.paragraphs:
        head = _squash(para.text)
        if any(w in head for w in _FORM_WORDS):
            in_form = True
        elif _is_part_heading(para, _NARRATIVE_HEADINGS + ("名词解释",)):
            in_form = False
        if not in_form:
            yield para


def _is_part_heading(para: Paragraph, words: tuple[str, ...]) -> bool:
    head = _squash(para.text)
    return _heading_like(para.text) and (any(w in head for w in words) or bool(_PART_RE.match(head)))


# --- 3. doubled punctuation -----------------------------------------------------------------


def doubled_punctuation_checks(text: _Text) -> list[Check]:
    """Two sentence marks in a row ('。。', '，，', '。，'), one check for each."""
    out: list[Check] = []
    for para in text.paragraphs:
        if text.in_toc(para):
            continue
        for m in _DOUBLED_RE.finditer(para.text):
            line = para.line_at(m.start())
            out.append(
                _check(
                    "punctuation_doubled",
                    "info",
                    f"{text.where(line)}“{_quote(para.text, m.start(), m.end())}”中标点“{m.group(0)}”连用，应只保留一个",
                    line,
                    m.group(0),
                )
            )
    return out


# --- 4. quotes and brackets without a partner -----------------------------------------------


def quote_checks(text: _Text) -> list[Check]:
    """Every “ ‘ 《 （ of a paragraph is closed in it, and nothing is closed that was not opened.

    A mark opened at the end of one paragraph and closed at the start of the next is one
    paragraph cut in two (a wrapped cell, a page break), not a misprint.
    """
    out: list[Check] = []
    paras = [p for p in text.paragraphs if not text.in_toc(p)]
    i = 0
    while i < len(paras):
        para = paras[i]
        spot = _unbalanced(para.text)
        while spot is not None and spot[2] == "open" and i + 1 < len(paras):
            after = _unbalanced(paras[i + 1].text)
            if after is None or after[2] != "close":
                break
            i += 1
            para = para + paras[i]
            spot = _unbalanced(para.text)
        i += 1
        if spot is None:
            continue
        pos, mark, kind = spot
        closing = _PAIRS.get(mark.translate(_HALF_WIDTH), mark)
        opening = _CLOSERS.get(closing, mark)
        name = _PAIR_NAMES[closing]
        if kind == "close":
            problem = f"右{name} {mark} 没有对应的左{name} {opening}"
        else:
            problem = f"左{name} {mark} 在段内没有对应的右{name} {closing}"
        line = para.line_at(pos)
        shown = _quote(para.text, pos)
        # The spot is quoted in 「」: it holds the very quote marks at fault.
        out.append(
            _check("quote_unbalanced", "info", f"{text.where(line)}「{shown}」中的{problem}", line, shown)
        )
    return out


def _unbalanced(text: str) -> tuple[int, str, str] | None:
    """The first mark without a partner: (position, mark, 'open' | 'close'), or None."""
    s = text.translate(_HALF_WIDTH)
    items = {m.end() - 1 for m in _ITEM_PAREN_RE.finditer(s)}
    stacks: dict[str, list[int]] = {o: [] for o in _PAIRS}
    for i, c in enumerate(s):
        if c in _PAIRS:
            stacks[c].append(i)
        elif c in _CLOSERS:
            if stacks[_CLOSERS[c]]:
                stacks[_CLOSERS[c]].pop()
            elif i not in items:
                return i, text[i], "close"
    opened = [st[0] for st in stacks.values() if st]
    return (min(opened), text[min(opened)], "open") if opened else None


# --- 5. text placed outside the page ----------------------------------------------------------


def outside_page_checks(text: _Text) -> list[Check]:
    """Prose lines whose box lies (partly) outside the page are not displayed: one check a page.

    A hidden copy of a line shown elsewhere (HIDDEN: not read) counts too: the page still
    prints it where no one sees it.
    """
    by_page: dict[int, list[Line]] = {}
    copies = [ln for ln in text.source.lines if ln.kind == HIDDEN]
    for line in sorted([*text.lines, *copies], key=lambda ln: ln.number):
        page = text.pages.get(line.page)
        if line.bbox is None or page is None or not page.width or not page.height or not line.text.strip():
            continue
        if _side_outside(line.bbox, page) is not None:
            by_page.setdefault(line.page, []).append(line)
    out: list[Check] = []
    for number, lines in by_page.items():
        page = text.pages[number]
        first = lines[0]
        assert first.bbox is not None
        shown = _quote(first.text.strip(), 0)
        out.append(
            _check(
                "text_outside_page",
                "warning",
                f"第{number}页有 {len(lines)} 行文字排在页面{_side_outside(first.bbox, page)}（如“{shown}”），"
                "显示和打印时看不到，请调整版面",
                first,
                shown,
                f"页面范围 {page.width:g}×{page.height:g} 点",
            )
        )
    return out


# Why the page does not show a line (etl.readers.pdf_ink), in the official's words.
_UNSEEN = {"white": "以白色绘制", "invisible": "设为不可见", "clipped": "被裁剪在可见区域之外"}


def invisible_checks(text: _Text) -> list[Check]:
    """Prose drawn white or invisible, or clipped away with no copy shown elsewhere: one check a page.

    A clipped copy of a line the next page shows is the page break of a long block, said by
    ``text_outside_page`` where the block runs off the page.
    """
    by_page: dict[int, list[Line]] = {}
    for number, why in sorted(text.source.hidden.items()):
        line = text.source.line(number)
        if line is None or why not in _UNSEEN or (why == "clipped" and line.kind == HIDDEN):
            continue
        by_page.setdefault(line.page, []).append(line)
    out: list[Check] = []
    for number, lines in by_page.items():
        first = lines[0]
        whys = "、".join(dict.fromkeys(_UNSEEN[text.source.hidden[ln.number]] for ln in lines))
        read = [ln for ln in lines if ln.kind == PROSE]
        said = (
            "，页面上看不到，已按原文读入，请核对是否应显示或删除"
            if read
            else "，页面上看不到；同样的文字本页或相邻页已显示，只读入一次"
        )
        shown = _quote(first.text.strip(), 0)
        out.append(
            _check(
                "text_invisible",
                "warning",
                f"第{number}页有 {len(lines)} 行文字{whys}（如“{shown}”）{said}",
                first,
                shown,
            )
        )
    return out


def _side_outside(box: BBox, page: Page) -> str | None:
    """Where a box sticks out of the page ((x0, top, x1, bottom) from the top-left), or None."""
    assert page.width is not None and page.height is not None
    x0, top, x1, bottom = box
    if top < -_OUTSIDE_SLACK:
        return "上边缘以上"
    if bottom > page.height + _OUTSIDE_SLACK:
        return "下边缘以下"
    if x0 < -_OUTSIDE_SLACK:
        return "左边缘以外"
    if x1 > page.width + _OUTSIDE_SLACK:
        return "右边缘以外"
    return None


# --- 6. placeholders and bare percentages (moved from the narrative parser) -----------------


def placeholder_checks(text: _Text) -> list[Check]:
    """Template placeholders left in the text ('。。。', 'XX'), one check per cluster of lines.

    A text file is read whole (its tables are text too), an original by its prose lines.
    """
    lines = text.source.lines if text.is_text else text.lines
    hits = [(ln, m.group(0)) for ln in lines for m in _PLACEHOLDER_RE.finditer(ln.text)]
    clusters: list[list[tuple[Line, str]]] = []
    for hit in hits:
        if clusters and hit[0].number - clusters[-1][-1][0].number <= _PLACEHOLDER_GAP:
            clusters[-1].append(hit)
        else:
            clusters.append([hit])
    out: list[Check] = []
    for group in clusters:
        tokens = "、".join(dict.fromkeys(f"“{t}”" for _, t in group))
        out.append(
            _check(
                "text_placeholder",
                "info",
                f"{text.places(ln for ln, _ in group)}有 {len(group)} 处未替换的模板占位符{tokens}，不作为内容读取",
                group[0][0],
                group[0][1],
            )
        )
    return out


def percent_checks(text: _Text) -> list[Check]:
    """Percentages printed without a % sign ('占 85.63 ；'): one check for the document."""
    hits: list[tuple[Line, str]] = []
    for para in _narrative_paragraphs(text):
        hits += [(para.line_at(m.start()), m.group(0)) for m in _BARE_PERCENT_RE.finditer(para.text)]
    if not hits:
        return []
    hits.sort(key=lambda h: h[0].number)
    examples = list(dict.fromkeys(f"“{t}”" for _, t in hits))
    shown = "、".join(examples[:4]) + ("等" if len(examples) > 4 else "")
    return [
        _check(
            "percent_sign_missing",
            "info",
            f"说明{text.places(ln for ln, _ in hits)}有 {len(hits)} 处百分数未印 % 号（如{shown}），这些数应按百分比理解",
            hits[0][0],
            hits[0][1],
        )
    ]


def _narrative_paragraphs(text: _Text) -> Iterator[Paragraph]:
    """Paragraphs of the 说明's running prose: not the 目录, 名词解释 or 项目经费情况说明."""
    skipping = False
    for para in text.paragraphs:
        head = _squash(para.text)
        if len(head) <= _HEADING_MAX and not re.search(r"[，。；]", head):
            if any(w in head for w in _NOT_NARRATIVE_HEADINGS):
                skipping = True
            elif any(w in head for w in _NARRATIVE_HEADINGS) or _PART_RE.match(head):
                skipping = False
        if not skipping and not text.in_toc(para):
            yield para


# --- 7. template alternatives ------------------------------------------------------------------


def alternative_checks(text: _Text) -> list[Check]:
    """'增加（减少）' printed as the template has it: one check for the document."""
    hits = [
        (para, m)
        for para in text.paragraphs
        for m in _ALTERNATIVE_RE.finditer(para.text)
        if (m.group("b") or m.group("c")) != m.group("a")
    ]
    if not hits:
        return []
    para, m = hits[0]
    lines = [p.line_at(x.start()) for p, x in hits]
    words = "、".join(dict.fromkeys(f"“{x.group(0)}”" for _, x in hits))
    return [
        _check(
            "alternative_unchosen",
            "info",
            f"{text.places(lines)}有 {len(hits)} 处照印了模板的备选写法{words}"
            f"（如“{_quote(para.text, m.start(), m.end())}”），应按实际情况保留其一",
            lines[0],
            m.group(0),
        )
    ]


# --- 8. a reason announced and not given ---------------------------------------------------------


def reason_checks(text: _Text) -> list[Check]:
    """'主要原因是' / '主要用于' followed by 。 or by the paragraph's end, one check for each.

    '主要原因是：' may introduce a list: reasons in the numbered paragraphs after it are given.
    """
    out: list[Check] = []
    paras = text.paragraphs
    for n, para in enumerate(paras):
        s = para.text.rstrip()
        nxt = paras[n + 1] if n + 1 < len(paras) else None
        for m in _REASON_RE.finditer(s):
            if m.end() == len(s):
                if not para.next_starts:
                    continue  # the text may go on after a cut we are not sure of
                if s[-1] in "：:" and nxt is not None and _numbered(nxt.text) and not _heading_like(nxt.text):
                    continue  # the reasons follow as a numbered list
            line = para.line_at(m.start())
            out.append(
                _check(
                    "reason_missing",
                    "warning",
                    f"{text.where(line)}“{_quote(s, m.start(), m.end())}”中“{m.group('lead').rstrip('：:')}”之后没有写明内容",
                    line,
                    m.group(0),
                )
            )
    return out


# --- 9. a title or heading printing another year ----------------------------------------------


def heading_year_checks(text: _Text, year: int | None, kind: str | None) -> list[Check]:
    """Table titles, section headings and 目录 entries print the document's own year."""
    if year is None or kind not in ("budget", "final_accounts"):
        return []
    what_doc = "预算" if kind == "budget" else "决算"
    out: list[Check] = []
    for line in _title_lines(text):
        entry = strip_entry(line.text)
        m = re.search("(" + _YEAR + r")\s*年(?!\s*\d{1,2}\s*月)", entry.translate(_DIGITS))
        if m is None or int(m.group(1)) == year:
            continue  # a date ('报送日期：2025年3月') is no heading's year: etl/validate/identity.py reads it
        shown = _squash(entry)[:_QUOTE]
        what = "目录" if text.is_toc(line) else "标题"
        out.append(
            _check(
                "heading_year_mismatch",
                "warning",
                f"{text.where(line)}{what}“{shown}”印的是{m.group(1)}年，与本文件的{what_doc}年度{year}年不一致",
                line,
                shown,
                f"{what_doc}年度 {year}年",
            )
        )
    return out


def _title_lines(text: _Text) -> Iterator[Line]:
    """Title lines: just above a table grid, named by the template, 目录 entries, headings."""
    above: set[int] = set()
    for table in text.source.tables:
        above.update(range(max(1, table.first_line - 3), table.first_line))
    for line in text.lines:
        s = _squash(strip_entry(line.text))
        if not s or len(s) > 2 * _HEADING_MAX or re.search(r"[，。；,;]", s) or _LABEL_RE.match(s):
            continue
        if (
            line.number in above
            or text.is_toc(line)
            or match_title(line.text) is not None
            or _heading_like(line.text, short=False)
        ):
            yield line


# --- 10. the department a table header names ------------------------------------------------


def department_checks(text: _Text, department: str | None, units: list[str]) -> list[Check]:
    """'编制部门：…' names the document's department or one of its units."""
    if not department:
        return []
    known = {_name_key(department)} | {_name_key(u) for u in units}
    out: list[Check] = []
    for i, line in enumerate(text.lines):
        m = _DEPARTMENT_LINE_RE.search(_squash(line.text))
        if m is None:
            continue
        name = m.group("name")
        if _same_department(_name_key(name), known):
            continue
        nxt = text.lines[i + 1] if i + 1 < len(text.lines) else None
        if (
            nxt is not None
            and nxt.page == line.page
            and _same_department(_name_key(name + _squash(nxt.text)), known)
        ):
            continue  # the name goes on in the next line ('…城市管理行政执' / '法局')
        out.append(
            _check(
                "department_name_mismatch",
                "warning",
                f"{text.where(line)}“{m.group('label')}：{name}”与本文件的部门“{department}”不一致",
                line,
                name,
                department,
            )
        )
    return out


def _name_key(name: str) -> str:
    s = (clean_department(name) or "").replace("(", "（").replace(")", "）")
    return _NAME_SUFFIX_RE.sub("", s)


def _same_department(name: str, known: set[str]) -> bool:
    """The department or a unit, a part of it ('…司法局（本部）'), or it without '上海市'."""
    return any(k and (name.startswith(k) or (k.startswith(_CITY) and name == k[len(_CITY) :])) for k in known)


# --- 11. a project's period before the budget year ---------------------------------------------


def period_year_checks(text: _Text, year: int | None, kind: str | None) -> list[Check]:
    """A budget of year Y plans projects in Y: a period wholly before Y is last year's text.

    The dates stand on the label's line (a form's row) or, under a heading such as
    '五、实施周期', on the next line.
    """
    if year is None or kind != "budget":
        return []
    lines = text.source.lines
    out: list[Check] = []
    for i, line in enumerate(lines):
        s = _squash(line.text)
        if not any(label in s for label in _PERIOD_LABELS):
            continue
        own = [int(y) for y in _PERIOD_YEAR_RE.findall(s.translate(_DIGITS))]
        at = line
        if not own and i + 1 < len(lines) and _heading_like(line.text):
            at = lines[i + 1]
            own = [int(y) for y in _PERIOD_YEAR_RE.findall(_squash(at.text).translate(_DIGITS))]
        if not own or max(own) >= year:
            continue
        shown = _squash(at.text)[:_QUOTE]
        out.append(
            _check(
                "period_year_mismatch",
                "warning",
                f"{text.where(at)}项目实施周期“{shown}”全部在{max(own)}年及以前，早于本预算年度{year}年，请核对是否照抄了上年内容",
                at,
                shown,
                f"预算年度 {year}年",
            )
        )
    return out
