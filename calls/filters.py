"""The list pages' filters, validated by django-filter (STYLE.md: validate with forms or FilterSets)."""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from calls.models import Company, Role, Speaker, Turn

MAX_PREFIX_CHARS = 100


class InvalidValuesMatchNothing:
    """A value a filter cannot take (an unknown role) matches nothing; the view reports it.

    django-filter leaves an invalid field out of `cleaned_data`, so its filter was dropped and the
    list widened: ?role=nosuch listed every speaker. The rule search follows (search/filters.py):
    a filter asked for is never dropped.
    """

    def filter_queryset(self, queryset):
        if any(name in self.form.errors for name in self.filters):
            return queryset.none()
        return super().filter_queryset(queryset)


class CompanyFilter(InvalidValuesMatchNothing, django_filters.FilterSet):
    name = django_filters.CharFilter(method="filter_name", max_length=MAX_PREFIX_CHARS, label=_("Name"))

    class Meta:
        model = Company
        fields = []

    def filter_name(self, queryset, name, value):
        """Companies with a word of their name, or their ticker, starting with each word typed."""
        return queryset.named_like(value)


class SpeakerFilter(InvalidValuesMatchNothing, django_filters.FilterSet):
    """Role and company are tested with EXISTS, so they never narrow the counts the list shows."""

    name = django_filters.CharFilter(method="filter_name", max_length=MAX_PREFIX_CHARS, label=_("Name"))
    role = django_filters.ChoiceFilter(
        choices=[c for c in Role.choices if c[0] != Role.UNKNOWN], method="filter_role", label=_("Role")
    )
    company = django_filters.CharFilter(method="filter_company", max_length=100, label=_("Company"))

    class Meta:
        model = Speaker
        fields = []

    def filter_name(self, queryset, name, value):
        """Speakers with a word of their name or firm starting with each word typed."""
        return queryset.named_like(value)

    def filter_role(self, queryset, name, value):
        return queryset.filter(Exists(Turn.objects.filter(speaker=OuterRef("pk"), role=value)))

    def filter_company(self, queryset, name, value):
        return queryset.filter(Exists(Turn.objects.filter(speaker=OuterRef("pk"), call__company__slug=value)))
