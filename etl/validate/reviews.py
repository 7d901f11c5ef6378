"""A person's findings (tests/cases/reviews/*.toml: what, page, the ids that report it, the
figures it names) matched against the checks the ETL raised — how recall is measured."""

from __future__ import annotations

from typing import Any

# Typography and layout findings are reported as info by design (a reviewer's 建议).
INFO_FINDINGS = frozenset(
    {"blank_table_page", "terminal_punctuation_missing", "punctuation_doubled", "quote_unbalanced"}
)


def _plain(text: str) -> str:
    return text.replace(",", "")


def reported(checks: list[dict[str, Any]], finding: dict[str, Any]) -> list[dict[str, Any]]:
    """The checks that report the finding: one of its ids, on its page, naming every figure;
    a warning or error unless the id is one reported as info by design."""
    return [
        c
        for c in checks
        if c["check"] in finding["checks"]
        and ("page" not in finding or c["source_page"] == finding["page"])
        and all(_plain(f) in _plain(c["message"]) for f in finding["figures"])
        and (c["severity"] != "info" or c["check"] in INFO_FINDINGS)
    ]
