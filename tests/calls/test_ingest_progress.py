"""The progress line of `manage.py ingest` on a terminal: rewritten in place, never wider than it."""

import io
import re

import pytest
from django.core.management import call_command

from tests.archive import SAMPLES


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.django_db
def test_the_progress_line_fits_a_narrow_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    out, err = io.StringIO(), Terminal()

    call_command("ingest", *map(str, sorted(SAMPLES.glob("*.txt"))[:2]), stdout=out, stderr=err)

    shown = [line for line in re.split(r"\r", err.getvalue()) if line.startswith("[")]
    assert shown, err.getvalue()
    assert all(len(line.replace("\x1b[K", "")) <= 39 for line in shown), shown
    assert "2/2 files" in shown[-1]
