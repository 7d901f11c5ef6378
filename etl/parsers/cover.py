"""What an original document says about itself: its cover and its 目录.

The cover names the kind (部门决算 / 部门预算 / 单位预算), the year and the department
(预算主管部门：… / 预算单位：…). Table titles may abbreviate or misname the department,
so the cover is read first. The 目录 lists the tables the document promises; a
listed table missing from the body makes the document ``partial``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from etl.model import DocumentMeta, Project
from etl.parsers.narrative import DISTRICTS, clean_department, district_of
from etl.readers.model import PROSE, Document
from etl.templates import BUDGET, FINAL_ACCOUNTS, TitleMatch, match_title, normalise

COVER_PAGES = 2  # the facts are on the first page; a cover sometimes spills onto the second
COVER_TEXTS = 12  # texts read from the start of the document
_DIST = "|".join(DISTRICTS)
_KIND_WORDS = (
    (re.compile(r"(部门|单位)决算"), FINAL_ACCOUNTS),
    (re.compile(r"(部门|单位)预算"), BUDGET),
)
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_BARE_YEAR = re.compile(r"^((?:19|20)\d{2})$")
_ORG_LABEL = re.compile(
    r"^(预算主管部门|主管部门|预算单位|部门名称|单位名称|编制单位|编制部门)[：:]\s*(?P<org>.+)$"
)
_ORG = re.compile(
    rf"^(?P<org>(?:上海市)?(?:{_DIST})(?:新)?区[^\s，。；：:0-9]{{2,40}}?)(?:(?:19|20)\d{{2}}年度?)?(?:部门|单位)?(?:决算|预算)?$"
)
_TOC_HEADING = re.compile(r"^目\s*录$")


@dataclass
class Cover:
    kind: str | None = None  # FINAL_ACCOUNTS | BUDGET
    scope: str | None = None  # 'department' (部门) | 'unit' (单位)
    year: int | None = None
    department: str | None = None
    district: str | None = None
    line: int | None = None  # where the department was read


@dataclass(frozen=True)
class _Text:
    number: int
    text: str


def _cover_texts(doc: Document) -> list[_Text]:
    """The first texts of the document: prose lines, and the cells of grid rows (a sheet's cover)."""
    out: list[_Text] = []
    for ln in doc.lines:
        if ln.page > COVER_PAGES or len(out) >= COVER_TEXTS:
            break
        if ln.kind == PROSE:
            if ln.text.strip():
                out.append(_Text(ln.number, ln.text))
        elif ln.table is not None and (row := doc.tables[ln.table].row_at(ln.number)) is not None:
            cells = dict.fromkeys(c.text for c in doc.tables[ln.table].rows[row] if c.text.strip())
            out.extend(_Text(ln.number, text) for text in cells)
    return out[:COVER_TEXTS]


def read_cover(doc: Document) -> Cover:
    """Kind, scope, year, department and district from the first pages' texts."""
    cover = Cover()
    lines = _cover_texts(doc)
    for ln in lines:
        s = normalise(ln.text)
        if cover.kind is None:
            for rx, kind in _KIND_WORDS:
                if m := rx.search(s):
                    cover.kind, cover.scope = kind, "department" if m.group(1) == "部门" else "unit"
                    break
        if cover.year is None and (m := _YEAR.search(s) or _BARE_YEAR.match(s)):
            cover.year = int(m.group(1))
        if m := _ORG_LABEL.match(s):
            org = clean_department(m.group("org"))
            label = m.group(1)
            if cover.department is None or label.startswith("预算"):
                cover.department, cover.line = org, ln.number
                if label == "预算单位":
                    cover.scope = "unit"
        elif cover.department is None and (m := _ORG.match(s)):
            cover.department, cover.line = clean_department(m.group("org")), ln.number
    if cover.department is None:
        # '上海市普陀区2026年区级部门预算' names only the district.
        for ln in lines:
            if m := re.search(rf"(?:上海市)?({_DIST})(?:新)?区", normalise(ln.text)):
                cover.district = m.group(1)
                break
    else:
        cover.district = district_of(cover.department)
    return cover


@dataclass(frozen=True)
class TocEntry:
    match: TitleMatch
    line: int
    page: int


def read_toc(doc: Document, kind: str | None) -> tuple[list[TocEntry], set[int]]:
    """The tables the 目录 lists, and the line numbers of the 目录 itself.

    The 目录 runs from its heading to the first line that is neither an entry nor
    on a page the 目录 started on or continued onto.
    """
    entries: list[TocEntry] = []
    toc_lines: set[int] = set()
    start = next((ln for ln in doc.lines if ln.kind == PROSE and _TOC_HEADING.match(ln.text.strip())), None)
    if start is None:
        return entries, toc_lines
    pages = {start.page}
    for ln in doc.lines[start.number - 1 :]:
        if ln.kind != PROSE:
            if ln.page in pages and not ln.text.strip(" |"):
                continue
            break
        if ln.page not in pages:
            # The 目录 continues onto the next page only if that page starts with entries.
            if ln.page == max(pages) + 1 and _looks_like_entry(ln.text):
                pages.add(ln.page)
            else:
                break
        toc_lines.add(ln.number)
        m = match_title(ln.text, kind)
        if m is not None:
            entries.append(TocEntry(m, ln.number, ln.page))
    return entries, toc_lines


def _looks_like_entry(text: str) -> bool:
    s = text.strip()
    return bool(re.match(r"^(?:[一二三四五六七八九十]+、|\d+[.．、]|第[一二三四五六七八九十]+部分)", s))


def forms_meta(projects: list[Project]) -> DocumentMeta:
    """The department, district and year a file of forms states (the first form that states each).

    A workbook or Word file of 自评表 or 目标表 has no cover: its forms' 主管部门 and year are
    what it says about itself.
    """
    meta = DocumentMeta()
    for p in projects:
        if meta.department is None and p.department:
            meta.department = clean_department(p.department) or None
            meta.district = district_of(meta.department)
            meta.source_line = p.source_line
        if meta.year is None and p.year:
            meta.year = p.year
    return meta
