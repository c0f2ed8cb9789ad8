"""The search page says what it is doing, as a person sees it in a real Chromium: the filters as
chips, one search box that keeps them, page numbers, every value of a long facet, hits by call, a
date range, tickers, why nothing was found, and the page at a phone's width.

Screenshots of each step are kept in test-results/screenshots/search-page/ (git-ignored; CI keeps
them as artefacts), failing or not.
"""

import datetime
import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from calls.models import Call
from tests.archive import SAMPLES, SEEDS, ingest
from tests.browser import chromium

if chromium.playwright_missing():
    chromium.skip_or_fail(chromium.playwright_missing(), module=True)

from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

SCREENSHOTS = (
    Path(
        os.environ.get(
            "SCREENSHOTS_DIR", Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
        )
    )
    / "search-page"
)
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def keep(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    print(f"screenshot of {page.url}: {path}")


def arrive(page: Page, url: str) -> None:
    expect(page).to_have_url(re.compile(url))
    page.wait_for_load_state("load")


def params(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def total(page: Page) -> int:
    return int(page.locator("p.summary").get_attribute("data-total"))


def search_for(page: Page, query: str) -> None:
    box = page.get_by_label("Search", exact=True)
    box.fill(query)
    box.press("Enter")
    expect(page.locator("p.summary")).to_contain_text(f"“{query}”")
    page.wait_for_load_state("load")


def pick(page: Page, facet: str, label: str) -> None:
    page.locator(f"section.facet[data-facet={facet}]").get_by_role("link", name=label, exact=True).click()
    arrive(page, rf"[?&]{facet}=")


@pytest.fixture
def seeded(live_server):
    """The samples and, when beside the checkout, the seed calls (more speakers than a facet shows)."""
    paths = [SAMPLES]
    if (SEEDS / "expected.json").exists():
        paths += sorted(SEEDS.glob("*.txt"))
    reports = ingest(*paths)
    assert all("error" not in report for report in reports), reports
    return reports


def test_filters_are_chips_a_new_query_keeps_them_and_the_chips_drop_them(archive, page):
    page.goto("/search/")
    expect(page.locator("#header-q")).to_have_count(0)  # one search box on the search page
    expect(page.get_by_role("search")).to_have_count(1)
    search_for(page, "margin")
    pick(page, "role", "Analyst")
    pick(page, "section", "Q&A")
    chips = page.get_by_role("group", name="Active filters")
    expect(chips.locator("a.chip")).to_have_text(
        [re.compile(r"Role:\s+Analyst"), re.compile(r"Section:\s+Q&A")]
    )
    expect(page.locator("p.summary")).to_have_text(
        re.compile(r"paragraphs? match(es)? “margin” · Analyst · Q&A$")
    )
    keep(page, "chips")

    search_for(page, "revenue")  # a new query in the same box
    assert params(page)["role"] == ["analyst"] and params(page)["section"] == ["qa"]
    expect(chips.locator("a.chip")).to_have_count(2)
    narrowed = total(page)
    keep(page, "chips-new-query")

    chips.get_by_role("link", name="Remove filter Role: Analyst").click()
    arrive(page, r"/search/\?(?!.*role=)")
    assert params(page) == {"q": ["revenue"], "section": ["qa"]}
    assert total(page) > narrowed
    expect(chips.locator("a.chip")).to_have_text([re.compile(r"Section:\s+Q&A")])

    chips.get_by_role("link", name="Clear all").click()
    arrive(page, r"/search/\?q=revenue$")
    expect(page.get_by_role("group", name="Active filters")).to_have_count(0)


def test_page_numbers_first_last_and_around(archive, page):
    page.goto("/search/?section=qa")  # browsing the Q&A: many pages
    pager = page.get_by_role("navigation", name="Pages")
    last = int(pager.locator("a").filter(has_text=re.compile(r"^\d+$")).last.inner_text())
    assert last >= 7, last
    expect(pager.locator("a[aria-current=page]")).to_have_text("1")
    pager.get_by_role("link", name="Page 3", exact=True).click()
    arrive(page, r"[?&]page=3(&|$)")
    expect(pager.locator("a[aria-current=page]")).to_have_text("3")
    numbers = [int(text) for text in pager.locator("ol.page-numbers a").all_inner_texts()]
    assert numbers == [1, 2, 3, 4, 5, last]
    keep(page, "pager-page-3")
    pager.get_by_role("link", name=f"Page {last}", exact=True).click()
    arrive(page, rf"[?&]page={last}(&|$)")
    expect(pager.locator("a[aria-current=page]")).to_have_text(str(last))
    expect(pager.get_by_role("link", name="Page 1", exact=True)).to_be_visible()
    expect(pager.locator("a[rel=next]")).to_have_count(0)


def test_more_shows_every_speaker_with_its_count_in_place(seeded, page):
    page.goto("/search/?q=revenue")
    speakers = page.locator("section.facet[data-facet=speaker]")
    first_values = speakers.locator("li").count()
    more = speakers.get_by_role("link", name=re.compile(r"^Every speaker with its count"))
    if first_values < 25:
        pytest.skip("fewer speakers than a facet shows: ../shared/seeds is not beside the checkout")
    url = page.url
    more.click()
    expect(speakers.locator("ul.facet-values")).to_be_visible()
    expect(more).to_have_count(0)
    assert page.url == url  # in place, no navigation
    every = speakers.locator("li")
    assert every.count() > first_values
    counts = [int(text) for text in speakers.locator(".count").all_inner_texts()]
    assert counts == sorted(counts, reverse=True)
    keep(page, "facet-more")
    last = every.last.get_by_role("link")
    name = last.inner_text()
    last.click()
    arrive(page, r"/search/\?q=revenue&speaker=")
    expect(page.locator("a.chip")).to_have_text([re.compile(rf"Speaker:\s+{re.escape(name)}")])


def test_more_without_javascript_opens_the_page_of_every_value(seeded, open_page):
    page = open_page(java_script_enabled=False)
    page.goto("/search/?q=revenue")
    more = page.locator("section.facet[data-facet=speaker] a.facet-more")
    if not more.count():
        pytest.skip("fewer speakers than a facet shows: ../shared/seeds is not beside the checkout")
    more.click()
    arrive(page, r"/search/facet/speaker/\?q=revenue$")
    expect(page.get_by_role("heading", level=1)).to_have_text("Speaker: every value matching “revenue”")
    assert page.locator("ul.facet-values li").count() > 25
    keep(page, "facet-more-page")
    page.get_by_role("link", name="← Back to the search").click()
    arrive(page, r"/search/\?q=revenue$")


def test_hits_grouped_by_call_with_a_count_each(archive, page):
    page.goto("/search/?q=revenue")
    paragraphs = total(page)
    page.get_by_role("navigation", name="Show results as").get_by_role(
        "link", name="Calls, with a count each"
    ).click()
    arrive(page, r"[?&]group=call(&|$)")
    groups = page.locator("li.call-group")
    expect(groups.first).to_be_visible()
    counts = [int(text.split()[0]) for text in groups.locator(".count").all_inner_texts()]
    assert sum(counts) == paragraphs
    assert counts == sorted(counts, reverse=True)
    expect(page.locator("p.summary")).to_have_text(
        f"{paragraphs} paragraphs in {groups.count()} calls match “revenue”"
    )
    keep(page, "group-by-call")
    # A filter keeps the grouping; the call's link opens it with the query marked.
    pick(page, "company", "Northwind Optical")
    assert params(page)["group"] == ["call"]
    expect(groups).to_have_count(2)
    first_count = int(groups.first.locator(".count").inner_text().split()[0])
    groups.first.get_by_role("link").click()
    arrive(page, r"/calls/northwind-optical/\d{4}-q\d/\?q=revenue(#p\d+)?$")  # to its first match
    # The call page counts the paragraphs its group counted (tests/browser/test_matches.py).
    expect(page.locator(".hit-summary")).to_contain_text(f"{first_count} paragraph")


def test_date_range_in_the_form_and_tickers_for_companies(archive, page):
    held = {
        ("northwind-optical", 2024): datetime.date(2024, 4, 30),
        ("northwind-optical", 2023): datetime.date(2023, 11, 2),
        ("kestrel-semiconductor", 2022): datetime.date(2023, 2, 9),  # its Q4 2022, held in 2023
    }
    for (slug, year), day in held.items():
        assert Call.objects.filter(company__slug=slug, fiscal_year=year).update(held_on=day) == 1
    page.goto("/search/?q=revenue")
    everything = total(page)
    page.get_by_label("From", exact=True).fill("2023-01-01")
    page.get_by_label("To", exact=True).fill("2023-12-31")
    page.get_by_role("button", name="Apply").click()
    arrive(page, r"[?&]to=2023-12-31")
    assert params(page)["from"] == ["2023-01-01"] and params(page)["q"] == ["revenue"]
    in_2023 = total(page)
    assert 0 < in_2023 < everything
    companies = page.locator("section.facet[data-facet=company] li a")
    expect(companies).to_have_count(2)
    assert sorted(companies.all_inner_texts()) == ["Kestrel Semiconductor", "Northwind Optical"]
    expect(page.locator("a.chip")).to_have_text(
        [re.compile(r"Date held:\s+from 2023-01-01"), re.compile(r"Date held:\s+until 2023-12-31")]
    )
    keep(page, "date-range")
    api = page.request.get("/api/search/?q=revenue&from=2023-01-01&to=2023-12-31").json()
    assert api["total"] == in_2023 and api["errors"] == []

    # A ticker in the box offers the company's calls; in the address, it selects them.
    search_for(page, "NWOP")
    suggestion = page.get_by_role("link", name="Search within Northwind Optical’s calls")
    suggestion.click()
    arrive(page, r"/search/\?from=2023-01-01&to=2023-12-31&company=northwind-optical$")
    expect(page.locator("a.chip").first).to_have_text(re.compile(r"Company:\s+Northwind Optical"))
    page.goto("/search/?q=revenue&company=nwop")
    expect(page.locator("a.chip")).to_have_text([re.compile(r"Company:\s+Northwind Optical")])
    expect(page.locator("section.facet[data-facet=company] a[aria-current=true]")).to_have_text(
        "✓ Northwind Optical"
    )


def test_nothing_found_says_what_emptied_it_and_offers_to_drop_it(archive, page):
    page.goto("/search/?role=analyst")
    search_for(page, "revenue xyzzyq")
    assert total(page) == 0
    zero = page.locator(".zero-results")
    word = zero.locator("li[data-kind=word]")
    expect(word).to_contain_text("without “xyzzyq”")
    expect(zero.locator(".syntax-help dl")).to_be_visible()  # the syntax help, open
    keep(page, "zero-results")
    word.get_by_role("link", name="drop the word").click()
    arrive(page, r"/search/\?q=revenue&role=analyst$")
    assert total(page) > 0

    page.goto("/search/?q=revenue&company=harborview-telecom&role=operator&section=qa")
    if total(page) == 0:
        expect(zero.locator("li[data-kind=filter]").first).to_be_visible()
        zero.locator("li[data-kind=filter]").first.get_by_role("link", name="drop the filter").click()
        page.wait_for_load_state("load")
        assert total(page) > 0

    # On a page that found something, the syntax help is one click away.
    page.goto("/search/?q=revenue")
    help_ = page.locator("details.syntax-help")
    expect(help_.locator("dl")).to_be_hidden()
    help_.locator("summary").click()
    expect(help_.get_by_text('"supply chain"')).to_be_visible()
    keep(page, "syntax-help")


def test_phone_header_is_one_line_and_filters_fold_above_the_results(archive, open_page):
    page = open_page(**PHONE)
    for url in ("/", "/calls/northwind-optical/2023-q3/", "/search/?q=revenue&role=analyst"):
        page.goto(url)
        header = page.locator("header.site-header").bounding_box()
        brand = page.locator("header .brand").bounding_box()
        assert header["height"] < brand["height"] * 2, (url, header, brand)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (url, width)  # nothing sticks out sideways
        nav = page.get_by_role("navigation", name="Main")
        assert nav.evaluate("nav => nav.scrollWidth <= nav.clientWidth"), url  # every link in sight
        expect(page.get_by_role("button", name="繁體中文")).to_be_in_viewport()
    panel = page.locator("details.facets-panel")
    results = page.locator("section.results")
    expect(panel).not_to_have_attribute("open", "")
    expect(page.locator("section.facet[data-facet=company]")).to_be_hidden()
    assert panel.bounding_box()["y"] < results.bounding_box()["y"]  # above the results
    expect(panel.locator("summary")).to_have_text(re.compile(r"Filters\s+\(1\)"))
    keep(page, "phone-folded")
    panel.locator("summary").click()
    company = page.locator("section.facet[data-facet=company]")
    expect(company).to_be_visible()
    assert company.bounding_box()["y"] < results.bounding_box()["y"]
    keep(page, "phone-open")
    company.get_by_role("link").first.click()
    arrive(page, r"[?&]company=")
    expect(page.locator("a.chip")).to_have_count(2)
