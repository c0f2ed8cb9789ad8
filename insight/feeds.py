"""An Atom feed per search: its newest matching paragraphs, so a feed reader is the alert."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext

from insight.searching import read_search, search_parameters

FEED_SIZE = 50


class SearchFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request):
        # The feed instance serves every request: what varies per request is the object, never self.
        return {
            "search": read_search(request.GET),
            "parameters": search_parameters(request.GET, drop=("page", "sort")),
        }

    def title(self, obj):
        query = obj["search"].query
        if query:
            return gettext("Callvault: “%(query)s”") % {"query": query}
        return gettext("Callvault: new paragraphs")

    def subtitle(self, obj):
        return gettext("The newest paragraphs matching this search, newest imported first.")

    def link(self, obj):
        return reverse("search:search") + (f"?{obj['parameters']}" if obj["parameters"] else "")

    def feed_url(self, obj):
        return reverse("insight:feed") + (f"?{obj['parameters']}" if obj["parameters"] else "")

    def items(self, obj):
        """The newest imported calls' matches first: a call imported today is news whatever its period."""
        return (
            obj["search"]
            .matches()
            .select_related("call__company", "turn")
            .order_by("-call__imported_at", "-call_id", "position")[:FEED_SIZE]
        )

    def item_title(self, item):
        return f"{item.call.company.name} {item.call.period_label} · {item.turn.name}"

    def item_description(self, item):
        # Atom's summary is type="html": the paragraph is text, so it is escaped to read as text.
        return escape(item.text)

    def item_link(self, item):
        return item.get_absolute_url()

    def item_updateddate(self, item):
        return item.call.imported_at

    def item_pubdate(self, item):
        return item.call.imported_at

    def item_author_name(self, item):
        return item.turn.name
