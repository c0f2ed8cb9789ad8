"""`manage.py welcome`, which `./dev run` runs before serving: how to sign in and import more."""

import io
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from tests.archive import ROOT

pytestmark = pytest.mark.django_db


class Terminal(io.StringIO):
    def isatty(self):
        return True


def welcome(*args, **options) -> str:
    out = io.StringIO()
    call_command("welcome", *args, stdout=out, **options)
    return out.getvalue()


def test_without_an_admin_it_says_how_to_create_one_and_how_to_import():
    text = welcome("--url", "http://127.0.0.1:8123/")
    assert "The archive holds 0 calls." in text
    assert ".venv/bin/python manage.py createsuperuser" in text
    assert "then sign in at     http://127.0.0.1:8123/admin/" in text
    assert ".venv/bin/python manage.py ingest path/to/folder" in text
    assert "http://127.0.0.1:8123/admin/uploads/new/" in text


def test_with_an_admin_it_names_the_account():
    get_user_model().objects.create_superuser("ada", "ada@example.com", "pw-for-tests-only")
    text = welcome()
    assert "sign in at http://127.0.0.1:8000/admin/ as ada" in text
    assert "createsuperuser" not in text


def test_at_a_terminal_it_offers_to_create_the_admin_account(monkeypatch):
    answers = iter(["y", "newcomer", "newcomer@example.com"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "a-long-pass-phrase-42")
    text = welcome(stdin=Terminal())
    user = get_user_model().objects.get()
    assert (user.username, user.is_superuser) == ("newcomer", True)
    assert "as newcomer" in text


def test_at_a_terminal_no_means_no(monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt="": "")
    text = welcome(stdin=Terminal())
    assert not get_user_model().objects.exists()
    assert "manage.py createsuperuser" in text


def test_dev_run_says_it_before_serving():
    script = (ROOT / "dev").read_text()
    run = script[script.index("  run)") : script.index("  test)")]
    assert run.index("manage.py ingest samples/transcripts") < run.index("manage.py welcome")
    assert run.index("manage.py welcome") < run.index("runserver")
    assert subprocess.run(["bash", "-n", str(ROOT / "dev")], check=False).returncode == 0
