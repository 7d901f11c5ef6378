"""A briefing (dashboard/briefing.py) written as PDF and as DOCX, offline.

Charts become PNG images in Debian's chromium (the one the browser tests use), driven by
Playwright: the page loads plotly.js from the plotly package on disk (no network; every
http(s) request is refused), draws each figure and returns ``Plotly.toImage``'s PNG. The PDF
is an HTML page carrying those images, printed by the same chromium (A4, page numbers; its text
layer corrected by dashboard/pdf_text.py so that copied text is the text shown); the
DOCX is written by python-docx with the same images. Measured against kaleido and chromium's
command line in bench/briefing_render.py (README, *Measured figures*).

Text from documents (names, reasons, file names) is escaped in the HTML and written as runs
of text in the DOCX: never interpreted.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import os
import queue
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import suppress
from pathlib import Path
from typing import Any, TypeVar

import plotly
import plotly.graph_objects as go
import plotly.io as pio
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from PIL import Image

from dashboard import charts, pdf_text
from dashboard.briefing import Briefing, Table

CHROMIUM = os.environ.get("BUDGET_CHROMIUM", "/usr/bin/chromium")  # Debian's (make browser-deps)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
CHART_WIDTH = 760  # CSS px: a chart fills A4's 180 mm text width at about its on-screen size
CHART_SCALE = 2  # PNG pixels per CSS px: sharp in print
TIMEOUT_MS = 60_000
T = TypeVar("T")
FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
DOCX_FONT = "宋体"  # the body font of official documents (SimSun), found on every Chinese Windows/WPS
DOCX_HEADING_FONT = "黑体"
GENERATOR = "区级预算与绩效看板"
PDF_MIME = "application/pdf"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class BriefingError(Exception):
    """The briefing could not be drawn; the message says why in Chinese."""


def unavailable() -> str | None:
    """Why a briefing cannot be made on this server (None when it can)."""
    if not Path(CHROMIUM).is_file():
        return (
            f"服务器未安装 Chromium 浏览器（{CHROMIUM}），无法生成简报；请在项目目录运行 make browser-deps。"
        )
    if not PLOTLY_JS.is_file():
        return "plotly 安装不完整（缺少 plotly.min.js），无法绘制简报中的图表。"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "服务器未安装 playwright（pyproject.toml 的依赖），无法生成简报。"
    return None


class Workspace:
    """The renderer's offline context and its two tabs, kept warm between briefings: one that has
    plotly.js loaded (drawing charts) and one that prints HTML to PDF.

    A fresh context and tab per briefing cost chromium about 3.5-4 CPU-s (a renderer process
    started and plotly.js's 4.7 MB evaluated again; measured machine-wide). Nothing of one briefing
    stays for the next: the chart tab removes each chart it drew, the print tab's document is
    replaced by the next briefing's, and nothing may be fetched from outside (_offline_context).
    """

    def __init__(self, browser: Any) -> None:
        self.context = _offline_context(browser)
        self._charts: Any = None
        self._printer: Any = None

    def charts(self) -> Any:
        """The tab with plotly.js loaded (from the plotly package on disk)."""
        if self._charts is None or self._charts.is_closed():
            page = self.context.new_page()
            page.add_script_tag(path=str(PLOTLY_JS))
            page.wait_for_function("() => window.Plotly !== undefined")
            self._charts = page
        return self._charts

    def printer(self) -> Any:
        """The tab whose document is set to a briefing's HTML and printed."""
        if self._printer is None or self._printer.is_closed():
            self._printer = self.context.new_page()
        return self._printer

    def close(self) -> None:
        with suppress(Exception):  # a browser that died took its context with it
            self.context.close()


class _Renderer:
    """One headless chromium kept for the server's life, driven by one thread of its own.

    Starting Playwright's driver, chromium and its first page cost about 2 s of every briefing
    (measured 2.8 s on a busy machine); a warm browser and Workspace serve every briefing
    instead. Playwright's sync API belongs to the thread that started it, so every job runs on
    this thread, one at a time, in the order asked; a browser or tab that failed is started again.
    """

    def __init__(self) -> None:
        self._jobs: queue.Queue[tuple[Callable[[Any], Any], Future]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()

    def run(self, job: Callable[[Workspace], T]) -> T:
        """``job(workspace)`` on the renderer's thread; its result."""
        with self._start:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="briefing-chromium", daemon=True)
                self._thread.start()
        done: Future = Future()
        self._jobs.put((job, done))
        try:
            return done.result(timeout=TIMEOUT_MS / 1000 * 4)
        except FutureTimeout as exc:
            done.cancel()  # still queued: never drawn; drawing: its result is dropped
            raise BriefingError("简报生成超时（其他简报正在生成），请稍后再试。") from exc

    def _loop(self) -> None:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            b = None
            work: Workspace | None = None
            while True:
                job, done = self._jobs.get()
                if not done.set_running_or_notify_cancel():
                    continue
                try:
                    if b is None or not b.is_connected():
                        b = p.chromium.launch(
                            executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=TIMEOUT_MS
                        )
                        work = None
                    if work is None:
                        work = Workspace(b)
                    done.set_result(job(work))
                except PlaywrightError as exc:
                    if work is not None:
                        work.close()  # a tab that failed may hold anything: the next job starts anew
                        work = None
                    if b is not None and not b.is_connected():
                        b = None
                    done.set_exception(BriefingError(f"Chromium 生成简报失败（{type(exc).__name__}）。"))
                except BaseException as exc:  # the job's own failure, said where it was asked
                    done.set_exception(exc)


def _offline_context(b: Any) -> Any:
    """A context in which nothing loaded may leave the machine (only file:, data:, about:)."""
    context = b.new_context(locale="zh-CN", offline=True)
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(("file:", "data:", "about:")) else route.abort()
        ),
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context


_RENDERER = _Renderer()


def in_browser(job: Callable[[Workspace], T]) -> T:
    """Run ``job(workspace)`` in the server's chromium (see _Renderer); BriefingError when it cannot."""
    reason = unavailable()
    if reason:
        raise BriefingError(reason)
    return _RENDERER.run(job)


_DRAW = """async specs => {
  const out = [];
  for (const spec of specs.map(s => JSON.parse(s))) {
    const div = document.createElement('div');
    document.body.appendChild(div);
    const height = (spec.layout && spec.layout.height) || 420;
    spec.layout = Object.assign({}, spec.layout, {width: WIDTH, height: height});
    await Plotly.newPlot(div, spec.data, spec.layout, {staticPlot: true});
    out.push(await Plotly.toImage(div, {format: 'png', width: WIDTH, height: height, scale: SCALE}));
    Plotly.purge(div);
    div.remove();
  }
  return out;
}""".replace("WIDTH", str(CHART_WIDTH)).replace("SCALE", str(CHART_SCALE))


# Importing streamlit makes its own template the default: placeholder colours (#000011 …) the
# browser app swaps for the theme's. On paper a figure takes Plotly's white template (its colours,
# and axes that make room for long labels); colours the chart sets itself stay.
PRINT_TEMPLATE = "plotly_white"


LEGEND_ROOM = 36  # px added under a chart for its legend, pinned to the image's bottom edge


def _for_print(fig: go.Figure) -> go.Figure:
    """A copy drawn for paper: the white template, and the legend pinned to the bottom of the image
    (the page places it a fraction of the plot's height below, which a tall chart pushes out of
    its picture and a short one onto the axis title)."""
    copy = go.Figure(fig)
    copy.update_layout(template=PRINT_TEMPLATE)
    if copy.layout.showlegend is not False:
        bottom = copy.layout.margin.b if copy.layout.margin.b is not None else 90
        copy.update_layout(
            legend={"yref": "container", "y": 0, "yanchor": "bottom"},
            margin={"b": bottom + LEGEND_ROOM},
            height=(copy.layout.height or 420) + LEGEND_ROOM,
        )
    return copy


class _Images:
    """PNGs already drawn, by the figure they draw (its JSON): an official who takes the PDF and
    then the Word file of one view waits once for the charts (2-4 s in chromium), not twice."""

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._pngs: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, spec: str) -> bytes | None:
        key = hashlib.sha256(spec.encode("utf-8")).hexdigest()
        with self._lock:
            png = self._pngs.get(key)
            if png is not None:
                self._pngs.move_to_end(key)
            return png

    def put(self, spec: str, png: bytes) -> None:
        key = hashlib.sha256(spec.encode("utf-8")).hexdigest()
        with self._lock:
            self._pngs[key] = png
            while len(self._pngs) > self._size:
                self._pngs.popitem(last=False)


DRAWN = _Images()


def chart_images(work: Workspace, figures: Sequence[go.Figure]) -> list[bytes]:
    """Each figure as a PNG, drawn by plotly.js (from the plotly package on disk) in chromium
    (a figure drawn before is taken from DRAWN)."""
    if not figures:
        return []
    with charts.plotly_lock():  # Plotly's object model is not thread-safe (dashboard.charts)
        specs = [pio.to_json(_for_print(fig), validate=False) for fig in figures]
    known = [DRAWN.get(spec) for spec in specs]
    missing = [spec for spec, png in zip(specs, known, strict=True) if png is None]
    drawn = iter(_draw(work, missing) if missing else [])
    out = []
    for spec, png in zip(specs, known, strict=True):
        if png is None:
            png = next(drawn)
            DRAWN.put(spec, png)
        out.append(png)
    return out


def _draw(work: Workspace, specs: Sequence[str]) -> list[bytes]:
    """Plotly figure specs (JSON) as PNGs, drawn in the workspace's chart tab."""
    urls = work.charts().evaluate(_DRAW, specs)
    return [base64.b64decode(url.split(",", 1)[1]) for url in urls]


# --- PDF --------------------------------------------------------------------------------

CSS = """
@page { size: A4; margin: 16mm 15mm 18mm 15mm; }
body { font-family: FONT; font-size: 10.5pt; color: #111; line-height: 1.55; }
/* no 'fi' ligature: a file name copied from the PDF reads as typed ('finance', not 'ﬁnance') */
* { font-variant-ligatures: none; font-feature-settings: "liga" 0, "clig" 0; }
h1 { font-size: 20pt; margin: 0 0 2mm 0; }
h2 { font-size: 13pt; margin: 6mm 0 2mm 0; border-bottom: 1px solid #999; padding-bottom: 1mm; break-after: avoid; }
.meta { color: #555; font-size: 9pt; margin: 0 0 3mm 0; }
table.scope { border-collapse: collapse; margin: 0 0 2mm 0; }
table.scope td { padding: 0.6mm 3mm 0.6mm 0; vertical-align: top; }
table.scope td.k { color: #555; white-space: nowrap; }
ol.points { padding-left: 6mm; margin: 0; }
ol.points li { margin: 0 0 2.2mm 0; page-break-inside: avoid; }
.src { color: #555; font-size: 8.5pt; word-break: break-all; }
figure { margin: 0 0 4mm 0; page-break-inside: avoid; }
figure img { display: block; margin: 0 auto; max-width: 100%; max-height: 250mm; width: auto; height: auto; }
table.data { border-collapse: collapse; width: 100%; font-size: 8.5pt; margin: 1mm 0 1mm 0; }
table.data th, table.data td { border: 1px solid #999; padding: 0.8mm 1.2mm; vertical-align: top; }
table.data th { background: #eef1f6; font-weight: bold; text-align: center; }
table.data td.n { text-align: right; white-space: nowrap; }
table.data td.s { white-space: nowrap; }
table.data tr { page-break-inside: avoid; }
.caption { font-weight: bold; margin: 3mm 0 1mm 0; break-after: avoid; }
.note { color: #555; font-size: 8.5pt; }
.end { color: #555; font-size: 8.5pt; margin-top: 6mm; }
""".replace("FONT", FONT)
FOOTER = (
    f'<div style="width:100%;font-size:8px;color:#666;text-align:center;font-family:{FONT};">'
    f'{GENERATOR} · 第 <span class="pageNumber"></span> 页，共 <span class="totalPages"></span> 页</div>'
)
END_NOTE = (
    "本简报由区级预算与绩效看板按页面当前的筛选条件生成。金额按各文件所印数字（精确到元）换算为万元，"
    "四舍五入保留两位小数；“来源”指数字所在的文件及页码（文本文件为行号），可在看板“原文查看”页核对。"
)


def _e(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


SHORT = 6  # a column whose every value is this short never wraps ('普陀' stays on one line)


def _html_table(t: Table) -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in t.columns)
    short = [all(len(r[j]) <= SHORT for r in t.rows) for j in range(len(t.columns))]
    kinds = ["n" if n else ("s" if s else "") for n, s in zip(t.numeric, short, strict=True)]
    body = "".join(
        "<tr>" + "".join(f'<td class="{k}">{_e(v)}</td>' for v, k in zip(r, kinds, strict=True)) + "</tr>"
        for r in t.rows
    )
    note = f'<div class="note">{_e(t.note)}</div>' if t.note else ""
    return (
        f'<div class="caption">{_e(t.title)}</div>'
        f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{note}'
    )


def to_html(b: Briefing, images: Sequence[bytes]) -> str:
    """The briefing as one printable HTML page (images inline; every text escaped)."""
    scope = "".join(f'<tr><td class="k">{_e(k)}</td><td>{_e(v)}</td></tr>' for k, v in b.scope)
    points = "".join(
        f"<li>{_e(p.text)}"
        + (f'<div class="src">{_e(p.source_text)}</div>' if p.source_text else "")
        + "</li>"
        for p in b.points
    )
    figures = "".join(
        f'<figure><img alt="图表 {i}" src="data:image/png;base64,{base64.b64encode(png).decode()}"></figure>'
        for i, png in enumerate(images, 1)
    )
    tables = "".join(_html_table(t) for t in b.tables)
    notes = "".join(f'<p class="note">{_e(n)}</p>' for n in b.notes)
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{_e(b.title)}</title><style>{CSS}</style></head><body>"
        f"<h1>{_e(b.title)}</h1>"
        f'<p class="meta">生成时间：{_e(b.made_at)}　数据更新于：{_e(b.data_at)}</p>'
        f'<table class="scope">{scope}</table>'
        f'<h2>分析要点</h2><ol class="points">{points}</ol>'
        + (f"<h2>图表</h2>{figures}" if figures else "")
        + (f"<h2>主要数据</h2>{tables}" if tables else "")
        + notes
        + f'<p class="end">{_e(END_NOTE)}</p></body></html>'
    )


def to_pdf(b: Briefing) -> bytes:
    """The briefing as an A4 PDF (charts as images, page numbers in the footer)."""

    def print_(work: Workspace) -> bytes:
        images = chart_images(work, b.figures)
        page = work.printer()
        page.set_content(to_html(b, images), wait_until="load")
        page.evaluate("() => document.fonts.ready.then(() => true)")
        return page.pdf(
            format="A4",
            print_background=True,
            display_header_footer=True,
            header_template="<div></div>",
            footer_template=FOOTER,
            margin={"top": "16mm", "bottom": "18mm", "left": "15mm", "right": "15mm"},
        )

    printed = in_browser(print_)
    return pdf_text.fix_text_layer(printed)  # '部门' copied as 部门, not 部⻔ (dashboard/pdf_text.py)


# --- DOCX -------------------------------------------------------------------------------


def _fonts(style_or_run: Any, east_asia: str, size: float | None = None, bold: bool | None = None) -> None:
    font = style_or_run.font
    font.name = "Arial"
    if size:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    font.color.rgb = RGBColor(0x11, 0x11, 0x11)
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), east_asia)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def _repeat_header(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    trpr.append(flag)


def _docx_table(doc: Any, t: Table) -> None:
    caption = doc.add_paragraph()
    caption.paragraph_format.keep_with_next = True  # never a caption alone at a page's foot
    _fonts(caption.add_run(t.title), DOCX_HEADING_FONT, 10.5, True)
    grid = doc.add_table(rows=1 + len(t.rows), cols=len(t.columns))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, row in enumerate([t.columns, *t.rows]):
        cells = grid.rows[i].cells
        for j, value in enumerate(row):
            para = cells[j].paragraphs[0]
            run = para.add_run(str(value))
            _fonts(run, DOCX_FONT, 8, bold=i == 0)
            if i == 0:
                para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif t.numeric[j]:
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _repeat_header(grid.rows[0])
    if t.note:
        note = doc.add_paragraph()
        _fonts(note.add_run(t.note), DOCX_FONT, 8)


DOCX_WIDTH_MM, DOCX_HEIGHT_MM = 174, 240  # A4 less the margins, less room for a heading


def _picture_size(png: bytes) -> dict[str, Any]:
    """The text width, or for a tall chart the page's height (the aspect ratio kept either way)."""
    with Image.open(io.BytesIO(png)) as image:
        width, height = image.size
    if height / width * DOCX_WIDTH_MM > DOCX_HEIGHT_MM:
        return {"height": Mm(DOCX_HEIGHT_MM)}
    return {"width": Mm(DOCX_WIDTH_MM)}


def to_docx(b: Briefing, images: Sequence[bytes] | None = None) -> bytes:
    """The briefing as a Word document (A4; charts as PNG images). Without ``images`` the charts
    are drawn in chromium; when that fails the document says so and is written without them."""
    notes = list(b.notes)
    if images is None:
        try:
            images = in_browser(lambda work: chart_images(work, b.figures))
        except BriefingError as exc:
            images = []
            if b.figures:
                notes.append(f"图表未能生成：{exc}")
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(18)
    section.top_margin, section.bottom_margin = Mm(18), Mm(18)
    _fonts(doc.styles["Normal"], DOCX_FONT, 10.5)
    for name, size in (("Title", 20), ("Heading 1", 14)):
        _fonts(doc.styles[name], DOCX_HEADING_FONT, size, True)
    props = doc.core_properties
    props.title, props.author, props.subject = b.title, GENERATOR, f"{b.page}简报"
    doc.add_paragraph(b.title, style="Title")
    meta = doc.add_paragraph()
    _fonts(meta.add_run(f"生成时间：{b.made_at}　数据更新于：{b.data_at}"), DOCX_FONT, 9)
    for key, value in b.scope:
        line = doc.add_paragraph()
        line.paragraph_format.space_after = Pt(0)
        _fonts(line.add_run(f"{key}："), DOCX_FONT, 10, bold=True)
        _fonts(line.add_run(value), DOCX_FONT, 10)
    doc.add_paragraph("分析要点", style="Heading 1")
    for i, p in enumerate(b.points, 1):
        para = doc.add_paragraph()
        para.paragraph_format.left_indent = Cm(0.6)
        para.paragraph_format.first_line_indent = Cm(-0.6)
        para.paragraph_format.space_after = Pt(1)
        _fonts(para.add_run(f"{i}. {p.text}"), DOCX_FONT, 10.5)
        if p.source_text:
            src = doc.add_paragraph()
            src.paragraph_format.left_indent = Cm(0.6)
            src.paragraph_format.space_after = Pt(5)
            run = src.add_run(p.source_text)
            _fonts(run, DOCX_FONT, 8.5)
            run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
    if images:
        doc.add_paragraph("图表", style="Heading 1")
        for png in images:
            doc.add_picture(io.BytesIO(png), **_picture_size(png))
    if b.tables:
        doc.add_paragraph("主要数据", style="Heading 1")
        for t in b.tables:
            _docx_table(doc, t)
    for note in notes:
        _fonts(doc.add_paragraph().add_run(note), DOCX_FONT, 9)
    end = doc.add_paragraph()
    end.paragraph_format.space_before = Pt(12)
    _fonts(end.add_run(END_NOTE), DOCX_FONT, 8.5)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
