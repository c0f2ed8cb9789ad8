"""Regex building blocks for people, titles and companies, and the name helpers built on them."""

from __future__ import annotations

import functools
import re
import unicodedata

UPPER = "A-ZÀ-ÖØ-Þ"
# A name word: "Kevin", "O'Brien", "Jean-Pierre", "J.", "J.P.", "Jr."
# A trailing period only on short words (initials, "Jr."): "Jankowski. Please" is two sentences.
# A lone capital followed by a period is an initial, never a word on its own: otherwise "Robert J.
# Ellison" stops at "Robert J" (the first alternative matches "J" and the regex is satisfied).
NAME_WORD = (
    rf"(?:[{UPPER}](?!\.)[^\W\d_]*(?:['’\-][^\W\d_]+)*|(?:[{UPPER}]\.){{2,}}|[{UPPER}][^\W\d_]{{0,2}}\.)"
)
_PARTICLE = r"(?:de|da|di|del|della|der|den|van|von|la|le|du|dos|bin|al|ten|ter)"
# One to six words; lower-case particles only between capitalised words ("Ludwig van Beethoven").
NAME = rf"{NAME_WORD}(?:\s+(?:{_PARTICLE}\s+)*{NAME_WORD}){{0,5}}"

# A firm or title word: capitalised, may hold & or digits ("RBC", "JPMC", "3Com", "S&P").
# "J.P." before "J"; "B." only before another capitalised word ("B. Riley").
_CAP_WORD = rf"(?:(?:[{UPPER}]\.){{2,}}|[{UPPER}]\.(?=\s+[{UPPER}])|[{UPPER}0-9&][\w&'’\-]*)"
# "Banc of America", "Cowen and Company", "The Juda Group"; connectors only between capitalised words.
FIRM = rf"{_CAP_WORD}(?:\s+(?:(?:of|and|&|de|the)\s+)?{_CAP_WORD})*"
# "Chief Executive Officer", "Vice President of Investor Relations" (not "... for Juniper Networks").
TITLE = rf"{_CAP_WORD}(?:\s+(?:(?:of|and|&)\s+)?{_CAP_WORD})*"

HONORIFIC = r"(?:(?:Mr|Ms|Mrs|Miss|Dr|Prof)\.?\s+)"

# Legal forms only: what kind of entity a company is, never which one. "Holdings", "Group",
# "Networks" are part of the name: "FNB Holdings Inc" and "FNB Inc" are two companies, and a call
# filed under the wrong one is worse than a company listed twice (staff can merge two in the admin).
# The common forms in any case and with or without dots ("INC.", "S.A.", "n.v."); the rarer ones
# only as usually written, where another case could be a word ("Se", "Ab").
_LEGAL_FORM_ANY_CASE = re.compile(
    r"(?:,?\s+(?:Inc|Incorporated|Corp|Corporation|Co|Ltd|Limited|P\.?L\.?C|L\.?L\.?C|L\.?P|"
    # Mexico's "S.A.B. de C.V.", Italy's "S.p.A.", Brazil's "Ltda"
    r"S\.?A\.?(?:B\.?)?\s+de\s+C\.?V|S\.?p\.?A|Ltda|"
    r"S\.?A|A\.?G|N\.?V|GmbH|Oyj)\.?)+$",
    re.IGNORECASE,
)
_LEGAL_FORM_AS_WRITTEN = re.compile(r"(?:,?\s+(?:S\.?E|B\.?V|A/S|ASA|AB|S\.L|S\.A\.S|KGaA)\.?)+$")
_TRAILING_TICKER = re.compile(r"\s*\((?:[A-Za-z]+\s*:\s*)?[A-Z][A-Z0-9.\-]{0,9}\)\s*$")
_POSSESSIVE = re.compile(r"(?:['’]s|(?<=s)['’])$")
_AMPERSAND_CO = re.compile(r"\s*&\s*Co\.?$")
# Chinese legal forms: "股份有限公司" (company limited by shares), "有限公司"; "集團", "控股" are the name's.
_LEGAL_FORM_CHINESE = re.compile(r"\s*(?:股份有限公司|有限責任公司|有限责任公司|有限公司|股份公司)$")


def clean_company_name(name: str) -> str:
    """The company's short name for grouping calls: "Allot Ltd (ALLT)" and "Allot's" both give "Allot".

    Strips a trailing ticker in parentheses, a possessive, and legal forms (Ltd, Inc., Corporation,
    plc, SA, AG, NV, LLC...) and nothing else: words that are part of the name ("Holdings", "Group",
    "Networks", "Technologies") stay.
    """
    cleaned = " ".join(name.split())
    while True:
        before = cleaned
        cleaned = _TRAILING_TICKER.sub("", cleaned)
        cleaned = _POSSESSIVE.sub("", cleaned)
        cleaned = _AMPERSAND_CO.sub("", cleaned)
        cleaned = _LEGAL_FORM_CHINESE.sub("", cleaned) or cleaned
        candidate = _LEGAL_FORM_AS_WRITTEN.sub("", _LEGAL_FORM_ANY_CASE.sub("", cleaned)).rstrip(" ,")
        if candidate:  # never strip a name down to nothing ("Holdings" alone stays)
            cleaned = candidate
        if cleaned == before:
            return cleaned


@functools.lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """Comparison key for people's names: case, accents and punctuation ignored."""
    decomposed = unicodedata.normalize("NFKD", name)
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # Chinese names are kept: stripping them would make every Chinese name the same empty key.
    return re.sub(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+", " ", letters.casefold()).strip()


def strip_possessive(name: str) -> str:
    return _POSSESSIVE.sub("", name.strip())


_ACRONYM_STOPWORDS = {"of", "and", "&", "the", "for", "to", "in"}


def title_acronyms(title: str) -> set[str]:
    """Acronyms a title can be written as: "CFO & EVP" -> {"CFO", "EVP", "CFOEVP"};
    "Vice President of Investor Relations" -> {"VPIR"}; "VP of IR" -> {"VPIR"}.

    Used to match role-only speaker lines ("- CEO") to the long titles of introductions.
    """
    parts = [p for p in re.split(r"\s*(?:&|,|/|\band\b)\s*", title) if p.strip()]
    acronyms = {_acronym(part) for part in parts}
    acronyms.add(_acronym(title))
    acronyms.discard("")
    return acronyms


def _acronym(text: str) -> str:
    letters = []
    for word in re.findall(r"[\w'’\-]+", text):
        if word.casefold() in _ACRONYM_STOPWORDS:
            continue
        if word.isupper() and len(word) > 1:
            letters.append(word)  # already an acronym: "VP", "IR", "CEO"
        elif word[0].isalpha():
            letters.append(word[0].upper())
    return "".join(letters)


_HONORIFIC_SURNAME = re.compile(
    r"(?:mr|ms|mrs|miss|dr|prof)\.?\s+(?P<surname>[^\W\d_][\w'’\-]+)", re.IGNORECASE
)


def honorific_surname(name: str) -> str:
    """The surname's key of a name that is only an honorific and a surname ("Ms. Doyle" -> "doyle"),
    as court-style transcripts label everyone after their first mention; "" for any other name."""
    found = _HONORIFIC_SURNAME.fullmatch(name.strip())
    return name_key(found["surname"]) if found else ""
