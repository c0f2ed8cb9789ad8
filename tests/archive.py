"""Filling the test database with real transcripts, through the same command users run."""

import io
import json
import re
import unicodedata
import unittest
from pathlib import Path

from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
SAMPLES = ROOT / "samples" / "transcripts"


def ingest(*paths, **options) -> list[dict]:
    """Run `manage.py ingest --json` and return its per-file reports."""
    out = io.StringIO()
    call_command("ingest", *map(str, paths), "--json", stdout=out, **options)
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


def seed_paths() -> list[Path]:
    if not (SEEDS / "expected.json").exists():
        raise unittest.SkipTest("../shared/seeds is not beside the checkout")
    return sorted(SEEDS.glob("*.txt"))


def import_archive() -> list[dict]:
    """The four seed calls and our own samples."""
    return ingest(*seed_paths(), SAMPLES)


def norm(name: str | None) -> str:
    """Names compared the way expected.json is checked: case, accents and punctuation ignored."""
    name = unicodedata.normalize("NFKC", name or "").lower()
    return re.sub(r"[^a-z0-9 ]", "", name).strip()
