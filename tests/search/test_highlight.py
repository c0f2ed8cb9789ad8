"""Highlighting: whole words only, every one of them, and nothing unescaped."""

import re

from django.db import connection
from django.test import SimpleTestCase, TestCase
from hypothesis import given, settings
from hypothesis import strategies as st

from search.highlight import english_lexemes, english_spans, mark_words, words_matching
from tests.archive import SAMPLES

WORD = re.compile(r"[^\W_]+")


def marked_by_definition(text: str, words: set[str]) -> list[str]:
    """What should be marked: every maximal run of letters and digits that is one of `words`."""
    return [m.group() for m in WORD.finditer(text) if m.group().lower() in words]


class MarkWordsTests(SimpleTestCase):
    def test_whole_words_only_and_any_case(self):
        html = mark_words("Margin, margins; MARGIN and submargin margin2", {"margin"})
        self.assertEqual(re.findall(r"<mark>(.*?)</mark>", html), ["Margin", "MARGIN"])

    @settings(max_examples=300, deadline=None)
    @given(
        text=st.text(alphabet=st.sampled_from(list("abAB1 _-.é<&營")), max_size=60),
        words=st.sets(st.text(alphabet=st.sampled_from(list("abé1")), min_size=1, max_size=3), max_size=4),
    )
    def test_marks_exactly_the_words_of_the_definition(self, text, words):
        html = str(mark_words(text, words))
        marked = [
            m.replace("&amp;", "&").replace("&lt;", "<") for m in re.findall(r"<mark>(.*?)</mark>", html)
        ]
        self.assertEqual(marked, marked_by_definition(text, words))
        self.assertNotIn("<&", html.replace("<mark>", "").replace("</mark>", ""))


class WordsMatchingTests(TestCase):
    def test_every_form_the_stemmer_joins_is_found(self):
        texts = ["Our margins were marginally better; the margin held.", "Dying lines, died, Companies"]
        self.assertEqual(
            words_matching(texts, english_lexemes("margin")), {"margins", "marginally", "margin"}
        )
        self.assertEqual(words_matching(texts, english_lexemes("die")), {"dying", "died"})
        self.assertEqual(words_matching(texts, english_lexemes("company")), {"companies"})
        self.assertEqual(words_matching(texts, set()), set())

    def test_the_words_sent_to_the_stemmer_lose_none_it_would_match(self):
        # Oracle: every word of the sample transcripts stemmed by PostgreSQL, none left out.
        texts = [path.read_text(encoding="utf-8") for path in sorted(SAMPLES.glob("*.txt"))]
        all_words = sorted({w.lower() for text in texts for w in WORD.findall(text)})
        for query in ("margin", "dying early skies", "companies generously", "2023 q3", "analyst's"):
            lexemes = english_lexemes(query)
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT word FROM unnest(%s::text[]) AS word"
                    " WHERE tsvector_to_array(to_tsvector('english', word)) && %s::text[]",
                    [all_words, sorted(lexemes)],
                )
                expected = {row[0] for row in cursor.fetchall()}
            self.assertTrue(expected, query)
            self.assertEqual(words_matching(texts, lexemes), expected, query)


class ParseTsqueryTests(SimpleTestCase):
    def test_operators_bind_as_in_postgresql(self):
        from calls.highlight import And, Lexeme, Not, Or, Phrase, parse_tsquery

        a, b, c = Lexeme("a"), Lexeme("b"), Lexeme("c")
        self.assertEqual(parse_tsquery("'a' | 'b' & 'c'"), Or(a, And(b, c)))
        self.assertEqual(parse_tsquery("'a' <-> 'b' <2> 'c'"), Phrase(Phrase(a, b, 1), c, 2))
        self.assertEqual(parse_tsquery("!'a' & ( 'b' | 'c' )"), And(Not(a), Or(b, c)))
        self.assertEqual(parse_tsquery("'a' & !( 'b' <-> 'c' )"), And(a, Not(Phrase(b, c, 1))))
        self.assertEqual(
            parse_tsquery("'o''brien' & 'x\\\\y' & 'marg':*"),
            And(And(Lexeme("o'brien"), Lexeme("x\\y")), Lexeme("marg", prefix=True)),
        )
        self.assertIsNone(parse_tsquery(""))


class EnglishSpansTests(TestCase):
    """What a web-search query matched, as the index reads the text: phrases whole, exclusions never."""

    def marked(self, text: str, query: str) -> list[str]:
        [spans] = english_spans([text], query)
        return [text[start:end] for start, end in spans]

    def test_a_phrase_is_one_mark_its_words_apart_are_none(self):
        text = "Our book-to-bill was 1.2; booking rose. Book to bill of 1.1, and a bill."
        self.assertEqual(self.marked(text, '"book to bill"'), ["book-to-bill", "Book to bill"])
        self.assertEqual(self.marked(text, "book-to-bill"), ["book-to-bill"])
        self.assertEqual(self.marked(text, '"bill of 1.1"'), ["bill of 1.1"])  # a stop word inside
        self.assertEqual(self.marked(text, '"bill of"'), ["bill", "bill", "bill"])  # and at the end: dropped
        self.assertEqual(self.marked("Gross margins rose.", '"gross margin"'), ["Gross margins"])

    def test_and_or_not_mark_what_makes_the_text_match(self):
        text = "Gross profit rose and revenue grew."
        self.assertEqual(self.marked(text, "gross margin"), [])  # AND: margin is missing
        self.assertEqual(self.marked(text, "gross margin or revenue"), ["revenue"])
        self.assertEqual(self.marked(text, "revenue -margin"), ["revenue"])
        self.assertEqual(self.marked(text, "revenue -gross"), [])  # excluded: the text does not match
        self.assertEqual(self.marked(text, "-margin"), [])  # matches, but nothing of it to mark
        self.assertEqual(self.marked(text, '"gross margin" -"operating expenses"'), [])
        self.assertEqual(
            self.marked("Gross margin rose; operating expenses fell.", '"gross margin" -"operating costs"'),
            ["Gross margin"],
        )

    def test_stems_and_overlaps_are_marked_once(self):
        text = "Margins, marginally, the margin; a gross-margin story."
        self.assertEqual(self.marked(text, "margins"), ["Margins", "marginally", "margin", "margin"])
        self.assertEqual(self.marked("gross margin", '"gross margin" margin'), ["gross margin"])
        # Only words beginning as a lexeme does are stemmed, in any case; others than ASCII always.
        text = "Électricité, ÉLECTRICITÉ and café; Yields yielded."
        self.assertEqual(self.marked(text, "électricité café"), ["Électricité", "ÉLECTRICITÉ", "café"])
        self.assertEqual(self.marked(text, "yield"), ["Yields", "yielded"])

    def test_markup_and_urls_are_read_as_the_index_reads_them(self):
        text = "Our gross margin was <script>alert('x')</script>, see http://example.com/margin-a."
        self.assertEqual(self.marked(text, "margin"), ["margin"])
        self.assertEqual(self.marked(text, "script"), [])  # inside one XML tag: not a word of the index
        self.assertEqual(self.marked(text, "alert"), [])

    def test_no_text_no_query(self):
        with self.assertNumQueries(0):
            self.assertEqual(english_spans([], "margin"), [])
        self.assertEqual(english_spans(["a margin"], "the"), [[]])

    def test_the_texts_marked_are_the_texts_postgresql_matches(self):
        # Oracle: PostgreSQL's own @@ on every paragraph of the sample transcripts; and for a lone
        # phrase, each marked span matches that phrase by itself.
        texts = [
            line.strip()
            for path in sorted(SAMPLES.glob("*.txt"))
            for line in path.read_text(encoding="utf-8").splitlines()
            if len(line.split()) > 3
        ]
        queries = [
            "gross margin",
            '"gross margin"',
            "margin -gross",
            "revenue or margin",
            '"the quarter"',
            '"book to bill"',
            "guidance -revenue -margin",
            "book-to-bill",
            '"question and answer"',
        ]
        for query in queries:
            spans = english_spans(texts, query)
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT to_tsvector('english', t) @@ websearch_to_tsquery('english', %s)"
                    " FROM unnest(%s::text[]) WITH ORDINALITY AS u(t, n) ORDER BY n",
                    [query, texts],
                )
                matched = [row[0] for row in cursor.fetchall()]
            with self.subTest(query=query):
                self.assertTrue(any(spans), query)
                for text, found, match in zip(texts, spans, matched, strict=True):
                    self.assertEqual(bool(found), match, text)
                if query.startswith('"'):
                    pieces = sorted(
                        {text[s:e] for text, found in zip(texts, spans, strict=True) for s, e in found}
                    )
                    with connection.cursor() as cursor:
                        cursor.execute(
                            "SELECT bool_and(to_tsvector('english', t)"
                            " @@ websearch_to_tsquery('english', %s)) FROM unnest(%s::text[]) AS t",
                            [query, pieces],
                        )
                        self.assertTrue(cursor.fetchone()[0], pieces)


class SnippetWindowTests(TestCase):
    """A snippet's marks, read around the first possible match only, are those of the whole text."""

    def test_a_long_paragraphs_snippet_is_marked_as_its_whole_text_would_be(self):
        from calls.highlight import SNIPPET_SLACK
        from calls.text import SNIPPET_CHARS, marked_html

        filler = "Operating expenses were in line with our plan for the period. " * 80
        texts = [
            filler + "Our gross margin improved, and margins held. " + filler,
            # A word that begins like the lexeme but is none ("quartz"), far before the real one.
            "quartz " + filler + "This quarter was strong; quarterly results follow. " + filler,
            # The other word of an AND far away: the window alone would not match, the whole does.
            "Revenue grew. " + filler + filler + "The margin was stable.",
            filler + "book-to-bill stood above one, book to bill rose. " + filler,
            # The first real match near the window's end: the snippet's next mark lies past it.
            "quartz "
            + filler[: 62 * 14]
            + "This quarter was strong. Costs were in line with plan once again, and expenses were"
            " in line with plan as well, as we expected. The quarter closed. " + filler,
            # Several words that begin like the lexeme before the real one: a window each, then whole.
            " ".join(["quarters-long quartz quartet"] * 40) + filler + "One quarter later. " + filler,
            # A stem that is not the start of its word (using -> use), after other candidates.
            "user usual " + filler + "We are using cash. " + filler,
            # A phrase that begins inside the snippet around the first candidate and ends past it.
            "book "
            + "and " * (SNIPPET_CHARS // 4 - 3)
            + "book to bill. "
            + filler
            + "book to bill. "
            + filler,
            # A real mark late in the first window, the next one past it but inside the mark's snippet.
            "quartz "
            + "and " * (SNIPPET_CHARS // 4 + SNIPPET_SLACK // 4 - 25)
            + "quarter "
            + "and " * 30
            + "quarter "
            + filler,
        ]
        self.assertTrue(all(len(text) > 2 * (SNIPPET_CHARS + SNIPPET_SLACK) for text in texts))
        queries = ("gross margin", "quarter", "revenue margin", '"book to bill"', "margin -gross", "use")
        for query in queries:
            whole = english_spans(texts, query)
            windowed = english_spans(texts, query, snippets=True)
            with self.subTest(query=query):
                self.assertEqual(
                    [marked_html(t, s, snippet=True) for t, s in zip(texts, windowed, strict=True)],
                    [marked_html(t, s, snippet=True) for t, s in zip(texts, whole, strict=True)],
                )
                self.assertEqual([bool(s) for s in windowed], [bool(s) for s in whole])
