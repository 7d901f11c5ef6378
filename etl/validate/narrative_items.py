"""Each numbered 类/款/项 paragraph of the 说明, against itself and against the tables.

A budget's paragraph states one item's amount in its heading, last year's execution, this
year's budget, and the change between the two as a direction word and a percentage
('6、公共安全支出（204类）司法（06款）其他司法支出（99项）3845.49万元。… 2025年当年预算执行数为
43269.3万元，2026年预算安排3845.49万元，比2025年预算执行数增加17.62%'). A reviewer recomputes
the percentage, checks the word against the sign of the change, reads the heading amount
against the budget sentence, and looks the item up in the tables: its name per level and
its 合计 in the 一般公共预算支出功能分类预算表.

Every figure is taken as printed: the rows hold 元 rounded to the 分, so the printed value
and its decimals are read back from the paragraph's text ('686万元' has no decimals and may
be off by 0.5 万元, '3845.49万元' by 0.005 万元). Without the text a 万元 figure counts as
printed to two places. Tolerances come from that precision, never from a fixed amount.

决算 paragraphs carry 年初预算 and 支出决算: their 支出决算 against the table is
``narrative_item_vs_table`` (narrative_tables.py) and their 决算数大于/小于预算数 wording
``narrative_direction_mismatch`` (narrative_self.py); here they get the name check and,
where a paragraph states it, 完成年初预算的x%.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from etl.model import Check
from etl.normalize import NormalizedDocument
from etl.parsers.narrative import build_flow
from etl.textutil import squash
from etl.validate.figures import FACTORS, Printed, compare, decimals, from_line, from_yuan, half_unit, show
from etl.validate.spec import CheckSpec

PERCENT = "narrative_change_percent"
DIRECTION = "narrative_change_direction"
RESTATED = "narrative_item_restated"
NAME_VS_TABLE = "narrative_item_name_vs_table"
BUDGET_VS_TABLE = "narrative_item_vs_table_budget"

SPECS: tuple[CheckSpec, ...] = (
    CheckSpec(
        PERCENT,
        "narrative_self",
        "warning",
        "说明增减比例有误",
        "说明各项所写的增减百分比（或完成年初预算的百分比）与按其所列两个金额重算的百分比",
        True,
    ),
    CheckSpec(
        DIRECTION,
        "narrative_self",
        "warning",
        "说明增减方向有误",
        "说明各项所写的增加、减少或持平与本年预算安排减上年预算执行数的正负",
        True,
    ),
    CheckSpec(
        RESTATED,
        "narrative_self",
        "warning",
        "说明同项金额前后不一",
        "说明各项标题所列金额与同段所写的本年预算安排",
        True,
    ),
    CheckSpec(
        NAME_VS_TABLE,
        "narrative_tables",
        "warning",
        "说明科目名称与报表不符",
        "说明各项的类、款、项名称与报表中同一功能分类科目编码的名称",
    ),
    CheckSpec(
        BUDGET_VS_TABLE,
        "narrative_tables",
        "warning",
        "说明分项预算与报表不符",
        "说明各项的本年预算安排（及标题金额）与一般公共预算支出功能分类预算表该科目的合计数",
        True,
    ),
)

# Direction words as the 说明 prints them, by the sign of the change they state.
INCREASE_WORDS = ("增加", "增长", "上升", "提高")
DECREASE_WORDS = ("减少", "下降", "降低")
FLAT_WORDS = ("持平", "不变", "相同", "相等", "一致")
WORD_SIGN: dict[str, int] = {
    **dict.fromkeys(INCREASE_WORDS, 1),
    **dict.fromkeys(DECREASE_WORDS, -1),
    **dict.fromkeys(FLAT_WORDS, 0),
}
SIGN_WORD = {1: INCREASE_WORDS[0], -1: DECREASE_WORDS[0], 0: FLAT_WORDS[0]}

LEVELS = ("类", "款", "项")
CODE_LENGTH = {"类": 3, "款": 5, "项": 7}
# The function table of a budget, and the column that is its row total.
BUDGET_FUNCTION_TABLE = "一般公共预算支出功能分类预算表"
ROW_TOTAL = "合计"
DEFAULT_UNIT = "万元"
HUNDRED = Decimal(100)
PARAGRAPH_MAX_LINES = 12  # the last paragraph of the list has no next item to stop it
QUOTES = "“”\"‘’'「」『』"

_NUM = r"(?<![\d.,])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_AMOUNT_RE = re.compile(_NUM + r"(万元|元)")
_HEAD_RE = re.compile(r"[（(]\d*[类款项][)）][" + QUOTES + r"]?[，,：:]?" + _NUM + r"(万元|元)")
_PRIOR_RE = re.compile(r"预算执行数(?:为|是)?" + _NUM + r"(万元|元)")
_PLANNED_RE = re.compile(r"预算安排(?:为|是)?" + _NUM + r"(万元|元)")
_INITIAL_RE = re.compile(r"年初预算(?:数)?(?:为|是)?" + _NUM + r"(万元|元)")
_FINAL_RE = re.compile(r"(?:支出)?决算(?:数)?(?:为|是)?" + _NUM + r"(万元|元)")
_COMPLETION_RE = re.compile(r"完成(?:年初)?预算(?:数)?的" + _NUM + r"[%％]")
_ITEM_NUMBER_RE = re.compile(r"^(\d{1,2})(?:[、．]|\.(?!\d))")
_PARAGRAPH_START_RE = re.compile(
    r"^(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[、．]|\d{1,2}\.(?!\d)|[一二三四五六七八九十]{1,3}、)"
)
# A level's name may hold brackets of its own ('政府办公厅（室）及相关机构事务（款）').
_LEVEL_RE = re.compile(
    r"(?P<name>(?:[^（）()]|[（(](?!\d*[类款项][)）])[^（）()]*[)）])*?)[（(](?P<code>\d*)(?P<level>类|款|项)[)）]"
)
_CODE_RE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")


@dataclass(frozen=True)
class Paragraph:
    """An item's paragraph as printed: its 第N项 number and its text (flowed, no line breaks)."""

    number: str | None
    text: str


def checks(doc: NormalizedDocument) -> list[Check]:
    """Every paragraph's own figures, its names against the tables, its budget against the function table."""
    paragraphs = _paragraphs(doc)
    names = _table_names(doc.budget_lines)
    function_rows = _function_rows(doc.budget_lines)
    out: list[Check] = []
    for row in doc.narrative_items:
        para = paragraphs.get(row.get("source_line") or 0)
        levels = _levels(row.get("item") or "")
        codes, how = _item_codes(row, para, levels, names)
        it = _Item(row, para or Paragraph(None, ""), doc.meta.year, codes[0] if len(codes) == 1 else None)
        out += it.change_checks()
        if (c := it.restated_check()) is not None:
            out.append(c)
        if levels is not None and codes:
            out += it.name_checks(levels, codes, how, names)
        out += it.table_checks(function_rows)
    return out


# --- the document's text and tables -------------------------------------------------------


def _paragraphs(doc: NormalizedDocument) -> dict[int, Paragraph]:
    """Each item's paragraph, by its first line: the rows keep neither its number nor printed decimals."""
    src = doc.source
    if src is None:
        return {}
    lines = (src.text if src.is_text else src.prose_text()).split("\n")
    starts = sorted({it["source_line"] for it in doc.narrative_items if it.get("source_line")})
    out: dict[int, Paragraph] = {}
    for k, line in enumerate(starts):
        first = line - 1
        if not 0 <= first < len(lines):
            continue
        last = min(starts[k + 1] - 1 if k + 1 < len(starts) else len(lines), first + PARAGRAPH_MAX_LINES)
        for i in range(first + 1, last):
            if _PARAGRAPH_START_RE.match(squash(lines[i])):
                last = i
                break
        number = _ITEM_NUMBER_RE.match(squash(lines[first]))
        out[line] = Paragraph(
            number.group(1) if number else None, build_flow(lines, first, last).text.replace("\n", "")
        )
    return out


def _norm(name: str) -> str:
    """A name as compared: spaces and quotes dropped, brackets half-width."""
    s = squash(name).translate(str.maketrans("", "", QUOTES))
    return s.replace("（", "(").replace("）", ")").strip("，,、；;：:")


def _table_names(lines: list[dict[str, Any]]) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Functional code -> name as the tables print it (normalised) -> the rows printing it."""
    out: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for row in lines:
        code, name = row.get("code"), row.get("name")
        if row.get("classification") == "economic":
            continue  # 301 工资福利支出 …: another code list
        if code and name and _CODE_RE.match(code) and _norm(name):
            out[code][_norm(name)].append(row)
    return out


def _function_rows(lines: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The budget function table's 合计 by code (first printing of a code wins)."""
    out: dict[str, dict[str, Any]] = {}
    for row in lines:
        if (
            row.get("template") == BUDGET_FUNCTION_TABLE
            and row.get("measure") == ROW_TOTAL
            and row.get("code")
            and row.get("amount_yuan") is not None
        ):
            out.setdefault(row["code"], row)
    return out


def _levels(path: str) -> list[tuple[str, str]] | None:
    """'公共安全支出（类）司法（款）其他司法支出（项）' -> [(类, 公共安全支出), (款, 司法), (项, …)].

    None unless the path is 类[/款[/项]], or 类/款 followed by several 项 ('…A（项），B（项）').
    """
    found = [(m["level"], m["name"].strip(QUOTES + "，,、；;：: ")) for m in _LEVEL_RE.finditer(path)]
    kinds = tuple(lv for lv, _ in found)
    single = kinds == LEVELS[: len(kinds)]
    several = kinds[:3] == LEVELS and all(k == "项" for k in kinds[3:])
    if not found or not (single or several):
        return None
    return found


def _printed_code(para: Paragraph) -> str | None:
    """The code the paragraph's heading prints: '（204类）…（06款）…（99项）' -> '2040699'."""
    head = re.split(r"。|主要用于", para.text, maxsplit=1)[0]
    code = ""
    for m, level in zip(_LEVEL_RE.finditer(head), LEVELS, strict=False):
        if m["level"] != level or len(code) + len(m["code"]) != CODE_LENGTH[level]:
            break
        code += m["code"]
    return code or None


def _item_codes(
    row: dict[str, Any],
    para: Paragraph | None,
    levels: list[tuple[str, str]] | None,
    names: dict[str, dict[str, list[dict[str, Any]]]],
) -> tuple[list[str], str]:
    """The item's functional codes (one per 项) and how they were found ('' when printed).

    normalize fills ``code`` from 项 names that are unique in the table ('2080505,2080506'); a
    paragraph without printed codes whose 项 name is not unique ('一般行政管理事务') is placed
    here by its 类/款 names.
    """
    row_codes = [c for c in (row.get("code") or "").split(",") if c]
    if not all(_CODE_RE.match(c) for c in row_codes):
        row_codes = []
    if para is None:
        return row_codes, ""  # no text at hand: the row's code is taken as printed
    if printed := _printed_code(para):
        return [printed], ""
    if levels is None:
        return [], ""
    n_items = sum(1 for lv, _ in levels if lv == "项")
    if row_codes and len(row_codes) == n_items:
        return row_codes, f"（说明未印科目编码，按其项名称对应报表科目{'、'.join(row_codes)}）"
    if n_items == 1 and len(levels) == len(LEVELS) and (code := _resolve(levels, names)):
        return [code], f"（说明未印科目编码，按其类、款、项名称对应报表科目{code}）"
    return [], ""


def _resolve(levels: list[tuple[str, str]], names: dict[str, dict[str, list[dict[str, Any]]]]) -> str | None:
    """The one 7-digit code whose 项 name matches and whose 类/款 names match best, if one does."""
    wanted = [_norm(name) for _, name in levels]
    scored: dict[str, int] = {}
    for code in names:
        if len(code) == CODE_LENGTH["项"] and wanted[2] in names[code]:
            scored[code] = sum(
                wanted[i] in names.get(code[: CODE_LENGTH[lv]], {}) for i, lv in enumerate(LEVELS[:2])
            )
    best = max(scored.values(), default=None)
    top = [c for c, s in scored.items() if s == best]
    return top[0] if len(top) == 1 else None


# --- figures as printed -------------------------------------------------------------------


def _printed(
    yuan: Decimal, text: str, where: str, *patterns: re.Pattern[str], unit: str = DEFAULT_UNIT
) -> Printed:
    """The printed figure whose value is ``yuan``: first after its own words, else anywhere in the text.

    Without it, the value in ``unit`` to at least two places (the rows keep no printed form).
    """
    for rx in (*patterns, _AMOUNT_RE):
        for m in rx.finditer(text):
            number, printed_unit = m.group(1), m.group(2)
            if Decimal(number.replace(",", "")) * FACTORS[printed_unit] == yuan:
                return Printed(
                    yuan, half_unit(number, printed_unit), f"{number}{printed_unit}", where, printed_unit
                )
    return from_yuan(yuan, where, unit if unit in FACTORS else DEFAULT_UNIT)


def _number(p: Printed) -> Decimal:
    """The figure in its printed unit, with its printed decimals."""
    return Decimal(p.shown.removesuffix(p.unit).replace(",", ""))


def _rounds_to(yuan: Decimal, p: Printed) -> bool:
    """True when ``yuan`` rounded to p's printed places is exactly p: p prints it, no 尾差 at all."""
    number = _number(p)
    return (yuan / FACTORS[p.unit]).quantize(
        Decimal(1).scaleb(number.as_tuple().exponent), ROUND_HALF_UP
    ) == number


def _sign(x: Decimal) -> int:
    return (x > 0) - (x < 0)


def _pct(x: Decimal, places: int) -> str:
    return f"{x.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP):f}%"


def _ratio_range(a: Printed, b: Printed) -> tuple[Decimal, Decimal, Decimal] | None:
    """b / a × 100 from the printed figures, and its range when each may be off by its half-unit."""
    if a.value - a.half <= 0:
        return None  # a base of 0 (a new item) has no ratio; the 说明's 100% is a convention
    low = (b.value - b.half) / (a.value + a.half)
    high = (b.value + b.half) / (a.value - a.half)
    return b.value / a.value * HUNDRED, max(low, Decimal(0)) * HUNDRED, high * HUNDRED


class _Item:
    """One paragraph: its figures as printed and the label a message names it by."""

    def __init__(self, row: dict[str, Any], para: Paragraph, year: int | None, code: str | None) -> None:
        self.row = row
        self.code = code
        self.para = para
        self.page = row.get("source_page")
        where = "说明" + (f"第{self.page}页" if self.page else "")
        text = para.text
        self.where = where

        def fig(key: str, role: str, *patterns: re.Pattern[str]) -> Printed | None:
            value = row.get(key)
            if value is None:
                return None
            return _printed(value, text, f"{where}{role}", *patterns, unit=row.get("unit") or DEFAULT_UNIT)

        self.stated = fig("stated_yuan", "标题", _HEAD_RE)
        self.prior = fig("prior_executed_yuan", "上年预算执行数", _PRIOR_RE)
        self.budget = fig("budget_yuan", "本年预算安排", _PLANNED_RE)
        self.initial = fig("budget_initial_yuan", "年初预算", _INITIAL_RE)
        self.final = fig("final_yuan", "支出决算", _FINAL_RE)
        self.prior_words = f"{year - 1}年当年预算执行数" if year else "上年当年预算执行数"
        self.budget_words = f"{year}年预算安排" if year else "本年预算安排"
        number = f"第{para.number}项" if para.number else ""
        self.label = f"说明{number}“{row['item']}”" + (f"（第{self.page}页）" if self.page else "")

    def _check(self, check: str, severity: str, message: str, **kw: Any) -> Check:
        return Check(
            check,
            severity,
            message,
            source_line=self.row.get("source_line"),
            page=self.page,
            code=kw.pop("code", None) or self.code,
            **kw,
        )

    # narrative_self --------------------------------------------------------------------

    def change_checks(self) -> list[Check]:
        """The stated percentage and direction word against the two figures they describe."""
        out: list[Check] = []
        if self.prior is not None and self.budget is not None:
            word = self.row.get("change_word")
            percent = self.row.get("change_percent")
            if percent is not None and (c := self._percent_check(word, percent)) is not None:
                out.append(c)
            if word in WORD_SIGN and (c := self._direction_check(word)) is not None:
                out.append(c)
        if self.initial is not None and self.final is not None:
            m = _COMPLETION_RE.search(self.para.text)
            if m and (c := self._completion_check(Decimal(m.group(1)))) is not None:
                out.append(c)
        return out

    def _percent_check(self, word: str | None, percent: Decimal) -> Check | None:
        """|budget − prior| / prior against the printed percentage, within both figures' rounding."""
        assert self.prior is not None and self.budget is not None
        ratio = _ratio_range(self.prior, self.budget)
        if ratio is None:
            return None
        r, low, high = (x - HUNDRED for x in ratio)
        # The percentage states the size of the change; its sign is the word's (checked apart).
        size = abs(r)
        if low >= 0:
            size_low, size_high = low, high
        elif high <= 0:
            size_low, size_high = -high, -low
        else:
            size_low, size_high = Decimal(0), max(-low, high)
        places = decimals(percent)
        half = Decimal(5).scaleb(-places - 1)  # 17.62 stands for [17.615, 17.625]
        shown_places = max(places, 2)
        if size.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP) == percent:
            return None
        # No fixed allowance (such as 0.5 percentage points): the printed percent's own range
        # must meet the range both amounts' rounding allows.
        within = percent + half >= size_low and percent - half <= size_high
        stated = f"{word or ''}{percent:f}%"
        actual = f"{SIGN_WORD[_sign(r)] if _sign(r) else ''}{_pct(size, shown_places)}"
        head = (
            f"{self.label}：{self.prior_words}{self.prior.shown}，{self.budget_words}{self.budget.shown}，"
            f"按此计算应为{actual}，说明写“{stated}”"
        )
        if within:
            message = f"{head}，在两数四舍五入误差范围内（{_pct(size_low, shown_places)}～{_pct(size_high, shown_places)}），属尾差"
        else:
            message = head + "，两者不符"
            if self.stated is not None and self.stated.value != self.budget.value:
                alt = _ratio_range(self.prior, self.stated)
                if alt is not None:
                    alt_r = alt[0] - HUNDRED
                    message += f"；若按标题所列{self.stated.shown}计算则为{SIGN_WORD[_sign(alt_r)]}{_pct(abs(alt_r), shown_places)}"
        return self._check(
            PERCENT,
            "info" if within else "warning",
            message,
            figure=f"{stated}（{self.where}）",
            compared=f"{actual}（按{self.prior.shown}、{self.budget.shown}计算）",
        )

    def _direction_check(self, word: str) -> Check | None:
        """增加/减少/持平 against the sign of budget − prior; inside both figures' rounding it is only info."""
        assert self.prior is not None and self.budget is not None
        diff = self.budget.value - self.prior.value
        stated, actual = WORD_SIGN[word], _sign(diff)
        if stated == actual:
            return None
        within = abs(diff) <= self.prior.half + self.budget.half
        if actual == 0:
            message = (
                f"{self.label}写“{word}”，但{self.prior_words}与{self.budget_words}同为{self.budget.shown}"
            )
            message += (
                "，按印刷精度看不出增减（实际数可能略有增减），属尾差"
                if within
                else f"，应为“{SIGN_WORD[0]}”"
            )
        else:
            message = (
                f"{self.label}写“{word}”，但{self.budget_words}{self.budget.shown}"
                f"{'高于' if actual > 0 else '低于'}{self.prior_words}{self.prior.shown}"
                f"（{'多' if actual > 0 else '少'}{show(abs(diff), self.budget.unit)}）"
            )
            message += "，相差在两数四舍五入误差范围内，属尾差" if within else f"，应为“{SIGN_WORD[actual]}”"
        return self._check(
            DIRECTION,
            "info" if within else "warning",
            message,
            figure=f"{word}（{self.where}）",
            compared=f"{self.prior.full()}→{self.budget.full()}",
        )

    def _completion_check(self, percent: Decimal) -> Check | None:
        """决算: 完成年初预算的x% against 支出决算 / 年初预算."""
        assert self.initial is not None and self.final is not None
        ratio = _ratio_range(self.initial, self.final)
        if ratio is None:
            return None
        r, low, high = ratio
        places = decimals(percent)
        if r.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP) == percent:
            return None
        half = Decimal(5).scaleb(-places - 1)
        within = percent + half >= low and percent - half <= high
        shown_places = max(places, 2)
        message = (
            f"{self.label}：年初预算{self.initial.shown}，支出决算{self.final.shown}，"
            f"按此计算完成年初预算的{_pct(r, shown_places)}，说明写{percent:f}%"
        )
        message += (
            f"，在两数四舍五入误差范围内（{_pct(low, shown_places)}～{_pct(high, shown_places)}），属尾差"
            if within
            else "，两者不符"
        )
        return self._check(
            PERCENT,
            "info" if within else "warning",
            message,
            figure=f"完成年初预算的{percent:f}%（{self.where}）",
            compared=f"{_pct(r, shown_places)}（按{self.initial.shown}、{self.final.shown}计算）",
        )

    def restated_check(self) -> Check | None:
        """The heading's amount against the same paragraph's 本年预算安排: one item, one amount."""
        return compare(
            RESTATED,
            f"{self.label}标题所列金额与{self.budget_words}",
            self.stated,
            self.budget,
            code=self.code,
            source_line=self.row.get("source_line"),
            page=self.page,
        )

    # narrative_tables ------------------------------------------------------------------

    def name_checks(
        self,
        levels: list[tuple[str, str]],
        codes: list[str],
        how: str,
        names: dict[str, dict[str, list[dict[str, Any]]]],
    ) -> list[Check]:
        """Each level's name against the name the tables print for the same code (3/5/7 digits)."""
        items = [name for lv, name in levels if lv == "项"]
        if (items and len(codes) != len(items)) or any(len(c) != CODE_LENGTH[levels[-1][0]] for c in codes):
            return []
        pairs = [(lv, name, c[: CODE_LENGTH[lv]]) for lv, name in levels if lv != "项" for c in codes]
        pairs += [("项", name, c) for name, c in zip(items, codes, strict=True)]
        out: list[Check] = []
        for level, name, prefix in dict.fromkeys(pairs):
            printed = names.get(prefix)
            if not printed or _norm(name) in printed:
                continue
            rows = max(printed.values(), key=len)
            pages = sorted({r["source_page"] for r in rows if r.get("source_page")})
            tables = "、".join(dict.fromkeys(r.get("statement") or r.get("template") or "" for r in rows))
            table_name = rows[0]["name"].strip()
            where = tables + (f"，第{'、'.join(map(str, pages))}页" if pages else "")
            out.append(
                self._check(
                    NAME_VS_TABLE,
                    "warning",
                    f"{self.label}的{level}名称“{name}”与报表中科目{prefix}的名称“{table_name}”（{where}）不一致{how}",
                    code=prefix if len(codes) > 1 else None,
                    figure=f"{name}（{self.where}）",
                    compared=f"{table_name}（{where}）",
                )
            )
        return out

    def table_checks(self, rows: dict[str, dict[str, Any]]) -> list[Check]:
        """本年预算安排 (and the heading, when it states another amount) against the function table's 合计."""
        code = self.code
        if code is None or code not in rows or (self.budget is None and self.stated is None):
            return []
        row = rows[code]
        table = from_line(row)
        if table is None:
            return []
        figures: list[tuple[str, Printed]] = []
        if self.budget is not None:
            figures.append((self.budget_words, self.budget))
        if self.stated is not None and (self.budget is None or self.stated.value != self.budget.value):
            figures.append(("标题所列金额", self.stated))
        out: list[Check] = []
        for words, fig in figures:
            if _rounds_to(row["amount_yuan"], fig):
                continue  # the 说明 prints the table's figure rounded to its own places
            c = compare(
                BUDGET_VS_TABLE,
                f"{self.label}的{words}与{row.get('statement') or BUDGET_FUNCTION_TABLE}科目{code}",
                fig,
                table,
                statement=row.get("statement"),
                code=code,
                source_line=self.row.get("source_line"),
                page=self.page,
            )
            if c is not None:
                out.append(c)
        return out
