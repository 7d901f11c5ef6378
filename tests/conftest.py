"""Shared fixtures: the embedded seed corpus in data/raw/ is the canonical fixture set."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"

SEEDS = {
    "songjiang_2020": RAW / "songjiang_city_operation_center_2020_final_accounts.txt",
    "minhang_2022": RAW / "minhang_city_operation_center_2022_self_evaluation.txt",
    "songjiang_2022_decl": RAW / "songjiang_city_operation_center_2022_target_declaration.txt",
    "qingpu_2020": RAW / "qingpu_government_service_office_2020_final_accounts.txt",
    "songjiang_2021": RAW / "songjiang_administrative_service_center_2021_self_evaluation.txt",
}


def seed_text(name: str) -> str:
    """The seed document's text exactly as stored (UTF-8)."""
    return SEEDS[name].read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seeds() -> dict[str, str]:
    return {name: seed_text(name) for name in SEEDS}
