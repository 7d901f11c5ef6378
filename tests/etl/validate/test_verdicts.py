"""Precision on real documents (issue 18): every warning and error the checks raise on every
file of tests/cases/real has a person's verdict read off the page (tests/cases/reviews/verdicts),
every verdict still matches what is raised, false alarms stay at most 1 in 20, and the README's
table is the one these verdicts give (tests/verdicts.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import verdicts
from tests.realdocs import REAL, outcome

DOCUMENTS = sorted(p.name for p in REAL.iterdir() if p.suffix != ".md")


@pytest.mark.parametrize("name", DOCUMENTS)
def test__every_warning_and_error_is_judged_against_its_page(name: str) -> None:
    review = verdicts.reviews().get(name)
    assigned, unjudged = verdicts.assign(review, outcome(name)["checks"])
    assert not unjudged, [f"{c['check']} p.{c.get('source_page')}: {c['message'][:120]}" for c in unjudged]
    stale = [(v.check, v.page, v.contains, v.count, n) for v, n in assigned if n != v.count]
    assert not stale, (
        f"verdicts that no longer match what is raised (check, page, text, count, raised): {stale}"
    )


def test__every_verdict_file_names_a_real_document_and_existing_cases() -> None:
    root = Path(verdicts.ROOT)
    for name, review in verdicts.reviews().items():
        assert (REAL / name).is_file(), name
        for case in review.hand_checked:
            assert (root / case).is_file(), case
        for test, n in review.hand_checked_tests:
            assert (root / test).is_file() and n > 0, test


def test__false_alarms_are_at_most_one_in_twenty() -> None:
    rows = verdicts.rows()
    raised = sum(r["raised"] for r in rows)
    false = sum(r["false"] for r in rows)
    assert raised > 0
    assert false / raised <= verdicts.FALSE_ALARM_GOAL, f"{false} false alarms of {raised}"


def test__readme_table_is_the_verdicts_table() -> None:
    text = (Path(verdicts.ROOT) / "README.md").read_text(encoding="utf-8")
    shown = text.split(verdicts.BEGIN, 1)[1].split(verdicts.END, 1)[0]
    assert shown == verdicts.markdown(), "run: python -m tests.verdicts --readme"
