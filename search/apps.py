from django.apps import AppConfig


def _recount_tallies(sender, *, call_ids, **kwargs):
    # Looked up at each call (not bound at connect time) so that the function can be replaced in tests.
    from search import services

    services.tally_calls(call_ids=call_ids)


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self):
        # search builds on calls and calls never imports search: the tallies follow the utterances
        # through the signal calls.services.utterances_refresh sends inside its transaction.
        from calls.signals import utterances_refreshed

        utterances_refreshed.connect(_recount_tallies, dispatch_uid="search.tally_calls")
