"""The template vocabulary (``tables.toml``, ``forms.toml``) as typed objects, and the title matcher.

Everything a layout parser needs to recognise a standard table or form — its titles,
the words of its headers, which column carries which measure, the labels of a form's
fields — lives in the TOML files beside this module; the parsers only interpret it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

_FILE = Path(__file__).with_name("tables.toml")
_FORMS_FILE = Path(__file__).with_name("forms.toml")
_IDENTITY_FILE = Path(__file__).with_name("identity.toml")
# Shanghai's 16 districts (identity.toml), short names as printed before 区: the one district list.
DISTRICTS: tuple[str, ...] = tuple(
    tomllib.loads(_IDENTITY_FILE.read_text(encoding="utf-8"))["regions"]["home_districts"]
)

FINAL_ACCOUNTS = "final_accounts"
BUDGET = "budget"
# A document's kind as an official names it: pages, exports and findings say these words.
KIND_LABELS = {
    FINAL_ACCOUNTS: "部门决算",
    BUDGET: "部门预算",
    "self_evaluation": "绩效自评",
    "target_declaration": "绩效目标申报",
}

_QUOTES = str.maketrans({c: None for c in "“”\"'‘’＂「」『』"})
_PARENS = str.maketrans({"(": "（", ")": "）", ":": "：", "，": "，"})
# Numbering in front of a title or a 目录 entry: '1.', '4．', '一、', '（三）', '附表3', '表1-2',
# and other provinces' '公开01表'.
_NUMBERING = re.compile(
    r"^(?:公开\s*[0-9]{1,2}\s*表[、.．:：\s]*|附?表\s*[0-9一二三四五六七八九十]+(?:[-－—][0-9]+)?[、.．:：\s]*|[（(]?[0-9一二三四五六七八九十]{1,3}[)）]?[、.．:：\s]+)"
)
# What may stand before a title: a year, a scope, a department's name (no sentence marks).
_YEAR = re.compile(r"(?:19|20)\d{2}\s*年度?")
_SENTENCE_MARKS = re.compile(r"[。，；！？,;]")
# 目录 entries end with dot leaders and a page number.
_LEADERS = re.compile(r"[.…·．\-—_ ]{3,}\s*\d*\s*$|\s+\d{1,3}\s*$")
# A table number printed after the title on its line ('部门收支总表 公开01表', '…（公开01表）').
_TRAILING_NUMBER = re.compile(r"[\s（(]*公开\s*[0-9]{1,2}\s*表[)）]?\s*$")
MAX_PREFIX = 40


@dataclass(frozen=True)
class TableTemplate:
    template: str  # canonical title (the template's own wording)
    kind: str  # FINAL_ACCOUNTS | BUDGET
    # summary | income | expenditure | fiscal_summary | gpb | basic | three_public | gov_fund | soe,
    # and fiscal_expenditure | fiscal_basic | operating_costs (optional national tables)
    role: str
    reader: str  # coded | two_sided | three_public
    titles: tuple[str, ...]  # normalised title endings
    classification: str | None = None  # functional | economic (coded tables)
    default_measure: str | None = None  # three_public: the measure when the header names none
    optional: bool = False  # not in the Shanghai template: expected only where a 目录 lists it


@dataclass(frozen=True)
class Vocabulary:
    tables: tuple[TableTemplate, ...]
    header: dict[str, tuple[str, ...]]
    measures: frozenset[str]
    totals: tuple[str, ...]
    three_public_items: tuple[tuple[str, str], ...]
    three_public_other: tuple[tuple[str, str], ...]
    three_public_group_total: str
    three_public_heading: str  # the word printed over the 三公 items, where a table prints one
    budget_words: tuple[str, ...]
    actual_words: tuple[str, ...]
    groups: dict[str, tuple[str, ...]]  # a two-level header's group -> its children
    item_column: str  # the first column of each side of a two-sided table
    other_tables: dict[str, tuple[str, ...]]  # kind -> titles recognised and not read
    empty_note: re.Pattern[str]  # a note saying a table is empty on purpose
    unit_line: re.Pattern[str]  # '单位：万元' above a table; group 1 is the unit
    table_number: re.Pattern[str]  # a line or cell that is only a table's number ('公开01表')

    def role_of(self, template: str | None) -> str | None:
        """The table's place in the template (T1 … T9), the same for 决算 and 预算."""
        return next((t.role for t in self.tables if t.template == template), None)

    def of_kind(self, kind: str) -> list[TableTemplate]:
        return [t for t in self.tables if t.kind == kind]


def normalise(text: str) -> str:
    """For matching only: no spaces, no quote marks, full-width parentheses."""
    return "".join(text.split()).translate(_QUOTES).translate(_PARENS)


@cache
def forms_data() -> dict[str, Any]:
    """``forms.toml`` as read: each form parser builds its own typed view of its section."""
    return tomllib.loads(_FORMS_FILE.read_text(encoding="utf-8"))


@cache
def vocabulary() -> Vocabulary:
    data: dict[str, Any] = tomllib.loads(_FILE.read_text(encoding="utf-8"))
    tables = tuple(
        TableTemplate(
            template=t["template"],
            kind=t["kind"],
            role=t["role"],
            reader=t["reader"],
            titles=tuple(normalise(x) for x in t["titles"]),
            classification=t.get("classification"),
            default_measure=t.get("default_measure"),
            optional=t.get("optional", False),
        )
        for t in data["table"]
    )
    tp = data["three_public"]
    return Vocabulary(
        tables=tables,
        header={k: tuple(normalise(x) for x in v) for k, v in data["header"].items() if isinstance(v, list)},
        measures=frozenset(normalise(x) for x in data["measures"]["known"]),
        totals=tuple(normalise(x) for x in data["totals"]["labels"]),
        three_public_items=tuple((normalise(a), b) for a, b in tp["items"]),
        three_public_other=tuple((normalise(a), b) for a, b in tp["other_items"]),
        three_public_group_total=tp["group_total"],
        three_public_heading=normalise(tp["heading"]),
        budget_words=tuple(tp["budget_words"]),
        actual_words=tuple(tp["actual_words"]),
        groups={k: tuple(v) for k, v in data["header"]["groups"].items()},
        item_column=data["header"]["item_column"],
        other_tables={k: tuple(normalise(x) for x in v) for k, v in data["other_tables"].items()},
        empty_note=re.compile(data["notes"]["empty_table"]),
        unit_line=re.compile(data["notes"]["unit_line"]),
        table_number=re.compile(data["notes"]["table_number"]),
    )


@dataclass(frozen=True)
class TitleMatch:
    template: TableTemplate
    printed: str  # the title as printed, without numbering and year ('部门财务收支预算总表')
    year: int | None  # the year printed in the title, if any
    prefix: str  # what stood before the template's words ('2026年部门')


def strip_entry(text: str) -> str:
    """A title or 目录 line without its numbering and dot leaders."""
    s = text.strip()
    s = _LEADERS.sub("", s).strip()
    s = _TRAILING_NUMBER.sub("", s).strip()
    s = _NUMBERING.sub("", s).strip()
    return s


def match_title(text: str, kind: str | None = None) -> TitleMatch | None:
    """The template a printed title (or 目录 entry) names, or None.

    ``kind`` restricts the match to one document kind when it is known.
    """
    entry = strip_entry(text)
    if not entry or len(entry) > 80:
        return None
    key = normalise(entry)
    best: tuple[int, TableTemplate] | None = None
    for t in vocabulary().tables:
        if kind is not None and t.kind != kind:
            continue
        for title in t.titles:
            if key.endswith(title) and (best is None or len(title) > best[0]):
                best = (len(title), t)
    if best is None:
        return None
    n, template = best
    prefix = key[: len(key) - n]
    if len(prefix) > MAX_PREFIX or _SENTENCE_MARKS.search(prefix):
        return None
    year_match = _YEAR.search(entry)
    printed = _YEAR.sub("", entry, count=1).strip() if year_match else entry
    year = int(year_match.group(0)[:4]) if year_match else None
    return TitleMatch(template, "".join(printed.split()), year, prefix)
