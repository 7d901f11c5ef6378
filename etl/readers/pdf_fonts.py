"""Each font's descent as pdfminer takes it, read from the PDF's font descriptors (pypdf).

A character's box runs from its baseline plus the font's descent to one font size above
that. pdfminer takes the descent from the font descriptor as written (a standard 14 font's
from its built-in metrics), 0 when the descriptor says 0. PDFium does too, except that a
descriptor saying Ascent 0 and Descent 0 (LibreOffice writes these) makes it measure the
glyphs instead, and it shows no descriptor. So the PDFium reader looks the descriptors up
here, by font name, to set its characters where pdfplumber sets them.
"""

from __future__ import annotations

import io
from typing import Any

_MAX_DEPTH = 8  # form XObjects inside form XObjects: enough for any real file, and no loop
# Fonts pdfminer reads from its own metrics (pdfminer.fontmetrics), whatever the file says.
_STANDARD_14 = frozenset(
    {
        "Courier",
        "Courier-Bold",
        "Courier-BoldOblique",
        "Courier-Oblique",
        "Helvetica",
        "Helvetica-Bold",
        "Helvetica-BoldOblique",
        "Helvetica-Oblique",
        "Symbol",
        "Times-Bold",
        "Times-BoldItalic",
        "Times-Italic",
        "Times-Roman",
        "ZapfDingbats",
    }
)


def base_name(name: str) -> str:
    """A font name without its subset tag: 'BAAAAA+LiberationSerif' -> 'LiberationSerif'."""
    tag, plus, rest = name.partition("+")
    return rest if plus and len(tag) == 6 and tag.isalpha() and tag.isupper() else name


def descents(data: bytes) -> dict[str, float]:
    """Font name (subset tag off) -> pdfminer's descent in thousandths of the font size.

    Only names every font of that name agrees on; {} when the file cannot be read this way
    (the PDFium reader then keeps PDFium's own descent).
    """
    found: dict[str, set[float]] = {}
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        seen: set[int] = set()
        for page in reader.pages:
            _collect(page.get("/Resources"), found, seen, 0)
    except Exception:  # a file pypdf cannot walk: PDFium's descents, no worse than before
        return {}
    return {name: next(iter(values)) for name, values in found.items() if len(values) == 1}


def _collect(resources: Any, found: dict[str, set[float]], seen: set[int], depth: int) -> None:
    """Fonts of a resource dictionary and of the form XObjects it holds."""
    resources = _resolve(resources)
    if not hasattr(resources, "get") or depth > _MAX_DEPTH:
        return
    fonts = _resolve(resources.get("/Font"))
    if hasattr(fonts, "values"):
        for ref in fonts.values():
            if _once(ref, seen):
                _font(_resolve(ref), found)
    xobjects = _resolve(resources.get("/XObject"))
    if hasattr(xobjects, "values"):
        for ref in xobjects.values():
            xobject = _resolve(ref)
            if _once(ref, seen) and hasattr(xobject, "get") and xobject.get("/Subtype") == "/Form":
                _collect(xobject.get("/Resources"), found, seen, depth + 1)


def _font(font: Any, found: dict[str, set[float]]) -> None:
    if not hasattr(font, "get"):
        return
    subtype = font.get("/Subtype")
    names = [str(font.get("/BaseFont", ""))]
    if subtype == "/Type3":
        return  # pdfminer measures these from their FontBBox and FontMatrix: PDFium's own descent
    if subtype == "/Type0":
        descendants = _resolve(font.get("/DescendantFonts"))
        if not descendants:
            return
        font = _resolve(descendants[0])
        names.append(str(font.get("/BaseFont", "")))
        descent = _descent(_resolve(font.get("/FontDescriptor")))
    elif names[0].lstrip("/") in _STANDARD_14:
        from pdfminer.fontmetrics import FONT_METRICS

        descent = float(FONT_METRICS[names[0].lstrip("/")][0]["Descent"])  # type: ignore[arg-type]
    else:
        descent = _descent(_resolve(font.get("/FontDescriptor")))
    for name in names:
        name = base_name(name.lstrip("/"))
        if name:
            found.setdefault(name, set()).add(descent)


def _descent(descriptor: Any) -> float:
    """pdfminer's rule: the descriptor's Descent, 0 when absent, made negative when written positive."""
    value = float(_resolve(descriptor.get("/Descent", 0))) if hasattr(descriptor, "get") else 0.0
    return -value if value > 0 else value


def _resolve(obj: Any) -> Any:
    return obj.get_object() if hasattr(obj, "get_object") else obj


def _once(ref: Any, seen: set[int]) -> bool:
    """Whether an indirect object is met for the first time (a direct one always is)."""
    number = getattr(ref, "idnum", None)
    if number is None:
        return True
    if number in seen:
        return False
    seen.add(number)
    return True
