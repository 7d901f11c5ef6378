"""Outside text stays text in a real browser (issue 17, item 4; Debian chromium via Playwright).

The dashboard serves the hostile corpus of tests/reliability/hostile.py (department, unit,
project, goal, finding, budget line and file name carrying '![t](http://evil.example/x.png)',
'[点我](http://evil.example)', '<img src=…>', '<a href=…>' and bare addresses). 总览, 数据质量,
项目详情, 数据下载 and 原文查看 are opened with those documents chosen and with hostile link
parameters; no request may go to the outside host and no link or image in the page may point
outside the app.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlparse

import duckdb
import pytest

from etl import load
from tests.e2e.conftest import assert_clean, screenshot, serving, settle, shows
from tests.reliability import hostile

# Every link target and image source in the document (HTML and the charts' SVG), made absolute.
TARGETS = """() => {
  const out = [];
  for (const e of document.querySelectorAll('a, img, image, iframe, source, video, audio, object, embed')) {
    for (const attr of ['href', 'xlink:href', 'src', 'srcset', 'data']) {
      const v = e.getAttribute(attr);
      if (!v) continue;
      let target = v;  // an address the browser cannot read is reported as printed
      try { target = new URL(v, location.href).href; } catch (err) {}
      out.push([e.tagName.toLowerCase(), attr, target, (e.textContent || '').slice(0, 60)]);
    }
  }
  return out;
}"""


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    base = tmp_path_factory.mktemp("hostile")
    raw, warehouse = hostile.build(base)
    with serving(warehouse, base / "streamlit.log", raw=raw) as url:
        yield url, warehouse


@dataclass(frozen=True)
class Visit:
    path: str  # '' is 总览
    title: str  # shown once the page ran
    query: dict[str, str | list[str]] = field(default_factory=dict)
    literal: str = ""  # a hostile text the page must show as it is printed (so the check is not vacuous)
    shot: str = ""  # screenshot name


def _visits(warehouse: Path) -> list[Visit]:
    """The pages, with the hostile documents chosen and hostile link parameters."""
    con = duckdb.connect()
    departments = [
        r[0]
        for r in con.sql(
            f"SELECT DISTINCT department FROM {load.duckdb_source(warehouse, 'documents')} ORDER BY 1"
        ).fetchall()
        if hostile.HOST in r[0]
    ]
    project = con.sql(
        f"SELECT project_id FROM {load.duckdb_source(warehouse, 'projects')} WHERE project_name LIKE '%<a href=%'"
    ).fetchall()[0][0]
    con.close()
    bad = hostile.URL_VALUES
    chosen = {"department": departments}
    return [
        Visit("", "总览", {**chosen, "district": bad[0], "year": bad[1], bad[2]: "1"}, hostile.LINK),
        Visit("quality", "数据质量", {**chosen, "dq_sev": "error,warning,info", "kind": bad[0]}, hostile.LINK,
              shot="injection_quality_1400"),
        Visit("project_detail", "项目详情", {"project": project, "district": bad[1], "department": bad[3]},
              hostile.IMAGE, shot="injection_project_detail_1400"),
        Visit("project_detail", "没有找到名称包含", {"q": hostile.LINK, "year": bad[0]}, hostile.LINK),
        Visit("download", "数据下载", {**chosen, "dl_text": hostile.IMAGE, "kind": bad[4]}, hostile.IMAGE),
        Visit("download", "数据下载", {**chosen, "dl_table": "projects", "district": bad[2]}, hostile.LINK),
        Visit("source", "原文查看", {"file": hostile.HOSTILE_FILE, "line": "5", "cell": bad[0], "kind": bad[1]},
              hostile.HOSTILE_FILE),
        Visit("source", "原文查看", {"file": bad[1], "kind": bad[0]}, bad[1]),
    ]  # fmt: skip


def test__outside_text_is_shown_as_text_and_nothing_is_fetched(page, hostile_server) -> None:
    server, warehouse = hostile_server
    origin = urlparse(server)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    def local_only(route) -> None:  # nothing may leave the machine, whatever a test finds
        if urlparse(route.request.url).hostname in (origin.hostname, "localhost"):
            route.continue_()
        else:
            route.abort()

    page.context.route("**/*", local_only)
    page.set_viewport_size({"width": 1400, "height": 1400})
    outside: list[tuple[str, list]] = []
    for visit in _visits(warehouse):
        url = f"{server}/{visit.path}?{urlencode(visit.query, doseq=True)}"
        page.goto(url)
        settle(page, since=0)
        shows(page, visit.title)
        shows(page, "已忽略", where='[data-testid="stSidebar"]')  # the link's bad values, quoted as text
        assert_clean(page, url)
        # Shown as printed: the word joiners that keep an address from being linked are invisible.
        text = page.locator('[data-testid="stAppViewContainer"]').inner_text().replace("\u2060", "")
        assert visit.literal in text, (url, visit.literal)
        targets = page.evaluate(TARGETS)
        away = [t for t in targets if urlparse(t[2]).scheme not in ("data", "blob") and _away(t[2], origin)]
        if away:
            outside.append((url, away))
        if visit.shot:
            screenshot(page, visit.shot)
    fetched = [u for u in requested if hostile.HOST in (urlparse(u).hostname or "")]
    assert (fetched, outside) == ([], []), f"fetched: {fetched}\noutside links and images: {outside}"


def _away(target: str, origin) -> bool:
    """True for a link or source outside the app (another host, or mailto: and the like)."""
    parsed = urlparse(target)
    return (parsed.scheme, parsed.hostname, parsed.port) != (origin.scheme, origin.hostname, origin.port)
