"""Browser fixtures: one headless Debian Chromium per test run, a fresh page per test.

See tests/browser/chromium.py for which Chromium is driven and what happens when it is missing.
Every test leaves a screenshot of each page it had open when it ended, failing or not, in
test-results/browser/<module>/<test>-<n>.png (CI keeps test-results/ as artefacts); `screenshot`
keeps more along the way.
"""

import os
import re

import pytest

from tests.archive import ROOT, SAMPLES, ingest
from tests.browser import chromium

WIDE = {"width": 1280, "height": 900}
TIMEOUT_MS = 10_000

# Every page runs under the site's Content-Security-Policy (config/middleware.py). Chromium logs a
# violation to the console ("Refused to ... because it violates the following Content Security
# Policy directive"); the page's own securitypolicyviolation event is logged as well, in case a
# Chromium words it differently. Playwright's init scripts are exempt from the page's policy.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`securitypolicyviolation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || location.href}:${event.lineNumber}`);
});
"""


def is_csp_violation(text: str) -> bool:
    return "Content Security Policy" in text or text.startswith("securitypolicyviolation:")


@pytest.fixture(scope="package")
def browser():
    """One Chromium for all the browser tests (they are all in this package), closed after the last.

    Package scope rather than session scope, so that Playwright and the setting below are gone
    before the rest of the suite runs; the browser is still launched once per test run.
    """
    reason = chromium.unavailable()
    if reason:
        chromium.skip_or_fail(reason)
    from playwright.sync_api import expect, sync_playwright

    # Playwright's sync API starts an asyncio event loop in this (the main) thread and leaves it
    # marked as running from sync_playwright().start() until stop(). Django refuses ORM calls from
    # a thread with a running event loop (SynchronousOnlyOperation), which would break ingest() in
    # the fixtures and pytest-django's database flush between tests. It is a false alarm here: no
    # coroutine ever touches the ORM; Django runs synchronously, in this thread and in the live
    # server's own thread. So the check is switched off, only while Playwright runs: left set, the
    # variable would leak into the rest of the suite, e.g. the `manage.py check --deploy`
    # subprocess of tests/test_settings.py, which rightly reports it (async.E001).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        expect.set_options(timeout=TIMEOUT_MS)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium.CHROMIUM, headless=True, args=chromium.LAUNCH_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the test item, so the page fixture knows whether the test failed.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def csp_violations() -> list[str]:
    """The Content-Security-Policy violations the test's pages reported (a test of them clears it)."""
    return []


SCREENSHOTS = ROOT / "test-results" / "browser"


def screenshot_path(request, label: str):
    """test-results/browser/<module>/<test>-<label>.png, the test's parameters made file-name safe."""
    module = request.node.path.stem
    name = re.sub(r"[^\w.-]+", "_", f"{request.node.name}-{label}").strip("_")
    folder = SCREENSHOTS / module
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}.png"


@pytest.fixture
def screenshot(request):
    """keep(page, label): a full-page screenshot now, kept in test-results/ beside the final ones."""

    def keep(page, label: str):
        path = screenshot_path(request, label)
        page.screenshot(path=path, full_page=True)
        print(f"screenshot of {page.url}: {path}")
        return path

    return keep


@pytest.fixture
def open_page(browser, live_server, request, csp_violations, screenshot):
    """Open a page in a fresh browser context (no shared cookies or cache) on the live server.

    Keyword arguments go to browser.new_context(), e.g. a phone's viewport. Every test leaves a
    screenshot of each page still open at its end in test-results/ ("failed-..." when it failed).
    Any Content-Security-Policy violation reported by any of its pages fails the test.
    """
    contexts = []
    violations = csp_violations

    def open_(**options):
        options.setdefault("viewport", WIDE)
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(REPORT_VIOLATIONS)
        context.on(
            "console",
            lambda message: (
                violations.append(f"{message.page.url if message.page else '?'}: {message.text}")
                if is_csp_violation(message.text)
                else None
            ),
        )
        contexts.append(context)
        return context.new_page()

    yield open_
    report = getattr(request.node, "report_call", None)
    outcome = "failed" if report is not None and report.failed else "end"
    pages = [page for context in contexts for page in context.pages]
    try:
        for index, page in enumerate(pages, start=1):
            label = outcome if len(pages) == 1 else f"{outcome}-{index}"
            try:
                screenshot(page, label)
            except Exception as error:  # a page that cannot be drawn must not hide the test's result
                print(f"no screenshot of {page.url}: {error}")
    finally:
        for context in contexts:
            context.close()
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations), pytrace=False)


@pytest.fixture
def page(open_page):
    """A page at a desktop-sized viewport."""
    return open_page()


@pytest.fixture
def archive(live_server) -> dict[str, dict]:
    """The sample transcripts, imported before any page opens: ingest reports by call URL path."""
    reports = ingest(SAMPLES)
    assert all("error" not in report for report in reports), reports
    return {report["url"]: report for report in reports}
