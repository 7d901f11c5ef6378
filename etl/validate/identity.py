"""Whose document it is and when it was compiled: what its headings and dates say.

Two findings an auditor makes before reading a figure (shared/VALIDATION.md, family 1):

* a heading still naming the template's stand-in instead of the department (the cover,
  a part heading or a table title printing 上海市XX局, ××区, XX单位 …);
* a date that cannot be for the document's year: a 决算 of year Y is compiled (报送,
  编制) in Y+1 and states its assets at the end of Y ('截至Y年12月31日，…共有车辆…'); a
  预算 of year Y is compiled in Y-1 or early in Y and states its assets in Y-1; a
  self-evaluation of Y is made in Y+1, a target declaration in Y-1 or Y. The allowed
  years are data (etl/templates/identity.toml).

Both read the reader's model (``doc.source``): prose lines, and grid cells beside their
label. Running text is not searched for placeholders (text_hygiene reports those as
info); only headings, where a stand-in is the document's name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from etl.model import Check
from etl.normalize import NormalizedDocument
from etl.parsers.cover import COVER_PAGES, COVER_TEXTS, identity_vocabulary
from etl.readers.model import PROSE, WORKBOOKS, Document, Line
from etl.templates import KIND_LABELS, match_title, normalise
from etl.validate.spec import CheckSpec

PLACEHOLDER = "department_name_placeholder"
DATE_YEAR = "report_date_year_wrong"

SPECS: tuple[CheckSpec, ...] = (
    CheckSpec(
        PLACEHOLDER,
        "consistency",
        "warning",
        "部门名称为模板占位符",
        "封面、部分标题、表题和“编制单位/主管部门”等处所印的部门或单位名称是否仍是模板占位符"
        "（如“上海市XX局”“××区”“XX单位”），而不是实际名称",
    ),
    CheckSpec(
        DATE_YEAR,
        "consistency",
        "warning",
        "编报日期年度不符",
        "封面或末页的报送、编制日期，表单的填报、自评时间，以及说明中“截至某日”的资产日期，"
        "其年度是否可能属于本文件：决算在次年编报、资产截至本年末；预算在上年或当年编报、资产截至上年",
    ),
)

_HEADING_MAX = 50  # characters of a heading (a longer line is running text)
_SENTENCE = re.compile(r"[，。；,;！？]")
_PART = re.compile(r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|\d+[.．、]\s*)")
_CN_DIGITS = str.maketrans("〇○零一二三四五六七八九", "00012345678" + "9")
_DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2}|[二][〇○零一二三四五六七八九]{3})\s*年\s*(?P<m>[0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*月"
    r"(?:\s*(?:[0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*日)?"
    r"|(?P<y2>(?:19|20)\d{2})[-./](?P<m2>\d{1,2})[-./]\d{1,2}"
)
_AS_OF_WINDOW = 60  # characters after an as-of date in which its subject (车辆, 房屋 …) stands
_QUOTE = 30
_NAME_GAP = 6  # characters between two stand-ins of one name ('XX区' 'XX局')


def checks(doc: NormalizedDocument) -> list[Check]:
    if doc.source is None:
        return []
    return placeholder_checks(doc.source) + date_checks(doc.source, doc.meta.kind, doc.meta.year)


# --- where a heading or a labelled value stands ---------------------------------------------------


@dataclass(frozen=True)
class _Spot:
    """A text to read and where it stands: a prose line, or a grid cell (its place)."""

    line: Line
    text: str
    cell: str | None = None


def _where(source: Document, spot: _Spot) -> str:
    if source.file_type in WORKBOOKS:
        page = source.pages[spot.line.page - 1] if spot.line.page <= len(source.pages) else None
        sheet = f"工作表“{page.name}”" if page is not None and page.name else f"第{spot.line.page}个工作表"
        return sheet + (spot.cell or "")
    if source.is_text:
        return f"第{spot.line.number}行"
    return f"第{spot.line.page}页" + (f"（{spot.cell}）" if spot.cell else "")


def _labelled_cells(source: Document, labels: tuple[str, ...]) -> Iterator[tuple[_Spot, str]]:
    """(value, label) of each label cell: the cell to its right ('主管部门 | 上海市XX局'), or its own text."""
    for table in source.tables:
        for r, row in enumerate(table.rows):
            origins = [(c, x) for c, x in enumerate(row) if x.is_origin and x.text.strip()]
            for k, (c, cell) in enumerate(origins):
                s = normalise(cell.text)
                label = next((w for w in labels if s.startswith(w)), None)
                if label is None:
                    continue
                value = s[len(label) :].lstrip("：:")
                line = source.line(table.cell_line(r, c))
                if line is None:
                    continue
                if value:
                    yield _Spot(line, value, table.place(r, c)), label
                elif k + 1 < len(origins):
                    c2, nxt = origins[k + 1]
                    yield _Spot(line, nxt.text, table.place(r, c2)), label


def _cover_lines(source: Document) -> list[Line]:
    lines = [ln for ln in source.lines if ln.kind == PROSE and ln.text.strip() and ln.page <= COVER_PAGES]
    return lines[:COVER_TEXTS]


# --- (a) a placeholder name in a heading ----------------------------------------------------------


def _headings(source: Document) -> Iterator[_Spot]:
    """Cover lines, part headings, table titles and label lines; the values of label cells."""
    voc = identity_vocabulary()
    labels = tuple(voc.labels)
    cover = {ln.number for ln in _cover_lines(source)}
    for ln in source.lines:
        if ln.kind != PROSE:
            continue
        s = normalise(ln.text)
        if not s or len(s) > _HEADING_MAX:
            continue
        label = s.startswith(labels)
        if _SENTENCE.search(s) and not label:
            continue
        if ln.number in cover or label or _PART.match(s) or match_title(ln.text) is not None:
            yield _Spot(ln, ln.text)
    yield from (spot for spot, _ in _labelled_cells(source, labels))


def _placeholder_name(text: str) -> str | None:
    """'第二部分上海市XX局2024年度部门决算表' -> '上海市XX局'; None when the heading names no stand-in."""
    voc = identity_vocabulary()
    s = normalise(text)
    s = _PART.sub("", s)
    for label in voc.labels:
        if s.startswith(label):
            s = s[len(label) :].lstrip("：:")
            break
    found = list(voc.placeholder.finditer(s))
    if not found:
        return None
    m = found[0]
    start, end = m.start(), m.end()
    for later in found[1:]:  # '上海市XX区XX局': one name of several stand-ins
        if later.start() - end <= _NAME_GAP and re.fullmatch(r"[\u4e00-\u9fff]*", s[end : later.start()]):
            end = later.end()
    # The place printed before the stand-in belongs to the name ('上海市', '××省').
    place = re.search(r"(?:[\u4e00-\u9fff]{1,6}?[省市区县])+$", s[:start])
    if place is not None and place.start() == 0:
        start = 0
    return s[start:end]


def _quoted(text: str, name: str) -> str:
    """The heading in quotes, unless it is the name alone."""
    s = normalise(text)
    return "" if s == name else f"“{s[:_QUOTE]}”"


def placeholder_checks(source: Document) -> list[Check]:
    """One finding per document: the first heading naming a stand-in, and every page that does."""
    found: list[tuple[_Spot, str]] = []
    for spot in _headings(source):
        name = _placeholder_name(spot.text)
        if name is not None:
            found.append((spot, name))
    if not found:
        return []
    spot, name = found[0]
    where = _where(source, spot)
    others = ""
    if len(found) > 1:
        places = list(dict.fromkeys(_where(source, s) for s, _ in found[1:]))
        shown = "、".join(places[:8]) + ("等" if len(places) > 8 else "")
        others = f"；另有 {len(found) - 1} 处同样如此（{shown}）"
    return [
        Check(
            PLACEHOLDER,
            "warning",
            f"{where}{_quoted(spot.text, name)}所印的名称“{name}”是模板占位符，"
            f"未替换为实际的部门（单位）名称{others}",
            source_line=spot.line.number,
            page=spot.line.page,
            figure=name,
        )
    ]


# --- (b) a date a year off -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Date:
    spot: _Spot
    printed: str
    year: int
    what: str  # 'report' | 'as_of'
    said: str  # how the message names it: 报送日期, 自评时间, 资产截止日期 …


def _year_of(m: re.Match[str]) -> int:
    y = m.group("y") or m.group("y2")
    return int(y.translate(_CN_DIGITS))


def _report_dates(source: Document) -> Iterator[_Date]:
    """Labelled dates (报送日期：…, 自评时间 …) in prose and cells; a date alone on the cover or last page."""
    voc = identity_vocabulary()
    labels = voc.report_labels
    for ln in source.lines:
        if ln.kind != PROSE:
            continue
        s = normalise(ln.text)
        for label in labels:
            at = s.find(label)
            if at < 0:
                continue
            m = _DATE.match(s[at + len(label) :].lstrip("：:"))
            if m is not None:
                yield _Date(_Spot(ln, ln.text), m.group(0), _year_of(m), "report", label)
            break
    for spot, label in _labelled_cells(source, labels):
        m = _DATE.match(normalise(spot.text))
        if m is not None:
            yield _Date(spot, m.group(0), _year_of(m), "report", label)
    prose = [ln for ln in source.lines if ln.kind == PROSE and ln.text.strip()]
    ends = {ln.number for ln in _cover_lines(source) if ln.page == 1}  # the cover page itself
    if not source.is_text and source.pages:
        last = len(source.pages)
        ends |= {ln.number for ln in prose if ln.page == last}
    else:
        ends |= {ln.number for ln in prose[-COVER_TEXTS:]}
    for ln in prose:
        if ln.number not in ends:
            continue
        s = normalise(ln.text)
        m = _DATE.search(s)
        if m is None or m.end() != len(s):
            continue
        name = s[: m.start()]
        # A date standing alone, or after the department's name: the date the document was signed.
        if name and not (re.fullmatch(r"[\u4e00-\u9fff（）]+", name) and name.endswith(voc.suffixes)):
            continue
        yield _Date(_Spot(ln, ln.text), m.group(0), _year_of(m), "report", "落款日期")


def _as_of_dates(source: Document) -> Iterator[_Date]:
    """'截至2024年12月31日，…共有车辆…': the date the 说明 states the assets at."""
    voc = identity_vocabulary()
    words = "|".join(voc.as_of_words)
    rx = re.compile(rf"(?:{words})(?P<date>{_DATE.pattern})")
    for page_lines in _prose_by_page(source):
        text, owner = _joined(page_lines)
        for m in rx.finditer(text):
            after = text[m.end() : m.end() + _AS_OF_WINDOW].split("。")[0]
            if not any(w in after for w in voc.as_of_subjects):
                continue
            line = page_lines[owner[m.start()]]
            d = _DATE.match(m.group("date"))
            assert d is not None
            yield _Date(_Spot(line, line.text), m.group(0), _year_of(d), "as_of", "资产截止日期")


def _prose_by_page(source: Document) -> Iterator[list[Line]]:
    page: list[Line] = []
    for ln in source.lines:
        if ln.kind != PROSE or not ln.text.strip():
            continue
        if page and ln.page != page[-1].page:
            yield page
            page = []
        page.append(ln)
    if page:
        yield page


def _joined(lines: list[Line]) -> tuple[str, list[int]]:
    """The lines' text without whitespace, and for each character the index of its line."""
    chars: list[str] = []
    owner: list[int] = []
    for i, ln in enumerate(lines):
        s = normalise(ln.text)
        chars.append(s)
        owner.extend([i] * len(s))
    return "".join(chars), owner


def date_checks(source: Document, kind: str | None, year: int | None) -> list[Check]:
    """Each date whose year cannot be the document's: one finding per date printed."""
    if kind is None or year is None:
        return []
    voc = identity_vocabulary()
    allowed = {"report": voc.report_years.get(kind), "as_of": voc.as_of_years.get(kind)}
    doc_name = f"{year}年度{KIND_LABELS.get(kind, kind)}"
    out: list[Check] = []
    seen: set[tuple[int, str]] = set()
    for date in [*_report_dates(source), *_as_of_dates(source)]:
        offsets = allowed[date.what]
        if offsets is None or date.year - year in offsets or (date.spot.line.number, date.printed) in seen:
            continue
        seen.add((date.spot.line.number, date.printed))
        expected = "或".join(f"{year + k}年" for k in offsets)
        out.append(
            Check(
                DATE_YEAR,
                "warning",
                f"{_where(source, date.spot)}{date.said}“{date.printed}”是{date.year}年，"
                f"而{doc_name}的{date.said}应在{expected}",
                source_line=date.spot.line.number,
                page=date.spot.line.page,
                figure=f"{date.printed}（{_where(source, date.spot)}）",
                compared=f"{doc_name}：应在{expected}",
            )
        )
    return out
