"""One registry of every finding: each id emitted in the code is registered, each entry is
readable by an official, and the README's list is the registry's."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

from etl.model import Check
from etl.validate.registry import FAMILIES, REGISTRY, markdown

ROOT = Path(__file__).resolve().parents[3]
SNAKE = re.compile(r"[a-z]+(?:_[a-z0-9]+)+")
# Calls whose first argument is a check id (Check itself and the helpers that build one).
CHECK_CALLS = {"Check", "check", "_check", "_table_check", "add", "compare", "_finding"}


def _emitted_literals() -> dict[str, str]:
    """Check ids written as literals in etl/: first arguments of check-building calls,
    and `check = "…"` entries of the template vocabulary."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "etl").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            arg = node.args[0]
            literal = isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            if name in CHECK_CALLS and literal and SNAKE.fullmatch(arg.value):
                found[arg.value] = str(path.relative_to(ROOT))
    for path in sorted((ROOT / "etl" / "templates").glob("*.toml")):
        for m in re.finditer(r'^check\s*=\s*"([a-z_0-9]+)"', path.read_text(encoding="utf-8"), re.M):
            found[m.group(1)] = str(path.relative_to(ROOT))
    return found


def test__every_literal_check_id_in_the_code_is_registered() -> None:
    emitted = _emitted_literals()
    assert len(emitted) > 100  # the scan itself works
    missing = {k: v for k, v in emitted.items() if k not in REGISTRY}
    assert not missing


def test__an_unregistered_id_cannot_be_constructed() -> None:
    with pytest.raises(ValueError, match="not in etl/validate/registry"):
        Check("no_such_check_anywhere", "warning", "x")


@pytest.mark.parametrize("check_id", sorted(REGISTRY))
def test__entry_is_readable_by_an_official(check_id: str) -> None:
    spec = REGISTRY[check_id]
    assert SNAKE.fullmatch(spec.id) or re.fullmatch(r"[a-z]+", spec.id)
    assert spec.family in FAMILIES
    for text in (spec.title, spec.description):
        assert re.search(r"[\u4e00-\u9fff]", text), text
        assert not re.search(r"[A-Za-z]{3,}", text), text  # no ids or English words
    assert 2 <= len(spec.title) <= 16


def test__titles_are_distinct() -> None:
    titles = [s.title for s in REGISTRY.values()]
    assert len(titles) == len(set(titles))


def test__every_family_has_checks() -> None:
    families = {s.family for s in REGISTRY.values()}
    assert families == set(FAMILIES)


def test__readme_lists_the_registry() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"<!-- checks:begin -->\n(.*?)<!-- checks:end -->", readme, re.S)
    assert m, "README lacks the generated list of checks (python -m etl.validate.registry)"
    assert m.group(1) == markdown(), "README's list of checks is stale: regenerate with `make checks-doc`"


def test__vocabulary_ids_are_checks() -> None:
    data = tomllib.loads((ROOT / "etl" / "templates" / "forms.toml").read_text(encoding="utf-8"))
    ids = [i["check"] for i in data["funds"]["identity"]]
    assert ids and all(i in REGISTRY for i in ids)
