"""Whether two mentions in different calls name one person: names and firms compared loosely.

Plain Python, no Django: `calls/services.py` asks these questions when it picks Speaker rows.
The rules lean towards keeping people apart: a missed merge shows one analyst twice, a wrong merge
puts one person's words in another's mouth.
"""

from __future__ import annotations

import re
import unicodedata
from enum import Enum
from functools import lru_cache

from calls.parsing.names import clean_company_name

# Given names and the short forms English-language transcripts use for them. Kept small on purpose:
# large genealogy lists (PyPI `nicknames`, ~1,100 names) pair names like "al" with a dozen others,
# and every extra pair is a chance to merge two people. Only canonical <-> short form counts: two
# short forms of one name ("Bob", "Rob") or two names sharing a short form ("Alexander",
# "Alexandra" via "Alex") do not match each other.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "abraham": ("abe",),
    "alexander": ("alex", "sasha"),
    "alexandra": ("alex", "sasha"),
    "andrew": ("andy", "drew"),
    "anthony": ("tony",),
    "benjamin": ("ben",),
    "charles": ("charlie", "chuck"),
    "christopher": ("chris",),
    "christine": ("chris",),
    "daniel": ("dan", "danny"),
    "david": ("dave",),
    "donald": ("don",),
    "douglas": ("doug",),
    "edward": ("ed", "eddie", "ted"),
    "elizabeth": ("liz", "beth", "betsy"),
    "frederick": ("fred",),
    "gregory": ("greg",),
    "james": ("jim", "jimmy", "jamie"),
    "jeffrey": ("jeff",),
    "jennifer": ("jen", "jenny"),
    "jonathan": ("jon",),
    "joseph": ("joe", "joey"),
    "joshua": ("josh",),
    "katherine": ("kate", "katie", "kathy"),
    "kenneth": ("ken", "kenny"),
    "lawrence": ("larry",),
    "matthew": ("matt",),
    "michael": ("mike", "mick"),
    "nicholas": ("nick",),
    "patrick": ("pat",),
    "peter": ("pete",),
    "philip": ("phil",),
    "raymond": ("ray",),
    "richard": ("rich", "rick"),
    "robert": ("rob", "bob", "bobby"),
    "ronald": ("ron",),
    "samuel": ("sam",),
    "stephen": ("steve",),
    "steven": ("steve",),
    "susan": ("sue",),
    "thomas": ("tom", "tommy"),
    "timothy": ("tim",),
    "victoria": ("vicky", "tori"),
    "william": ("will", "bill", "billy"),
    "zachary": ("zach",),
}
# Spellings of one name that transcripts mix up; matched like a name and its short form.
SPELLINGS: tuple[tuple[str, str], ...] = (
    ("simona", "simone"),
    ("stephen", "steven"),
    ("philip", "phillip"),
    ("jeffrey", "jeffery"),
)
_PAIRS = frozenset(
    {frozenset((name, short)) for name, shorts in NICKNAMES.items() for short in shorts}
    | {frozenset(pair) for pair in SPELLINGS}
)

_HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "prof"}
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "cfa", "cpa", "phd"}
_ARTICLE = re.compile(r"^the ")
# "& Co.", "and Company" after a firm's name: the legal form, not part of what the firm is called.
_AND_COMPANY = re.compile(r" and (?:co|company)$")


class Match(Enum):
    EXACT = "exact"  # the same name once case, accents, punctuation and honorifics are ignored
    VARIANT = "variant"  # a short form, a spelling, or a middle name or initial more or less


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@lru_cache(maxsize=65536)  # pure, and asked about the same names again and again in an import
def name_tokens(name: str) -> tuple[str, ...]:
    """A person's name as comparable words: "Dr. Robert J. O'Neil, Jr." gives (robert, j, oneil)."""
    folded = re.sub(r"['’]", "", _fold(name))  # O'Neil and ONeil are one spelling
    words = re.sub(r"[^0-9a-z]+", " ", folded).split()
    while words and words[0] in _HONORIFICS:
        words.pop(0)
    while len(words) > 1 and words[-1] in _SUFFIXES:
        words.pop()
    return tuple(words)


@lru_cache(maxsize=65536)
def firm_key(firm: str) -> str:
    """A firm's name for comparison: legal forms and punctuation dropped, everything else kept.

    "Goldman Sachs & Co." and "Goldman Sachs"; "RBC Capital Markets, LLC" and "RBC Capital Markets";
    "The Juda Group" and "Juda Group" compare equal. Words that say what the firm is ("Capital",
    "Securities", "Markets", "Partners") stay: "Barclays" and "Barclays Capital" are two firms here,
    because nothing in a transcript tells a renamed firm from a different one of a similar name.
    """
    cleaned = clean_company_name(firm) if firm.strip() else ""
    folded = _fold(cleaned).replace("&", " and ")
    folded = re.sub(r"[.'’]", "", folded)  # "J.P." is "JP", "L.L.C." is "LLC"
    key = " ".join(re.sub(r"[^0-9a-z]+", " ", folded).split())
    key = _AND_COMPANY.sub("", _ARTICLE.sub("", key))
    return key


def related_firms(a: str, b: str) -> bool:
    """Different firm keys where one is the other plus more words ("barclays", "barclays capital")."""
    if not a or not b or a == b:
        return False
    short, long = sorted((a.split(), b.split()), key=len)
    return long[: len(short)] == short


def same_given_name(a: str, b: str) -> bool:
    return a == b or frozenset((a, b)) in _PAIRS


def _same_middles(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Middle names agree: one side has none, or word for word equal or an initial of each other."""
    if not a or not b:
        return True
    if len(a) != len(b):
        return False
    return all(x == y or (min(len(x), len(y)) == 1 and x[0] == y[0]) for x, y in zip(a, b, strict=True))


def names_match(a: str, b: str) -> Match | None:
    """How two written names can be one person's, or None when they cannot.

    Family names must be equal; given names equal or a known short form / spelling of each other
    (never a bare initial: "J. Smith" could be anyone); middle names may be missing on one side or
    written as initials ("Robert J. Ellison", "Robert Ellison", "Rob Ellison").
    """
    x, y = name_tokens(a), name_tokens(b)
    if not x or not y:
        return None
    if x == y:
        return Match.EXACT
    if len(x) < 2 or len(y) < 2 or x[-1] != y[-1]:
        return None
    if len(x[0]) == 1 or len(y[0]) == 1 or not same_given_name(x[0], y[0]):
        return None
    return Match.VARIANT if _same_middles(x[1:-1], y[1:-1]) else None


# What joins the parts of a title: "President & CEO", "President and CEO", "President, CEO" and
# "President/CEO" are one title written four ways.
_TITLE_JOINERS = re.compile(r"\s*(?:&|\+|/|,|;|\band\b)\s*")


@lru_cache(maxsize=4096)
def title_key(title: str) -> str:
    """A job title for comparison: case, accents, dots, dashes and the joiners between its parts ignored.

    Only spelling: "CEO" and "Chief Executive Officer" stay two titles (expanding abbreviations
    would need a list, and "CFO & COO" against "COO & CFO" may well be a change of emphasis).
    """
    folded = re.sub(r"[.'’]", "", _fold(title))  # "C.E.O." is "CEO"
    folded = _TITLE_JOINERS.sub(" ", folded)
    return " ".join(re.sub(r"[\W_]+", " ", folded).split())


def distinct_spellings(values, key=title_key) -> list[str]:
    """One spelling per value as `key` compares them (titles by default, or `firm_key`).

    The first spelling met is kept, in the order first met: give them newest first.
    """
    seen: dict[str, str] = {}
    for value in values:
        compared = key(value) if value else ""
        if compared and compared not in seen:
            seen[compared] = value.strip()
    return list(seen.values())
