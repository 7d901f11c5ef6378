"""Text a PDF page does not show is read once and reported once.

A block that runs over a page break is drawn on both pages: clipped on the first, partly
above the top edge of the second (the 主要职能 of the 2025 商务委 budgets, pp. 3–4, and of the
2026 司法局 budget, pp. 4–5). Each line is read from the page that shows it, never twice; a
line no page shows is still read (it is the only copy). White text and text in render mode
3 are handled the same way. The small PDFs are written by hand below (Type0 font
STSong-Light, no embedded font), so each case states exactly what the page draws.
"""

from __future__ import annotations

import pytest

from etl.build import process_document
from etl.readers import read_document
from etl.readers.model import HIDDEN, PROSE, Document
from tests.realdocs import real_bytes

W, H = 595, 842


def _text(x: float, top: float, text: str, ops: str = "") -> str:
    """One line of 12 pt text whose box starts ``top`` points below the page's top edge (its own state)."""
    return f"q BT {ops} /F1 12 Tf 1 0 0 1 {x} {H - top - 10} Tm <{text.encode('utf-16-be').hex()}> Tj ET Q\n"


def _clip(top: float, bottom: float) -> str:
    """Clip what follows to the band [top, bottom] (from the page's top edge)."""
    return f"q 50 {H - bottom} 495 {bottom - top} re W n\n"


def pdf_bytes(*pages: str) -> bytes:
    """A minimal PDF, one content stream a page."""
    objs: list[bytes] = [
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [2 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe)"
        b" /Ordering (GB1) /Supplement 4 >> /FontDescriptor 3 0 R /DW 1000 >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0"
        b" /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
        b"",  # 4: the page tree, written once the pages are numbered
    ]
    kids = []
    for content in pages:
        data = content.encode("latin-1")
        objs.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(data), data))
        objs.append(
            b"<< /Type /Page /Parent 4 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 1 0 R >> >>"
            b" /Contents %d 0 R >>" % (W, H, len(objs))
        )
        kids.append(len(objs))
    objs[3] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    objs.append(b"<< /Type /Catalog /Pages 4 0 R >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, obj)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objs) + 1,
        len(objs),
        xref,
    )
    return bytes(out)


ITEMS = [f"（{n}）第{n}项职能。" for n in "一二三四五六七八"]
# The block's tops on the first page; the second page draws it 660 points higher.
TOPS = [600, 640, 680, 720, 760, 800, 840, 880]
OVERFLOW = (
    # p.1: clipped below 700 (items 一–三 shown); 四–六 clipped, 七–八 below the bottom edge.
    _clip(50, 700) + "".join(_text(72, t, s) for t, s in zip(TOPS, ITEMS, strict=True)) + "Q\n",
    # p.2: clipped above 50: 一–二 above the top edge, 三 clipped, 四–八 shown.
    _clip(50, 300) + "".join(_text(72, t - 660, s) for t, s in zip(TOPS, ITEMS, strict=True)) + "Q\n",
)
UNSEEN = (
    _text(72, 100, "上海市某局主要职能")
    + _text(72, 130, "这一行以白色绘制。", "1 g")
    + _text(72, 160, "这一行设为不可见。", "3 Tr")
    + f"0.2 0.2 0.6 rg 60 {H - 205} 300 20 re f\n"
    + _text(72, 190, "深色底上的白字。", "1 1 1 rg")
    + _text(72, 196, "深色底上设为不可见。", "3 Tr")
    + f"q 300 0 0 40 60 {H - 255} cm BI /W 1 /H 1 /CS /G /BPC 8 ID \x80 EI Q\n"
    + _text(72, 220, "扫描件图片上的文字层。", "3 Tr")
    + _text(72, -30, "只排在页面上方的一行。")
)


@pytest.fixture(scope="module")
def overflow() -> Document:
    return read_document("overflow.pdf", pdf_bytes(*OVERFLOW))


def _read(doc: Document) -> list[tuple[int, str]]:
    return [(ln.page, ln.text) for ln in doc.lines if ln.kind == PROSE]


def test__overflow__each_line_read_once_from_the_page_that_shows_it(overflow: Document) -> None:
    assert _read(overflow) == [(1, s) for s in ITEMS[:3]] + [(2, s) for s in ITEMS[3:]]
    assert [ln.text for ln in overflow.lines if ln.kind == PROSE] == ITEMS
    assert overflow.prose_text().count("（五）第五项职能。") == 1


def test__overflow__the_copies_are_kept_unread_with_why(overflow: Document) -> None:
    copies = [(ln.page, ln.text, overflow.hidden[ln.number]) for ln in overflow.lines if ln.kind == HIDDEN]
    assert copies == [
        (1, ITEMS[3], "clipped"),
        (1, ITEMS[4], "clipped"),
        (1, ITEMS[5], "clipped"),
        (1, ITEMS[6], "outside"),
        (1, ITEMS[7], "outside"),
        (2, ITEMS[0], "outside"),
        (2, ITEMS[1], "outside"),
        (2, ITEMS[2], "clipped"),
    ]


def test__overflow__outside_the_page_reported_once_per_page_clipped_copies_not_again() -> None:
    out = process_document("overflow.pdf", pdf_bytes(*OVERFLOW))
    outside = [(c["source_page"], c["severity"]) for c in out["checks"] if c["check"] == "text_outside_page"]
    assert sorted(outside) == [(1, "warning"), (2, "warning")]
    by_page = {c["source_page"]: c["message"] for c in out["checks"] if c["check"] == "text_outside_page"}
    assert "2 行" in by_page[1] and "下边缘" in by_page[1] and "（七）" in by_page[1]
    assert "2 行" in by_page[2] and "上边缘" in by_page[2] and "（一）" in by_page[2]
    assert not [c for c in out["checks"] if c["check"] == "text_invisible"]


def test__white_and_invisible_text__read_when_the_only_copy_and_reported_once() -> None:
    doc = read_document("unseen.pdf", pdf_bytes(UNSEEN))
    assert _read(doc) == [
        (1, "只排在页面上方的一行。"),
        (1, "上海市某局主要职能"),
        (1, "这一行以白色绘制。"),
        (1, "这一行设为不可见。"),
        (1, "深色底上的白字。"),
        (1, "深色底上设为不可见。"),
        (1, "扫描件图片上的文字层。"),
    ]
    whys = {ln.text: doc.hidden.get(ln.number) for ln in doc.lines}
    assert whys == {
        "只排在页面上方的一行。": "outside",
        "上海市某局主要职能": None,
        "这一行以白色绘制。": "white",
        "这一行设为不可见。": "invisible",
        "深色底上的白字。": None,  # white on a dark fill is shown
        "深色底上设为不可见。": "invisible",  # invisible is invisible on any fill but an image
        "扫描件图片上的文字层。": None,  # invisible over an image: a scan's text layer
    }
    out = process_document("unseen.pdf", pdf_bytes(UNSEEN))
    (invisible,) = [c for c in out["checks"] if c["check"] == "text_invisible"]
    assert (invisible["severity"], invisible["source_page"]) == ("warning", 1)
    assert "3 行" in invisible["message"] and "以白色绘制、设为不可见" in invisible["message"]
    assert "已按原文读入" in invisible["message"]
    (outside,) = [c for c in out["checks"] if c["check"] == "text_outside_page"]
    assert "只排在页面上方的一行" in outside["message"]


def test__white_copy_of_a_shown_line__not_read_twice() -> None:
    page = _text(72, 100, "本年收入合计100万元。") + _text(72, 100, "本年收入合计100万元。", "1 g")
    doc = read_document("white_copy.pdf", pdf_bytes(page))
    assert _read(doc) == [(1, "本年收入合计100万元。")]
    out = process_document("white_copy.pdf", pdf_bytes(page))
    (invisible,) = [c for c in out["checks"] if c["check"] == "text_invisible"]
    assert "只读入一次" in invisible["message"]


# --- the real budgets -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "first", "last", "pages"),
    [
        (
            "putuo_commerce_commission_2025_unit_budget.pdf",
            "上海市普陀区商务委员会是主管全区产业经济的区政府工作部门",
            "13、完成区委、区政府交办的其他任务。",
            (3, 4),
        ),
        (
            "putuo_commerce_commission_2025_department_budget.pdf",
            "上海市普陀区商务委员会是主管全区产业经济的区政府工作部门",
            "13、完成区委、区政府交办的其他任务。",
            (3, 4),
        ),
        (
            "putuo_justice_bureau_2026_department_budget.pdf",
            "上海市普陀区司法局是主管本区司法和法制工作的区政府工作部门",
            "（十）完成区委、区政府交办的其他任务。",
            (4, 5),
        ),
    ],
)
def test__real_budgets__the_overflowing_main_functions_read_once(
    name: str, first: str, last: str, pages: tuple[int, int]
) -> None:
    doc = read_document(name, real_bytes(name))
    text = "".join(doc.prose_text().split())
    assert text.count(first) == 1 and text.count("".join(last.split())) == 1
    shown = {ln.text.strip(): ln.page for ln in doc.lines if ln.kind == PROSE}
    # The first sentence shows on the first page, the last item on the second (typed from the images).
    assert next(p for t, p in shown.items() if t.startswith(first)) == pages[0]
    assert shown[last] == pages[1]
    assert {doc.hidden[ln.number] for ln in doc.lines if ln.kind == HIDDEN} == {"clipped", "outside"}


@pytest.mark.parametrize(
    ("name", "pages"),
    [
        ("putuo_commerce_commission_2025_unit_budget.pdf", [3, 4]),
        ("putuo_commerce_commission_2025_department_budget.pdf", [3, 4]),
        ("putuo_justice_bureau_2026_department_budget.pdf", [5]),
    ],
)
def test__real_budgets__text_outside_page_once_per_page_and_nothing_invisible(
    name: str, pages: list[int]
) -> None:
    out = process_document(name, real_bytes(name))
    assert sorted(c["source_page"] for c in out["checks"] if c["check"] == "text_outside_page") == pages
    assert not [c for c in out["checks"] if c["check"] == "text_invisible"]
