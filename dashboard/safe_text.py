"""Text from documents or links, made safe for the elements that render markup.

Department, unit and project names, goals, findings, file names and URL parameters come
from outside: they are shown as text, never as Markdown or HTML. Streamlit renders
Markdown in st.markdown / caption / title / alerts, in widget, metric, expander and
page-link labels, in metric values, tooltips, radio options and st.table cells; Plotly
renders a few HTML tags (``<a href>`` among them) in titles, ticks, legends and hovers.

- :func:`md` for any Markdown place (plain places — st.text, st.code, selectbox options,
  dataframe cells — take the text as it is; an escape there would show its backslash);
- :func:`md_code` for a file name shown in code style inside Markdown;
- :func:`chart_text` for any text placed in a Plotly figure.
"""

from __future__ import annotations

import re

# Every ASCII punctuation character: CommonMark lets a backslash escape each of them, and
# the escape renders as the character alone ('\(' shows '('), so escaped text looks unchanged.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# GitHub's autolink literals ('http://x', 'www.x', 'a@b.cn') are found in the text after the
# escapes are resolved, so escaping cannot stop them: an invisible word joiner inside
# '://', after 'www' and before '@' does (the same positions the GFM patterns need).
_AUTOLINK = re.compile(r"(?<=[A-Za-z])(?=://)|(?<=[Ww]{3})(?=\.)|(?=@)")
WORD_JOINER = "\u2060"
_BACKTICKS = re.compile(r"`+")
_CHART_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def md(text: object) -> str:
    """``text`` as literal text inside Markdown: no link, image, HTML, emphasis or formula.

    '上海市（松江区）' comes back unchanged (full-width punctuation needs no escape).
    """
    if text is None:
        return ""
    return _PUNCTUATION.sub(r"\\\1", _AUTOLINK.sub(WORD_JOINER, str(text)))


def md_code(text: object) -> str:
    """``text`` as an inline code span (nothing inside one is rendered), fenced by more
    backticks than any run it holds."""
    value = "" if text is None else str(text).replace("\n", " ")
    longest = max((len(m) for m in _BACKTICKS.findall(value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def chart_text(text: object) -> str:
    """``text`` for a Plotly figure: its tags (``<a href>``, ``<br>``) shown, not followed.

    Plotly turns the entities back into the characters when it draws the text.
    """
    return "" if text is None else str(text).translate(_CHART_ESCAPES)
