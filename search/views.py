from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from search.facets import carried_params, facet_links, pager
from search.filters import SearchForm, UtteranceFilter
from search.queries import SearchResult, search_utterances


def _run_search(request) -> tuple[SearchResult, SearchForm, UtteranceFilter, list[str]]:
    form = SearchForm(request.GET)
    filterset = UtteranceFilter(request.GET)
    errors = []
    # Invalid parameters are reported and left out; the rest of the search still runs.
    for bound in (form, filterset.form):
        if not bound.is_valid():
            errors += [f"{name}: {' '.join(messages)}" for name, messages in bound.errors.items()]
    # Unknown facet values are reported too; the facet's valid values still apply.
    errors += filterset.form.rejected_messages()
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
    return render(
        request,
        "search/search.html",
        {
            "result": result,
            "form": form,
            "errors": errors,
            "params": params,
            "facets": facet_links(params, result.facets),
            "chosen_sort": form.cleaned_data.get("sort") or "",
            "pager": pager(params, result),
        },
    )


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
