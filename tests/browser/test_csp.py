"""The pages run under the Content-Security-Policy, and a violation is caught (and fails a test)."""

import pytest

pytestmark = pytest.mark.browser


def test_an_injected_inline_script_is_refused_and_reported(page, archive, csp_violations):
    page.goto("/")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.body.append(script);
            const style = document.createElement("div");
            style.setAttribute("style", "color: red");
            document.body.append(style);
        }"""
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.injected") is None
    assert any("script-src" in v for v in csp_violations), csp_violations
    assert any("style-src" in v for v in csp_violations), csp_violations
    # Seen and expected: the fixture would otherwise fail this test for them.
    csp_violations.clear()


def test_the_reading_page_script_runs_under_the_policy(page, archive):
    # reading.js (a same-origin file) runs: it shows the copy buttons, hidden for pages without scripts.
    page.goto(next(iter(archive)) + "qa/1/")
    assert page.locator("button[data-copy-target]:visible").count() > 0
