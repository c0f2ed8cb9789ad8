"""The interface in Traditional Chinese, in a real Chromium: chosen in the header, or by the browser.

The transcripts stay as they were written whichever language the interface speaks.
"""

import re

import pytest

from tests.browser import chromium

if chromium.playwright_missing():
    chromium.skip_or_fail(chromium.playwright_missing(), module=True)

from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

CALL = "/calls/kestrel-semiconductor/2022-q4/"


def nav(page: Page):
    return page.locator("header.site-header nav")


def test_the_language_switch_turns_the_interface_chinese_and_it_stays_so(archive, open_page):
    page = open_page()
    page.goto(CALL + "#p3")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    original = page.locator("#p3 p.original").inner_text()
    translation = page.locator("#p3 p.translation").inner_text()
    expect(nav(page).get_by_role("link", name="Companies", exact=True)).to_be_visible()

    page.get_by_role("button", name="繁體中文").click()

    # set_language sends the reader back to the same page, now in Chinese.
    expect(page).to_have_url(re.compile(re.escape(CALL) + "$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hant")
    expect(nav(page).get_by_role("link", name="公司", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="與會者")).to_be_visible()
    expect(page.locator(".role-badge[data-role=executive]").first).to_have_text("經營團隊")
    expect(page.get_by_role("button", name="繁體中文")).to_have_attribute("aria-current", "true")
    # The transcript is untouched: the same English and the same translation.
    expect(page.locator("#p3 p.original")).to_have_text(original)
    expect(page.locator("#p3 p.translation")).to_have_text(translation)

    # Remembered across pages: a link, the search box, a new visit in the same context.
    nav(page).get_by_role("link", name="公司", exact=True).click()
    expect(page.get_by_role("heading", name="公司", exact=True)).to_be_visible()
    page.get_by_placeholder("搜尋逐字稿").fill("margin")
    page.get_by_placeholder("搜尋逐字稿").press("Enter")
    expect(page.locator("p.summary")).to_contain_text("個段落符合「margin」")
    expect(page.locator("section.facet[data-facet=role] h2")).to_have_text("身分")
    fresh = page.context.new_page()
    fresh.goto("/speakers/")
    expect(fresh.get_by_role("heading", name="發言人", exact=True)).to_be_visible()
    cookie = {c["name"]: c for c in page.context.cookies()}["django_language"]
    assert cookie["value"] == "zh-hant"
    assert cookie["expires"] > 0, "kept beyond the browser session"

    # And back to English.
    fresh.get_by_role("button", name="English").click()
    expect(fresh.locator("html")).to_have_attribute("lang", "en")
    expect(fresh.get_by_role("heading", name="Speakers", exact=True)).to_be_visible()


def test_the_switch_works_without_javascript(archive, open_page):
    page = open_page(java_script_enabled=False)
    page.goto("/companies/")
    page.get_by_role("button", name="繁體中文").click()
    expect(page.get_by_role("heading", name="公司", exact=True)).to_be_visible()


def test_a_taiwanese_browser_gets_the_chinese_interface_at_once(archive, open_page):
    page = open_page(locale="zh-TW")
    assert page.evaluate("navigator.language") == "zh-TW"
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hant")
    expect(page.get_by_role("heading", name="搜尋每一場法說會")).to_be_visible()
    page.get_by_label("誰在何時說了什麼").fill("gross margin")
    page.get_by_role("button", name="搜尋", exact=True).click()
    expect(page.locator("p.summary")).to_contain_text("個段落符合「gross margin」")
    hit = page.locator("ol.hits > li.hit").first
    expect(hit.locator(".role-badge")).to_have_text(re.compile("^(經營團隊|分析師|主持人)$"))
    # The hit's text is the transcript's English, with the search words marked.
    expect(hit.locator("p.snippet[lang=en] mark").first).to_have_text(re.compile("^(gross|margins?)$", re.I))

    page.goto(CALL)
    switch = page.get_by_role("navigation", name="顯示的語言")
    expect(switch.locator("[aria-current=true]")).to_have_text("雙語")
    switch.get_by_role("link", name="英文").click()
    expect(page.locator("p.translation").first).to_be_hidden()
    expect(page.locator("p.original").first).to_be_visible()
