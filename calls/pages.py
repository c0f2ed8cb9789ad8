"""What the reading pages work out from rows already fetched: participants, highlights, citations.

Nothing here queries per turn or per paragraph; the only queries are the search's one for the page's
matching paragraphs (`matching`) and the two of calls/highlight.py (the query's tree, then the
tokens of the matching paragraphs with its lexemes), whatever the size of the call.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet, Value
from django.http import QueryDict
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext, gettext_lazy

from calls.highlight import english_spans, mark_chinese, mark_spans
from calls.models import Call, Exchange, Role, Speaker, Turn

COLUMNS = ("both", "original", "translation")
COLUMNS_COOKIE = "cv_columns"
FIRST_HIT = "first-hit"


@dataclass
class Participant:
    name: str
    role: str
    title: str
    firm: str
    speaker: Speaker | None


def participants(turns: list[Turn]) -> tuple[list[Participant], list[Participant]]:
    """A call's executives and analysts, each once, in the order they first spoke."""
    found: dict[tuple, Participant] = {}
    for turn in turns:
        if turn.role not in (Role.EXECUTIVE, Role.ANALYST):
            continue
        key = (turn.role, turn.speaker_id or turn.name.casefold())
        person = found.get(key)
        if person is None:
            found[key] = Participant(turn.name, turn.role, turn.title, turn.firm, turn.speaker)
        else:  # a later turn may say what the first one left out
            person.title = person.title or turn.title
            person.firm = person.firm or turn.firm
    people = list(found.values())
    return [p for p in people if p.role == Role.EXECUTIVE], [p for p in people if p.role == Role.ANALYST]


def page_url(params: QueryDict, page: int) -> str:
    """The query string for another page of the same list or search."""
    params = params.copy()
    params["page"] = str(page)
    return "?" + params.urlencode()


def page_numbers(current: int, pages: int, *, around: int = 2) -> list[int | None]:
    """The page numbers a pager shows: the first, the last and a window around `current`.

    None stands for the pages left out between them ("…"); a gap of a single page shows that page
    instead, as a "…" would take as much room: 1 2 3 4 5 … 40, 1 … 8 9 10 11 12 … 40.
    """
    shown = {1, pages, *range(max(1, current - around), min(pages, current + around) + 1)}
    numbers: list[int | None] = []
    previous = 0
    for n in sorted(shown):
        if n - previous == 2:
            numbers.append(n - 1)
        elif n - previous > 2:
            numbers.append(None)
        numbers.append(n)
        previous = n
    return numbers


def page_links(params: QueryDict, page) -> list[tuple[int | None, str]]:
    """The numbered links of a Django Page's pager: (number, query string), (None, "") for a gap."""
    return [
        (n, page_url(params, n) if n is not None else "")
        for n in page_numbers(page.number, page.paginator.num_pages)
    ]


@dataclass(frozen=True)
class Matched:
    """In which language the search matched a paragraph: its English text, its Chinese side, or both."""

    english: bool
    chinese: bool


def matching(utterances: QuerySet, text_query, langs: set[str]) -> dict[int, Matched]:
    """The paragraphs among `utterances` that the search finds for `text_query`, by id: one query.

    `text_query` is the search's own (calls.textquery.TextQuery, parsed as the search parses it),
    so a call page counts exactly the paragraphs a search narrowed to that call finds.
    """
    if text_query is None:
        return {}
    flags = {}
    for name, column, query, lang in (
        ("english", "search_en", text_query.english, "en"),
        ("chinese", "search_zh", text_query.chinese, "zh"),
    ):
        asked = query is not None and (not langs or lang in langs)
        flags[f"matched_{name}"] = (
            ExpressionWrapper(Q(**{column: query}), output_field=BooleanField()) if asked else Value(False)
        )
    rows = (
        utterances.filter(text_query.row_condition(langs))
        .annotate(**flags)
        .order_by()
        .values_list("pk", "matched_english", "matched_chinese")
    )
    return {pk: Matched(english, chinese) for pk, english, chinese in rows}


def highlight(turns: list[Turn], query: str, matched: dict[int, Matched], *, columns: str) -> list[int]:
    """Mark what the search matched in the paragraphs of `turns` it found (`matched`); their positions.

    Each utterance gets `is_match`, and `marked_text` and `marked_translation` (escaped SafeStrings)
    where the search matched that side: a phrase is marked whole, an excluded word never, Chinese in
    either script. The first mark in a column that `columns` shows gets id="first-hit" (the target of
    links made before the matches had their own controls).
    """
    utterances = [u for turn in turns for u in turn.utterances.all()]
    english = [u for u in utterances if u.pk in matched and matched[u.pk].english]
    spans = dict(zip((u.pk for u in english), english_spans([u.text for u in english], query), strict=True))
    positions, first = [], None
    for utterance in utterances:
        found = matched.get(utterance.pk)
        utterance.is_match = found is not None
        if found is None:
            continue
        positions.append(utterance.position)
        if found.english:
            utterance.marked_text = mark_spans(utterance.text, spans[utterance.pk])
        if found.chinese and utterance.translation:
            utterance.marked_translation = mark_chinese(utterance.translation, query, words=True)
        elif found.chinese and not found.english:
            # Untranslated Chinese: its own text is its Chinese side (calls.text.chinese_terms).
            utterance.marked_text = mark_chinese(utterance.text, query, words=True)
        if first is None:
            # The column the reader sees: translation-only falls back to the original where untranslated.
            shows_text = columns != "translation" or not utterance.translation
            shows_translation = columns != "original" and bool(utterance.translation)
            text = getattr(utterance, "marked_text", None)
            translation = getattr(utterance, "marked_translation", None)
            if shows_text and text and "<mark>" in text:
                first = utterance.marked_text = _first_mark(text)
            elif shows_translation and translation and "<mark>" in translation:
                first = utterance.marked_translation = _first_mark(translation)
    return positions


def transcript_key(turns: list[Turn], *, columns: str, has_translation: bool) -> str:
    """A digest of everything calls/_turn.html and the exchange headings render from `turns`: the
    key of their cached HTML (the {% cache %} fragment of the reading pages).

    Rendering a long call's turns costs more than fetching them, and a call is read far more often
    than it changes. Keyed by what is shown rather than by a version to bump, a renamed speaker, a
    corrected title or a replaced call is a new key, and highlighted paragraphs (`highlight`'s marks)
    another: nothing is ever shown from an older rendering. Whatever those templates come to show
    must be added here.
    """
    shown = [get_language(), columns, has_translation]
    for turn in turns:
        exchange, speaker = turn.exchange, turn.speaker
        heading = exchange and (exchange.number, exchange.questioner_name, exchange.firm)
        shown.append(
            (
                turn.position,
                turn.section,
                turn.role,
                turn.name,
                turn.title,
                turn.firm,
                speaker.slug if speaker else None,
                heading and (*heading, exchange.get_absolute_url()),
            )
        )
        for u in turn.utterances.all():
            shown.append(
                (
                    u.position,
                    u.text,
                    u.translation,
                    getattr(u, "is_match", False),
                    getattr(u, "marked_text", None),
                    getattr(u, "marked_translation", None),
                )
            )
    return hashlib.sha256(repr(shown).encode()).hexdigest()


def _first_mark(html: SafeString) -> SafeString:
    # Our own tag in already-escaped text: the transcript's "<mark>" would have become "&lt;mark&gt;".
    return mark_safe(html.replace("<mark>", f'<mark id="{FIRST_HIT}">', 1))  # noqa: S308


def chosen_columns(request) -> tuple[str, bool]:
    """Which columns a bilingual page shows: ?view= when valid (and then remembered), else the cookie."""
    asked = request.GET.get("view")
    if asked in COLUMNS:
        return asked, True
    remembered = request.COOKIES.get(COLUMNS_COOKIE)
    return (remembered if remembered in COLUMNS else "both"), False


def column_links(path: str, query: str, chosen: str, langs: set[str] = frozenset()) -> list[dict]:
    """The column switch as plain links, so that it works without JavaScript and shows in the URL.

    They keep the search's query and languages, so the same paragraphs stay matched.
    """
    # 中文 names the translation in its own language whatever the interface speaks.
    labels = {"both": gettext_lazy("Both"), "original": gettext_lazy("English"), "translation": "中文"}
    links = []
    for value in COLUMNS:
        params = [("q", query), *(("lang", lang) for lang in sorted(langs))] if query else []
        params.append(("view", value))
        links.append(
            {
                "value": value,
                "label": labels[value],
                "url": f"{path}?{urlencode(params)}",
                "selected": value == chosen,
            }
        )
    return links


def remember_columns(response, request, columns: str) -> None:
    response.set_cookie(
        COLUMNS_COOKIE, columns, max_age=365 * 24 * 3600, samesite="Lax", secure=request.is_secure()
    )


def answering_executives(turns: list[Turn]) -> list[Participant]:
    executives, _analysts = participants(turns)
    return executives


def question_text(exchange: Exchange, turns: list[Turn]) -> str:
    """What the questioner first said in the exchange, as plain text."""
    asking = [t for t in turns if t.role == Role.ANALYST] or turns
    if not asking:
        return ""
    return " ".join(u.text for u in asking[0].utterances.all())


def preview(text: str, chars: int = 200) -> str:
    return Truncator(" ".join(text.split())).chars(chars)


def citation(call: Call, exchange: Exchange, answerers: list[Participant], url: str) -> str:
    """A plain-text citation of one exchange, for pasting into notes and mail (in the interface language)."""
    values = {
        "company": call.company.name,
        "period": call.period_label,
        "held": date_format(call.held_on, "DATE_FORMAT") if call.held_on else "",
        "number": exchange.number,
        "questioner": exchange.questioner_name + (f" ({exchange.firm})" if exchange.firm else ""),
        "url": url,
    }
    if call.held_on:
        text = gettext(
            "%(company)s, %(period)s earnings call (%(held)s), Q&A %(number)s: question from %(questioner)s"
        )
    else:
        text = gettext("%(company)s, %(period)s earnings call, Q&A %(number)s: question from %(questioner)s")
    text %= values
    if answerers:
        names = [p.name + (f" ({p.title})" if p.title else "") for p in answerers]
        if len(names) == 1:
            joined = names[0]
        else:
            joined = gettext("%(names)s and %(last)s") % {
                "names": gettext(", ").join(names[:-1]),
                "last": names[-1],
            }
        text += gettext("; answered by %(names)s") % {"names": joined}
    return text + gettext(". %(url)s") % {"url": url}
