"""Where the browser tests find Chromium, and what they do when it is missing.

Playwright's own browser download does not work here, so the tests drive Debian's /usr/bin/chromium
(`scripts/ensure-chromium` installs it). Without it, or without playwright, the browser tests skip
with the reason; when the environment variable CI is set they fail instead, so CI never passes by
silently skipping them.
"""

import os

import pytest

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def playwright_missing() -> str:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -r requirements-dev.txt)"
    return ""


def unavailable() -> str:
    """Why the browser tests cannot run here, or "" when they can."""
    if not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} is not installed (run scripts/ensure-chromium or apt-get install chromium)"
    return playwright_missing()


def skip_or_fail(reason: str, *, module: bool = False):
    if in_ci():
        pytest.fail(f"browser tests cannot run: {reason}; CI is set, so they may not skip", pytrace=False)
    pytest.skip(reason, allow_module_level=module)
