"""The search forms as rendered: hints whole in their attributes, the query shown once as typed."""

from html.parser import HTMLParser

from django.test import TestCase
from django.utils import translation

from tests.archive import import_archive


class Inputs(HTMLParser):
    """Each <input>'s attributes, by id, as a browser would read them."""

    def __init__(self):
        super().__init__()
        self.by_id: dict[str, dict[str, str | None]] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("id"):
            self.by_id[attributes["id"]] = attributes


def inputs(page: str) -> dict[str, dict[str, str | None]]:
    parser = Inputs()
    parser.feed(page)
    return parser.by_id


class SearchHintTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        import_archive()

    def tearDown(self):
        translation.deactivate()

    def hints(self, **extra):
        home = inputs(self.client.get("/", **extra).content.decode())
        search = inputs(self.client.get("/search/", {"q": "margin"}, **extra).content.decode())
        return home["home-q"], search["search-q"]

    def test_the_hints_keep_their_quotes_in_english(self):
        home, search = self.hints()
        self.assertEqual(home["placeholder"], 'e.g. "gross margin" or 毛利率')
        self.assertEqual(search["placeholder"], 'gross margin, "supply chain", 營收')
        self.assertNotIn("margin", home)  # no attribute made of the hint's broken-off words

    def test_the_hints_are_whole_in_traditional_chinese(self):
        for extra in ({"HTTP_ACCEPT_LANGUAGE": "zh-Hant"}, {}):
            if not extra:
                self.client.cookies["django_language"] = "zh-hant"
            with self.subTest(extra=extra):
                response = self.client.get("/", **extra)
                self.assertEqual(response["Content-Language"], "zh-hant")
                home, search = self.hints(**extra)
                with translation.override("zh-hant"):
                    home_hint = translation.gettext('e.g. "gross margin" or 毛利率')
                    self.assertEqual(home["placeholder"], home_hint)
                    self.assertEqual(
                        search["placeholder"], translation.gettext('gross margin, "supply chain", 營收')
                    )
                self.assertIn("毛利率", home["placeholder"])
                self.assertIn("營收", search["placeholder"])
                expected = {"id", "type", "name", "placeholder", "maxlength", "autofocus"}
                self.assertEqual(set(home) - expected, set())


class Summary(HTMLParser):
    """The text of the search page's summary line, entities decoded."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inside = False
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.inside = self.inside or (tag == "p" and ("class", "summary") in attrs)

    def handle_endtag(self, tag):
        if tag == "p":
            self.inside = False

    def handle_data(self, data):
        if self.inside:
            self.text += data


class SearchSummaryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        import_archive()

    def summary(self, query: str) -> tuple[str, str]:
        page = self.client.get("/search/", {"q": query}).content.decode()
        parser = Summary()
        parser.feed(page)
        return parser.text, page

    def test_a_quoted_phrase_is_shown_once_as_typed(self):
        text, page = self.summary('"book to bill"')
        self.assertRegex(text, r'^\d+ paragraphs? match(es)? "book to bill"$')
        self.assertNotIn("“", text)
        self.assertIn("&quot;book to bill&quot;", page)  # escaped, not raw quotes in the markup

    def test_a_query_without_quotes_is_quoted_by_the_summary(self):
        text, _ = self.summary("gross margin")
        self.assertRegex(text, r"^\d+ paragraphs? match(es)? “gross margin”$")

    def test_a_hostile_query_is_escaped_in_the_summary(self):
        text, page = self.summary('"<img src=x onerror=alert(1)>"')
        self.assertIn('"<img src=x onerror=alert(1)>"', text)
        self.assertNotIn("<img src=x", page)


class SortTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        import_archive()

    def test_the_sorts_are_labelled_relevance_newest_oldest_in_a_plain_form(self):
        page = self.client.get("/search/", {"q": "revenue"}).content.decode()
        select = page.split('<select id="search-sort" name="sort">')[1].split("</select>")[0]
        for value, label in (("relevance", "Relevance"), ("newest", "Newest"), ("oldest", "Oldest")):
            self.assertIn(f'<option value="{value}">{label}</option>', select)
        form = page.split('<form class="search-form"')[1].split("</form>")[0]
        self.assertIn('<button type="submit">', form)  # without JavaScript the button applies it
        self.assertIn('<script src="/static/js/search.js" defer></script>', page)
