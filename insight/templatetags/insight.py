"""Tags for the includes other pages use to reach the analyst tools (templates/insight/_*.html)."""

from django import template
from django.http import QueryDict

from calls.models import Call
from insight.searching import search_parameters

register = template.Library()


@register.simple_tag(takes_context=True)
def search_query(context) -> str:
    """The page's search parameters as a query string, without its page number."""
    carried = context.get("params")
    if isinstance(carried, QueryDict):  # the search page has validated them already: no query more
        carried = carried.copy()
        carried.pop("page", None)
        return carried.urlencode()
    request = context.get("request")
    return search_parameters(request.GET) if request is not None else ""


@register.simple_tag
def other_calls(call: Call):
    """The company's other calls, newest first, to compare this one with."""
    return list(
        Call.objects.filter(company_id=call.company_id)
        .exclude(pk=call.pk)
        .order_by("-fiscal_year", "-fiscal_quarter")
        .only("fiscal_year", "fiscal_quarter")
    )
