"""The 说明 against itself (VALIDATION.md family 8, narrative half): stated parts vs stated
wholes, a figure stated twice, the direction words (大于/小于/持平) against the figures
they relate, and stated percentages (完成…的x%, 占x%) recomputed from their two figures.

Per-item checks of a 预算's numbered paragraphs live in narrative_items.py.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from etl.model import Check
from etl.normalize import NormalizedDocument
from etl.parsers.narrative import stated_direction
from etl.validate.figures import Printed, compare, from_figure, from_yuan, total
from etl.validate.spec import CheckSpec

SPECS = (
    CheckSpec(
        "narrative_sum_mismatch",
        "narrative_self",
        "warning",
        "说明分项之和与总数不符",
        "说明所述各部分（基本支出与项目支出、三公三项、各类支出等）之和与其所述总数",
        True,
    ),
    CheckSpec(
        "narrative_restated_mismatch",
        "narrative_self",
        "warning",
        "说明前后数字不一致",
        "说明在两处所述的同一数字（如总体情况与具体情况中的一般公共预算支出）",
    ),
    CheckSpec(
        "narrative_direction_mismatch",
        "narrative_self",
        "warning",
        "增减表述与数字相反",
        "说明所述“决算数大于/小于/等于预算数”与其所列两个数字的大小",
    ),
    CheckSpec(
        "narrative_increase_exceeds_amount",
        "narrative_self",
        "warning",
        "增加额大于本年数",
        "说明所述“X万元，比上年增加Y万元”中增加额Y不应大于X（否则上年数为负）",
    ),
    CheckSpec(
        "narrative_percent_mismatch",
        "narrative_self",
        "warning",
        "说明百分比计算有误",
        "说明所述完成率、占比（完成…的x%、占x%）按其所列两个数字重新计算",
        True,
    ),
)

# Parts the 说明 states that must add up to a whole it also states: (whole, parts, what).
SUMS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (
        "total_expenditure",
        ("basic_expenditure", "project_expenditure"),
        "本年支出合计与基本支出、项目支出之和",
    ),
    ("basic_gpb", ("personnel_cost", "public_cost"), "一般公共预算财政拨款基本支出与人员经费、公用经费之和"),
    (
        "three_public_actual",
        ("three_public_abroad_actual", "three_public_vehicle_actual", "three_public_reception_actual"),
        "“三公”经费支出决算与三项之和",
    ),
    (
        "three_public_budget",
        ("three_public_abroad_budget", "three_public_vehicle_budget", "three_public_reception_budget"),
        "“三公”经费预算与三项之和",
    ),
    (
        "procurement_total",
        ("procurement_goods", "procurement_works", "procurement_services"),
        "政府采购金额与货物、工程、服务采购之和",
    ),
    (
        "procurement_budget_total",
        ("procurement_budget_goods", "procurement_budget_works", "procurement_budget_services"),
        "政府采购预算与货物、工程、服务之和",
    ),
)
# The same quantity stated twice: (key, key, what).
RESTATED: tuple[tuple[str, str, str], ...] = (
    ("gpb_expenditure", "gpb_final", "一般公共预算财政拨款支出（总体情况）与具体情况中的支出决算"),
)
# (budget key, final key, what): sentences that state 决算 against 预算 with a direction and a rate.
BUDGET_VS_FINAL: tuple[tuple[str, str, str], ...] = (
    ("gpb_budget_initial", "gpb_final", "一般公共预算财政拨款支出决算具体情况说明"),
    ("three_public_budget", "three_public_actual", "“三公”经费支出决算说明"),
)
# (part key, whole key, what): '财政拨款收入2940.05万元，占99.79%' is the part's share of the whole.
SHARES: tuple[tuple[str, str, str], ...] = (
    ("fiscal_income", "total_income", "财政拨款收入占本年收入合计"),
    ("other_income", "total_income", "其他收入占本年收入合计"),
    ("basic_expenditure", "total_expenditure", "基本支出占本年支出合计"),
    ("project_expenditure", "total_expenditure", "项目支出占本年支出合计"),
    # '一般公共预算财政拨款支出2940.05万元，占本年支出合计的100.00%'
    ("gpb_expenditure", "total_expenditure", "一般公共预算财政拨款支出占本年支出合计"),
)
# 结构情况: 'X支出（类）2106.66万元，占71.73%' is the 类's share of 一般公共预算财政拨款支出.
CLASS_SHARE = "class_share:"
CLASS_SHARE_WHOLE = "gpb_expenditure"
SIGN_WORDS = {1: "大于", -1: "小于", 0: "等于"}
COMPLETION_RE = re.compile(r"完成(?:年初)?预算的\s*(?P<pct>\d+(?:\.\d+)?)\s*%")
SHARE_AFTER = r"\s*万?元[，,]\s*占(?:比|[^，,。；;%\d]{1,12}的)?\s*(?P<pct>\d+(?:\.\d+)?)\s*%"
# A line that starts a new paragraph: '2、', '（三）', '三、'.
PARAGRAPH_START = re.compile(r"^(?:\d+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、)")
# The figure key the parser gives a stated increase ('{key}_increase').
INCREASE = "_increase"
# How far after a figure its direction words may stand (characters of the same paragraph).
DIRECTION_REACH = 200


def _by_key(doc: NormalizedDocument) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for f in doc.narrative_figures:
        out.setdefault(f["key"], f)
    return out


def sum_checks(doc: NormalizedDocument) -> list[Check]:
    out: list[Check] = []
    figures = _by_key(doc)
    wholes = [(w, [figures[k] for k in parts if k in figures], what, len(parts)) for w, parts, what in SUMS]
    shares = [f for f in doc.narrative_figures if f["key"].startswith("class_share:")]
    if len(shares) > 1:
        wholes.append(("gpb_expenditure", shares, "一般公共预算财政拨款支出与各类支出之和", len(shares)))
    for whole_key, parts, what, n in wholes:
        whole = figures.get(whole_key)
        if whole is None or len(parts) != n or len({p["unit"] for p in [whole, *parts]}) != 1:
            continue
        printed = [from_figure(p) for p in parts]
        if None in printed:
            continue
        c = compare(
            "narrative_sum_mismatch",
            f"说明中{what}",
            from_figure(whole),
            total([p for p in printed if p], f"说明所列{n}项"),
            source_line=whole["source_line"],
        )
        if c:
            out.append(c)
    return out


def restated_checks(doc: NormalizedDocument) -> list[Check]:
    out: list[Check] = []
    figures = _by_key(doc)
    for a_key, b_key, what in RESTATED:
        a, b = figures.get(a_key), figures.get(b_key)
        if a is None or b is None or a["unit"] != b["unit"] or a["value"] == b["value"]:
            continue
        pa, pb = from_figure(a), from_figure(b)
        if pa is None or pb is None:
            continue
        out.append(
            Check(
                "narrative_restated_mismatch",
                "warning",
                f"说明中{what}不一致：{pa.full()}，{pb.full()}",
                source_line=b["source_line"],
                figure=pa.full(),
                compared=pb.full(),
            )
        )
    return out


def _sign(a: Decimal, b: Decimal) -> int:
    return (a > b) - (a < b)


def _paragraph_after(doc: NormalizedDocument, fig: dict) -> str:
    """The figure's sentence and what follows it in the same paragraph (wrapped PDF lines joined).

    A text file's line is a paragraph; a PDF paragraph runs on until a numbered line starts.
    """
    if doc.source is None:
        return fig["text"]
    lines = [ln for ln in doc.source.lines if fig["source_line"] <= ln.number < fig["source_line"] + 4]
    paragraph = lines[:1]
    if doc.source.file_type != "TEXT":
        for ln in lines[1:]:
            if ln.kind != "prose" or PARAGRAPH_START.match(ln.text.strip()):
                break
            paragraph.append(ln)
    joined = "".join(ln.text for ln in paragraph).replace(" ", "")
    start = joined.find(fig["text"].replace(" ", ""))
    if start < 0:
        return fig["text"]
    return joined[start : start + len(fig["text"]) + DIRECTION_REACH]


def _direction_check(
    stated: tuple[int, str], budget: Printed, final: Printed, what: str, line: int | None
) -> Check | None:
    actual = _sign(final.value, budget.value)
    if actual == stated[0]:
        return None
    return Check(
        "narrative_direction_mismatch",
        "warning",
        f"{what}称“{stated[1]}”，但所列年初预算为{budget.shown}、支出决算为{final.shown}（决算数{SIGN_WORDS[actual]}预算数）",
        source_line=line,
        figure=f"“{stated[1]}”",
        compared=f"年初预算{budget.full()}，支出决算{final.full()}",
    )


def direction_checks(doc: NormalizedDocument) -> list[Check]:
    """Each 决算 paragraph's and 总体 sentence's direction words against its two figures."""
    out: list[Check] = []
    for n, item in enumerate(doc.narrative_items, 1):
        word = item.get("change_word")
        if (
            doc.meta.kind == "budget"
            or not word
            or item.get("budget_initial_yuan") is None
            or item.get("final_yuan") is None
        ):
            continue
        stated = stated_direction(word)
        if stated is None:
            continue
        where = f"说明第{item.get('source_page')}页" if item.get("source_page") else "说明"
        budget = from_yuan(item["budget_initial_yuan"], where)
        final = from_yuan(item["final_yuan"], where)
        c = _direction_check(stated, budget, final, f"说明第{n}项“{item['item']}”", item["source_line"])
        if c:
            out.append(c)
    figures = _by_key(doc)
    for budget_key, final_key, what in BUDGET_VS_FINAL:
        b, f = figures.get(budget_key), figures.get(final_key)
        pb, pf = (from_figure(b), from_figure(f)) if b and f else (None, None)
        if pb is None or pf is None:
            continue
        stated = stated_direction(_paragraph_after(doc, f))
        if stated and (c := _direction_check(stated, pb, pf, what, f["source_line"])):
            out.append(c)
    return out


def _percent_check(part: Printed, whole: Printed, pct_text: str, what: str, line: int | None) -> Check | None:
    """A stated percentage against part / whole, with every printed figure's rounding allowed for.

    Rounding is the printed precision only: the percentage's own decimals (71.73% stands for
    [71.725, 71.735]) and each figure's half-unit. No fixed allowance such as half a
    percentage point, which would pass 71.73% for 2106.66 ÷ 2940.05 = 71.65%.
    """
    if whole.value - whole.half <= 0:
        return None
    stated = Decimal(pct_text)
    places = len(pct_text.split(".", 1)[1]) if "." in pct_text else 0
    half_pct = Decimal(5) / Decimal(10) ** (places + 1)
    low = (part.value - part.half) / (whole.value + whole.half) * 100
    high = (part.value + part.half) / (whole.value - whole.half) * 100
    computed = part.value / whole.value * 100
    if computed.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP) == stated:
        return None
    within = low - half_pct <= stated <= high + half_pct
    shown = max(places, 2)
    span = f"{low:.{shown}f}%～{high:.{shown}f}%" if f"{low:.{shown}f}" != f"{high:.{shown}f}" else ""
    return Check(
        "narrative_percent_mismatch",
        "info" if within else "warning",
        f"{what}：说明印为 {pct_text}%，按{part.full()} ÷ {whole.full()}计算为 {computed:.{shown}f}%"
        + (f"（两数按印刷精度可得 {span}）" if span else "")
        + ("，在四舍五入误差范围内，属尾差" if within else "，两者不符"),
        source_line=line,
        figure=f"{pct_text}%（{part.where}）",
        compared=f"{computed:.{shown}f}%（{part.shown} ÷ {whole.shown}）",
    )


def _stated_share(part: dict) -> str | None:
    """The percentage printed right after a part's amount ('2106.66万元，占71.73%' -> '71.73')."""
    m = re.search(re.escape(f"{part['value']}") + SHARE_AFTER, part["text"].replace(",", ""))
    return m.group("pct") if m else None


def percent_checks(doc: NormalizedDocument) -> list[Check]:
    out: list[Check] = []
    figures = _by_key(doc)
    for budget_key, final_key, what in BUDGET_VS_FINAL:
        b, f = figures.get(budget_key), figures.get(final_key)
        if not b or not f or b["unit"] != f["unit"]:
            continue
        m = COMPLETION_RE.search(_paragraph_after(doc, f)[: len(f["text"]) + 40])
        pb, pf = from_figure(b), from_figure(f)
        if (
            m
            and pb
            and pf
            and (c := _percent_check(pf, pb, m.group("pct"), f"{what}的完成预算比例", f["source_line"]))
        ):
            out.append(c)
    shares = [
        (figures.get(part), figures.get(whole), f"说明所述{what}的比例") for part, whole, what in SHARES
    ]
    shares += [
        (
            f,
            figures.get(CLASS_SHARE_WHOLE),
            f"说明所述{f['key'].removeprefix(CLASS_SHARE)}（类）占一般公共预算财政拨款支出的比例",
        )
        for f in doc.narrative_figures
        if f["key"].startswith(CLASS_SHARE)
    ]
    for p, w, what in shares:
        if not p or not w or p["unit"] != w["unit"]:
            continue
        pct = _stated_share(p)
        pp, pw = from_figure(p), from_figure(w)
        if pct and pp and pw and (c := _percent_check(pp, pw, pct, what, p["source_line"])):
            out.append(c)
    return out


def increase_checks(doc: NormalizedDocument) -> list[Check]:
    """'政府性基金拨款支出预算0万元，比2022年预算增加1421.25万元': last year would be negative."""
    out: list[Check] = []
    figures = _by_key(doc)
    for key, fig in figures.items():
        if not key.endswith(INCREASE):
            continue
        base = figures.get(key.removesuffix(INCREASE))
        a, inc = (from_figure(base), from_figure(fig)) if base else (None, None)
        if a is None or inc is None or inc.value - inc.half <= a.value + a.half:
            continue
        said = _around(fig["text"], f"{fig['value']}")
        out.append(
            Check(
                "narrative_increase_exceeds_amount",
                "warning",
                f"说明“{said}”：本年{a.shown}，比上年增加{inc.shown}，增加额大于本年数（上年数将为负），两数至少有一个有误（{a.where}）",
                source_line=fig["source_line"],
                figure=a.full(),
                compared=f"增加{inc.full()}",
            )
        )
    return out


def _around(text: str, figure: str, before: int = 30) -> str:
    """The words of a sentence up to a figure it states ('…政府性基金拨款支出预算0万元，比2022年预算增加1421.25')."""
    plain = text.replace(",", "")
    at = plain.find(figure)
    if at < 0:
        return plain[: before + 10]
    start = max(0, at - before)
    return ("…" if start else "") + plain[start : at + len(figure)] + "万元"


def checks(doc: NormalizedDocument) -> list[Check]:
    return (
        sum_checks(doc)
        + restated_checks(doc)
        + direction_checks(doc)
        + percent_checks(doc)
        + increase_checks(doc)
    )
