"""Write the one-cell-per-line text of a real budget, as a PDF viewer's 'copy all' gives it.

Every table cell (a merged cell once) and every prose line of
tests/cases/real/putuo_justice_bureau_2026_department_budget.pdf on a line of its own, top to
bottom, a form feed between pages: the tables' rows are lost, so no grid can be rebuilt.

    python tests/cases/one_cell_per_line/make_case.py
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parent / "real" / "putuo_justice_bureau_2026_department_budget.pdf"
TARGET = HERE / "putuo_justice_bureau_2026_department_budget_one_cell_per_line.txt"


def page_lines(page: pdfplumber.page.Page) -> list[str]:
    """The page's text pieces top to bottom: each table cell, each prose line, one a line."""
    pieces: list[tuple[float, float, str]] = []
    tables = page.find_tables()
    for table in tables:
        for cell in table.cells:
            text = "".join((page.crop(cell).extract_text() or "").split())
            if text:
                pieces.append((cell[1], cell[0], text))
    inside = [t.bbox for t in tables]

    def outside(obj: dict) -> bool:
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in inside)

    prose = page.filter(lambda obj: obj.get("object_type") != "char" or outside(obj))
    for line in prose.extract_text_lines():
        if line["text"].strip():
            pieces.append((line["top"], line["x0"], line["text"].strip()))
    pieces.sort(key=lambda p: (round(p[0]), p[1]))
    return [text for _, _, text in pieces]


def main() -> None:
    with pdfplumber.open(SOURCE) as pdf:
        pages = ["\n".join(page_lines(page)) for page in pdf.pages]
    TARGET.write_text("\n\f".join(pages) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
