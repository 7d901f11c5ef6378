"""Every family on one normalised document, in the order a reviewer reads it."""

from __future__ import annotations

from etl.model import Check
from etl.normalize import NormalizedDocument
from etl.validate import (
    across_tables,
    arithmetic,
    identity,
    narrative_items,
    narrative_self,
    narrative_tables,
    performance,
    presence,
    text_hygiene,
)
from etl.validate.index import LineIndex


def validate_document(doc: NormalizedDocument) -> list[Check]:
    idx = LineIndex(doc.budget_lines)
    checks: list[Check] = []
    checks += presence.checks(doc, idx)
    checks += presence.nothing_read_checks(doc)
    checks += arithmetic.checks(idx, doc.three_public)
    checks += across_tables.checks(idx, doc.three_public)
    checks += narrative_tables.checks(doc, idx)
    checks += _optional(narrative_items, doc)
    checks += narrative_self.checks(doc)
    checks += _optional(text_hygiene, doc)
    checks += identity.checks(doc)
    checks += performance.checks(doc.projects, doc.indicators)
    return checks


def _optional(module: object, doc: NormalizedDocument) -> list[Check]:
    fn = getattr(module, "checks", None)
    return fn(doc) if fn else []
