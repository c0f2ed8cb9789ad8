"""The 404 and 500 pages as a reader meets them, in a real Chromium: the site's layout and a search box.

The live server runs with DEBUG off (pytest-django's default, as in production), so these are the
pages production shows. Screenshots are kept in test-results/ (see conftest.py).
"""

import re

import pytest

from tests.browser import chromium

if chromium.playwright_missing():
    chromium.skip_or_fail(chromium.playwright_missing(), module=True)

from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


def test_a_missing_page_offers_the_search_box_and_it_searches(archive, page):
    response = page.goto("/calls/no-such-company/2013-q1/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.locator(".error-page code")).to_have_text("/calls/no-such-company/2013-q1/")
    expect(page.get_by_role("link", name="Callvault")).to_be_visible()  # the site's header

    box = page.get_by_label("Search the archive instead")
    box.fill("margin")
    page.locator(".error-page").get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/search/\?q=margin$"))
    expect(page.locator("li.hit").first).to_be_visible()


def test_the_404_page_in_chinese(archive, open_page, screenshot):
    page = open_page(locale="zh-TW", extra_http_headers={"Accept-Language": "zh-TW"})
    assert page.goto("/no/such/page/").status == 404
    expect(page.locator("html")).to_have_attribute("lang", "zh-hant")
    screenshot(page, "zh-hant")


def test_a_server_error_is_the_styled_500_page(archive, page, settings):
    settings.ROOT_URLCONF = "tests.error_urls"  # the site, and a view that fails
    response = page.goto("/fails/")
    assert response.status == 500
    expect(page.get_by_role("heading", name="Something went wrong")).to_be_visible()
    expect(page.get_by_text("deliberately")).to_have_count(0)
    page.get_by_label("Search the archive instead").fill("margin")
    page.get_by_label("Search the archive instead").press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=margin$"))
    expect(page.locator("li.hit").first).to_be_visible()
