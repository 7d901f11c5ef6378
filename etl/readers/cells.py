"""Text clean-up shared by the readers: a cell's or line's text as one string.

Cells wrap long names over several lines and justified PDF text spaces out
Chinese characters ('因 公 出 国'); neither is part of what was printed as a word.
Spaces are kept only between two ASCII words ('2023 2.55').
"""

from __future__ import annotations

import re

_CJK = r"\u2e80-\u9fff\u3000-\u303f\uff00-\uffef“”‘’、，。：；（）《》【】—…"
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])[ \t]+|[ \t]+(?=[{_CJK}])")
_SPACES = str.maketrans({"\u3000": " ", "\u00a0": " ", "\u200b": None, "\ufeff": None, "\t": " "})
_ASCII_WORD_END = re.compile(r"[A-Za-z0-9%.,)]$")
_ASCII_WORD_START = re.compile(r"^[A-Za-z0-9(+\-]")


def tidy(text: str) -> str:
    """Outer space off, runs of space to one, no space beside a Chinese character."""
    text = text.translate(_SPACES)
    text = " ".join(text.split(" ")).strip()
    while "  " in text:
        text = text.replace("  ", " ")
    return _SPACE_NEAR_CJK.sub("", text)


def join_pieces(pieces: list[str]) -> str:
    """Pieces of one cell or line, in reading order -> one string.

    Chinese wraps without a space; two ASCII words keep one between them.
    """
    out = ""
    for piece in pieces:
        piece = tidy(piece)
        if not piece:
            continue
        if out and _ASCII_WORD_END.search(out) and _ASCII_WORD_START.match(piece):
            out += " "
        out += piece
    return out


def cell_text(raw: str | None) -> str:
    """A cell's extracted text, its inner line breaks joined."""
    if not raw:
        return ""
    return join_pieces(raw.replace("\r", "\n").split("\n"))
