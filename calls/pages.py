"""What the reading pages work out from rows already fetched: participants, highlights, citations.

Nothing here queries per turn or per paragraph; the only queries are the two of calls/highlight.py
(the query's lexemes, then which of the page's words stem to them), whatever the size of the call.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import QueryDict
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext, gettext_lazy

from calls.highlight import english_lexemes, mark_chinese, mark_words, words_matching
from calls.models import Call, Exchange, Role, Speaker, Turn
from calls.text import has_cjk

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


def highlight(turns: list[Turn], query: str, *, columns: str) -> int:
    """Mark the query's words in every paragraph of `turns`; return how many paragraphs have a hit.

    Each utterance gets `marked_text` and `marked_translation` (escaped SafeStrings). The first mark
    in a column that `columns` shows gets id="first-hit", the target the page jumps to.
    """
    if not query:
        return 0
    utterances = [u for turn in turns for u in turn.utterances.all()]
    lexemes = english_lexemes(query)
    words = words_matching([u.text for u in utterances], lexemes) if lexemes else set()
    chinese = has_cjk(query)
    paragraphs, first = 0, None
    for utterance in utterances:
        utterance.marked_text = mark_words(utterance.text, words)
        utterance.marked_translation = mark_chinese(utterance.translation, query) if chinese else None
        in_text = "<mark>" in utterance.marked_text
        in_translation = utterance.marked_translation is not None and "<mark>" in utterance.marked_translation
        if not (in_text or in_translation):
            continue
        paragraphs += 1
        if first is None:
            # The column the reader sees: translation-only falls back to the original where untranslated.
            shows_text = columns != "translation" or not utterance.translation
            shows_translation = columns != "original" and bool(utterance.translation)
            if shows_text and in_text:
                first = utterance.marked_text = _first_mark(utterance.marked_text)
            elif shows_translation and in_translation:
                first = utterance.marked_translation = _first_mark(utterance.marked_translation)
    return paragraphs


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


def column_links(path: str, query: str, chosen: str) -> list[dict]:
    """The column switch as plain links, so that it works without JavaScript and shows in the URL."""
    # 中文 names the translation in its own language whatever the interface speaks.
    labels = {"both": gettext_lazy("Both"), "original": gettext_lazy("English"), "translation": "中文"}
    links = []
    for value in COLUMNS:
        params = {"q": query} if query else {}
        params["view"] = value
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
