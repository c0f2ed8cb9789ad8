"""A search's matches on a call page, as a reader moves through them in a real Chromium.

Open a search hit, then "Go to the first", the previous and next buttons and the n / p keys: the
current match changes, its turn's heading (the speaker) is in view below the sticky bar, and the
marks stay visible on the matching paragraphs' tint. The call page counts what the search counts.

Screenshots of each step are kept under test-results/matches/ (an artefact of every run, passing
or failing; the folder is git-ignored).
"""

import re
from urllib.parse import urlparse

import pytest

from tests.archive import ROOT
from tests.browser import chromium

if chromium.playwright_missing():
    chromium.skip_or_fail(chromium.playwright_missing(), module=True)

from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "test-results" / "matches"
CALL = "/calls/northwind-optical/2023-q3/"
BILINGUAL = "/calls/kestrel-semiconductor/2022-q4/"


def keep(page: Page, name: str) -> None:
    """A screenshot of what the reader sees (the viewport: where the page has scrolled to)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path)
    print(f"screenshot of {page.url}: {path}")


def arrive(page: Page, url: str) -> None:
    expect(page).to_have_url(re.compile(url))
    page.wait_for_load_state("load")


def current(page: Page):
    """The current match: exactly one paragraph is outlined as such."""
    marked = page.locator("article.transcript .utterance.current-match")
    expect(marked).to_have_count(1)
    return marked


def assert_shown_with_its_speaker(page: Page, paragraph) -> None:
    """The paragraph and its turn's heading are in the window, neither under the sticky bar."""
    heading = paragraph.locator(
        "xpath=ancestor::section[contains(@class, 'turn')]/h3[contains(@class, 'speaker')]"
    )
    expect(paragraph).to_be_in_viewport()
    expect(heading).to_be_in_viewport()
    bar = page.locator(".reading-controls").bounding_box()
    assert heading.bounding_box()["y"] >= bar["y"] + bar["height"] - 1, "the heading is under the bar"
    assert paragraph.bounding_box()["y"] < page.viewport_size["height"]
    speaker = paragraph.evaluate("p => p.closest('.turn').dataset.speaker")
    expect(page.locator(".match-position")).to_contain_text(speaker)


# WCAG's contrast ratio of the mark's text on its background, and of its underline on the tint of
# the paragraph it is in (whether the mark's own background differs from that tint is shown too).
CONTRASTS = """mark => {
    const rgb = s => s.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
    const channel = v => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    const lum = c => 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2]);
    const ratio = (a, b) => (Math.max(lum(a), lum(b)) + 0.05) / (Math.min(lum(a), lum(b)) + 0.05);
    const style = getComputedStyle(mark);
    const tint = getComputedStyle(mark.closest(".utterance")).backgroundColor;
    return {
        underline: ratio(rgb(style.boxShadow), rgb(tint)),
        text: ratio(rgb(style.color), rgb(style.backgroundColor)),
        differs: style.backgroundColor !== tint,
    };
}"""


def fragment(page: Page) -> str:
    return urlparse(page.url).fragment


def test_open_a_hit_then_move_through_the_matches(archive, page):
    page.goto("/search/?q=%22gross+margin%22&company=northwind-optical&year=2023&quarter=3")
    total = int(page.locator("p.summary").inner_text().split()[0])
    assert total > 3
    hits = page.locator("ol.hits > li.hit")
    third = hits.nth(2)
    target = urlparse(third.locator("p.snippet[lang=en] a").get_attribute("href")).fragment
    keep(page, "01-search")

    third.locator("p.snippet[lang=en] a").click()

    arrive(page, rf"{CALL}\?q=%22gross(%20|\+)margin%22#{target}$")
    expect(page.locator(".hit-summary")).to_contain_text(f"{total} paragraphs match")
    matches = page.locator("article.transcript .utterance.match")
    expect(matches).to_have_count(total)
    ids = matches.evaluate_all("all => all.map(p => p.id)")
    index = ids.index(target)
    expect(current(page)).to_have_id(target)
    expect(page.locator(".match-position")).to_contain_text(f"Match {index + 1} of {total}")
    assert_shown_with_its_speaker(page, current(page))
    keep(page, "02-opened-at-the-hit")

    page.keyboard.press("n")
    expect(current(page)).to_have_id(ids[index + 1])
    assert fragment(page) == ids[index + 1]
    expect(page.locator(".match-position")).to_contain_text(f"Match {index + 2} of {total}")
    assert_shown_with_its_speaker(page, current(page))
    keep(page, "03-after-n")

    page.keyboard.press("p")
    page.keyboard.press("p")
    expect(current(page)).to_have_id(ids[index - 1])
    assert_shown_with_its_speaker(page, current(page))
    keep(page, "04-after-p-p")

    nav = page.get_by_role("navigation", name="Matches")
    nav.get_by_role("button", name="Next").click()
    expect(current(page)).to_have_id(ids[index])
    assert_shown_with_its_speaker(page, current(page))
    nav.get_by_role("button", name="Previous").click()
    expect(current(page)).to_have_id(ids[index - 1])

    page.get_by_role("link", name="Go to the first").click()
    expect(current(page)).to_have_id(ids[0])
    assert fragment(page) == ids[0]
    assert_shown_with_its_speaker(page, current(page))
    expect(nav.get_by_role("button", name="Previous")).to_be_disabled()
    keep(page, "05-first")
    page.keyboard.press("p")  # nothing before the first
    expect(current(page)).to_have_id(ids[0])

    # The keys are letters again while typing in a box.
    box = page.get_by_label("Search transcripts")
    box.fill("")
    page.keyboard.type("np")
    expect(box).to_have_value("np")
    expect(current(page)).to_have_id(ids[0])
    box.blur()

    for _ in range(total - 1):
        page.keyboard.press("n")
    expect(current(page)).to_have_id(ids[-1])
    expect(nav.get_by_role("button", name="Next")).to_be_disabled()
    assert_shown_with_its_speaker(page, current(page))
    keep(page, "06-last")


def test_a_phrase_is_marked_whole_and_marks_stand_out_on_the_tint(archive, page):
    page.goto(CALL + "?q=%22gross+margin%22")
    arrive(page, r"#p\d+$")  # without a fragment the page opens at the first match
    first = current(page)
    assert first.get_attribute("id") == page.locator(".utterance.match").first.get_attribute("id")
    assert_shown_with_its_speaker(page, first)
    marks = page.locator("article.transcript mark")
    assert {m.lower() for m in marks.all_inner_texts()} <= {"gross margin", "gross margins"}
    # Every mark is inside a matching paragraph, and every matching paragraph has one.
    assert page.locator("article.transcript .utterance:not(.match) mark").count() == 0
    assert page.locator("article.transcript .utterance.match:not(:has(mark))").count() == 0

    # The mark's underline against the current paragraph's tint: WCAG's 3:1 for what is not text.
    contrast = first.locator("mark").first.evaluate(CONTRASTS)
    assert contrast["underline"] >= 3, contrast
    assert contrast["text"] >= 4.5, contrast
    assert contrast["differs"], contrast
    keep(page, "07-phrase-marked")


@pytest.mark.parametrize(
    ("url", "query"),
    [
        (CALL, '"gross margin"'),  # phrase
        (CALL, "gross margin"),  # AND
        (CALL, "inventory or backlog"),  # OR
        (CALL, "margin -gross"),  # exclusion
        (BILINGUAL, "營收"),  # Chinese, in the translation
    ],
)
def test_the_call_page_counts_what_the_search_counts(archive, page, url, query):
    company, period = url.strip("/").split("/")[1:]
    year, quarter = period.split("-q")
    page.goto("/search/")
    page.get_by_label("Search", exact=True).fill(query)
    page.get_by_label("Search", exact=True).press("Enter")
    page.wait_for_load_state("load")
    page.goto(f"{page.url}&company={company}&year={year}&quarter={quarter}")
    summary = page.locator("p.summary").inner_text()
    searched = int(summary.split()[0]) if summary.split()[0].isdigit() else 0

    page.goto(url + "?q=" + query)
    matches = page.locator("article.transcript .utterance.match")
    expect(matches).to_have_count(searched)
    if searched:
        expect(page.locator(".hit-summary")).to_contain_text(f"{searched} paragraph")
        assert_shown_with_its_speaker(page, current(page))
    else:
        expect(page.locator(".hit-summary")).to_contain_text("No paragraph here matches")
        expect(page.get_by_role("navigation", name="Matches")).to_have_count(0)


def test_without_javascript_the_links_still_reach_the_matches(archive, browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(CALL + "?q=%22gross+margin%22")
        expect(page.get_by_role("navigation", name="Matches")).to_be_hidden()
        first = page.locator(".utterance.match").first.get_attribute("id")
        page.get_by_role("link", name="Go to the first").click()
        assert fragment(page) == first
        expect(page.locator(f"#{first}")).to_be_in_viewport()
        keep(page, "08-no-javascript")
    finally:
        context.close()


def test_an_exchange_page_and_a_phone_have_the_same_controls(archive, open_page):
    phone = open_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone.goto(CALL + "qa/1/?q=margin")
    matches = phone.locator("article.transcript .utterance.match")
    count = matches.count()
    assert count > 1
    expect(phone.locator(".hit-summary")).to_contain_text(f"{count} paragraphs match")
    expect(current(phone)).to_have_id(matches.first.get_attribute("id"))
    assert_shown_with_its_speaker(phone, current(phone))
    phone.get_by_role("navigation", name="Matches").get_by_role("button", name="Next").tap()
    expect(current(phone)).to_have_id(matches.nth(1).get_attribute("id"))
    assert_shown_with_its_speaker(phone, current(phone))
    keep(phone, "09-exchange-on-a-phone")
