"""Every warning and error on every real document, judged by a person against the page.

tests/cases/reviews/verdicts/<file>.toml holds, for one file of tests/cases/real, each finding
the checks raise at warning or error level with a verdict typed in after reading the page:
``true`` (the page shows the problem), ``rounding`` (a difference the printed rounding
explains) or ``false`` (a false alarm), and why. ``hand_checked`` names the case files whose
figures were typed from that document's pages (their ``[[figure]]`` entries are counted) and
``hand_checked_tests`` the tests that assert hand-read figures inline, with how many.

The README's precision table is generated from these files and the build's reading of the
real documents (``python -m tests.verdicts``); tests/etl/validate/test_verdicts.py keeps
every raised finding judged, every verdict matched, and the table equal to the README's.
"""

from __future__ import annotations

import sys
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VERDICTS = ROOT / "tests" / "cases" / "reviews" / "verdicts"
REAL = ROOT / "tests" / "cases" / "real"
JUDGED = ("warning", "error")
VERDICT_WORDS = ("true", "rounding", "false")
FALSE_ALARM_GOAL = 0.05  # issue 18: at most 1 false alarm in 20
BEGIN, END = "<!-- verdicts:begin -->\n", "<!-- verdicts:end -->"


@dataclass(frozen=True)
class Verdict:
    check: str
    page: int | None
    contains: str
    count: int
    verdict: str
    why: str


@dataclass(frozen=True)
class Review:
    document: str
    verdicts: tuple[Verdict, ...]
    hand_checked: tuple[str, ...]
    hand_checked_tests: tuple[tuple[str, int], ...]


def load(path: Path) -> Review:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    verdicts = tuple(
        Verdict(
            check=v["check"],
            page=v.get("page"),
            contains=v.get("contains", ""),
            count=int(v.get("count", 1)),
            verdict=v["verdict"],
            why=v["why"],
        )
        for v in data.get("verdict", [])
    )
    for v in verdicts:
        if v.verdict not in VERDICT_WORDS:
            raise ValueError(f"{path.name}: verdict {v.verdict!r} is not one of {VERDICT_WORDS}")
    return Review(
        document=data["document"],
        verdicts=verdicts,
        hand_checked=tuple(data.get("hand_checked", [])),
        hand_checked_tests=tuple((t["test"], int(t["figures"])) for t in data.get("hand_checked_tests", [])),
    )


@cache
def reviews() -> dict[str, Review]:
    out = {}
    for path in sorted(VERDICTS.glob("*.toml")):
        review = load(path)
        out[review.document] = review
    return out


def judged(checks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for c in checks if c["severity"] in JUDGED]


def matches(verdict: Verdict, check: dict[str, Any]) -> bool:
    return (
        check["check"] == verdict.check
        and (verdict.page is None or check.get("source_page") == verdict.page)
        and verdict.contains.replace(",", "") in (check.get("message") or "").replace(",", "")
    )


def assign(review: Review | None, checks: list[dict[str, Any]]) -> tuple[list[tuple[Verdict, int]], list]:
    """(each verdict with the number of raised findings it covers, the findings no verdict covers).
    A finding goes to the first verdict that matches it."""
    counts = {i: 0 for i in range(len(review.verdicts))} if review else {}
    unjudged = []
    for c in judged(checks):
        for i, v in enumerate(review.verdicts if review else ()):
            if matches(v, c):
                counts[i] += 1
                break
        else:
            unjudged.append(c)
    return [(v, counts[i]) for i, v in enumerate(review.verdicts)] if review else [], unjudged


def figures_checked(review: Review | None) -> int:
    if review is None:
        return 0
    n = sum(
        len(tomllib.loads((ROOT / case).read_text(encoding="utf-8")).get("figure", []))
        for case in review.hand_checked
    )
    return n + sum(k for _, k in review.hand_checked_tests)


def _outcome(name: str) -> dict[str, Any]:
    from tests.realdocs import outcome

    return outcome(name)


def rows() -> list[dict[str, Any]]:
    """One row per real document: status, tables, hand-checked figures, findings by verdict."""
    out = []
    for path in sorted(REAL.iterdir()):
        if path.suffix.lower() in (".md",):
            continue
        result = _outcome(path.name)
        doc = result["document"]
        review = reviews().get(path.name)
        assigned, unjudged = assign(review, result["checks"])
        by = dict.fromkeys(VERDICT_WORDS, 0)
        for v, n in assigned:
            by[v.verdict] += n
        expected = doc.get("tables_expected") or 0
        out.append(
            {
                "file": path.name,
                "status": doc["status"],
                "tables": f"{doc.get('tables_found') or 0} / {expected}" if expected else "—",
                "figures": figures_checked(review),
                "raised": len(judged(result["checks"])),
                "unjudged": len(unjudged),
                **by,
            }
        )
    return out


def markdown() -> str:
    table = rows()
    lines = [
        "| file | status | tables found / expected | figures checked by hand | warnings + errors | true | rounding | false alarms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in table:
        lines.append(
            f"| {r['file']} | {r['status']} | {r['tables']} | {r['figures']} | {r['raised']} | "
            f"{r['true']} | {r['rounding']} | {r['false']} |"
        )
    raised = sum(r["raised"] for r in table)
    false = sum(r["false"] for r in table)
    share = f"{false / raised:.1%}" if raised else "—"
    lines += [
        f"| **all {len(table)} files** | | | {sum(r['figures'] for r in table)} | {raised} | "
        f"{sum(r['true'] for r in table)} | {sum(r['rounding'] for r in table)} | {false} ({share}) |",
    ]
    return "\n".join(lines) + "\n"


def write_readme(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    path.write_text(head + BEGIN + markdown() + END + tail, encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--readme"]:
        write_readme(ROOT / "README.md")
    else:
        sys.stdout.write(markdown())
