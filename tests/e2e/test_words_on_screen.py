"""No English and no internals on any page (issue 19.9), read as an official's browser shows them:
visible text, tooltips and button labels of every page at 1400 px. (A table's cells are drawn on a
canvas, out of a browser's text: how a finding wraps there is tested on the frame, test_money.py.)

Allowed: the names of file formats and programs officials use (PDF, Excel …) and the documents'
own file names (data, not our words). Not allowed: any other Latin word, a server folder path, a
build id or a hash prefix.
"""

from __future__ import annotations

import re

from tests.e2e.conftest import navigate, screenshot, settle
from tests.e2e.test_journeys import PAGES, open_app

ALLOWED = {
    "PDF", "CSV", "Excel", "XLSX", "XLS", "DOCX", "DOC", "WPS", "Word", "LibreOffice", "UTF", "MB", "GB",
    "KB", "PNG", "SHA", "URL", "BUDGET_RAW", "BUDGET_WAREHOUSE", "python", "etl", "build", "raw", "out", "data",
    "warehouse", "make", "run",
}  # fmt: skip
FILE_NAME = re.compile(r"[\w.\-（）()]+\.(?:pdf|txt|docx?|xlsx?|wps|csv)\b", re.IGNORECASE)
WORD = re.compile(r"[A-Za-z][A-Za-z_]{2,}")
INTERNALS = {
    "server folder": re.compile(r"/(?:work|tmp|home|root|usr)/"),
    "build id": re.compile(r"\b\d{8}T\d{6,}"),
    "hash prefix": re.compile(r"\b[0-9a-f]{10,}\b"),
}

# What the browser shows: the text of the main area and the sidebar, and the words a pointer finds
# (tooltips, labels read aloud, placeholders) of every visible element.
SHOWN = """() => {
  const icons = new Set([...document.querySelectorAll('[data-testid="stIconMaterial"], [data-testid="stAlertDynamicIcon"]')].map(e => e.textContent));
  const strip = (t) => t.split('\\n').map(l => [...icons].reduce((x, i) => x.split(i).join(' '), l)).join('\\n');
  const words = [strip(document.querySelector('[data-testid="stMain"]').innerText),
                 strip((document.querySelector('[data-testid="stSidebar"]') || {innerText: ''}).innerText)];
  for (const el of document.querySelectorAll('[title], [aria-label], [placeholder], [data-title]')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;  // not drawn: no tooltip to see
    for (const a of ['title', 'aria-label', 'placeholder', 'data-title']) {
      const v = el.getAttribute(a); if (v) words.push(v);
    }
  }
  return words.join('\\n');
}"""


def foreign(text: str) -> list[str]:
    """Latin words and internals in ``text``, the documents' file names aside."""
    text = FILE_NAME.sub(" ", text)
    found = [w for w in WORD.findall(text) if w not in ALLOWED]
    found += [f"{what}: {m.group(0)}" for what, rx in INTERNALS.items() for m in rx.finditer(text)]
    return found


def test__no_english_or_internals_on_any_page(page, server) -> None:
    open_app(page, server)
    seen: dict[str, list[str]] = {}
    for path, title in PAGES.items():
        if path:
            navigate(page, title, path)
        settle(page)
        for table in [t for t in page.locator('[data-testid="stDataFrame"]').all() if t.is_visible()][:2]:
            table.hover()  # the table toolbar shows itself on hover: its buttons are read too
        words = foreign(page.evaluate(SHOWN))
        if words:
            seen[title] = sorted(set(words))
            screenshot(page, f"words_{path or 'overview'}")
    assert not seen, "\n".join(f"{k}: {v}" for k, v in seen.items())
