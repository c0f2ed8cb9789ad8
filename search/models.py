"""Tables the search keeps beside the calls app's data."""

from django.db import models

from calls.models import Call, Company, Role, Section, Speaker


class UtteranceTally(models.Model):
    """How many utterances each call has per speaker, role and section.

    Browsing without a query shows facet counts over the whole archive; grouping a million
    utterances for each page took seconds, while these rows (a few dozen per call) sum in
    milliseconds. Written by search.services.tally_call in the import's transaction, so the counts
    can never disagree with the utterances; deleted with their call. Its columns are the facets'
    (search/registry.py: one column per facet, as on the utterance; tests/search/test_registry.py).
    """

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="+")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField()
    fiscal_quarter = models.PositiveSmallIntegerField()
    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, null=True, related_name="+")
    role = models.CharField(max_length=10, choices=Role.choices)
    section = models.CharField(max_length=10, choices=Section.choices)
    utterances = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.call_id}/{self.speaker_id}/{self.role}/{self.section}: {self.utterances}"
