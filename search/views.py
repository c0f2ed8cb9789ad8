from urllib.parse import quote, urlencode

from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from search.allvalues import LONG_FACETS, all_values
from search.chips import active_chips, clear_all_url, grouped_summary
from search.counting import FACET_SIZE
from search.facets import FACET_TITLES, carried_params, facet_links, numbered_pager, pager, without
from search.filters import SearchForm, UtteranceFilter, bound_search
from search.grouping import CALLS_PER_PAGE, calls_matching
from search.queries import SearchResult, search_utterances
from search.suggest import company_named
from search.zero import why_nothing


def _run_search(request) -> tuple[SearchResult, SearchForm, UtteranceFilter, list[str]]:
    # Invalid parameters are reported and left out; the rest of the search still runs.
    form, filterset, errors = bound_search(request.GET)
    params = form.cleaned_data
    result = search_utterances(
        filterset=filterset,
        query=params.get("q") or "",
        langs=set(params.get("lang") or []),
        sort=params.get("sort") or ("relevance" if params.get("q") else "newest"),
        page=params.get("page") or 1,
        exact=bool(params.get("exact")),
    )
    return result, form, filterset, errors


@require_GET
def search_page(request):
    result, form, filterset, errors = _run_search(request)
    # Links carry the search's own parameters only: junk in the address is not repeated in each.
    params = carried_params(request.GET, form, filterset)
    cleaned = form.cleaned_data
    langs = set(cleaned.get("lang") or [])
    sort = cleaned.get("sort") or ("relevance" if result.query else "newest")
    chips = active_chips(params, filterset)
    context = {
        "result": result,
        "form": form,
        "errors": errors,
        "params": params,
        "facets": facet_links(params, result.facets),
        "facet_size": FACET_SIZE,
        "long_facets": LONG_FACETS,
        "chosen_sort": cleaned.get("sort") or "",
        "pager": pager(params, result),
        "chips": chips,
        "clear_all_url": clear_all_url(params),
        "held_from": "".join(filterset.selected("from")),
        "held_to": "".join(filterset.selected("to")),
        "grouped": cleaned.get("group") == "call",
        "paragraphs_url": without(params, "group"),
        "calls_url": _with(params, group="call"),
        "reading_query": _reading_query(result.query, cleaned.get("lang") or []),
    }
    if result.is_estimate:
        # Counts estimated from a sample: search.js swaps in the exact ones from this address (the
        # same page with exact=1), which is also the link without JavaScript.
        page = cleaned.get("page")
        context["exact_url"] = _with(params, exact="1", page=str(page) if page else None)
        context["pending_facets"] = [
            (name, title)
            for name, title in FACET_TITLES.items()
            if name in result.estimated_facets and not result.facets.get(name)
        ]
    if context["grouped"]:
        groups = calls_matching(
            filterset, query=result.query, langs=langs, sort=sort, page=cleaned.get("page") or 1
        )
        context["groups"] = groups
        context["pager"] = numbered_pager(
            params, total=groups.total, per_page=CALLS_PER_PAGE, number=groups.page
        )
        context["grouped_summary"] = grouped_summary(
            total=result.total, calls=groups.total, query=result.query
        )
    if not result.total and (result.query or chips):
        context["culprits"] = why_nothing(filterset, params, query=result.query, langs=langs, chips=chips)
    # Only on the first page, for a query with words to search and while no company is chosen:
    # then the offer is a new direction (and only then is the one query for it spent).
    if result.query and not result.message and result.page == 1 and not filterset.selected("company"):
        company = company_named(result.query)
        if company is not None:
            context["company_suggestion"] = (company, _with(params, q=None, company=company.slug))
    return render(request, "search/search.html", context)


def _reading_query(query: str, langs: list[str]) -> str:
    """What a link from the results to a call carries (a hit's, a grouped call's), so that the call
    page marks the same matches (encoded as the template's urlencode filter would, once per page
    instead of in the template for every link)."""
    if not query:
        return ""
    return "?" + urlencode([("q", query), *(("lang", lang) for lang in langs)], safe="/", quote_via=quote)


def _with(params, **values) -> str:
    """The query string with these parameters set (None: removed), back to page 1."""
    params = params.copy()
    params.pop("page", None)
    for name, value in values.items():
        params.pop(name, None)
        if value is not None:
            params[name] = value
    return "?" + params.urlencode()


@require_GET
def facet_page(request, name: str):
    """Every value of a long facet with its count, for the search in the query string (?fragment=1:
    only the list, which search.js puts in place of the facet's first values)."""
    if name not in LONG_FACETS:
        raise Http404
    form, filterset = SearchForm(request.GET), UtteranceFilter(request.GET)
    form.is_valid()
    filterset.form.is_valid()
    params = carried_params(request.GET, form, filterset)
    query = form.cleaned_data.get("q") or ""
    values = all_values(filterset, name=name, query=query, langs=set(form.cleaned_data.get("lang") or []))
    search_url = reverse("search:search")
    links = facet_links(params, {name: values})
    context = {
        "name": name,
        "title": FACET_TITLES[name],
        "links": [(f"{search_url}{link.url}", link) for _name, _title, found in links for link in found],
        "back_url": search_url + without(params),
        "query": query,
    }
    template = "search/_facet_values.html" if request.GET.get("fragment") else "search/facet_values.html"
    return render(request, template, context)


@require_GET
def search_api(request):
    """The JSON twin of /search/: same parameters, documented in README.md (a public interface)."""
    result, _form, _filterset, errors = _run_search(request)
    payload = {
        "query": result.query,
        "total": result.total,
        "total_is_exact": result.total_is_exact,
        # Per facet: False when its counts are estimated from a sample and values too uncertain to
        # show are left out; exact=1 waits for the exact counts.
        "counts_are_exact": result.counts_are_exact,
        "page": result.page,
        "pages": result.pages,
        "results": [_hit_json(request, hit) for hit in result.hits],
        "facets": {
            name: [{"value": v.value, "label": v.label, "count": v.count} for v in values]
            for name, values in result.facets.items()
        },
        "message": result.message,
        "errors": errors,
    }
    return JsonResponse(payload, json_dumps_params={"ensure_ascii": False})


def _hit_json(request, hit) -> dict:
    utterance = hit.utterance
    call = utterance.call
    return {
        "id": utterance.pk,
        "url": request.build_absolute_uri(utterance.get_absolute_url()),
        "text": utterance.text,
        "translation": utterance.translation,
        "snippet": str(hit.snippet),
        "company": call.company.name,
        "company_slug": call.company.slug,
        "fiscal_year": call.fiscal_year,
        "fiscal_quarter": call.fiscal_quarter,
        "held_on": call.held_on.isoformat() if call.held_on else None,
        "speaker": utterance.turn.name,
        # The title as said on this call (a person's title changes over the years); the turn and
        # the call are already fetched with the hit, so these fields cost no query.
        "speaker_title": utterance.turn.title or None,
        "speaker_slug": utterance.speaker.slug if utterance.speaker else None,
        "role": utterance.role,
        "section": utterance.section,
    }
