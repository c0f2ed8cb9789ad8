"""Reading and searching as a person does it, in a real Chromium: type, click, follow links, look.

The archive is our own samples/transcripts, imported before each test opens a page.
"""

import re
from urllib.parse import parse_qs, urlparse

import pytest

from tests.archive import ingest
from tests.browser import chromium

if chromium.playwright_missing():
    chromium.skip_or_fail(chromium.playwright_missing(), module=True)

from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

# The same hostile paragraph as tests/search/test_search.py: markup that would run if not escaped.
HOSTILE = """Operator
Welcome to the Hostile Example Corp first quarter 2020 earnings call.
Jane Roe - Chief Executive Officer
Our gross margin was <script>alert('x')</script> and <img src=x onerror=alert(1)> better than ever.
"""


def arrive(page: Page, url: str) -> None:
    """Wait until a click's navigation has reached a URL matching `url` and that page has loaded."""
    expect(page).to_have_url(re.compile(url))
    page.wait_for_load_state("load")


def search_for(page: Page, query: str) -> None:
    """Type a query in the search page's own box and submit it with Enter."""
    box = page.get_by_label("Search", exact=True)
    box.fill(query)
    box.press("Enter")
    expect(page.locator("p.summary")).to_contain_text(f"match “{query}”")
    page.wait_for_load_state("load")


def total(page: Page) -> int:
    """The number of matching paragraphs the page says it found ("12 paragraphs match ...")."""
    return int(page.locator("p.summary").inner_text().split()[0])


def query_params(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def test_search_from_home_and_open_the_paragraph(archive, page):
    page.goto("/")
    page.get_by_label("What was said, by whom, when").fill("gross margin")
    page.get_by_role("button", name="Search").click()

    arrive(page, r"/search/\?q=gross\+margin$")
    hits = page.locator("ol.hits > li.hit")
    expect(hits.first).to_be_visible()
    assert hits.count() > 1
    for hit in hits.all():
        marks = hit.locator("p.snippet[lang=en] mark")
        expect(marks.first).to_be_visible()
        assert {m.lower() for m in marks.all_inner_texts()} <= {"gross", "margin", "margins"}

    hits.first.locator("p.snippet[lang=en] a").click()

    arrive(page, r"/calls/[a-z0-9-]+/\d{4}-q[1-4]/\?q=gross%20margin#p\d+$")
    anchor = urlparse(page.url).fragment
    paragraph = page.locator(f"#{anchor}")
    expect(paragraph).to_be_in_viewport()
    expect(paragraph).to_contain_text(re.compile(r"gross", re.IGNORECASE))
    expect(paragraph).to_contain_text(re.compile(r"margin", re.IGNORECASE))
    # The browser really scrolled there (no hit is in a call's first screen) and highlights it.
    assert page.evaluate("window.scrollY") > 0
    assert paragraph.evaluate("element => element.matches(':target')")


def test_role_facet_narrows_and_unnarrows(archive, page):
    page.goto("/search/")
    search_for(page, "margin")
    everything = total(page)
    role = page.locator("section.facet[data-facet=role]")
    analyst = role.get_by_role("link", name="Analyst")
    analysts = int(
        role.locator("li").filter(has=page.get_by_role("link", name="Analyst")).locator(".count").inner_text()
    )
    assert 0 < analysts < everything

    analyst.click()

    arrive(page, r"[?&]role=analyst(&|$)")
    assert query_params(page).get("role") == ["analyst"]
    assert query_params(page).get("q") == ["margin"]
    assert total(page) == analysts
    hits = page.locator("ol.hits > li.hit")
    assert hits.count() == min(analysts, 20)
    expect(hits.locator(".meta .role-badge")).to_have_text(["Analyst"] * hits.count())
    selected = role.locator("a[aria-current=true]")
    expect(selected).to_have_text("✓ Analyst")

    selected.click()

    arrive(page, r"/search/\?(?!.*\brole=)")
    assert "role" not in query_params(page)
    assert query_params(page).get("q") == ["margin"]
    assert total(page) == everything
    expect(role.locator("a[aria-current=true]")).to_have_count(0)


def test_chinese_search_marks_the_traditional_text_for_both_scripts(archive, page):
    page.goto("/search/")
    found = {}
    for query in ("營收", "营收"):  # Traditional, as in the Kestrel translation; then Simplified
        search_for(page, query)
        assert query_params(page).get("q") == [query]
        hits = page.locator("ol.hits > li.hit")
        expect(hits.first).to_be_visible()
        for hit in hits.all():
            marks = hit.locator("p.snippet.translation[lang=zh-Hant] mark")
            expect(marks.first).to_be_visible()
            assert set(marks.all_inner_texts()) == {"營收"}, query
            expect(hit.locator(".meta")).to_contain_text("Kestrel Semiconductor")
        found[query] = total(page)
    assert found["營收"] > 0
    assert found["营收"] == found["營收"]


def test_company_call_exchange_and_speaker_pages_link_up(archive, page):
    q3 = archive["/calls/northwind-optical/2023-q3/"]
    questioner = q3["exchanges"][0]["questioner"]
    assert "/calls/northwind-optical/2024-q1/" in archive

    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Companies").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Companies")
    page.get_by_role("link", name="Northwind Optical").click()

    arrive(page, r"/companies/northwind-optical/$")
    calls = page.locator("table.list tbody tr")
    expect(calls).to_have_count(2)
    expect(calls.locator("td:first-child")).to_have_text(["Q1 2024", "Q3 2023"])
    page.get_by_role("link", name="Q3 2023", exact=True).click()

    arrive(page, r"/calls/northwind-optical/2023-q3/$")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Northwind Optical — Q3 2023")
    first_exchange = page.get_by_role("navigation", name="Contents").get_by_role(
        "link", name=re.compile(rf"^Q&A 1: {re.escape(questioner)}\b")
    )
    expect(first_exchange).to_have_attribute("href", "/calls/northwind-optical/2023-q3/qa/1/")
    first_exchange.click()

    arrive(page, r"/calls/northwind-optical/2023-q3/qa/1/$")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Q&A 1: {questioner}")
    pager = page.get_by_role("navigation", name="Exchanges")
    expect(pager.get_by_role("link", name="Previous exchange")).to_have_count(0)
    expect(pager.get_by_role("link", name="Full call")).to_have_attribute(
        "href", "/calls/northwind-optical/2023-q3/#qa-1"
    )
    pager.get_by_role("link", name="Next exchange").click()
    arrive(page, r"/calls/northwind-optical/2023-q3/qa/2/$")
    page.go_back()
    arrive(page, r"/calls/northwind-optical/2023-q3/qa/1/$")

    page.locator("article.transcript .speaker").get_by_role("link", name=questioner, exact=True).first.click()

    arrive(page, r"/speakers/[a-z0-9-]+/$")
    expect(page.get_by_role("heading", level=1)).to_have_text(questioner)
    expect(page.get_by_role("link", name="Northwind Optical Q3 2023, Q&A 1")).to_have_attribute(
        "href", "/calls/northwind-optical/2023-q3/qa/1/"
    )


def test_translation_beside_the_original_when_wide_and_below_it_on_a_phone(archive, open_page):
    url = "/calls/kestrel-semiconductor/2022-q4/"
    assert archive[url]["translated_paragraphs"] > 0

    wide = open_page()
    wide.goto(url)
    original, translation = _first_bilingual_paragraph(wide)
    assert translation["x"] >= original["x"] + original["width"]  # to the right
    assert abs(translation["y"] - original["y"]) < 2  # on the same line

    phone = open_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone.goto(url)
    original, translation = _first_bilingual_paragraph(phone)
    assert translation["y"] >= original["y"] + original["height"]  # below
    assert abs(translation["x"] - original["x"]) < 2  # in the same column


def _first_bilingual_paragraph(page: Page) -> tuple[dict, dict]:
    utterance = page.locator(".utterance.bilingual").first
    original = utterance.locator("p.original[lang=en]")
    translation = utterance.locator("p.translation[lang=zh-Hant]")
    expect(original).to_be_visible()
    expect(translation).to_be_visible()
    return original.bounding_box(), translation.bounding_box()


def test_hostile_transcript_is_shown_as_text_and_never_runs(live_server, open_page, tmp_path):
    path = tmp_path / "hostile.txt"
    path.write_text(HOSTILE, encoding="utf-8")
    [report] = ingest(path)
    assert "error" not in report, report

    page = open_page()
    dialogs, errors = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: errors.append(error))

    page.goto("/search/?q=gross+margin+better")
    hit = page.locator("ol.hits > li.hit").filter(has_text="Hostile Example")
    expect(hit).to_have_count(1)
    snippet = hit.locator("p.snippet[lang=en]")
    expect(snippet).to_contain_text("<script>alert('x')</script>")
    expect(snippet).to_contain_text("<img src=x onerror=alert(1)>")
    expect(snippet.get_by_text("<script>", exact=False)).to_be_visible()
    expect(snippet.locator("mark").first).to_be_visible()
    _assert_nothing_ran(page, dialogs, errors)

    snippet.get_by_role("link").click()
    arrive(page, rf"{re.escape(report['url'])}\?q=gross%20margin%20better#p\d+$")
    paragraph = page.locator("p.original", has_text="<script>alert('x')</script>")
    expect(paragraph).to_be_visible()
    expect(paragraph).to_contain_text("<img src=x onerror=alert(1)>")
    _assert_nothing_ran(page, dialogs, errors)

    # The listener does catch a dialog, so the empty list above means something.
    page.evaluate("() => alert('control')")
    assert dialogs == ["control"]


def _assert_nothing_ran(page: Page, dialogs: list, errors: list) -> None:
    page.wait_for_load_state("load")  # a broken <img>'s onerror would have fired by now
    assert dialogs == []
    assert errors == []
    assert page.locator("main script, main img").count() == 0


def test_choosing_a_sort_applies_it_without_pressing_search(archive, page):
    page.goto("/search/")
    search_for(page, "revenue")
    sort = page.get_by_label("Sort")
    labels = [label.strip() for label in sort.locator("option").all_inner_texts()]
    assert labels[1:] == ["Relevance", "Newest", "Oldest"]

    sort.select_option("oldest")

    arrive(page, r"[?&]sort=oldest(&|$)")
    assert query_params(page).get("q") == ["revenue"]
    expect(page.get_by_label("Sort")).to_have_value("oldest")

    page.get_by_label("Sort").select_option("newest")

    arrive(page, r"[?&]sort=newest(&|$)")
    assert query_params(page).get("q") == ["revenue"]
    expect(page.get_by_label("Sort")).to_have_value("newest")
