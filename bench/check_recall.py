"""The checks measured against people: recall on the reviewers' findings (tests/cases/reviews)
and the warnings and errors each genuine real document raises (for judging false alarms).

    .venv/bin/python -m bench.check_recall [--real ../shared/real]
"""

from __future__ import annotations

import argparse
import tomllib
from collections import Counter
from pathlib import Path

from etl.build import process_document
from etl.validate.reviews import reported

ROOT = Path(__file__).resolve().parents[1]
REVIEWS = ROOT / "tests" / "cases" / "reviews"
SEARCH = (ROOT / "tests" / "cases" / "real", ROOT / "data" / "raw")


def _checks(name: str, cache: dict[str, list[dict]]) -> list[dict]:
    if name not in cache:
        path = next(p / name for p in SEARCH if (p / name).exists())
        cache[name] = process_document(name, path.read_bytes())["checks"]
    return cache[name]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--real", default=str(ROOT.parent / "shared" / "real"))
    args = ap.parse_args()
    cache: dict[str, list[dict]] = {}
    for path in sorted(REVIEWS.glob("*.toml")):
        data = tomllib.loads(path.read_text("utf-8"))
        findings = data["finding"]
        hits = [f for f in findings if reported(_checks(f.get("document") or data["document"], cache), f)]
        print(f"{path.name}: recall {len(hits)}/{len(findings)}")
        for f in findings:
            if f not in hits:
                print("  missed:", f["what"])
    real = Path(args.real)
    for path in sorted(p for p in real.iterdir() if p.suffix.lower() in (".pdf", ".xlsx", ".docx", ".txt")):
        checks = process_document(path.name, path.read_bytes())["checks"]
        by = Counter((c["severity"], c["check"]) for c in checks if c["severity"] != "info")
        total = sum(by.values())
        print(
            f"{path.name}: {total} warnings/errors " + ", ".join(f"{k[1]}×{v}" for k, v in sorted(by.items()))
        )


if __name__ == "__main__":
    main()
