"""Writes of the search app: keeping its own tables in step with the calls app's data."""

from collections.abc import Iterable

from django.db.models import Count

from calls.models import Call, Utterance
from search.models import UtteranceTally
from search.registry import TALLY_COLUMNS


def tally_calls(*, call_ids: Iterable[int]) -> None:
    """Count these calls' utterances again per speaker, role and section (in the caller's transaction).

    Run on calls.signals.utterances_refreshed (connected in search/apps.py): whatever changed the
    utterances of a call, the import or an edit in the admin, its tallies are counted again with it.
    """
    call_ids = list(call_ids)
    UtteranceTally.objects.filter(call_id__in=call_ids).delete()
    rows = (
        Utterance.objects.filter(call_id__in=call_ids)
        .order_by()
        .values("call_id", *TALLY_COLUMNS)
        .annotate(utterances=Count("pk"))
    )
    UtteranceTally.objects.bulk_create(UtteranceTally(**row) for row in rows)


def tally_call(*, call: Call) -> None:
    """Count one call's utterances again per speaker, role and section (see tally_calls)."""
    tally_calls(call_ids=[call.pk])
