import re

from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers

from calls import pages, people
from calls.filters import CompanyFilter, SpeakerFilter
from calls.models import Call, Company, Exchange, Role, Speaker, Turn, Utterance
from calls.text import trimmed_query
from calls.textquery import LANGUAGES, TextQuery

_PERIOD = re.compile(r"^(?P<year>\d{4})-q(?P<quarter>[1-4])$")
PEOPLE_ON_COMPANY_PAGE = 20
COMPANIES_ON_HOME_PAGE = 30
CALLS_PER_PAGE = 40  # ten years of quarters
ROWS_PER_PAGE = 50


def _paginate(request, queryset, per_page: int):
    """One page of `queryset` (?page=, out-of-range pages give the last), with links to its neighbours.

    Two queries: the count and the page's rows.
    """
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    page.previous_url = pages.page_url(request.GET, page.number - 1) if page.has_previous() else ""
    page.next_url = pages.page_url(request.GET, page.number + 1) if page.has_next() else ""
    page.links = pages.page_links(request.GET, page)
    return page


def home(request):
    return render(
        request,
        "calls/home.html",
        {
            "recent_calls": Call.objects.recent()[:10],
            "companies": Company.objects.with_call_counts()[:COMPANIES_ON_HOME_PAGE],
            "home_companies": COMPANIES_ON_HOME_PAGE,
        },
    )


def company_list(request):
    filterset = CompanyFilter(request.GET, queryset=Company.objects.with_call_counts())
    page = _paginate(request, filterset.qs, ROWS_PER_PAGE)
    return render(request, "calls/company_list.html", {"filter": filterset, "page": page})


def speaker_list(request):
    filterset = SpeakerFilter(request.GET, queryset=Speaker.objects.by_family_name())
    # An invalid value (an unknown role) is reported and left out: .qs filters by the valid ones only.
    errors = [f"{name}: {' '.join(messages)}" for name, messages in filterset.errors.items()]
    page = _paginate(request, filterset.qs, ROWS_PER_PAGE)
    # Counted for the page's speakers only: annotating the list before paging grouped every turn
    # of the archive on each request (376 ms of 507 at 1.16M paragraphs).
    appearances = Speaker.objects.appearances([speaker.pk for speaker in page])
    for speaker in page:
        speaker.call_count, roles = appearances.get(speaker.pk, (0, []))
        speaker.role_labels = [label for value, label in Role.choices if value in roles]
    company_slug = filterset.form.cleaned_data.get("company")
    company = Company.objects.filter(slug=company_slug).first() if company_slug else None
    return render(
        request,
        "calls/speaker_list.html",
        {"filter": filterset, "page": page, "company": company, "errors": errors},
    )


def _at_former_address(request, slug: str, view: str, **kwargs):
    """A permanent redirect from the address of a company merged into another to the same page there."""
    company = Company.objects.at_former_address(slug)
    if company is None:
        raise Http404("No such company")
    slug_argument = "slug" if view == "calls:company" else "company"
    url = reverse(view, kwargs={slug_argument: company.slug, **kwargs})
    query = request.META.get("QUERY_STRING", "")
    return redirect(f"{url}?{query}" if query else url, permanent=True)


def company_detail(request, slug):
    company = Company.objects.filter(slug=slug).first()
    if company is None:
        return _at_former_address(request, slug, "calls:company")
    calls = _paginate(
        request,
        company.calls.annotate(exchange_count=Count("exchanges")).order_by("-fiscal_year", "-fiscal_quarter"),
        CALLS_PER_PAGE,
    )
    # Filtering on the relation before annotating makes the count use the same, filtered join.
    executive_turns = Turn.objects.filter(call__company=company, role=Role.EXECUTIVE)
    latest_title = (
        executive_turns.filter(speaker=OuterRef("pk"))
        .exclude(title="")
        .order_by("-call__fiscal_year", "-call__fiscal_quarter")
        .values("title")[:1]
    )
    executives = (
        Speaker.objects.filter(turns__in=executive_turns)
        .annotate(call_count=Count("turns__call", distinct=True), title=Subquery(latest_title))
        .order_by("-call_count", "name")[:PEOPLE_ON_COMPANY_PAGE]
    )
    analysts = (
        Speaker.objects.filter(exchanges__call__company=company)
        .annotate(question_count=Count("exchanges", distinct=True))
        .order_by("-question_count", "name")[:PEOPLE_ON_COMPANY_PAGE]
    )
    return render(
        request,
        "calls/company_detail.html",
        {"company": company, "calls": calls, "executives": executives, "analysts": analysts},
    )


def _call(company: str, period: str) -> Call | None:
    match = _PERIOD.match(period)
    if match is None:
        raise Http404("No such period")
    return Call.objects.for_period(
        company_slug=company, year=int(match["year"]), quarter=int(match["quarter"])
    ).first()


def _turns(queryset) -> list[Turn]:
    """Turns with their speaker, exchange and utterances: two queries whatever the call's size."""
    return list(
        queryset.select_related("speaker", "exchange__call__company").prefetch_related(
            Prefetch("utterances", queryset=Utterance.objects.order_by("position"))
        )
    )


def _languages(request) -> set[str]:
    """?lang= as the search reads it (search.filters.SearchForm): one unknown value drops them all."""
    asked = set(request.GET.getlist("lang"))
    return asked if asked <= set(LANGUAGES) else set()


def _reading(request, turns: list[Turn], utterances) -> dict:
    """The context every transcript page shares: columns, the search's matches, the switch's links.

    `utterances` are the page's paragraphs as a queryset: the search finds its matches among them.
    """
    has_translation = any(u.translation for turn in turns for u in turn.utterances.all())
    columns, asked = pages.chosen_columns(request) if has_translation else ("original", False)
    query = trimmed_query(request.GET.get("q"))
    langs = _languages(request) if query else set()
    matched = pages.matching(utterances, TextQuery.parse(query, translations="zh" in langs), langs)
    matches = pages.highlight(turns, query, matched, columns=columns) if query else []
    return {
        "has_translation": has_translation,
        "columns": columns,
        "remember_columns": asked,
        "column_links": pages.column_links(request.path, query, columns, langs) if has_translation else [],
        "query": query,
        "hit_count": len(matched),
        "first_match": matches[0] if matches else None,
        "transcript_key": pages.transcript_key(turns, columns=columns, has_translation=has_translation),
        "clear_url": request.path + (f"?view={columns}" if asked else ""),
    }


def _render_reading(request, template: str, context: dict):
    response = render(request, template, context)
    # The columns shown depend on the cookie when the URL does not say.
    patch_vary_headers(response, ["Cookie"])
    if context["remember_columns"]:
        pages.remember_columns(response, request, context["columns"])
    return response


def call_detail(request, company, period):
    call = _call(company, period)
    if call is None:
        return _at_former_address(request, company, "calls:call", period=period)
    turns = _turns(call.turns.order_by("position"))
    exchanges = call.exchanges.select_related("questioner").order_by("number")
    executives, analysts = pages.participants(turns)
    return _render_reading(
        request,
        "calls/call_detail.html",
        {
            "call": call,
            "turns": turns,
            "exchanges": exchanges,
            "executives": executives,
            "analysts": analysts,
            "canonical_url": request.build_absolute_uri(call.get_absolute_url()),
            **_reading(request, turns, call.utterances.all()),
        },
    )


def exchange_detail(request, company, period, number):
    call = _call(company, period)
    if call is None:
        return _at_former_address(request, company, "calls:exchange", period=period, number=number)
    exchange = get_object_or_404(Exchange.objects.select_related("questioner"), call=call, number=number)
    exchange.call = call  # its URL needs the call's company, already fetched
    neighbours = {
        e.number: e for e in call.exchanges.filter(number__in=[number - 1, number + 1]).only("number", "call")
    }
    for neighbour in neighbours.values():
        neighbour.call = call
    turns = _turns(exchange.turns.order_by("position"))
    url = request.build_absolute_uri(exchange.get_absolute_url())
    answerers = pages.answering_executives(turns)
    return _render_reading(
        request,
        "calls/exchange_detail.html",
        {
            "call": call,
            "exchange": exchange,
            "turns": turns,
            "previous": neighbours.get(number - 1),
            "next": neighbours.get(number + 1),
            "answerers": answerers,
            "citation": pages.citation(call, exchange, answerers, url),
            "question_preview": pages.preview(pages.question_text(exchange, turns)),
            "canonical_url": url,
            **_reading(request, turns, Utterance.objects.filter(call=call, turn__exchange=exchange)),
        },
    )


def speaker_detail(request, slug):
    speaker = get_object_or_404(Speaker, slug=slug)
    calls = (
        Call.objects.recent()
        .filter(turns__speaker=speaker)
        .annotate(turn_count=Count("turns", distinct=True))
        .distinct()
    )
    # Newest call first, so that a title or firm written two ways shows as the latest call wrote it.
    seen = list(
        Turn.objects.filter(speaker=speaker)
        .values_list("role", "title", "firm", "call__fiscal_year", "call__fiscal_quarter")
        .distinct()
        .order_by("-call__fiscal_year", "-call__fiscal_quarter", "title", "firm")
    )
    roles = {role for role, *_rest in seen}
    titles = people.distinct_spellings(title for _role, title, *_rest in seen)
    firms = people.distinct_spellings([*(firm for _r, _t, firm, *_p in seen), speaker.firm], people.firm_key)
    questions = list(
        Exchange.objects.filter(questioner=speaker)
        .select_related("call__company")
        .order_by("-call__fiscal_year", "-call__fiscal_quarter", "number")
    )
    # The first paragraph the speaker said in each exchange they opened: one DISTINCT ON query.
    openings = dict(
        Utterance.objects.filter(turn__exchange__in=[q.pk for q in questions], speaker=speaker)
        .order_by("turn__exchange_id", "position")
        .distinct("turn__exchange_id")
        .values_list("turn__exchange_id", "text")
    )
    for question in questions:
        question.opening = pages.preview(openings.get(question.pk, ""), 240)
    return render(
        request,
        "calls/speaker_detail.html",
        {
            "speaker": speaker,
            "calls": calls,
            "roles": [label for value, label in Role.choices if value in roles],
            "titles": titles,
            "firms": firms,
            "questions": questions,
        },
    )
