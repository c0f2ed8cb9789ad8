"""A large result set, as a person sees it in a real Chromium: the page comes with estimates,
labelled, and the exact counts replace them by themselves, from the background request.

The thresholds are lowered so that the samples' few hundred paragraphs count as a large result set
(the live server runs in this process, so the patch reaches it).
"""

import re
from unittest import mock

import pytest

from search import counting
from search.cache import forget_all
from tests.browser import chromium

if chromium.playwright_missing():
    chromium.skip_or_fail(chromium.playwright_missing(), module=True)

from playwright.sync_api import expect

pytestmark = pytest.mark.browser

LOWERED = {"EXACT_LIMIT": 2, "SAMPLE_BUDGET": 10_000, "MIN_SAMPLE_HITS": 1, "SAMPLE_RATES": (16,)}


def test_estimated_counts_are_labelled_then_replaced_by_the_exact_ones(archive, open_page, client):
    forget_all()
    with mock.patch.multiple(counting, **LOWERED):
        estimated = client.get("/api/search/", {"q": "quarter"}).json()
        assert not estimated["total_is_exact"], estimated["total"]  # the samples say "quarter" often
        forget_all()
        exact = client.get("/api/search/", {"q": "quarter", "exact": "1"}).json()
        forget_all()

        # Without JavaScript: the estimate, labelled, and a link to the exact counts.
        plain = open_page(java_script_enabled=False)
        plain.goto("/search/?q=quarter")
        summary = plain.locator("p.summary")
        expect(summary).to_have_attribute("data-total-exact", "false")
        expect(summary).to_contain_text(re.compile(r"^About \d+ paragraphs match “quarter”"))
        expect(plain.locator("section.facet[data-estimated] .count").first).to_have_text(
            re.compile(r"^~\d+$")
        )
        plain.get_by_role("link", name="Count exactly").click()
        expect(plain.locator("p.summary")).to_have_attribute("data-total-exact", "true")
        expect(plain.locator("p.summary")).to_have_attribute("data-total", str(exact["total"]))

        # With JavaScript: the exact counts arrive by themselves, the "~" gone, the note too.
        forget_all()
        page = open_page()
        with page.expect_request(re.compile(r"/search/\?.*exact=1")) as background:
            page.goto("/search/?q=quarter")
        assert "q=quarter" in background.value.url
        expect(page.locator("p.summary")).to_have_attribute("data-total-exact", "true")
        expect(page.locator("p.summary")).to_contain_text(f"{exact['total']} paragraphs match “quarter”")
        expect(page.locator("section.facet[data-estimated]")).to_have_count(0)
        expect(page.locator(".estimate-note")).to_have_count(0)
        role_counts = {value["value"]: value["count"] for value in exact["facets"]["role"]}
        for value, count in role_counts.items():
            link = page.locator(f"section.facet[data-facet=role] a[data-value={value}]")
            expect(link.locator("xpath=following-sibling::span[@class='count']")).to_have_text(str(count))
