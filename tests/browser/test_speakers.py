"""A person's page as an analyst uses it, in a real Chromium: one title, then search what they said."""

import re

import pytest

from calls.models import Speaker
from tests.browser import chromium
from tests.calls.test_speakers import store

if chromium.playwright_missing():
    chromium.skip_or_fail(chromium.playwright_missing(), module=True)

from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def quillon(live_server, tmp_path):
    """Dana Mills on two calls, her title written "President & CEO" and then "President and CEO"."""
    people = {"questions": [("Sam Ortiz", "Calder Research", "Sam Ortiz")]}
    store(tmp_path, "Quillon Systems", 2022, 1, executives=[("Dana Mills", "President & CEO")], **people)
    store(tmp_path, "Quillon Systems", 2022, 2, executives=[("Dana Mills", "President and CEO")], **people)
    return Speaker.objects.get(name="Dana Mills")


def test_one_title_and_a_search_of_that_persons_remarks(quillon, page, screenshot):
    page.goto("/speakers/")
    # By family name: Mills before Ortiz, as a list of people is read.
    names = page.locator('[data-group="speakers"] tbody td:first-child').all_inner_texts()
    assert names.index("Dana Mills") < names.index("Sam Ortiz")
    page.get_by_role("link", name="Dana Mills").click()

    expect(page.get_by_role("heading", name="Dana Mills")).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("Title")
    expect(page.locator("dl.facts dd").filter(has_text="CEO")).to_have_text("President and CEO")
    screenshot(page, "speaker")

    page.get_by_role("link", name="All of Dana Mills's remarks, newest first").click()
    expect(page).to_have_url(re.compile(rf"/search/\?speaker={quillon.slug}$"))
    hits = page.locator("li.hit")
    expect(hits.first).to_be_visible()
    assert hits.count() >= 2
    for hit in hits.all():
        expect(hit).to_contain_text("Dana Mills")

    page.go_back()
    box = page.get_by_label("Search what Dana Mills said")
    box.fill("remarks")
    box.press("Enter")
    expect(page).to_have_url(re.compile(rf"/search/\?speaker={quillon.slug}&q=remarks$"))
    expect(page.locator("li.hit").first).to_contain_text("Dana Mills")
