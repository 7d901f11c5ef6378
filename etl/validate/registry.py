"""One registry of every finding the ETL can report: id, family, severity, Chinese title.

A :class:`etl.model.Check` with an id this registry lacks cannot be constructed, so an
unregistered finding fails the first test that reaches it; the data-quality page shows
``title`` instead of the id, and the README's list of checks is generated from here
(``python -m etl.validate.registry``).

Families follow shared/VALIDATION.md. ``reading`` holds what a reader or layout parser
could not read (they report only that); every other family is a comparison made in
``etl.validate`` on the structured model.
"""

from __future__ import annotations

import importlib
import sys
from functools import cache
from itertools import chain
from typing import Any

from etl.validate.spec import FAMILIES, CheckSpec

# Modules that declare SPECS: the readers' and parsers' findings, then one module per family.
SPEC_MODULES = (
    "specs_reading",
    "presence",
    "arithmetic",
    "across_tables",
    "narrative_tables",
    "narrative_items",
    "narrative_self",
    "text_hygiene",
    "identity",
    "performance",
    "versions",
    "scopes",
)


@cache
def _specs() -> dict[str, CheckSpec]:
    modules = [importlib.import_module(f"etl.validate.{name}") for name in SPEC_MODULES]
    out: dict[str, CheckSpec] = {}
    for spec in chain.from_iterable(m.SPECS for m in modules):
        if spec.id in out:
            raise ValueError(f"check id registered twice: {spec.id}")
        out[spec.id] = spec
    return out


@cache
def registry() -> dict[str, CheckSpec]:
    """Built on first use: the check modules import this module's users."""
    return _specs()


def __getattr__(name: str) -> Any:
    if name == "REGISTRY":
        return registry()
    raise AttributeError(name)


def markdown() -> str:
    """The README's list of checks, family by family."""
    REGISTRY = registry()
    lines = [f"{len(REGISTRY)} kinds of finding, in {len(FAMILIES)} families.", ""]
    for family, name in FAMILIES.items():
        specs = [s for s in REGISTRY.values() if s.family == family]
        if not specs:
            continue
        lines += [
            f"**{name}** ({family}, {len(specs)})",
            "",
            "| id | 级别 | 名称 | 比较什么 |",
            "|---|---|---|---|",
        ]
        for s in specs:
            level = s.severity + (" / info（尾差）" if s.rounding else "")
            lines.append(f"| `{s.id}` | {level} | {s.title} | {s.description} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


BEGIN, END = "<!-- checks:begin -->\n", "<!-- checks:end -->"


def write_readme(path: str) -> None:
    """Replace the README's generated list (between the markers) with the registry's."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    with open(path, "w", encoding="utf-8") as f:
        f.write(head + BEGIN + markdown() + END + tail)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--readme"]:
        write_readme(sys.argv[2])
    else:
        sys.stdout.write(markdown())
