"""Small text helpers shared by the layout parsers (pure functions, no I/O).

Figures are read exactly as printed: thousands separators, full-width
spaces and stray ideographic spaces are removed, but digits are never
rounded or re-scaled here.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# Characters that extraction leaves around cells: ideographic space, NBSP, zero-width.
_SPACE_CHARS = "\u3000\u00a0\u200b\ufeff"
_SPACE_TABLE = str.maketrans({c: " " for c in _SPACE_CHARS})
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９．，－％", "0123456789.,-%")

_NUMBER_RE = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_PERCENT_RE = re.compile(r"^([-+]?\d+(?:\.\d+)?)\s*[%％]$")
_CODE_RE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_BLANK_MARKERS = {"", "-", "—", "——", "－", "/"}


def _has_special_space(text: str) -> bool:
    return "\u3000" in text or "\u00a0" in text or "\u200b" in text or "\ufeff" in text


def clean_cell(text: str) -> str:
    """Strip a cell: ideographic/NBSP spaces become spaces, outer space removed."""
    if _has_special_space(text):
        text = text.translate(_SPACE_TABLE)
    return text.strip()


def squash(text: str) -> str:
    """Remove every whitespace character: for matching wrapped Chinese words."""
    if "\u200b" in text or "\ufeff" in text:
        text = text.translate(_SPACE_TABLE)
    # str.split() splits on all Unicode whitespace (ideographic space and NBSP included).
    return "".join(text.split())


def is_blank(text: str | None) -> bool:
    """True for an empty cell or a dash that means 'nothing printed'."""
    return text is None or clean_cell(text) in _BLANK_MARKERS


def is_amount(text: str) -> bool:
    """True when the cell is a plain number (1,234.56 or 1234 or 0.00)."""
    s = clean_cell(text).translate(_FULLWIDTH_DIGITS).replace(" ", "")
    return bool(_NUMBER_RE.match(s))


def parse_amount(text: str | None) -> Decimal | None:
    """'3,984.05' -> Decimal('3984.05'); blank or dash -> None; else ValueError.

    The number of decimals printed is kept (Decimal('7682.00')).
    """
    if is_blank(text):
        return None
    assert text is not None
    s = clean_cell(text).translate(_FULLWIDTH_DIGITS).replace(" ", "")
    if not _NUMBER_RE.match(s):
        raise ValueError(f"not an amount: {text!r}")
    try:
        return Decimal(s.replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - regex guards this
        raise ValueError(f"not an amount: {text!r}") from exc


def is_percent(text: str) -> bool:
    """True for '52.64%' or '100.0%'."""
    return bool(_PERCENT_RE.match(clean_cell(text).translate(_FULLWIDTH_DIGITS)))


def parse_percent(text: str | None) -> Decimal | None:
    """'52.64%' -> Decimal('0.5264') (exact); blank -> None; else ValueError."""
    if is_blank(text):
        return None
    assert text is not None
    m = _PERCENT_RE.match(clean_cell(text).translate(_FULLWIDTH_DIGITS))
    if not m:
        raise ValueError(f"not a percentage: {text!r}")
    return Decimal(m.group(1)) / Decimal(100)


def is_code(text: str) -> bool:
    """True for a classification code of 3, 5 or 7 digits (208, 20805, 2080505)."""
    return bool(_CODE_RE.match(clean_cell(text)))


def code_level(code: str | None, classification: str | None) -> int | None:
    """Level of a code: functional 3/5/7 digits -> 1/2/3; economic 3/5 -> 1/2."""
    if code is None:
        return None
    n = len(code)
    if classification == "economic":
        return {3: 1, 5: 2}.get(n)
    return {3: 1, 5: 2, 7: 3}.get(n)


def split_cells(line: str) -> list[str]:
    """Tab-separated row -> cleaned cells (empty cells kept, positions preserved)."""
    return [clean_cell(c) for c in line.split("\t")]


def nonempty_cells(line: str) -> list[str]:
    """Tab-separated row -> the cells that hold text, in order."""
    return [c for c in split_cells(line) if c]
