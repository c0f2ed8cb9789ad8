"""A query that names a company: offer to search within that company's calls instead.

"ALLT" or "Allot" typed in the box most often means Allot's calls, but it can also mean the
paragraphs that mention Allot (a competitor's call, an analyst's comparison), and only the full-text
search finds those. So the search runs as typed, and the page offers the other reading in one
click: the company filter, without the word that named it.
"""

from __future__ import annotations

import re

from django.db.models import Q

from calls.models import Company
from calls.parsing.names import clean_company_name
from calls.querysets import ticker_alias
from calls.slugs import name_slug

# What a company's name or ticker can look like: a few words, no search operators or quotes.
# Other queries are not looked up, so most searches pay no query for this.
NAME_LIKE = re.compile(r"[^\W_][\w&.,'’ -]{0,60}", re.UNICODE)
MAX_WORDS = 4


def company_named(query: str) -> Company | None:
    """The one company whose ticker (now or former) or name the whole query is, or None (one query)."""
    text = " ".join(query.split())
    if not NAME_LIKE.fullmatch(text) or len(text.split()) > MAX_WORDS or " OR " in f" {text} ":
        return None
    key = name_slug(clean_company_name(text))
    condition = Q(ticker__iexact=text) | Q(aliases__contains=[ticker_alias(text)])
    if key:
        condition |= Q(slug=key) | Q(aliases__contains=[key])
    found = list(Company.objects.filter(condition).only("slug", "name")[:2])
    return found[0] if len(found) == 1 else None
