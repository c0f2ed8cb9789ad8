"""A person's page: one title however the transcripts spell it, and the way to search what they said."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from calls.models import Speaker
from calls.people import distinct_spellings, firm_key, title_key
from tests.calls.test_speakers import store

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("President & CEO", "President and CEO"),
        ("President and CEO", "president, C.E.O."),
        ("President/CEO", "President + CEO"),
        ("Vice President - Finance", "Vice President-Finance"),
        ("Chief Financial Officer ", "Chief  Financial  Officer"),
    ],
)
def test_one_title_spelled_two_ways(a, b):
    assert title_key(a) == title_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("CEO", "Chief Executive Officer"),  # spelling only: no abbreviations expanded
        ("President & CEO", "CEO & President"),
        ("Brand Manager", "Br Manager"),  # "and" inside a word is not a joiner
        ("執行長", "財務長"),
    ],
)
def test_different_titles_stay_apart(a, b):
    assert title_key(a) != title_key(b)


def test_the_first_spelling_met_is_kept_in_the_order_met():
    assert distinct_spellings(["President and CEO", "", "CFO", "President & CEO", "cfo"]) == [
        "President and CEO",
        "CFO",
    ]
    assert distinct_spellings(["Goldman Sachs & Co.", "Goldman Sachs"], firm_key) == ["Goldman Sachs & Co."]


def test_a_title_written_two_ways_shows_once_as_the_latest_call_wrote_it(tmp_path):
    store(tmp_path, "Quillon Systems", 2022, 1, executives=[("Dana Mills", "President & CEO")])
    store(tmp_path, "Quillon Systems", 2022, 2, executives=[("Dana Mills", "President and CEO")])
    store(tmp_path, "Quillon Systems", 2022, 3, executives=[("Dana Mills", "President and C.E.O.")])
    store(tmp_path, "Quillon Systems", 2021, 4, executives=[("Dana Mills", "Chief Financial Officer")])
    speaker = Speaker.objects.get(name="Dana Mills")
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(speaker.get_absolute_url())
    assert response.status_code == 200
    assert len(queries) <= 6
    html = response.content.decode()
    assert "<dd>President and C.E.O.; Chief Financial Officer</dd>" in html
    assert "President &amp; CEO" not in html


def test_the_page_searches_that_persons_remarks(tmp_path):
    store(tmp_path, "Quillon Systems", 2022, 1, executives=[("Dana Mills", "President & CEO")])
    speaker = Speaker.objects.get(name="Dana Mills")
    html = Client().get(speaker.get_absolute_url()).content.decode()
    assert f'<input type="hidden" name="speaker" value="{speaker.slug}">' in html
    assert f'href="/search/?speaker={speaker.slug}" data-all-remarks' in html
    results = Client().get("/api/search/", {"speaker": speaker.slug}).json()
    assert results["total"] > 0
    assert {hit["speaker"] for hit in results["results"]} == {"Dana Mills"}
