"""Finding a stored call from what staff type: "allot 2013", "northwind q1 2024", "allot 2013-q1".

The translation upload names its call with a text field (a select of every call is unusable at
thousands of calls): static/js/call-picker.js asks `calls_matching` for suggestions as staff type,
and the form resolves the text with `call_for_text` whether a suggestion was picked or not.

The query stays cheap however many calls there are: words are matched against the companies only
(one row per company, a few hundred where calls are a few thousand), by prefix of the name, of a
later word of the name, of the slug, or the whole ticker; the calls are then read through the
(company, fiscal_year, fiscal_quarter) unique index, newest first, LIMIT 20. No substring or
trigram search over the calls themselves, and at most MAX_WORDS words of MAX_CHARS characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from calls.models import Call, Company

MAX_CHARS = 200
MAX_WORDS = 6
SUGGESTIONS = 20

# A call's address pasted whole or in part: /calls/allot/2013-q1/ or http://host/calls/allot/2013-q1/qa/2/.
_ADDRESS = re.compile(
    r"(?:^|/)calls/(?P<slug>[\w-]+)/(?P<year>\d{4})-q(?P<quarter>[1-4])(?:/|$)", re.IGNORECASE
)
# One word of a period, in the ways transcripts and file names write it.
_YEAR = re.compile(r"^(?:fy)?(?P<year>(?:19|20|21)\d\d)$")
_QUARTER = re.compile(r"^f?q(?P<quarter>[1-4])$")
_YEAR_QUARTER = re.compile(r"^(?:fy)?(?P<year>(?:19|20|21)\d\d)[-_]?f?q(?P<quarter>[1-4])$")
_QUARTER_YEAR = re.compile(r"^f?q(?P<quarter>[1-4])[-_]?(?:fy)?(?P<year>(?:19|20|21)\d\d)$")
_SHORT = re.compile(r"^(?P<quarter>[1-4])q(?P<year>\d\d)$")  # 4Q25


@dataclass
class Wanted:
    """What the text asks for: words of the company, and the fiscal year and quarter if given."""

    words: list[str] = field(default_factory=list)
    year: int | None = None
    quarter: int | None = None


def wanted(text: str) -> Wanted:
    """The text read as company words and a period; a pasted call address gives all three."""
    text = " ".join(text[:MAX_CHARS].split())
    address = _ADDRESS.search(text)
    if address:
        return Wanted([address["slug"].lower()], int(address["year"]), int(address["quarter"]))
    found = Wanted()
    for word in re.split(r"[\s,·]+", text.casefold()):
        word = word.strip(".:;()")
        if not word:
            continue
        for pattern in (_YEAR_QUARTER, _QUARTER_YEAR, _SHORT, _YEAR, _QUARTER):
            period = pattern.match(word)
            if period:
                groups = period.groupdict()
                if groups.get("year"):
                    year = int(groups["year"])
                    found.year = year + 2000 if year < 100 else year
                if groups.get("quarter"):
                    found.quarter = int(groups["quarter"])
                break
        else:
            if len(found.words) < MAX_WORDS:
                found.words.append(word)
    return found


def _companies(words: list[str]):
    return Company.objects.matching_each_word(words)


def _calls(asked: Wanted):
    calls = Call.objects.select_related("company")
    if asked.words:
        calls = calls.filter(company__in=_companies(asked.words))
    if asked.year:
        calls = calls.filter(fiscal_year=asked.year)
    if asked.quarter:
        calls = calls.filter(fiscal_quarter=asked.quarter)
    return calls


def calls_matching(text: str, *, limit: int = SUGGESTIONS) -> list[Call]:
    """Up to `limit` calls the text could mean, by company name then newest period first.

    Nothing typed: the calls of the latest periods.
    """
    asked = wanted(text)
    if not (asked.words or asked.year or asked.quarter):
        return list(Call.objects.recent()[:limit])
    return list(_calls(asked).order_by("company__name", "-fiscal_year", "-fiscal_quarter")[:limit])


def picker_value(call: Call) -> str:
    """The text that names exactly this call: its company's slug and its period, as in its address."""
    return f"{call.company.slug} {call.period}"


@dataclass
class Resolved:
    """The call the text names, or the calls it could mean (none, or several: it names none)."""

    call: Call | None
    candidates: list[Call]


def call_for_text(text: str) -> Resolved:
    """The one call the text names: a call's id, its address, its slug and period, or any text only
    one call matches ("allot 2013 q1").
    """
    text = text.strip()
    if text.isdigit():
        call = Call.objects.select_related("company").filter(pk=int(text)).first()
        return Resolved(call, [call] if call else [])
    asked = wanted(text)
    if not (asked.words or asked.year or asked.quarter):
        return Resolved(None, [])
    if len(asked.words) == 1 and asked.year and asked.quarter:
        # The slug and period the suggestions fill in, or a call's address: exact, never ambiguous,
        # and a merged company's former slug still leads to its call.
        exact = Call.objects.select_related("company").filter(
            fiscal_year=asked.year, fiscal_quarter=asked.quarter
        )
        call = exact.filter(company__slug=asked.words[0]).first()
        if call is None:
            company = Company.objects.at_former_address(asked.words[0])
            call = exact.filter(company=company).first() if company else None
        if call is not None:
            return Resolved(call, [call])
    candidates = list(_calls(asked).order_by("company__name", "-fiscal_year", "-fiscal_quarter")[:4])
    return Resolved(candidates[0] if len(candidates) == 1 else None, candidates)
