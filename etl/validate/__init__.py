"""Every check on a normalised document, in one place: one module per family of
shared/VALIDATION.md, one registry (registry.py) of every finding the ETL reports."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from etl.model import Check
    from etl.normalize import NormalizedDocument


def validate_document(doc: NormalizedDocument) -> list[Check]:
    """Every family's checks on one document (imported here: the registry imports the families)."""
    from etl.validate.run import validate_document as run

    return run(doc)
