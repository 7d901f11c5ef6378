"""Tables from ruling lines and words from characters: pdfplumber's rules, fed by any extractor.

Both PDF readers (``etl.readers.pdf`` with pdfplumber, ``etl.readers.pdfium`` with PDFium)
hand a page over as characters (dicts with ``text``, ``x0``, ``x1``, ``top``, ``bottom``,
``upright``) and edges (dicts with ``x0``, ``x1``, ``top``, ``bottom``, ``width``, ``height``,
``orientation``), in points from the page's top-left corner. This module finds the tables
and words from them exactly as pdfplumber 0.11's ``find_tables()`` (default settings: the
"lines" strategy, snap, join and intersection tolerance 3, edges at least 3 long) and
``extract_words()`` (tolerance 3, blanks split words) do, step for step and tie for tie, so
the two readers differ only in how they read the page, never in what they make of it.
The steps are the same; the searches are indexed (pdfplumber's are quadratic in Python).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Iterable
from typing import Any

from etl.readers.model import BBox

Obj = dict[str, Any]

SNAP = 3.0  # pdfplumber's snap_tolerance
JOIN = 3.0  # join_tolerance
INTERSECTION = 3.0  # intersection_tolerance
EDGE_MIN_LENGTH = 3.0  # edges shorter than this after merging are dropped
EDGE_MIN_PREFILTER = 1.0  # edges shorter than this are not even merged
WORD_X = 3.0  # extract_words' x_tolerance
WORD_Y = 3.0  # y_tolerance
_LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}


def _clusters(objs: list[Obj], key: Callable[[Obj], float], tolerance: float) -> list[list[Obj]]:
    """pdfplumber's cluster_objects: values chained within tolerance; objects keep their order."""
    index: dict[float, int] = {}
    last: float | None = None
    n = -1
    for value in sorted({key(o) for o in objs}):
        if last is None or value > last + tolerance:
            n += 1
        index[value] = n
        last = value
    groups: list[list[Obj]] = [[] for _ in range(n + 1)]
    for o in objs:
        groups[index[key(o)]].append(o)
    return groups


def _snap(edges: list[Obj], attr: str, low: str, high: str) -> list[Obj]:
    """Edges within SNAP of one another moved to their mean position (utils.snap_objects)."""
    out: list[Obj] = []
    for cluster in _clusters(edges, lambda e: e[attr], SNAP):
        mean = sum(e[attr] for e in cluster) / len(cluster)
        for e in cluster:
            shift = mean - e[attr]
            moved = dict(e)
            moved[low] = e[low] + shift
            moved[high] = e[high] + shift
            out.append(moved)
    return out


def _join(edges: list[Obj], orientation: str) -> list[Obj]:
    """Edges on one line that touch (within JOIN) joined into one (join_edge_group)."""
    low, high, size = ("x0", "x1", "width") if orientation == "h" else ("top", "bottom", "height")
    ordered = sorted(edges, key=lambda e: e[low])
    joined = [ordered[0]]
    for e in ordered[1:]:
        last = joined[-1]
        if e[low] <= last[high] + JOIN:
            if e[high] > last[high]:
                grown = dict(last)
                grown[high] = e[high]
                # pdfplumber's resize_object: a width is recomputed, a height grown by the difference
                grown[size] = (
                    e[high] - last["x0"] if orientation == "h" else last["height"] + (e[high] - last[high])
                )
                joined[-1] = grown
        else:
            joined.append(e)
    return joined


def merge_edges(edges: Iterable[Obj]) -> list[Obj]:
    """The page's edges -> the ruling lines a table is found from (TableFinder.get_edges)."""
    edges = list(edges)
    vertical = [e for e in edges if e["orientation"] == "v" and e["height"] >= EDGE_MIN_PREFILTER]
    horizontal = [e for e in edges if e["orientation"] == "h" and e["width"] >= EDGE_MIN_PREFILTER]
    snapped = _snap(vertical, "x0", "x0", "x1") + _snap(horizontal, "top", "top", "bottom")

    def group(e: Obj) -> tuple[str, float]:
        return ("h", e["top"]) if e["orientation"] == "h" else ("v", e["x0"])

    merged: list[Obj] = []
    for (orientation, _), items in itertools.groupby(sorted(snapped, key=group), key=group):
        merged += _join(list(items), orientation)
    return [e for e in merged if e["height" if e["orientation"] == "v" else "width"] >= EDGE_MIN_LENGTH]


def _bbox(e: Obj) -> BBox:
    return (e["x0"], e["top"], e["x1"], e["bottom"])


def find_tables(edges: Iterable[Obj]) -> list[list[BBox]]:
    """The page's edges -> its tables, each a list of cell boxes (pdfplumber's find_tables()).

    Tables come top to bottom, then left to right; a table has at least two cells.
    """
    merged = merge_edges(edges)
    vertical = sorted((e for e in merged if e["orientation"] == "v"), key=lambda e: (e["x0"], e["top"]))
    horizontal = sorted((e for e in merged if e["orientation"] == "h"), key=lambda e: (e["top"], e["x0"]))
    tops = [h["top"] for h in horizontal]
    # vertex -> (boxes of its vertical edges, boxes of its horizontal edges)
    points: dict[tuple[float, float], tuple[set[BBox], set[BBox]]] = {}
    for v in vertical:
        v_box = _bbox(v)
        # the candidates by a margin, then pdfplumber's own test (its rounding, not ours)
        start = bisect.bisect_left(tops, v["top"] - INTERSECTION - 1)
        for h in horizontal[start:]:
            if h["top"] > v["bottom"] + INTERSECTION + 1:
                break
            if (
                v["top"] <= h["top"] + INTERSECTION
                and v["bottom"] >= h["top"] - INTERSECTION
                and v["x0"] >= h["x0"] - INTERSECTION
                and v["x0"] <= h["x1"] + INTERSECTION
            ):
                at = points.setdefault((v["x0"], h["top"]), (set(), set()))
                at[0].add(v_box)
                at[1].add(_bbox(h))
    return _cells_to_tables(_cells(points))


def _cells(points: dict[tuple[float, float], tuple[set[BBox], set[BBox]]]) -> list[BBox]:
    """The smallest cell from each vertex, as intersections_to_cells finds it."""
    columns: dict[float, list[tuple[float, float]]] = {}
    rows: dict[float, list[tuple[float, float]]] = {}
    ordered = sorted(points)
    for p in ordered:
        columns.setdefault(p[0], []).append(p)
        rows.setdefault(p[1], []).append(p)

    def vertical(a: tuple[float, float], b: tuple[float, float]) -> bool:
        return not points[a][0].isdisjoint(points[b][0])

    def horizontal(a: tuple[float, float], b: tuple[float, float]) -> bool:
        return not points[a][1].isdisjoint(points[b][1])

    cells: list[BBox] = []
    for pt in ordered[:-1]:
        column, row = columns[pt[0]], rows[pt[1]]
        below = column[column.index(pt) + 1 :]
        right = [p for p in row[row.index(pt) + 1 :] if horizontal(pt, p)]
        if not right:
            continue
        found = None
        for down in below:
            if not vertical(pt, down):
                continue
            for across in right:
                corner = (across[0], down[1])
                if corner in points and vertical(corner, across) and horizontal(corner, down):
                    found = (pt[0], pt[1], corner[0], corner[1])
                    break
            if found:
                break
        if found:
            cells.append(found)
    return cells


def _cells_to_tables(cells: list[BBox]) -> list[list[BBox]]:
    """Cells grouped into tables by shared corners, in pdfplumber's order (cells_to_tables)."""
    remaining = list(cells)
    tables: list[list[BBox]] = []
    corners: set[tuple[float, float]] = set()
    current: list[BBox] = []
    while remaining:
        before = len(current)
        kept: list[BBox] = []
        for cell in remaining:
            x0, top, x1, bottom = cell
            own = ((x0, top), (x0, bottom), (x1, top), (x1, bottom))
            if not current or any(c in corners for c in own):
                corners.update(own)
                current.append(cell)
            else:
                kept.append(cell)
        remaining = kept
        if len(current) == before:
            tables.append(current)
            corners = set()
            current = []
    if current:
        tables.append(current)
    tables.sort(key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in tables if len(t) > 1]


def table_bbox(cells: list[BBox]) -> BBox:
    return (
        min(c[0] for c in cells),
        min(c[1] for c in cells),
        max(c[2] for c in cells),
        max(c[3] for c in cells),
    )


def extract_words(chars: Iterable[Obj]) -> list[Obj]:
    """Characters -> words, as pdfplumber's extract_words() with its defaults.

    Consecutive characters of one orientation are clustered into lines (tops within
    WORD_Y, chained), each line sorted left to right; a blank, a gap over WORD_X, a step
    back or a line change starts a new word.
    """
    words: list[Obj] = []
    for upright, group in itertools.groupby(chars, key=lambda c: c["upright"]):
        members = list(group)
        if upright:
            lines = _clusters(members, lambda c: c["top"], WORD_Y)
            order: Callable[[Obj], tuple[float, float]] = lambda c: (c["x0"], c["x0"])  # noqa: E731
            across, low, high = "top", "x0", "x1"
        else:
            lines = _clusters(members, lambda c: c["x0"], WORD_X)
            order = lambda c: (c["top"], c["bottom"])  # noqa: E731
            across, low, high = "x0", "top", "bottom"
        gap, step = (WORD_X, WORD_Y) if upright else (WORD_Y, WORD_X)
        for line in lines:
            current: list[Obj] = []
            for ch in sorted(line, key=order):
                text = ch["text"]
                if text.isspace():
                    if current:
                        words.append(_word(current))
                    current = []
                elif not text:  # pdfplumber's split_at_punctuation test: '' is in ''
                    if current:
                        words.append(_word(current))
                    words.append(_word([ch]))
                    current = []
                elif current and (
                    ch[low] < current[-1][low]
                    or ch[low] > current[-1][high] + gap
                    or abs(ch[across] - current[-1][across]) > step
                ):
                    words.append(_word(current))
                    current = [ch]
                else:
                    current.append(ch)
            if current:
                words.append(_word(current))
    return words


def _word(chars: list[Obj]) -> Obj:
    return {
        "text": "".join(_LIGATURES.get(c["text"], c["text"] or "") for c in chars),
        "x0": min(c["x0"] for c in chars),
        "top": min(c["top"] for c in chars),
        "x1": max(c["x1"] for c in chars),
        "bottom": max(c["bottom"] for c in chars),
        "upright": chars[0]["upright"],
    }
