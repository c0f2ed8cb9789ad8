"""The analyst tools as a person uses them: the trend chart and its table, keyword in context.

Screenshots of each step are kept in the test's tmp_path (printed), failing or not.
"""

import re

import pytest

from tests.browser import chromium

if chromium.playwright_missing():
    chromium.skip_or_fail(chromium.playwright_missing(), module=True)

from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def keep(page: Page, tmp_path, name: str) -> None:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    print(f"screenshot of {page.url}: {path}")


def refusals(page: Page) -> list[str]:
    """Console errors (a script or style the Content-Security-Policy refused would be one)."""
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    return errors


def test_trend_chart_and_its_table(archive, page, tmp_path, live_server):
    errors = refusals(page)
    page.goto("/search/trend/?q=margin&split=role")
    chart = page.get_by_role("img", name=re.compile(r"Mentions of “margin” per quarter"))
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box["width"] > 300 and box["height"] > 100
    table = page.locator("table.trend-table")
    expect(table).to_be_visible()
    expect(table.locator("caption")).to_have_text("The numbers in the chart")
    headers = table.locator("thead th").all_inner_texts()
    assert headers[:3] == ["Period", "Executive", "Analyst"]
    # The table says what the API says, period by period; the chart has a bar piece per number.
    data = page.request.get(f"{live_server.url}/api/search/trend/?q=margin&split=role").json()
    by_period = {}
    for bucket in data["buckets"]:
        by_period.setdefault(f"Q{bucket['fiscal_quarter']} {bucket['fiscal_year']}", {})[bucket["series"]] = (
            bucket["count"]
        )
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(len(by_period))
    for row in rows.all():
        period = row.locator("th").inner_text()
        executive = int(row.locator("td[data-series=executive]").inner_text())
        assert executive == by_period[period]["executive"], period
    pieces = chart.locator("rect[data-series]")
    assert pieces.count() == sum(1 for b in data["buckets"] if b["count"])
    # A bar's own tooltip names its period, series and number.
    assert re.match(r"Q\d \d{4} · (Executive|Analyst): \d+", pieces.first.locator("title").text_content())
    keep(page, tmp_path, "trend-by-role")

    page.get_by_role("link", name="By company").click()
    expect(page).to_have_url(re.compile(r"split=company"))
    expect(page.locator("table.trend-table thead th").nth(1)).not_to_have_text("Executive")
    page.get_by_role("link", name="Per year").click()
    expect(page).to_have_url(re.compile(r"by=year"))
    expect(page.locator("table.trend-table tbody th").first).to_have_text(re.compile(r"^\d{4}$"))
    keep(page, tmp_path, "trend-by-company-per-year")
    csv = page.get_by_role("link", name="These numbers as CSV")
    assert "format=csv" in csv.get_attribute("href")
    assert errors == []


def test_keyword_in_context_aligned_sorted_and_linked(archive, page, tmp_path):
    errors = refusals(page)
    page.goto("/search/concordance/?q=margin&company=northwind-optical")
    keys = page.locator("table.kwic tbody td.kwic-key")
    expect(keys.first).to_be_visible()
    assert keys.count() > 3
    # Aligned on the match: every keyword sits in one column, centred on the same line down the page.
    centres = {round(box["x"] + box["width"] / 2) for box in (key.bounding_box() for key in keys.all())}
    assert max(centres) - min(centres) <= 1, centres
    lefts = page.locator("table.kwic tbody td.kwic-left")
    ends = {round(box["x"] + box["width"]) for box in (cell.bounding_box() for cell in lefts.all())}
    assert len(ends) == 1, ends  # the words before end against the match
    for text in keys.all_inner_texts():
        assert text.lower() in ("margin", "margins")
    # The search page's trend, fetched after the page is shown, replaces the loading notice.
    expect(page.get_by_role("img", name=re.compile("margin"))).to_be_visible()
    expect(page.locator(".trend-loading")).to_have_count(0)
    keep(page, tmp_path, "concordance")

    page.get_by_role("link", name="By the word right").click()
    expect(page).to_have_url(re.compile(r"order=right"))
    rights = [
        (cell.split() or [""])[0].lower()
        for cell in page.locator("table.kwic tbody td.kwic-right").all_inner_texts()
    ]
    assert rights == sorted(rights)
    keep(page, tmp_path, "concordance-by-right")

    first = page.locator("table.kwic tbody td.kwic-key a").first
    keyword = first.inner_text()
    first.click()
    expect(page).to_have_url(re.compile(r"/calls/northwind-optical/\d{4}-q[1-4]/#p\d+$"))
    paragraph = page.locator(f"#{page.url.split('#')[1]}")
    expect(paragraph).to_be_in_viewport()
    expect(paragraph).to_contain_text(keyword)
    assert errors == []
