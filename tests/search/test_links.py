"""Links to other states of a search carry the search's own parameters, and only those."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

from django.test import TestCase

from tests.archive import import_archive

LINK = re.compile(r'<a (?:rel="\w+" )?href="(\?[^"]*)"')


def links(response) -> list[dict[str, list[str]]]:
    """The query parameters of every link of the page to another state of the search."""
    page = response.content.decode()
    return [parse_qs(urlsplit(unescape(href)).query) for href in LINK.findall(page)]


class SearchLinkTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        import_archive()

    def test_junk_parameters_are_not_copied_into_every_link(self):
        known = {"q": "revenue", "role": "analyst"}
        plain = self.client.get("/search/", known)
        junk = {f"junk{n}": "x" * 40 for n in range(100)}  # about 5 KB of parameters
        junk_query = "&".join(f"{k}={v}" for k, v in junk.items())
        self.assertGreater(len(junk_query), 4500)
        with_junk = self.client.get("/search/", {**known, **junk})
        self.assertEqual(with_junk.status_code, 200)
        found = links(with_junk)
        self.assertGreater(len(found), 20)  # facet values and the pager
        # No link carries them. The page holds them once, in the address the language switch
        # returns to (base.html): it was a hundred times, once per link.
        self.assertFalse([params for params in found if any(name.startswith("junk") for name in params)])
        self.assertLess(len(with_junk.content), len(plain.content) + 1.5 * len(junk_query))
        self.assertEqual(with_junk.context["result"].total, plain.context["result"].total)
        # Every link still carries the search: its query, and the role unless it takes it away.
        for params in found:
            self.assertEqual(params.get("q"), ["revenue"], params)
            if "role" in params:
                self.assertIn("analyst", params["role"], params)
        self.assertTrue(any("role" not in params for params in found))  # the link taking it away
        self.assertIn({"q": ["revenue"], "role": ["analyst", "executive"]}, found)  # one adding a role
        self.assertIn({"q": ["revenue"], "role": ["analyst"], "page": ["2"]}, found)
        # The search form keeps the filters it was not given a field for.
        self.assertContains(with_junk, '<input type="hidden" name="role" value="analyst">', html=False)

    def test_unknown_values_of_known_parameters_are_reported_once_and_not_carried(self):
        plain = self.client.get("/search/", {"q": "revenue", "role": "analyst"})
        bad = "nosuch" + "y" * 2000
        response = self.client.get(
            "/search/", {"q": "revenue", "role": ["analyst", bad], "company": bad, "sort": bad, "lang": bad}
        )
        self.assertEqual(response.context["result"].total, 0)  # a company of unknown values: none
        page = response.content.decode()
        self.assertEqual(len(response.context["errors"]), 4)
        for params in links(response):
            self.assertFalse([v for values in params.values() for v in values if bad in v], params)
        self.assertLess(len(response.content), len(plain.content) + 5 * len(bad))
        self.assertIn(bad, page)  # in the error that reports it

    def test_a_value_written_another_way_is_carried_as_searched_and_its_link_removes_it(self):
        response = self.client.get("/search/", {"q": "revenue", "year": "02013"})
        self.assertEqual(
            response.context["result"].total,
            self.client.get("/api/search/", {"q": "revenue", "year": "2013"}).json()["total"],
        )
        [selected] = [
            link for _name, _title, values in response.context["facets"] for link in values if link.selected
        ]
        self.assertEqual(selected.value, "2013")
        self.assertEqual(parse_qs(selected.url[1:]), {"q": ["revenue"]})

    def test_search_and_list_pages_share_one_pager(self):
        first = self.client.get("/search/", {"q": "revenue"})
        self.assertTemplateUsed(first, "calls/_pager.html")
        pages = first.context["result"].pages
        self.assertGreater(pages, 2)
        self.assertContains(first, 'rel="next" href="?q=revenue&amp;page=2"')
        self.assertNotContains(first, 'rel="prev"')
        self.assertContains(first, f"Page 1 of {pages}")
        middle = self.client.get("/search/", {"q": "revenue", "page": 2})
        self.assertContains(middle, 'rel="prev" href="?q=revenue&amp;page=1"')
        self.assertContains(middle, 'rel="next" href="?q=revenue&amp;page=3"')
        last = self.client.get("/search/", {"q": "revenue", "page": 999})
        self.assertEqual(last.context["result"].page, pages)
        self.assertNotContains(last, 'rel="next"')
        one_page = self.client.get("/search/", {"q": "revenue", "company": "allot", "role": "operator"})
        self.assertEqual(one_page.context["result"].pages, 1)
        self.assertNotContains(one_page, 'class="pager"')
