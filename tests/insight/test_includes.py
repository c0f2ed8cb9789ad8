"""The includes other pages insert to reach the tools: they render, and every link they make works."""

import re
from html import unescape

from django.template.loader import render_to_string
from django.test import RequestFactory, TestCase

from calls.models import Call, Company, Exchange
from tests.archive import SAMPLES, ingest


def links(html: str) -> list[str]:
    return [unescape(href) for href in re.findall(r'(?:href|data-trend-src)="([^"]+)"', html)]


class IncludeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ingest(SAMPLES)

    def render(self, template: str, path: str = "/search/?q=margin&role=analyst&page=2", **context) -> str:
        request = RequestFactory().get(path)
        return render_to_string(template, {"request": request, **context}, request=request)

    def assert_links_work(self, html: str) -> list[str]:
        found = [url for url in links(html) if not url.startswith("/static/")]
        self.assertTrue(found)
        for url in found:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
        return found

    def test_search_tools_carry_the_search_without_its_page(self):
        html = self.render("insight/_search_tools.html")
        found = self.assert_links_work(html)
        self.assertIn("/search/export.csv?q=margin&role=analyst", found)
        self.assertIn("/search/concordance/?q=margin&role=analyst", found)
        self.assertIn("/search/trend/?q=margin&role=analyst&fragment=1", found)
        self.assertFalse(any("page=" in url for url in found))
        self.assertIn("exact counts take a moment", html)
        self.assertNotIn("<script>", html)  # only the external file: the CSP allows no inline script
        # The script is loaded from the page's head (insight/_head.html), never from the results.
        head = render_to_string("insight/_head.html")
        self.assertIn('<script src="/static/insight/trend.js" defer></script>', head)
        browsing = self.render("insight/_search_tools.html", path="/search/")
        self.assertNotIn("concordance", browsing)  # nothing to put in context without words

    def test_feed_link_names_the_searchs_feed(self):
        html = self.render("insight/_feed_link.html")
        self.assertRegex(html, r'^<link rel="alternate" type="application/atom\+xml" title="[^"]+margin')
        (url,) = self.assert_links_work(html)
        self.assertEqual(url, "/search/feed/?q=margin&role=analyst")

    def test_company_call_and_exchange_tools(self):
        company = Company.objects.get(slug="northwind-optical")
        html = self.render("insight/_company_trend.html", company=company)
        self.assertIn('name="company" value="northwind-optical"', html)
        self.assertIn('action="/search/trend/"', html)
        call = Call.objects.select_related("company").get(company=company, fiscal_year=2023)
        found = self.assert_links_work(self.render("insight/_call_tools.html", call=call))
        self.assertIn("/calls/northwind-optical/2023-q3/compare/2024-q1/", found)
        self.assertIn("/calls/northwind-optical/2023-q3/export.csv", found)
        exchange = Exchange.objects.get(call=call, number=1)
        found = self.assert_links_work(
            self.render("insight/_exchange_exports.html", call=call, exchange=exchange)
        )
        self.assertEqual(
            found,
            [
                "/calls/northwind-optical/2023-q3/qa/1/export.csv",
                "/calls/northwind-optical/2023-q3/qa/1/export.jsonl",
            ],
        )
