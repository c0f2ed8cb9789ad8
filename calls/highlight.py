"""Highlighting that cannot inject markup: split the text, escape every piece, add our own <mark>.

PostgreSQL's ts_headline is not used: it drops anything that looks like an HTML tag from the text
(so a transcript quoting `<script>` would lose words) and does not escape. Instead PostgreSQL says
what the index would: the query as the search reads it (websearch_to_tsquery, its tree of phrases,
AND, OR and NOT) and each text as to_tsvector reads it (its parser's tokens, their positions and
lexemes); Python finds the query's occurrences in those and marks their characters (calls/text.py).
Here because the reading pages of calls use it as the search does, and search depends on calls.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from calls.text import SNIPPET_CHARS, chinese_spans, marked_html, snippet_bounds, word_spans
from config.routers import read_connection

__all__ = [
    "SNIPPET_CHARS",
    "english_lexemes",
    "english_spans",
    "mark_chinese",
    "mark_spans",
    "mark_words",
    "parse_tsquery",
    "words_matching",
]

# A lexeme as tsquery's text output writes it: quoted, ' and \ doubled, maybe a :* or weights after.
_QUERY_LEXEME = re.compile(r"(!?)'((?:[^'\\]|''|\\.)*)'")
_TSQUERY_TOKEN = re.compile(r"\s*(?:'((?:[^'\\]|''|\\.)*)'(:[*A-Da-d]*)?|<(-|\d+)>|([!&|()]))")


def _unquote(lexeme: str) -> str:
    return re.sub(r"''|\\(.)", lambda m: m.group(1) or "'", lexeme)


def english_lexemes(query: str) -> set[str]:
    """The lexemes a web-search query looks for (excluded words left out)."""
    with read_connection().cursor() as cursor:
        cursor.execute("SELECT websearch_to_tsquery('english', %s)::text", [query])
        tsquery = cursor.fetchone()[0] or ""
    return {_unquote(lexeme) for negated, lexeme in _QUERY_LEXEME.findall(tsquery) if not negated}


def words_matching(texts: list[str], lexemes: set[str]) -> set[str]:
    """The words of `texts` that PostgreSQL's English stemmer turns into one of `lexemes`; one query."""
    # The Snowball stemmer only ever rewrites the end of a word, so a word and its stem begin with
    # the same character: only such words are sent to be stemmed (a long paragraph has thousands).
    initials = "".join(sorted({re.escape(lexeme[0]) for lexeme in lexemes if lexeme}))
    if not initials:
        return set()
    candidate = re.compile(rf"(?<![^\W_])[{initials}][^\W_]*", re.IGNORECASE)
    words = sorted({word.lower() for text in texts for word in candidate.findall(text)})
    if not words:
        return set()
    with read_connection().cursor() as cursor:
        cursor.execute(
            "SELECT word FROM unnest(%s::text[]) AS word "
            "WHERE tsvector_to_array(to_tsvector('english', word)) && %s::text[]",
            [words, sorted(lexemes)],
        )
        return {row[0] for row in cursor.fetchall()}


def mark_words(text: str, words: set[str], *, snippet: bool = False) -> SafeString:
    """`text` escaped, with each of `words` (lower-case) in <mark>; cut around the first mark if asked."""
    return mark_safe(marked_html(text, word_spans(text, words), snippet=snippet))  # noqa: S308 - escaped


def mark_spans(text: str, spans: list[tuple[int, int]], *, snippet: bool = False) -> SafeString:
    """`text` escaped, each span (sorted, not overlapping: english_spans') in <mark>."""
    return mark_safe(marked_html(text, spans, snippet=snippet))  # noqa: S308 - escaped


def mark_chinese(text: str, query: str, *, words: bool = False, snippet: bool = False) -> SafeString:
    """`text` escaped, with the query's Chinese runs marked, Traditional and Simplified alike.

    With `words`, the query's other words too, whole and in any case (the Chinese index matched them).
    """
    spans = chinese_spans(text, query, words=words)
    return mark_safe(marked_html(text, spans, snippet=snippet))  # noqa: S308 - escaped


# The query as a tree ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Lexeme:
    lexeme: str
    prefix: bool = False  # 'marg':* (to_tsquery syntax; the web-search syntax never makes one)


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class And:
    left: Node
    right: Node


@dataclass(frozen=True)
class Or:
    left: Node
    right: Node


@dataclass(frozen=True)
class Phrase:
    """`left <distance> right`: right begins `distance` positions after left ends (<-> is 1)."""

    left: Node
    right: Node
    distance: int


Node = Lexeme | Not | And | Or | Phrase


def parse_tsquery(text: str) -> Node | None:
    """A tsquery's text output as a tree; None for an empty query (only stop words).

    Operators bind as in PostgreSQL: ! most tightly, then <-> and <N>, then &, then |.
    """
    tokens = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = _TSQUERY_TOKEN.match(text, position)
        if match is None:
            raise ValueError(f"not a tsquery: {text!r}")
        lexeme, flags, distance, operator = match.groups()
        if lexeme is not None:
            tokens.append(Lexeme(_unquote(lexeme), prefix="*" in (flags or "")))
        elif distance is not None:
            tokens.append(1 if distance == "-" else int(distance))
        else:
            tokens.append(operator)
        position = match.end()
    if not tokens:
        return None
    tree, rest = _or(tokens)
    if rest:
        raise ValueError(f"not a tsquery: {text!r}")
    return tree


def _or(tokens):
    left, tokens = _and(tokens)
    while tokens and tokens[0] == "|":
        right, tokens = _and(tokens[1:])
        left = Or(left, right)
    return left, tokens


def _and(tokens):
    left, tokens = _phrase(tokens)
    while tokens and tokens[0] == "&":
        right, tokens = _phrase(tokens[1:])
        left = And(left, right)
    return left, tokens


def _phrase(tokens):
    left, tokens = _unary(tokens)
    while tokens and isinstance(tokens[0], int):
        distance = tokens[0]
        right, tokens = _unary(tokens[1:])
        left = Phrase(left, right, distance)
    return left, tokens


def _unary(tokens):
    if not tokens:
        raise ValueError("a tsquery ends with an operator")
    first, tokens = tokens[0], tokens[1:]
    if first == "!":
        operand, tokens = _unary(tokens)
        return Not(operand), tokens
    if first == "(":
        inner, tokens = _or(tokens)
        if not tokens or tokens[0] != ")":
            raise ValueError("unbalanced parentheses in a tsquery")
        return inner, tokens[1:]
    if isinstance(first, Lexeme):
        return first, tokens
    raise ValueError(f"unexpected {first!r} in a tsquery")


def _lexemes(node: Node) -> set[Lexeme]:
    """Every lexeme of the tree, excluded ones too: whether the query holds depends on them."""
    if isinstance(node, Lexeme):
        return {node}
    if isinstance(node, Not):
        return _lexemes(node.operand)
    return _lexemes(node.left) | _lexemes(node.right)


# The query's occurrences in a text ---------------------------------------------------------------


@dataclass
class _Token:
    start: int
    end: int
    lexemes: frozenset[str]


class _Occurrences:
    """What a tree matches in one text whose tokens (those with a lexeme of the query) are known."""

    def __init__(self, tokens: dict[int, _Token]):
        self.tokens = tokens  # by position, as to_tsvector numbers them

    def at(self, node: Node) -> set[tuple[int, int]]:
        """Where `node` occurs, as (first, last) positions; phrases need positions, so only these."""
        if isinstance(node, Lexeme):
            return {(p, p) for p, token in self.tokens.items() if _has(token, node)}
        if isinstance(node, Phrase):
            lefts, rights = self.at(node.left), self.at(node.right)
            return {(ls, re_) for ls, le in lefts for rs, re_ in rights if rs - le == node.distance}
        if isinstance(node, Or):
            return self.at(node.left) | self.at(node.right)
        if isinstance(node, And):  # inside a phrase (web-search queries never have one there)
            left, right = self.at(node.left), self.at(node.right)
            return left | right if left and right else set()
        return set()  # a negation inside a phrase: nothing to mark

    def holds(self, node: Node) -> bool:
        if isinstance(node, Not):
            return not self.holds(node.operand)
        if isinstance(node, And):
            return self.holds(node.left) and self.holds(node.right)
        if isinstance(node, Or):
            return self.holds(node.left) or self.holds(node.right)
        return bool(self.at(node))

    def marked(self, node: Node) -> set[tuple[int, int]]:
        """The occurrences that make the query match: none under a NOT, none of a false AND."""
        if isinstance(node, Not) or not self.holds(node):
            return set()
        if isinstance(node, And | Or):
            return self.marked(node.left) | self.marked(node.right)
        return self.at(node)

    def spans(self, node: Node) -> list[tuple[int, int]]:
        """The characters of each occurrence (a phrase from its first word to its last), merged."""
        spans = sorted((self.tokens[first].start, self.tokens[last].end) for first, last in self.marked(node))
        merged: list[tuple[int, int]] = []
        for start, end in spans:
            if merged and start < merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return merged


def _has(token: _Token, lexeme: Lexeme) -> bool:
    if lexeme.prefix:
        return any(candidate.startswith(lexeme.lexeme) for candidate in token.lexemes)
    return lexeme.lexeme in token.lexemes


# Each text's tokens as to_tsvector('english', text) reads them: positions count every token the
# configuration maps to a dictionary (stop words too, so "book to bill" is book <2> bill: each of
# english's dictionaries, english_stem and simple, recognizes every token, giving {} for a stop
# word), and a hyphenated word or a URL is a token of its own followed by its parts, which cover
# its characters again; so a token starts after the characters of the tokens before it that are not
# such wholes. Only the tokens with one of the query's lexemes come back (a call has thousands of
# words), excluded ones too: a text with one of those is not matched, so nothing in it is marked.
# Stemming is asked only of the tokens that can have one: a stem begins as its word does (the
# Snowball stemmer rewrites endings only), in lower case; a token not in ASCII is always asked.
_TOKENS_SQL = """
WITH config AS (
    SELECT cfgparser AS parser FROM pg_ts_config WHERE oid = 'english'::regconfig
), parsed AS (
    SELECT t.n, p.ord, p.tokid, p.token,
        k.alias IN ('url', 'numhword', 'asciihword', 'hword') AS whole,
        EXISTS (SELECT FROM pg_ts_config_map AS m
                WHERE m.mapcfg = 'english'::regconfig AND m.maptokentype = p.tokid) AS mapped
    FROM config
    CROSS JOIN unnest(%(texts)s::text[]) WITH ORDINALITY AS t(doc, n)
    CROSS JOIN LATERAL ts_parse(config.parser, t.doc) WITH ORDINALITY AS p(tokid, token, ord)
    JOIN ts_token_type((SELECT parser FROM config)) AS k ON k.tokid = p.tokid
), placed AS (
    SELECT n, tokid, token, mapped,
        count(*) FILTER (WHERE mapped) OVER w AS position,
        sum(CASE WHEN whole THEN 0 ELSE length(token) END) OVER w
            - CASE WHEN whole THEN 0 ELSE length(token) END AS start
    FROM parsed
    WINDOW w AS (PARTITION BY n ORDER BY ord ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
), stemmed AS (
    SELECT n, position, start, token,
        (SELECT ts_lexize(m.mapdict, token) FROM pg_ts_config_map AS m
          WHERE m.mapcfg = 'english'::regconfig AND m.maptokentype = tokid
          ORDER BY ts_lexize(m.mapdict, token) IS NULL, m.mapseqno LIMIT 1) AS lexemes
    FROM placed
    WHERE mapped AND (lower(left(token, 1)) = ANY(%(initials)s::text[]) OR left(token, 1) !~ '^[ -~]')
)
SELECT n, position, start, token, lexemes FROM stemmed
WHERE lexemes && %(lexemes)s::text[] OR (%(prefixes)s::text[] <> '{}' AND EXISTS (
    SELECT FROM unnest(lexemes) AS l, unnest(%(prefixes)s::text[]) AS prefix WHERE starts_with(l, prefix)
))
"""


# A snippet's marks are looked for in a window of the text: from the first word that may stem to
# one of the query's lexemes (a candidate) to past the end of the snippet that would be cut around
# it, and SNIPPET_SLACK further, so that a phrase begun inside the snippet ends inside the window.
# Tokenizing is what costs (PostgreSQL's parser reads about two characters a microsecond here, and
# a common word's best paragraphs run to ten thousand characters), so the window is as short as the
# snippet allows. A window with no mark (the candidate was another word) gives way to one at the
# next candidate; after WINDOW_PASSES, or with no candidate left, the text is read whole. A text
# of two windows or less is read whole at once, in the first pass's query.
SNIPPET_SLACK = 200
WINDOW_PASSES = 3


def english_spans(texts: list[str], query: str, *, snippets: bool = False) -> list[list[tuple[int, int]]]:
    """For each text, the characters of what the web-search query matches in it, as the index reads it.

    A phrase is one span, from its first word to its last ("book-to-bill" for "book to bill"); an
    excluded word is never marked, and a text the query as a whole does not match has no span.
    Two queries (the query's tree, then the texts' tokens with its lexemes), none without texts.
    `snippets`: only the marks a snippet shows are needed, those of the snippet around the first
    mark. Each long text is read in windows (see SNIPPET_SLACK), a query per pass, and whole only
    where no window holds a mark: the marks found are those the whole text's snippet shows.
    """
    if not texts or not query:
        return [[] for _ in texts]
    with read_connection().cursor() as cursor:
        cursor.execute("SELECT websearch_to_tsquery('english', %s)::text", [query])
        tree = parse_tsquery(cursor.fetchone()[0] or "")
        wanted = _lexemes(tree) if tree is not None else set()
        if not wanted:
            return [[] for _ in texts]
        if not snippets:
            return _spans(cursor, texts, tree, wanted)
        return _snippet_spans(cursor, texts, tree, wanted)


def _snippet_spans(cursor, texts: list[str], tree: Node, wanted: set[Lexeme]) -> list[list[tuple[int, int]]]:
    candidate = _candidate_pattern(wanted)
    whole = [(0, len(text)) for text in texts]
    windows = {}
    for n, text in enumerate(texts):
        found = candidate.search(text)
        windows[n] = (_window(text, found.start()) if found else None) or whole[n]
    spans: dict[int, list[tuple[int, int]]] = {}
    for passes in range(1, WINDOW_PASSES + 2):
        order = list(windows)
        read = _spans(cursor, [texts[n][slice(*windows[n])] for n in order], tree, wanted)
        following = {}
        for n, found in zip(order, read, strict=True):
            text, (start, end) = texts[n], windows[n]
            found = [(first + start, last + start) for first, last in found]
            if windows[n] == whole[n] or (found and snippet_bounds(text, found[0][0])[1] <= end):
                spans[n] = found
                continue
            # Past the snippet around the first mark, or no mark: a window at that mark, or at the
            # next candidate (a phrase begun before the snippet's end was read whole in this one).
            if found:
                window = _window(text, found[0][0])
            else:
                later = candidate.search(text, max(end - SNIPPET_SLACK, start + 1))
                window = _window(text, later.start()) if later else None
            following[n] = whole[n] if window is None or passes == WINDOW_PASSES else window
        windows = following
        if not windows:
            break
    return [spans[n] for n in range(len(texts))]


def _candidate_pattern(wanted: set[Lexeme]) -> re.Pattern:
    """The words that may stem to one of `wanted`: those that begin as the lexeme does, but for its
    last two characters. The Snowball stemmer rewrites a word's end only, and never more than the
    stem's last two characters (dying -> die, possibility -> possibl, skies -> sky; every one of
    27,503 distinct words of the benchmark corpus holds to it)."""
    starts = sorted({w.lexeme[: max(1, len(w.lexeme) - 2)].lower() for w in wanted if w.lexeme})
    return re.compile(r"(?<![^\W_])(?:" + "|".join(re.escape(start) for start in starts) + ")", re.IGNORECASE)


def _window(text: str, at: int) -> tuple[int, int] | None:
    """The part of `text` to read for a snippet whose first mark may be the word at `at`, cut at
    spaces so that no word is read in part; None where that is about all of the text, or the text
    is short enough that reading it whole costs less than a second pass would."""
    if len(text) <= 2 * (SNIPPET_CHARS + SNIPPET_SLACK):
        return None
    start = text.rfind(" ", 0, at) + 1
    end = text.find(" ", snippet_bounds(text, at)[1] + SNIPPET_SLACK)
    end = len(text) if end == -1 else end
    if end - start > len(text) - SNIPPET_SLACK:
        return None
    return start, end


def _spans(cursor, texts: list[str], tree, wanted: set[Lexeme]) -> list[list[tuple[int, int]]]:
    cursor.execute(
        _TOKENS_SQL,
        {
            "texts": texts,
            "lexemes": sorted(w.lexeme for w in wanted if not w.prefix),
            "prefixes": sorted(w.lexeme for w in wanted if w.prefix),
            "initials": sorted({w.lexeme[:1] for w in wanted if w.lexeme}),
        },
    )
    rows = cursor.fetchall()
    tokens: list[dict[int, _Token]] = [{} for _ in texts]
    for n, position, start, token, lexemes in rows:
        text = texts[n - 1]
        if text[start : start + len(token)] != token:  # never seen; a wrong offset would mark wrongly
            start = text.find(token, max(0, start - len(token)))
            if start == -1:
                continue
        tokens[n - 1][position] = _Token(start, start + len(token), frozenset(lexemes))
    return [_Occurrences(found).spans(tree) for found in tokens]
