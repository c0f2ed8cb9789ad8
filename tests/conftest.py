"""Shared fixtures: the sample transcripts of ../shared/seeds (when present) and of samples/."""

import json

import pytest

from tests.archive import SEEDS


@pytest.fixture(scope="session")
def seeds_dir():
    if not (SEEDS / "expected.json").exists():
        pytest.skip("../shared/seeds is not beside the checkout")
    return SEEDS


@pytest.fixture(scope="session")
def expected(seeds_dir) -> dict:
    data = json.loads((seeds_dir / "expected.json").read_text())
    return {name: facts for name, facts in data.items() if not name.startswith("_")}
