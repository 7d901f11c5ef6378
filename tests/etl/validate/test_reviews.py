"""Measured against people: every checkable finding of the 司法局 reviewer's 检查表, and the
known disagreements of the seeds and real documents, is reported with its page and figures.

The findings are typed in by hand in tests/cases/reviews/*.toml (from the reviewer's xlsx and
the documents), never from the parser's output.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

import pytest

from etl.build import process_document
from etl.validate.reviews import reported
from tests.conftest import RAW
from tests.realdocs import REAL, outcome

REVIEWS = Path(__file__).resolve().parents[2] / "cases" / "reviews"
JUSTICE = tomllib.loads((REVIEWS / "putuo_justice_bureau_2026_department_budget.toml").read_text("utf-8"))
SEEDS = tomllib.loads((REVIEWS / "seeds.toml").read_text("utf-8"))


@cache
def _checks(name: str) -> list[dict]:
    if (REAL / name).exists():
        return outcome(name)["checks"]
    path = RAW / name
    return process_document(path.name, path.read_bytes())["checks"]


def _reported(name: str, finding: dict) -> list[dict]:
    return reported(_checks(name), finding)


@pytest.mark.parametrize("finding", JUSTICE["finding"], ids=lambda f: f["checks"][0])
def test__justice_reviewer_finding_is_reported(finding: dict) -> None:
    found = _reported(JUSTICE["document"], finding)
    assert found, f"not reported: {finding['what']}"


def test__justice_recall_is_complete() -> None:
    findings = JUSTICE["finding"]
    found = [f for f in findings if _reported(JUSTICE["document"], f)]
    assert (len(found), len(findings)) == (9, 9)


@pytest.mark.parametrize("finding", SEEDS["finding"], ids=lambda f: f["checks"][0])
def test__known_disagreement_is_reported(finding: dict) -> None:
    assert _reported(finding["document"], finding), f"not reported: {finding['what']}"


def test__no_rounding_difference_is_an_error_or_warning_on_the_real_documents() -> None:
    for name in sorted(p.name for p in REAL.glob("*.pdf")):
        for c in _checks(name):
            if "尾差" in c["message"]:
                assert c["severity"] == "info", c["message"]
