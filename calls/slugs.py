"""Slugs for companies and speakers, in URLs and as the keys names are matched by.

Latin names keep the ASCII slugs they always had ("Société Générale" -> "societe-generale", so a
stored company is still found under the key it was filed by). A name in Chinese has no ASCII slug
at all: Django's slugify drops every character, and two Chinese companies would share the empty
key. Such names keep their characters ("鼎泰電子" -> "鼎泰電子"); the URLs accept them.
"""

from __future__ import annotations

from django.utils.text import slugify

from calls.text import CJK_CHARACTER


def name_slug(name: str) -> str:
    return slugify(name, allow_unicode=bool(CJK_CHARACTER.search(name)))


class NameSlugConverter:
    """`<name_slug:...>` in URLs: an ASCII slug, or one that holds Chinese characters."""

    regex = r"[-\w]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
