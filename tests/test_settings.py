"""Production settings are strict and pass Django's deployment checklist."""

import os
import subprocess
import sys

from tests.archive import ROOT


def manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
        ALLOWED_HOSTS="callvault.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DEBUG="0", ALLOWED_HOSTS="callvault.example")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_cache_of_zero_entries_is_off():
    # The benchmarks time first requests through gunicorn with SEARCH_CACHE_ENTRIES=0.
    script = (
        "from django.conf import settings as s;"
        " print(s.CACHES['search']['BACKEND'], s.CACHES['pages']['BACKEND'])"
    )
    off = manage("shell", "-c", script, SEARCH_CACHE_ENTRIES="0", PAGE_CACHE_ENTRIES="0")
    assert off.returncode == 0, off.stderr
    assert off.stdout.splitlines()[-1].split() == ["django.core.cache.backends.dummy.DummyCache"] * 2
    default = manage("shell", "-c", script)
    assert default.stdout.splitlines()[-1].split() == ["django.core.cache.backends.locmem.LocMemCache"] * 2
