"""Read the comparable part of an indicator value: operator, number, unit.

Targets and actuals are free text ('>=29000家', '≥85%', '2-3人', '24小时内',
'及时'). Pages need to ask "does the actual meet the target?", so this module
turns the text into (op, number, high, unit) and answers only when the two
sides are comparable; otherwise it answers None, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_OPS = {
    ">=": ">=",
    "≥": ">=",
    "＞=": ">=",
    "=>": ">=",
    ">": ">",
    "＞": ">",
    "<=": "<=",
    "≤": "<=",
    "＜=": "<=",
    "<": "<",
    "＜": "<",
    "=": "=",
    "＝": "=",
}
_OP_RE = re.compile(r"^(>=|<=|=>|＞=|＜=|≥|≤|>|<|＞|＜|=|＝)")
_NUM = r"(\d+(?:,\d{3})*(?:\.\d+)?)"
_VALUE_RE = re.compile(rf"^{_NUM}\s*(?:[-~－—至]\s*{_NUM})?\s*(.*)$")
_WITHIN = ("以内", "之内", "内")
_AT_LEAST = ("以上", "及以上")
_NEGATIVE_WORDS = ("未执行", "未完成", "未达到", "未达标", "没有", "无法", "未开展")


@dataclass(frozen=True)
class Comparable:
    op: str | None  # '>=', '>', '<=', '<', '=', 'range'
    number: Decimal | None
    high: Decimal | None  # upper bound of a range ('2-3人')
    unit: str | None
    explicit: bool = False  # the operator was printed (or implied by 以内/以上)


EMPTY = Comparable(None, None, None, None)


def _dec(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def parse_comparable(text: str | None) -> Comparable:
    """'>=29000家' -> ('>=', 29000, None, '家'); '及时' -> all None."""
    if text is None:
        return EMPTY
    s = re.sub(r"\s+", "", text).replace("％", "%")
    op: str | None = None
    m = _OP_RE.match(s)
    if m:
        op = _OPS[m.group(1)]
        s = s[m.end() :]
    explicit = op is not None
    v = _VALUE_RE.match(s)
    if not v:
        return Comparable(op, None, None, None) if op else EMPTY
    number = _dec(v.group(1))
    high = _dec(v.group(2)) if v.group(2) else None
    unit = v.group(3) or None
    if high is not None:
        op = "range"
    if unit:
        for suffix in _WITHIN:
            if unit.endswith(suffix) and op is None:
                op, unit, explicit = "<=", unit[: -len(suffix)] or None, True
                break
        else:
            for suffix in _AT_LEAST:
                if unit.endswith(suffix) and op is None:
                    op, unit, explicit = ">=", unit[: -len(suffix)] or None, True
                    break
    if unit is not None and len(unit) > 6:
        # Long trailing text is a sentence, not a unit: not comparable.
        return EMPTY
    return Comparable(op or "=", number, high, unit, explicit or high is not None)


def meets_target(target: str | None, actual: str | None) -> bool | None:
    """Whether ``actual`` satisfies ``target``; None when they are not comparable."""
    if target is None or actual is None:
        return None
    t, a = parse_comparable(target), parse_comparable(actual)
    if t.number is None or a.number is None:
        ts, as_ = re.sub(r"\s+", "", target), re.sub(r"\s+", "", actual)
        if any(w in as_ for w in _NEGATIVE_WORDS) and ts != as_:
            return False
        if t.number is None and a.number is None and ts == as_:
            return True
        return None
    if t.unit and a.unit and t.unit != a.unit:
        return None
    x = a.number
    if t.op == "range":
        assert t.high is not None and t.number is not None
        if a.op == "range" and a.high is not None:
            return t.number <= x and a.high <= t.high
        return t.number <= x <= t.high
    assert t.number is not None
    if t.op == ">=":
        return x >= t.number
    if t.op == ">":
        # '>95%' reported as '>95%' means the same claim.
        return x > t.number or (a.op in (">", ">=") and x >= t.number)
    if t.op == "<=":
        return x <= t.number
    if t.op == "<":
        return x < t.number or (a.op in ("<", "<=") and x <= t.number)
    if not t.explicit and t.unit == "%" and t.number != 0:
        # A bare percentage target ('90%', '100%') is a floor in these forms.
        return x >= t.number
    return x == t.number
