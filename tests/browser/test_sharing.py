"""Reading and sharing in a real Chromium: highlighted search words, the column switch, copying links
and citations, and the link previews of an exchange.

The archive is our own samples/transcripts, imported before each test opens a page.
"""

import re
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser import chromium

if chromium.playwright_missing():
    chromium.skip_or_fail(chromium.playwright_missing(), module=True)

from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

BILINGUAL = "/calls/kestrel-semiconductor/2022-q4/"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
CLIPBOARD = {"permissions": ["clipboard-read", "clipboard-write"]}


def arrive(page: Page, url: str) -> None:
    expect(page).to_have_url(re.compile(url))
    page.wait_for_load_state("load")


def clipboard(page: Page) -> str:
    return page.evaluate("navigator.clipboard.readText()")


def test_search_words_are_marked_and_the_call_opens_at_the_first(archive, page):
    page.goto("/calls/northwind-optical/2023-q3/?q=gross+margins")

    # The first matching paragraph, named in the address (tests/browser/test_matches.py moves on).
    arrive(page, r"/calls/northwind-optical/2023-q3/\?q=gross\+margins#p\d+$")
    first = page.locator("mark#first-hit")
    expect(first).to_be_in_viewport()
    expect(first).to_have_text(re.compile(r"^gross$", re.IGNORECASE))
    paragraph = page.locator(f"#{urlparse(page.url).fragment}")
    assert paragraph.evaluate("element => element.matches(':target.match.current-match')")
    assert page.evaluate("window.scrollY") > 0
    marks = page.locator("article.transcript mark")
    assert {m.lower() for m in marks.all_inner_texts()} <= {"gross", "margin", "margins"}
    expect(page.locator(".hit-summary")).to_contain_text("match “gross margins”")

    # A search hit's link names its paragraph: the page opens there, not at the first hit.
    page.goto("/calls/northwind-optical/2023-q3/?q=gross+margins#p30")
    expect(page.locator("#p30")).to_be_in_viewport()
    assert urlparse(page.url).fragment == "p30"

    page.get_by_role("link", name="Clear highlighting").click()
    arrive(page, r"/calls/northwind-optical/2023-q3/$")
    expect(page.locator("article.transcript mark")).to_have_count(0)


def test_chinese_search_words_are_marked_in_the_translation(archive, page):
    page.goto(BILINGUAL + "?q=营收")  # Simplified: the translation is Traditional
    first = page.locator("mark#first-hit")
    expect(first).to_be_in_viewport()
    expect(first).to_have_text("營收")
    expect(page.locator("p.translation[lang=zh-Hant] mark").first).to_be_visible()


def test_column_switch_keeps_the_place_shows_in_the_url_and_is_remembered(archive, open_page):
    page = open_page()
    page.goto(BILINGUAL + "#p12")
    paragraph = page.locator("#p12")
    original, translation = paragraph.locator("p.original"), paragraph.locator("p.translation")
    expect(original).to_be_visible()
    expect(translation).to_be_visible()
    page.evaluate("window.notReloaded = true")
    switch = page.get_by_role("navigation", name="Languages shown")
    expect(switch.locator("[aria-current=true]")).to_have_text("Both")

    switch.get_by_role("link", name="English").click()

    arrive(page, r"\?view=original#p12$")
    expect(translation).to_be_hidden()
    expect(original).to_be_visible()
    expect(paragraph).to_be_in_viewport()  # the reader's place is kept
    expect(switch.locator("[aria-current=true]")).to_have_text("English")
    assert page.evaluate("window.notReloaded") is True

    switch.get_by_role("link", name="中文").click()

    arrive(page, r"\?view=translation#p12$")
    expect(original).to_be_hidden()
    expect(translation).to_be_visible()
    assert {c["name"]: c["value"] for c in page.context.cookies()}["cv_columns"] == "translation"

    # Remembered: the same call and another page open with the translation only, from a plain URL.
    again = page.context.new_page()
    again.goto(BILINGUAL)
    expect(again.locator("#p12 p.original")).to_be_hidden()
    expect(again.locator("#p12 p.translation")).to_be_visible()
    again.goto("/calls/kestrel-semiconductor/2022-q4/qa/1/")
    expect(again.locator("article.transcript")).to_have_class(re.compile(r"\bcolumns-translation\b"))

    switch.get_by_role("link", name="Both").click()
    arrive(page, r"\?view=both#p12$")
    box_original, box_translation = original.bounding_box(), translation.bounding_box()
    assert box_translation["x"] >= box_original["x"] + box_original["width"]  # side by side again


def test_column_switch_works_without_javascript(archive, open_page):
    page = open_page(java_script_enabled=False)
    page.goto(BILINGUAL)
    page.get_by_role("navigation", name="Languages shown").get_by_role("link", name="中文").click()
    arrive(page, r"\?view=translation$")
    expect(page.locator("#p12 p.original")).to_be_hidden()
    expect(page.locator("#p12 p.translation")).to_be_visible()
    page.goto(BILINGUAL)  # remembered by the cookie the server set
    expect(page.locator("#p12 p.original")).to_be_hidden()


def test_paragraph_and_turn_anchors_copy_their_permalink(archive, open_page, live_server):
    page = open_page(**CLIPBOARD)
    page.goto("/calls/northwind-optical/2023-q3/?q=margin")
    paragraph = page.locator("#p30")
    paragraph.scroll_into_view_if_needed()
    paragraph.hover()
    paragraph.get_by_role("link", name="Link to paragraph 30").click()

    # The link still goes to the paragraph, and the copied permalink is clean (no ?q=).
    expect(page).to_have_url(re.compile(r"#p30$"))
    assert paragraph.evaluate("element => element.matches(':target')")
    assert clipboard(page) == f"{live_server.url}/calls/northwind-optical/2023-q3/#p30"
    expect(page.get_by_role("status").filter(has_text="Link copied")).to_be_visible()

    turn = page.locator("section.turn").nth(3)
    turn_id = turn.get_attribute("id")
    turn.locator("h3.speaker").hover()
    turn.get_by_role("link", name="Link to this turn").click()
    assert clipboard(page) == f"{live_server.url}/calls/northwind-optical/2023-q3/#{turn_id}"


def test_open_an_exchange_from_the_contents_copy_its_citation_and_visit_the_questioner(
    archive, open_page, live_server
):
    report = archive["/calls/northwind-optical/2023-q3/"]
    exchange = report["exchanges"][1]
    page = open_page(**CLIPBOARD)
    page.goto("/calls/northwind-optical/2023-q3/")
    page.get_by_role("navigation", name="Contents").get_by_role(
        "link", name=re.compile(rf"^Q&A 2: {re.escape(exchange['questioner'])}\b")
    ).click()

    arrive(page, r"/calls/northwind-optical/2023-q3/qa/2/$")
    url = f"{live_server.url}/calls/northwind-optical/2023-q3/qa/2/"
    page.get_by_role("button", name="Copy citation").click()

    expect(page.get_by_role("status").filter(has_text="Citation copied")).to_be_visible()
    citation = clipboard(page)
    assert citation == page.locator("#citation").inner_text()
    assert citation.startswith("Northwind Optical, Q3 2023 earnings call")
    assert "Q&A 2: question from " + exchange["questioner"] in citation
    if exchange["firm"]:
        assert f"({exchange['firm']})" in citation
    assert "answered by " in citation
    assert citation.endswith(f". {url}")

    page.get_by_role("heading", level=1).get_by_role("link", name=exchange["questioner"]).click()
    arrive(page, r"/speakers/[a-z0-9-]+/$")
    expect(page.get_by_role("link", name="Northwind Optical Q3 2023, Q&A 2")).to_be_visible()


def test_copy_citation_without_the_clipboard_api_selects_the_text(archive, open_page):
    page = open_page(**PHONE)
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    page.goto("/calls/northwind-optical/2023-q3/qa/1/")
    page.get_by_role("button", name="Copy citation").click()
    assert page.evaluate("getSelection().toString()").strip() == page.locator("#citation").inner_text()
    expect(page.locator("#copy-status")).not_to_be_empty()


def test_copy_citation_button_is_absent_without_javascript_but_the_citation_is_there(archive, open_page):
    page = open_page(java_script_enabled=False)
    page.goto("/calls/northwind-optical/2023-q3/qa/1/")
    expect(page.get_by_role("button", name="Copy citation")).to_have_count(0)
    expect(page.locator("#citation")).to_contain_text("/calls/northwind-optical/2023-q3/qa/1/")


def test_exchange_link_preview_names_the_question(archive, page, live_server):
    exchange = archive["/calls/northwind-optical/2023-q3/"]["exchanges"][0]
    page.goto("/calls/northwind-optical/2023-q3/qa/1/?view=original&q=margin")

    def meta(selector: str) -> str:
        return page.locator(f"head meta[{selector}]").get_attribute("content")

    url = f"{live_server.url}/calls/northwind-optical/2023-q3/qa/1/"
    assert meta('property="og:url"') == url
    assert page.locator("head link[rel=canonical]").get_attribute("href") == url
    assert meta('property="og:title"').startswith(
        f"Northwind Optical Q3 2023, Q&A 1: {exchange['questioner']}"
    )
    description = meta('property="og:description"')
    question = page.locator("section.turn.role-analyst").first.locator("p.original").first.inner_text()
    assert len(description) <= 200
    assert description.rstrip("…") and question.startswith(description.rstrip("…").split(" ")[0])
    assert meta('name="twitter:card"') == "summary"
    assert meta('name="twitter:description"') == description


def test_phone_reads_an_exchange_stacked_and_can_switch_columns(archive, open_page):
    page = open_page(**PHONE)
    page.goto("/calls/kestrel-semiconductor/2022-q4/qa/1/")
    utterance = page.locator(".utterance.bilingual:not(.untranslated)").first
    original = utterance.locator("p.original").bounding_box()
    translation = utterance.locator("p.translation").bounding_box()
    assert translation["y"] >= original["y"] + original["height"]  # stacked
    page.get_by_role("navigation", name="Languages shown").get_by_role("link", name="English").click()
    arrive(page, r"\?view=original$")
    expect(utterance.locator("p.translation")).to_be_hidden()
    assert parse_qs(urlparse(page.url).query) == {"view": ["original"]}


def test_printing_an_exchange_keeps_the_text_and_citation_and_drops_the_controls(archive, page, live_server):
    page.goto("/calls/kestrel-semiconductor/2022-q4/qa/1/?view=both")
    page.emulate_media(media="print")
    for hidden in ("header.site-header", "footer.site-footer", "nav.pager", "nav.columns-switch", ".anchor"):
        expect(page.locator(hidden).first).to_be_hidden()
    expect(page.get_by_role("button", name="Copy citation")).to_be_hidden()
    expect(page.locator("#citation")).to_be_visible()
    expect(page.locator("#citation")).to_contain_text(
        f"{live_server.url}/calls/kestrel-semiconductor/2022-q4/qa/1/"
    )
    utterance = page.locator(".utterance.bilingual:not(.untranslated)").first
    original = utterance.locator("p.original").bounding_box()
    translation = utterance.locator("p.translation").bounding_box()
    assert translation["x"] >= original["x"] + original["width"]  # both languages, side by side on paper


def test_printing_a_call_shows_its_address(archive, page, live_server):
    page.goto("/calls/northwind-optical/2023-q3/")
    expect(page.locator(".call-header .print-only")).to_be_hidden()
    page.emulate_media(media="print")
    expect(page.locator(".call-header .print-only")).to_have_text(
        f"{live_server.url}/calls/northwind-optical/2023-q3/"
    )
    expect(page.locator("header.site-header")).to_be_hidden()
