"""Writes of the search app: keeping its own tables in step with the calls app's data."""

from django.db.models import Count

from calls.models import Call, Utterance
from search.models import UtteranceTally

TALLY_COLUMNS = ("company_id", "fiscal_year", "fiscal_quarter", "speaker_id", "role", "section")


def tally_call(*, call: Call) -> None:
    """Count a newly stored call's utterances per speaker, role and section (same transaction)."""
    rows = (
        Utterance.objects.filter(call=call).order_by().values(*TALLY_COLUMNS).annotate(utterances=Count("pk"))
    )
    UtteranceTally.objects.bulk_create(UtteranceTally(call=call, **row) for row in rows)
