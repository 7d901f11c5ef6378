"""A chromium-printed PDF's text layer, made to say the characters the page shows.

Noto Sans CJK (Source Han Sans) draws some ideographs with the very glyph of a radical: 门 and
⻔ (U+2ED4), 生 and ⽣ (U+2F63), 人 and ⼈ … about 200 pairs. Chromium's PDF writer names each
glyph by one code point of the font's cmap, the radical's, so a briefing's '部门' is copied or
searched as '部⻔' and '生成' as '⽣成' (a known Skia / Source Han problem). The fix here rewrites
each font's ToUnicode map after printing: every radical becomes the ideograph the font draws with
the same glyph (read from the font's own cmap), or, without the font, Unicode's NFKC equivalent
(all Kangxi radicals have one). Nothing else in the file changes.
"""

from __future__ import annotations

import functools
import io
import re
import struct
import subprocess
import unicodedata
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import StreamObject

FAMILY = "Noto Sans CJK SC"
RADICALS = (0x2E80, 0x2FDF)  # CJK Radicals Supplement and Kangxi Radicals
URO = (0x4E00, 0x9FFF)  # the unified ideographs an official's text is written in
UNIFIED = (URO, (0x3400, 0x4DBF), (0x20000, 0x3134F))
ENTRIES_PER_BLOCK = 100  # a CMap's bfchar block holds at most 100 entries


def font_file(family: str = FAMILY) -> tuple[Path, int] | None:
    """The font file (and face in a collection) fontconfig gives chromium for ``family``."""
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}\n%{index}", family],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.split("\n")
        path, index = Path(out[0]), int(out[1] or 0)
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None
    return (path, index) if path.is_file() else None


def cmap_groups(path: Path, index: int = 0) -> list[tuple[int, int, int]]:
    """The (first code point, last code point, first glyph) groups of a font's format-12 cmap."""
    with path.open("rb") as f:

        def read(at: int, size: int) -> bytes:
            f.seek(at)
            return f.read(size)

        start = 0
        if read(0, 4) == b"ttcf":  # a collection: the face's table directory
            (faces,) = struct.unpack(">I", read(8, 4))
            (start,) = struct.unpack(">I", read(12 + 4 * min(index, faces - 1), 4))
        (tables,) = struct.unpack(">H", read(start + 4, 2))
        directory = read(start + 12, 16 * tables)
        cmap = next(
            (
                struct.unpack_from(">II", directory, 16 * i + 8)
                for i in range(tables)
                if directory[16 * i : 16 * i + 4] == b"cmap"
            ),
            None,
        )
        if cmap is None:
            return []
        data = read(*cmap)
    (subtables,) = struct.unpack_from(">H", data, 2)
    for i in range(subtables):
        (offset,) = struct.unpack_from(">I", data, 8 + 8 * i)
        if struct.unpack_from(">H", data, offset)[0] == 12:
            (groups,) = struct.unpack_from(">I", data, offset + 12)
            return [struct.unpack_from(">III", data, offset + 16 + 12 * g) for g in range(groups)]
    return []


@functools.cache
def radical_ideographs() -> dict[int, int]:
    """Radical code point -> the ideograph drawn with the same glyph (the font's), else NFKC's."""
    table: dict[int, int] = {}
    for cp in range(RADICALS[0], RADICALS[1] + 1):
        same = unicodedata.normalize("NFKC", chr(cp))
        if len(same) == 1 and same != chr(cp):
            table[cp] = ord(same)
    found = font_file()
    groups = cmap_groups(*found) if found else []
    radicals_of: dict[int, list[int]] = {}
    for first, last, glyph in groups:
        for cp in range(max(first, RADICALS[0]), min(last, RADICALS[1]) + 1):
            radicals_of.setdefault(glyph + cp - first, []).append(cp)
    drawn: dict[int, list[int]] = {}
    for first, last, glyph in groups:
        for lo, hi in UNIFIED:
            for cp in range(max(first, lo), min(last, hi) + 1):
                for radical in radicals_of.get(glyph + cp - first, ()):
                    drawn.setdefault(radical, []).append(cp)
    for radical, ideographs in drawn.items():
        in_uro = [cp for cp in ideographs if URO[0] <= cp <= URO[1]]
        table[radical] = min(in_uro or ideographs)
    return table


_BLOCK = re.compile(r"(\d+)\s+begin(bfchar|bfrange)(.*?)end\2", re.S)
_PAIR = re.compile(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_RANGE = re.compile(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\[[^\]]*\]|<[0-9A-Fa-f]+>)")
_HEX = re.compile(r"<([0-9A-Fa-f]+)>")


def _text(hexdigits: str) -> str:
    return bytes.fromhex(hexdigits).decode("utf-16-be", errors="surrogatepass")


def _hex(text: str) -> str:
    return text.encode("utf-16-be", errors="surrogatepass").hex().upper()


def fix_cmap(cmap: str, table: dict[int, int]) -> str | None:
    """A ToUnicode CMap with radicals replaced (None when it names none). Ranges are written out
    as single entries, every entry as it maps."""
    blocks = list(_BLOCK.finditer(cmap))
    entries: list[tuple[str, str]] = []
    for block in blocks:
        kind, body = block.group(2), block.group(3)
        if kind == "bfchar":
            entries += _PAIR.findall(body)
            continue
        for lo, hi, target in _RANGE.findall(body):
            first, last = int(lo, 16), int(hi, 16)
            if target.startswith("["):
                targets = _HEX.findall(target)
            else:
                base = int(target[1:-1], 16)
                targets = [f"{base + i:0{len(target) - 2}X}" for i in range(last - first + 1)]
            entries += [(f"{first + i:0{len(lo)}X}", t) for i, t in enumerate(targets)]
    fixed = [(src, _hex("".join(chr(table.get(ord(c), ord(c))) for c in _text(dst)))) for src, dst in entries]
    if all(a[1].upper() == b[1] for a, b in zip(entries, fixed, strict=True)) or not blocks:
        return None
    chunks = [fixed[i : i + ENTRIES_PER_BLOCK] for i in range(0, len(fixed), ENTRIES_PER_BLOCK)]
    body = "\n".join(
        f"{len(chunk)} beginbfchar\n" + "\n".join(f"<{s}> <{d}>" for s, d in chunk) + "\nendbfchar"
        for chunk in chunks
    )
    return cmap[: blocks[0].start()] + body + cmap[blocks[-1].end() :]


def fix_text_layer(pdf: bytes) -> bytes:
    """The PDF with every font's ToUnicode map naming ideographs, not radicals (see the module)."""
    table = radical_ideographs()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    changed = False
    seen: set[int] = set()
    for page in writer.pages:
        resources = page["/Resources"].get_object() if "/Resources" in page else {}
        fonts = resources["/Font"].get_object() if "/Font" in resources else {}
        for ref in fonts.values():
            font = ref.get_object()
            unicode_map = font.get("/ToUnicode")
            if unicode_map is None:
                continue
            stream = unicode_map.get_object()
            if id(stream) in seen or not isinstance(stream, StreamObject):
                continue
            seen.add(id(stream))
            fixed = fix_cmap(stream.get_data().decode("latin-1"), table)
            if fixed is not None:
                stream.set_data(fixed.encode("latin-1"))
                changed = True
    if not changed:
        return pdf
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
