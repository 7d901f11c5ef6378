"""What an original document says about itself: whose it is (its identity) and its 目录.

The cover names the kind (部门决算 / 部门预算 / 单位预算), the year and the department
(预算主管部门：… / 预算单位：… / a title line naming it). Table titles may abbreviate or
misname the department, so the cover is read first. A name printed large may break at a
line end ('上海市普陀区规划和自然' / '资源局'): the next line is joined to it when it ends
the name. The region (上海市, 江苏省, 广东省深圳市, 中央 …) and the Shanghai district are
read from the name. Every fact keeps where it was read (:class:`etl.model.Source`).

A file of forms (自评表, 绩效目标表) has no cover: :func:`forms_meta` takes the facts from
its forms' heads (主管部门, 实施单位, the title's year), blank forms included.

The 目录 lists the tables the document promises; a listed table missing from the body
makes the document ``partial``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from etl.model import DocumentMeta, Project, Source
from etl.parsers.narrative import DISTRICTS, clean_department
from etl.readers.model import PROSE, BBox, Document
from etl.templates import BUDGET, FINAL_ACCOUNTS, TitleMatch, forms_data, match_title, normalise

COVER_PAGES = 2  # the facts are on the first page; a cover sometimes spills onto the second
COVER_TEXTS = 12  # texts read from the start of the document
_IDENTITY_FILE = Path(__file__).resolve().parent.parent / "templates" / "identity.toml"
_DIST = "|".join(DISTRICTS)
_KIND_WORDS = (
    (re.compile(r"(部门|单位)决算"), FINAL_ACCOUNTS),
    (re.compile(r"(部门|单位)预算"), BUDGET),
)
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_BARE_YEAR = re.compile(r"^((?:19|20)\d{2})$")
_SHANGHAI_DISTRICT = re.compile(rf"^(?:上海市)?({_DIST})(?:新)?区")
_CODE = re.compile(r"^[\[［【(（]\d{2,12}[\]］】)）]")  # '[105210]北京大学': a budget code before a name
_TOC_HEADING = re.compile(r"^目\s*录$")
_NAME_CHARS = re.compile(r"^[\u4e00-\u9fff（）·]+$")
_TAIL_CHARS = re.compile(r"^[\u4e00-\u9fff（）]{1,20}$")
_MAX_NAME = 40


# --- vocabulary (identity.toml) ------------------------------------------------------------


@dataclass(frozen=True)
class IdentityVocabulary:
    suffixes: tuple[str, ...]
    party_prefixes: tuple[str, ...]
    kind_tails: tuple[str, ...]
    labels: dict[str, str]  # label -> 'department' | 'both' | 'unit', longest label first
    unit_scope: frozenset[str]
    placeholder: re.Pattern[str]
    municipalities: tuple[str, ...]
    provinces: tuple[str, ...]
    central_prefixes: tuple[str, ...]
    central: str
    home: str
    municipal_districts: dict[str, str]  # '渝中区' -> '重庆市'
    cities: dict[str, str]  # '深圳市' -> '广东省'
    report_labels: tuple[str, ...]
    as_of_words: tuple[str, ...]
    as_of_subjects: tuple[str, ...]
    report_years: dict[str, tuple[int, ...]]  # kind -> allowed offsets from the document's year
    as_of_years: dict[str, tuple[int, ...]]


@cache
def identity_vocabulary() -> IdentityVocabulary:
    data = tomllib.loads(_IDENTITY_FILE.read_text(encoding="utf-8"))
    names, labels, ph, dates, regions = (
        data["names"],
        data["labels"],
        data["placeholder"],
        data["dates"],
        data["regions"],
    )
    by_label = {w: role for role in ("department", "both", "unit") for w in labels[role]}
    marks = re.escape(ph["marks"])
    ends = "|".join(sorted(ph["ends"], key=len, reverse=True))
    return IdentityVocabulary(
        suffixes=tuple(names["suffixes"]),
        party_prefixes=tuple(names["party_prefixes"]),
        kind_tails=tuple(sorted(names["kind_tails"], key=len, reverse=True)),
        labels=dict(sorted(by_label.items(), key=lambda kv: -len(kv[0]))),
        unit_scope=frozenset(labels["unit_scope"]),
        # X/× (one or more), or two of the other marks ('○○'), standing for the name before its end word.
        placeholder=re.compile(rf"(?<![A-Za-z])(?:[XＸ×xｘ]+|[{marks}]{{2,}})(?:{ends})"),
        municipalities=tuple(regions["municipalities"]),
        provinces=tuple(regions["provinces"]),
        central_prefixes=tuple(regions["central_prefixes"]),
        central=regions["central"],
        home=regions["home"],
        municipal_districts={d: city for city, ds in regions["municipal_districts"].items() for d in ds},
        cities={f"{c}市": prov for prov, cs in regions["cities"].items() for c in cs},
        report_labels=tuple(sorted(dates["report_labels"], key=len, reverse=True)),
        as_of_words=tuple(sorted(dates["as_of_words"], key=len, reverse=True)),
        as_of_subjects=tuple(dates["as_of_subjects"]),
        report_years={k: tuple(v) for k, v in dates["report"].items()},
        as_of_years={k: tuple(v) for k, v in dates["as_of"].items()},
    )


# --- names and places ------------------------------------------------------------------------


def clean_name(name: str | None) -> str | None:
    """A name as a fact: no spaces, no budget code ('[105]教育部'), no suffix such as (本级)."""
    if not name:
        return None
    s = normalise(name).strip("：:")
    s = _CODE.sub("", s)
    return clean_department(s) or None


def is_placeholder(name: str | None) -> bool:
    """'上海市XX局', '××区', 'XX单位': a template's stand-in, not a name."""
    return bool(name) and identity_vocabulary().placeholder.search(normalise(name or "")) is not None


def _without_party(s: str) -> str:
    for p in identity_vocabulary().party_prefixes:
        if s.startswith(p):
            return s[len(p) :]
    return s


def region_of(name: str | None, ministries: bool = True) -> str | None:
    """The 市/省 a name belongs to, as its first words say: '深圳市宝安区…' -> '广东省深圳市'.

    A Shanghai district without '上海市' ('普陀区财政局') is 上海市; a district of another
    municipality names it only when no other city has a district of that name (渝中区 ->
    重庆市); a bare ministry ('教育部') or a name opening with 国家/中央 is 中央. None when
    the name says no place.
    """
    if not name:
        return None
    voc = identity_vocabulary()
    s = _CODE.sub("", normalise(name))
    if any(s.startswith(p) for p in voc.central_prefixes):
        return voc.central
    s = _without_party(s)
    for top in (*voc.municipalities, *voc.provinces):
        if s.startswith(top):
            rest = s[len(top) :]
            city = next((c for c, prov in voc.cities.items() if prov == top and rest.startswith(c)), None)
            return top + (city or "")
    for city, prov in voc.cities.items():
        if s.startswith(city):
            return prov + city
    if _SHANGHAI_DISTRICT.match(s):
        return voc.home
    for district, city in voc.municipal_districts.items():
        if s.startswith(district):
            return city
    if ministries and re.fullmatch(r"[\u4e00-\u9fff]{1,8}部", s):
        return voc.central  # a ministry named without a place: 教育部, 财政部
    return None


def district_of(name: str | None) -> str | None:
    """The Shanghai district's short name a name starts with: '中共上海市普陀区委宣传部' -> '普陀'."""
    if not name:
        return None
    m = _SHANGHAI_DISTRICT.match(_without_party(_CODE.sub("", normalise(name))))
    return m.group(1) if m else None


def _name_like(s: str) -> bool:
    """A text that can be an organisation's name: it ends like one, or says its place."""
    name = clean_name(s) or ""
    return bool(_NAME_CHARS.match(name)) and (_ends_name(name) or region_of(name) is not None)


def _ends_name(s: str) -> bool:
    return s.endswith(identity_vocabulary().suffixes)


def _strip_tails(s: str) -> str:
    """'上海市普陀区财政局2024年度部门决算' -> '上海市普陀区财政局': the name before a year and kind."""
    rest = s
    for tail in identity_vocabulary().kind_tails:
        if rest.endswith(tail):
            rest = rest[: -len(tail)]
            break
    m = re.search(r"(?:19|20)\d{2}年度?$", rest)
    return rest[: m.start()] if m else rest


# --- the cover -------------------------------------------------------------------------------


@dataclass
class Cover:
    kind: str | None = None  # FINAL_ACCOUNTS | BUDGET
    scope: str | None = None  # 'department' (部门) | 'unit' (单位)
    year: int | None = None
    department: str | None = None
    district: str | None = None
    line: int | None = None  # where the department was read
    region: str | None = None
    unit: str | None = None
    sources: dict[str, Source] = field(default_factory=dict)

    def meta(self) -> DocumentMeta:
        return DocumentMeta(
            district=self.district,
            department=self.department,
            year=self.year,
            source_line=self.line,
            kind=self.kind,
            scope=self.scope,
            region=self.region,
            unit=self.unit,
            sources=dict(self.sources),
        )


@dataclass(frozen=True)
class _Text:
    number: int
    text: str
    page: int = 1
    cell: str | None = None  # the grid cell it stands in ('B6', '表1 第2行第3列')
    row: tuple[int, int] | None = None  # (table, row) of a cell's text; None for a prose line
    bbox: BBox | None = None
    sheet: str | None = None
    alone: bool = True  # the only text of its row (a prose line, or a title cell)

    def source(self, text: str | None = None) -> Source:
        return Source(
            self.number, self.page, self.cell, self.sheet, text if text is not None else self.text.strip()
        )


def _cover_texts(doc: Document) -> list[_Text]:
    """The first texts of the document: prose lines, and the cells of grid rows (a sheet's cover)."""
    out: list[_Text] = []
    for ln in doc.lines:
        if ln.page > COVER_PAGES or len(out) >= COVER_TEXTS:
            break
        if ln.kind == PROSE:
            if ln.text.strip():
                out.append(_Text(ln.number, ln.text, ln.page, bbox=ln.bbox))
        elif ln.table is not None and (row := doc.tables[ln.table].row_at(ln.number)) is not None:
            table = doc.tables[ln.table]
            cells = [(c, x) for c, x in enumerate(table.rows[row]) if x.is_origin and x.text.strip()]
            # A cell merged across columns is one text; in a text file's grid (no merges) a
            # repeated text is the same cell printed again.
            seen: set[str] = set()
            for c, cell in cells:
                if table.placed or cell.text not in seen:
                    seen.add(cell.text)
                    out.append(
                        _Text(
                            ln.number,
                            cell.text,
                            ln.page,
                            table.place(row, c),
                            (ln.table, row),
                            sheet=table.sheet,
                            alone=len(cells) == 1,
                        )
                    )
    return out[:COVER_TEXTS]


def _label(s: str) -> tuple[str, str, str] | None:
    """(label, role, value) of '预算主管部门：上海市…', or of a label standing alone ('主管部门')."""
    for label, role in identity_vocabulary().labels.items():
        if s == label or s == label + "：":
            return label, role, ""
        if s.startswith(label + "："):
            return label, role, s[len(label) + 1 :]
    return None


def _tail(head: _Text, nxt: _Text | None) -> str | None:
    """The end of a name cut at head's line end, when the next line holds it ('资源局')."""
    if nxt is None or head.row is not None or nxt.row is not None or nxt.page != head.page:
        return None
    s = normalise(nxt.text)
    if (
        _label(s)
        or _TOC_HEADING.match(s)
        or region_of(s, ministries=False) is not None
        or _without_party(s) != s
    ):
        return None
    rest = _strip_tails(s)
    if not rest or not _TAIL_CHARS.match(rest) or not _ends_name(rest):
        return None
    if head.bbox is not None and nxt.bbox is not None:
        h1, h2 = head.bbox[3] - head.bbox[1], nxt.bbox[3] - nxt.bbox[1]
        gap = nxt.bbox[1] - head.bbox[3]
        if h1 <= 0 or not 0.6 <= h2 / h1 <= 1.6 or not -0.5 * h1 <= gap <= 1.5 * max(h1, h2):
            return None  # another block of the cover, not the name's next line
    return rest


def _name_at(texts: list[_Text], i: int, value: str) -> tuple[str, Source] | None:
    """A name starting in texts[i] (value: its part there), joined with its wrapped end."""
    t = texts[i]
    nxt = texts[i + 1] if i + 1 < len(texts) else None
    tail = _tail(t, nxt)
    name = value
    if tail is not None and nxt is not None and len(value + tail) <= _MAX_NAME:
        name = value + tail
        src = Source(t.number, t.page, None, None, t.text.strip() + "\n" + nxt.text.strip())
    else:
        src = t.source()
    if not _ends_name(name):
        return None
    return name, src


def _org_line(texts: list[_Text], i: int) -> tuple[str, Source] | None:
    """An unlabelled line naming the department: '上海市普陀区财政局', '江苏省人大常委会办公厅2017年度部门预算'."""
    if not texts[i].alone:
        return None  # a cell beside others is a form's value, read by its label
    s = normalise(texts[i].text)
    head = _strip_tails(s)
    if not (4 <= len(head) <= _MAX_NAME) or not _NAME_CHARS.match(head):
        return None
    if region_of(head) is None and not is_placeholder(head):
        return None
    found = _name_at(texts, i, head)
    if found is None:
        return None
    name, _ = found
    if region_of(name) == name or _SHANGHAI_DISTRICT.fullmatch(name):
        return None  # a place, not a department
    return found


def read_cover(doc: Document) -> Cover:
    """Kind, scope, year, department, unit, region and district from the first pages' texts."""
    cover = Cover()
    texts = _cover_texts(doc)
    for i, t in enumerate(texts):
        s = normalise(t.text)
        if cover.kind is None:
            for rx, kind in _KIND_WORDS:
                if m := rx.search(s):
                    cover.kind, cover.scope = kind, "department" if m.group(1) == "部门" else "unit"
                    cover.sources["kind"] = cover.sources["scope"] = t.source()
                    break
        if cover.year is None and (m := _YEAR.search(s) or _BARE_YEAR.match(s)):
            cover.year = int(m.group(1))
            cover.sources["year"] = t.source()
        if found := _label(s):
            _read_label(cover, texts, i, *found)
        elif cover.department is None and (org := _org_line(texts, i)) is not None:
            cover.department, cover.line = clean_name(org[0]), t.number
            cover.sources["department"] = org[1]
    if cover.scope == "unit" and cover.unit is None and cover.department is not None:
        cover.unit = cover.department  # a 单位 document's cover names the unit
        cover.sources["unit"] = cover.sources["department"]
    _place(cover, texts)
    return cover


def _read_label(cover: Cover, texts: list[_Text], i: int, label: str, role: str, value: str) -> None:
    t = texts[i]
    if not value:
        # The name stands in the next cell of the row, or on the next line.
        j = i + 1
        if j >= len(texts) or (t.row is not None and texts[j].row != t.row):
            return
        if t.row is None and (
            texts[j].row is not None or texts[j].page != t.page or _label(normalise(texts[j].text))
        ):
            return
        i, value = j, normalise(texts[j].text)
        if not _name_like(value) and _tail(texts[j], texts[j + 1] if j + 1 < len(texts) else None) is None:
            return  # a header beside the label ('单位名称 | 备注'), not a name
    found = _name_at(texts, i, value) if texts[i].row is None else (value, texts[i].source())
    name = clean_name(found[0] if found else value)
    if not name:
        return
    src = found[1] if found else texts[i].source()
    if t.number != src.line or t.cell != src.cell:
        src = Source(src.line, src.page, src.cell, src.sheet, t.text.strip() + "\n" + (src.text or ""))
    if role in ("department", "both") and (cover.department is None or label.startswith("预算")):
        cover.department, cover.line = name, src.line
        cover.sources["department"] = src
    if role == "unit" and cover.unit is None:
        cover.unit = name
        cover.sources["unit"] = src
    if label in identity_vocabulary().unit_scope:
        cover.scope = "unit"
        cover.sources["scope"] = src
        cover.unit, cover.sources["unit"] = name, src


def _place(cover: Cover, texts: list[_Text]) -> None:
    """Region and district: from the department's name (or the unit's), else a cover line naming a place.

    A placeholder name ('上海市XX局') says its place but is no department.
    """
    for attr in ("department", "unit"):
        name = getattr(cover, attr)
        if name and (region := region_of(name)) is not None:
            cover.region, cover.district = region, district_of(name)
            cover.sources["region"] = cover.sources[attr]
            if cover.district is not None:
                cover.sources["district"] = cover.sources[attr]
            break
    if is_placeholder(cover.department):
        cover.department = cover.line = None
        del cover.sources["department"]
        if is_placeholder(cover.unit):
            cover.unit = None
            cover.sources.pop("unit", None)
    if cover.region is not None:
        return
    # '上海市普陀区2026年区级部门预算' names only the place; '2026年度普陀区部门预算…' a district in it.
    voc = identity_vocabulary()
    for t in texts:
        s = normalise(t.text)
        region = region_of(s, ministries=False)
        district = district_of(s) if region == voc.home else None
        if region is None and (m := re.search(rf"(?:上海市)?({_DIST})(?:新)?区", s)):
            region, district = voc.home, m.group(1)
        if region is not None and region != voc.central:
            cover.region, cover.district = region, district
            cover.sources["region"] = t.source()
            if district is not None:
                cover.sources["district"] = t.source()
            return


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
    pending: str | None = (
        None  # an entry whose title is wrapped onto the next line ('…“三公”经费、会议费、培训费支' / '出预算表')
    )
    for ln in doc.lines[start.number - 1 :]:
        if ln.kind != PROSE:
            if ln.page in pages and not ln.text.strip(" |"):
                continue
            break
        joined = match_title(pending + ln.text.strip(), kind) if pending else None
        if ln.page not in pages:
            # The 目录 continues onto the next page only if that page starts with entries, or with
            # the end of an entry wrapped at the page's foot.
            if ln.page == max(pages) + 1 and (_looks_like_entry(ln.text) or joined is not None):
                pages.add(ln.page)
            else:
                break
        toc_lines.add(ln.number)
        m = match_title(ln.text, kind)
        if m is None and joined is not None:
            entries.append(TocEntry(joined, ln.number, ln.page))
            pending = None
            continue
        if m is not None:
            entries.append(TocEntry(m, ln.number, ln.page))
        pending = ln.text.strip() if m is None and _looks_like_entry(ln.text) else None
    return entries, toc_lines


def _looks_like_entry(text: str) -> bool:
    s = text.strip()
    return bool(re.match(r"^(?:[一二三四五六七八九十]+、|\d+[.．、]|第[一二三四五六七八九十]+部分)", s))


def forms_meta(projects: list[Project], blanks: Iterable[Project] = ()) -> DocumentMeta:
    """Whose a file of forms is and its year: the first form that states each fact.

    A workbook or Word file of 自评表 or 目标表 has no cover: its forms' 主管部门, 实施单位 and
    year are what it says about itself. Blank forms (refused as projects) still say them.
    A form that prints no year is of the year its 年度 targets all name ('2023年12月前').
    The scope is 'department' when every form states a whole department's targets
    (部门整体预算绩效目标表), else 'project'.
    """
    meta = DocumentMeta()
    forms = sorted([*projects, *blanks], key=lambda p: p.source_line)
    if not forms:
        return meta
    meta.kind = forms[0].kind
    for p in forms:
        where = Source(p.source_line, text=p.project_name or None)
        for attr in ("department", "unit"):
            name = clean_name(getattr(p, attr))
            if getattr(meta, attr) is None and name and not is_placeholder(name):
                setattr(meta, attr, name)
                meta.sources[attr] = p.sources.get(attr) or where
        if meta.year is None and p.year:
            meta.year = p.year
            meta.sources["year"] = p.sources.get("year") or where
    meta.source_line = meta.sources["department"].line if "department" in meta.sources else None
    if meta.year is None:
        _year_from_targets(meta, forms)
    for attr in ("department", "unit"):
        name = getattr(meta, attr)
        if name and (region := region_of(name)) is not None:
            meta.region, meta.district = region, district_of(name)
            meta.sources["region"] = meta.sources[attr]
            if meta.district is not None:
                meta.sources["district"] = meta.sources[attr]
            break
    whole = forms_data()["titles"]["whole_department_category"]
    first = forms[0]
    meta.scope = "department" if all(p.category == whole for p in forms) else "project"
    title = first.sources.get("title") or Source(first.source_line, text=first.extra.get("表名") or None)
    meta.sources["scope"] = meta.sources["kind"] = title
    return meta


_TARGET_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


def _year_from_targets(meta: DocumentMeta, forms: list[Project]) -> None:
    """The one year the forms' target values name ('2023年12月前', '2023年全年'), if they agree."""
    found: dict[int, Source] = {}
    for p in forms:
        for ind in p.indicators:
            for m in _TARGET_YEAR.finditer(ind.target_value or ""):
                found.setdefault(int(m.group(1)), Source(ind.source_line, text=ind.target_value))
    if len(found) == 1:
        ((meta.year, meta.sources["year"]),) = found.items()
