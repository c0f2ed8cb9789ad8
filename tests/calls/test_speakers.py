"""One person across calls: which mentions become one Speaker, which stay apart, and the warnings."""

import pytest

from calls.models import Call, Speaker
from calls.people import Match, firm_key, name_tokens, names_match, related_firms
from tests.archive import SAMPLES, ingest

QUARTERS = {1: "first", 2: "second", 3: "third", 4: "fourth"}


def transcript(company: str, year: int, quarter: int, *, executives=(), questions=()) -> str:
    """A small call in the "lines" layout.

    executives: (name, title) pairs giving the prepared remarks; the first also answers every question.
    questions: (announced as, firm or "", speaker line name) triples, in order.
    """
    lines = [
        "Operator",
        f"Good day and welcome to the {company} {QUARTERS[quarter]} quarter {year} results call.",
    ]
    for name, title in executives:
        lines += [f"{name} - {title}", f"Thank you. This is {name} with a few remarks on the quarter."]
    answerer = "{} - {}".format(*executives[0])
    for number, (announced, firm, name) in enumerate(questions):
        which = "first" if number == 0 else "next"
        intro = f"Our {which} question is from the line of {announced}" + (f" with {firm}." if firm else ".")
        if number == 0:
            intro = "We will now begin the question-and-answer session. " + intro
        lines += ["Operator", intro, f"{name} - Analyst", "How did margins do?", answerer, "They improved."]
    lines += ["Operator", "This concludes today's call."]
    return "\n".join(lines) + "\n"


def store(tmp_path, company: str, year: int, quarter: int, **people) -> Call:
    path = tmp_path / f"{company}-{year}-q{quarter}.txt".replace(" ", "-").lower()
    path.write_text(transcript(company, year, quarter, **people), encoding="utf-8")
    [report] = ingest(path)
    assert report["status"] == "created", report
    return Call.objects.get(company__name=company, fiscal_year=year, fiscal_quarter=quarter)


def analysts(*questions) -> dict:
    return {"executives": [("Jane Roe", "Chief Executive Officer")], "questions": questions}


def speaker_warnings(call: Call) -> list[str]:
    return [w["message"] for w in call.warnings]


def people_named(family_name: str) -> list[tuple[str, str]]:
    return sorted(Speaker.objects.filter(name__endswith=family_name).values_list("name", "firm"))


# The rules themselves, without a database.


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("Alex Henderson", "alex henderson", Match.EXACT),
        ("Dr. Jane O'Neil", "Jane ONeil", Match.EXACT),
        ("José Núñez", "Jose Nunez", Match.EXACT),
        ("Robert Ellison Jr.", "Robert Ellison", Match.EXACT),
        ("Mike Genovese", "Michael Genovese", Match.VARIANT),
        ("Simone Jankowski", "Simona Jankowski", Match.VARIANT),
        ("Ben Adeyemi", "Benjamin Adeyemi", Match.VARIANT),
        ("Tom Fallon", "Thomas Fallon", Match.VARIANT),
        ("Nehal Chokshi", "Nehal Sushil Chokshi", Match.VARIANT),
        ("Robert Ellison", "Robert J. Ellison", Match.VARIANT),
        ("Robert J. Ellison", "Robert James Ellison", Match.VARIANT),
        ("Rob Ellison", "Robert J. Ellison", Match.VARIANT),
        ("Robert J. Ellison", "Robert K. Ellison", None),
        ("Robert Ellison", "Roberta Ellison", None),
        ("Alexander Gray", "Alexandra Gray", None),  # both "Alex", not each other
        ("Bob Ellison", "Rob Ellison", None),  # two short forms of one name: not enough
        ("J. Smith", "John Smith", None),  # a bare initial could be anyone
        ("Mark Sue", "Mark Suen", None),
        ("Kenny", "Kenny Green", None),
        ("Green", "Kenny Green", None),
    ],
)
def test_names_match(a, b, expected):
    assert names_match(a, b) is expected
    assert names_match(b, a) is expected


def test_name_tokens_drop_honorifics_suffixes_and_punctuation():
    assert name_tokens("Mr. Robert J. O’Neil, Jr.") == ("robert", "j", "oneil")
    assert name_tokens("") == ()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Goldman Sachs", "Goldman Sachs & Co."),
        ("RBC Capital Markets", "RBC Capital Markets, LLC"),
        ("Needham", "Needham & Company"),
        ("Cowen and Company", "Cowen & Co."),
        ("The Juda Group", "Juda Group"),
        ("J.P. Morgan", "JP Morgan"),
        ("Pellam & Rowe", "Pellam and Rowe"),
    ],
)
def test_firms_equal_but_for_legal_form_and_punctuation(a, b):
    assert firm_key(a) == firm_key(b) != ""


@pytest.mark.parametrize(
    ("a", "b"),
    [("Barclays", "Barclays Capital"), ("RBC", "RBC Capital Markets"), ("Northland Securities", "Northland")],
)
def test_firms_with_more_words_are_other_firms_but_related(a, b):
    assert firm_key(a) != firm_key(b)
    assert related_firms(firm_key(a), firm_key(b))


def test_unrelated_firms():
    assert not related_firms(firm_key("Jefferies"), firm_key("Morgan Stanley"))
    assert not related_firms("", "jefferies")
    assert firm_key("") == ""


# Importing calls.


@pytest.mark.django_db
def test_the_same_analyst_at_the_same_firm_is_one_speaker(tmp_path):
    store(tmp_path, "Quillon Systems", 2022, 1, **analysts(("Alex Henderson", "Needham", "Alex Henderson")))
    later = store(
        tmp_path, "Harrow Devices", 2022, 2, **analysts(("Alex Henderson", "Needham & Co.", "Alex Henderson"))
    )

    henderson = Speaker.objects.get(name="Alex Henderson")
    assert henderson.firm == "Needham"  # as first seen
    assert set(henderson.turns.values_list("call__company__name", flat=True)) == {
        "Quillon Systems",
        "Harrow Devices",
    }
    assert later.exchanges.get().questioner == henderson
    assert speaker_warnings(later) == []  # a legal form is no doubt


@pytest.mark.django_db
def test_a_nickname_at_the_same_firm_joins_and_says_so(tmp_path):
    store(
        tmp_path, "Quillon Systems", 2022, 1, **analysts(("Mike Genovese", "MKM Partners", "Mike Genovese"))
    )
    later = store(
        tmp_path,
        "Harrow Devices",
        2022,
        2,
        **analysts(("Michael Genovese", "MKM Partners LLC", "Michael Genovese")),
    )

    assert people_named("Genovese") == [("Mike Genovese", "MKM Partners")]
    [warning] = later.warnings
    assert (
        "Michael Genovese (MKM Partners LLC) taken to be Mike Genovese (MKM Partners)" in warning["message"]
    )
    # The line of the person's first speaker line in the file.
    text = transcript("Harrow Devices", 2022, 2, **analysts(("Michael Genovese", "MKM Partners LLC", "x")))
    assert warning["line"] == text.splitlines().index("x - Analyst") + 1


# The parser does not yet read a firm after an announced name with a middle initial ("the line of
# Robert J. Ellison with Ferncliff" gives no firm), so these calls announce names without one.
@pytest.mark.django_db
def test_middle_names_and_initials_join(tmp_path):
    store(
        tmp_path,
        "Quillon Systems",
        2022,
        1,
        **analysts(
            ("Nehal Chokshi", "Northland Capital Markets", "Nehal Chokshi"),
            ("Robert Ellison", "Ferncliff Capital", "Robert Ellison"),
        ),
    )
    store(
        tmp_path,
        "Harrow Devices",
        2022,
        2,
        **analysts(
            ("Nehal Chokshi", "Northland Capital Markets", "Nehal Sushil Chokshi"),
            ("Rob Ellison", "Ferncliff Capital", "Robert J. Ellison"),
        ),
    )

    assert people_named("Chokshi") == [("Nehal Chokshi", "Northland Capital Markets")]
    assert people_named("Ellison") == [("Robert Ellison", "Ferncliff Capital")]


@pytest.mark.django_db
def test_different_middle_initials_are_different_people(tmp_path):
    store(
        tmp_path,
        "Quillon Systems",
        2022,
        1,
        **analysts(("Robert Ellison", "Ferncliff", "Robert J. Ellison")),
    )
    later = store(
        tmp_path,
        "Harrow Devices",
        2022,
        2,
        **analysts(("Robert Ellison", "Ferncliff", "Robert K. Ellison")),
    )

    assert people_named("Ellison") == [("Robert J. Ellison", "Ferncliff"), ("Robert K. Ellison", "Ferncliff")]
    assert later.warnings == []


@pytest.mark.django_db
def test_two_candidates_means_no_merge_and_a_warning(tmp_path):
    store(
        tmp_path,
        "Quillon Systems",
        2022,
        1,
        **analysts(
            ("Robert Ellison", "Ferncliff", "Robert J. Ellison"),
            ("Robert Ellison", "Ferncliff", "Robert K. Ellison"),
        ),
    )
    later = store(
        tmp_path, "Harrow Devices", 2022, 2, **analysts(("Rob Ellison", "Ferncliff", "Rob Ellison"))
    )

    assert len(people_named("Ellison")) == 3
    assert later.exchanges.get().questioner.name == "Rob Ellison"
    [message] = speaker_warnings(later)
    assert "could be any of Robert J. Ellison (Ferncliff); Robert K. Ellison (Ferncliff)" in message
    assert "kept as a separate speaker" in message


@pytest.mark.django_db
def test_the_same_name_at_another_firm_is_another_person(tmp_path):
    store(tmp_path, "Quillon Systems", 2022, 1, **analysts(("Mark Sue", "RBC Capital Markets", "Mark Sue")))
    later = store(tmp_path, "Harrow Devices", 2022, 2, **analysts(("Mark Sue", "Jefferies", "Mark Sue")))

    assert people_named("Sue") == [("Mark Sue", "Jefferies"), ("Mark Sue", "RBC Capital Markets")]
    assert len({s.slug for s in Speaker.objects.filter(name="Mark Sue")}) == 2
    assert later.warnings == []  # nothing ties the two firms together


@pytest.mark.django_db
def test_a_firm_and_a_longer_name_of_it_stay_apart_with_a_warning(tmp_path):
    # Barclays and Barclays Capital may be one bank, but nothing in a transcript says so: kept apart.
    store(tmp_path, "Quillon Systems", 2022, 1, **analysts(("Jeff Kvaal", "Barclays Capital", "Jeff Kvaal")))
    later = store(tmp_path, "Harrow Devices", 2022, 2, **analysts(("Jeff Kvaal", "Barclays", "Jeff Kvaal")))

    assert people_named("Kvaal") == [("Jeff Kvaal", "Barclays"), ("Jeff Kvaal", "Barclays Capital")]
    assert speaker_warnings(later) == [
        "Jeff Kvaal (Barclays) kept apart from Jeff Kvaal (Barclays Capital): the firms differ"
    ]


@pytest.mark.django_db
def test_a_firmless_mention_never_joins_a_speaker_with_a_firm(tmp_path):
    store(
        tmp_path,
        "Quillon Systems",
        2022,
        1,
        **analysts(
            ("Simona Jankowski", "Goldman Sachs", "Simona Jankowski"),
            ("Alex Henderson", "Needham", "Alex Henderson"),
        ),
    )
    later = store(
        tmp_path,
        "Harrow Devices",
        2022,
        2,
        **analysts(("Simone Jankowski", "", "Simone Jankowski"), ("Alex Henderson", "", "Alex Henderson")),
    )

    assert people_named("Jankowski") == [("Simona Jankowski", "Goldman Sachs"), ("Simone Jankowski", "")]
    assert people_named("Henderson") == [("Alex Henderson", ""), ("Alex Henderson", "Needham")]
    assert speaker_warnings(later) == [
        "Simone Jankowski (firm unknown) kept apart from Simona Jankowski (Goldman Sachs):"
        " no firm to confirm it",
        "Alex Henderson (firm unknown) kept apart from Alex Henderson (Needham): no firm to confirm it",
    ]


@pytest.mark.django_db
def test_a_firm_learnt_later_does_not_join_a_firmless_speaker(tmp_path):
    store(tmp_path, "Quillon Systems", 2022, 1, **analysts(("Simone Jankowski", "", "Simone Jankowski")))
    later = store(
        tmp_path,
        "Harrow Devices",
        2022,
        2,
        **analysts(("Simone Jankowski", "Goldman Sachs", "Simone Jankowski")),
    )

    assert people_named("Jankowski") == [("Simone Jankowski", ""), ("Simone Jankowski", "Goldman Sachs")]
    assert speaker_warnings(later) == [
        "Simone Jankowski (Goldman Sachs) kept apart from Simone Jankowski: no firm to confirm it"
    ]


@pytest.mark.django_db
def test_firmless_mentions_of_one_name_join_with_a_warning(tmp_path):
    store(tmp_path, "Quillon Systems", 2022, 1, **analysts(("Simone Jankowski", "", "Simone Jankowski")))
    later = store(
        tmp_path, "Harrow Devices", 2022, 2, **analysts(("Simone Jankowski", "", "Simone Jankowski"))
    )
    spelt = store(
        tmp_path, "Harrow Devices", 2022, 3, **analysts(("Simona Jankowski", "", "Simona Jankowski"))
    )

    # The key allows one firm-less speaker per name: the same name joins it, a variant does not.
    assert people_named("Jankowski") == [("Simona Jankowski", ""), ("Simone Jankowski", "")]
    assert speaker_warnings(later) == [
        "Simone Jankowski (firm unknown) taken to be the speaker of the same name in other calls,"
        " firm unknown too"
    ]
    assert speaker_warnings(spelt) == [
        "Simona Jankowski (firm unknown) kept apart from Simone Jankowski: no firm to confirm it"
    ]


@pytest.mark.django_db
def test_replacing_a_call_does_not_warn_about_its_own_speakers(tmp_path):
    store(tmp_path, "Quillon Systems", 2022, 1, **analysts(("Simone Jankowski", "", "Simone Jankowski")))
    path = tmp_path / "quillon-systems-2022-q1.txt"
    path.write_text(path.read_text(encoding="utf-8") + "Thank you all.\n", encoding="utf-8")

    [report] = ingest(path)

    assert report["status"] == "replaced"
    assert Call.objects.get().warnings == []
    assert Speaker.objects.filter(name="Simone Jankowski").count() == 1


@pytest.mark.django_db
def test_executives_are_one_person_across_their_companys_calls(tmp_path):
    store(tmp_path, "Quillon Systems", 2022, 1, executives=[("Tom Fallon", "Chief Executive Officer")])
    later = store(tmp_path, "Quillon Systems", 2022, 2, executives=[("Thomas Fallon", "CEO")])
    store(tmp_path, "Harrow Devices", 2022, 2, executives=[("Tom Fallon", "Chief Financial Officer")])

    assert people_named("Fallon") == [("Tom Fallon", "Harrow Devices"), ("Tom Fallon", "Quillon Systems")]
    quillon = Speaker.objects.get(firm="Quillon Systems")
    assert quillon.turns.filter(call=later).exists()
    assert len(later.warnings) == 1


@pytest.mark.django_db
def test_two_spellings_in_one_call_are_one_new_speaker(tmp_path):
    call = store(
        tmp_path,
        "Quillon Systems",
        2022,
        1,
        **analysts(
            ("Rob Ellison", "Ferncliff", "Rob Ellison"), ("Robert Ellison", "Ferncliff", "Robert Ellison")
        ),
    )

    [speaker] = Speaker.objects.filter(name__endswith="Ellison")
    assert speaker.name == "Rob Ellison"
    assert speaker.turns.count() == 2
    assert speaker_warnings(call) == [
        "Robert Ellison (Ferncliff) taken to be Rob Ellison (Ferncliff) of this call:"
        " same firm, name written differently"
    ]


@pytest.mark.django_db
def test_our_samples_executive_speaks_in_two_calls():
    ingest(SAMPLES / "northwind-optical-2023-q3-bullets.txt", SAMPLES / "northwind-optical-2024-q1-lines.txt")

    strand = Speaker.objects.get(name="Daniel Strand")
    assert strand.firm == "Northwind Optical"
    assert strand.turns.values("call").distinct().count() == 2
    assert Speaker.objects.get(name="Marcus Hale").turns.values("call").distinct().count() == 2


SEED_ORDER = ["allot-2013-q1-bullets.txt", "infinera-2013-q1-lines.txt", "juniper-2010-q1-roles-only.txt"]


@pytest.mark.django_db
@pytest.mark.parametrize("order", [SEED_ORDER, SEED_ORDER[::-1]], ids=["allot-first", "juniper-first"])
def test_seed_analysts_across_calls(seeds_dir, order):
    ingest(*(seeds_dir / name for name in order))

    def companies(name):
        return set(Speaker.objects.get(name=name).turns.values_list("call__company__slug", flat=True))

    assert companies("Alex Henderson") == {"allot", "infinera"}
    assert companies("Mark Sue") == {"allot", "juniper-networks"}
    # Juniper's operator never names Simone Jankowski's firm: she stays apart from Infinera's
    # Simona Jankowski of Goldman Sachs, and the call imported second says so.
    assert people_named("Jankowski") == [("Simona Jankowski", "Goldman Sachs"), ("Simone Jankowski", "")]
    second = Call.objects.get(
        company__slug="infinera" if order[0].startswith("juniper") else "juniper-networks"
    )
    if second.company.slug == "juniper-networks":
        warning = "Simone Jankowski (firm unknown) kept apart from Simona Jankowski (Goldman Sachs)"
    else:
        warning = "Simona Jankowski (Goldman Sachs) kept apart from Simone Jankowski"
    assert [m for m in speaker_warnings(second) if "Jankowski" in m] == [f"{warning}: no firm to confirm it"]


@pytest.mark.django_db
def test_ingest_reports_the_warnings_storing_adds(tmp_path):
    first = tmp_path / "first.txt"
    first.write_text(
        _two_analyst_call("Hollis Gear", 2020, "Michael Brandt", "Ridgeway Partners"), encoding="utf-8"
    )
    second = tmp_path / "second.txt"
    second.write_text(
        _two_analyst_call("Hollis Gear", 2021, "Mike Brandt", "Ridgeway Partners"), encoding="utf-8"
    )
    ingest(first)
    [report] = ingest(second)
    assert any("Brandt" in w["message"] for w in report["warnings"])
    assert Speaker.objects.filter(name__endswith="Brandt").count() == 1


def _two_analyst_call(company: str, year: int, analyst: str, firm: str) -> str:
    return "\n".join(
        [
            "Operator",
            f"Welcome to the {company} first quarter {year} earnings conference call.",
            "Alma Reyes - Chief Executive Officer",
            "Thank you. Revenue grew and gross margin improved this quarter.",
            "Operator",
            f"Our first question is from the line of {analyst} with {firm}.",
            f"{analyst} - Analyst",
            "How should we think about margins next quarter?",
            "Alma Reyes - Chief Executive Officer",
            "We expect them to hold steady.",
        ]
    )
