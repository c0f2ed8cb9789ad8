"""Hostile input on every public URL and parameter: never a 500, never a slow answer.

Hypothesis writes the requests: SQL and tsquery fragments, unbalanced quotes, 100 kB values, NUL,
invalid UTF-8 percent-escapes and lone surrogates (as their UTF-8 bytes, which is all a URL can
carry), repeated and unknown parameters, negative and huge page numbers, unknown facet values, odd
path values; the upload pages are tried as an anonymous user and as staff, by GET and by POST. A
second test walks every combination of `lang`, `section` and `role`, with and without a query.

The examples are derandomized, so CI tries the same requests every run; HOSTILE_EXAMPLES=2000
(and HOSTILE_SEED=n for other ones) makes a longer sweep. Each test prints how many requests it
made and how many got a 5xx.
"""

import itertools
import os
import time
import uuid
from urllib.parse import quote, quote_from_bytes

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, note, seed, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context as in_hypothesis
from hypothesis.extra.django import TestCase

from calls.models import Call, Company, Speaker
from tests.archive import SAMPLES, ingest
from uploads.models import Upload

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "30"))
SEED = int(os.environ.get("HOSTILE_SEED", "0"))
MAX_SECONDS = 5.0  # per request, on a 2-core CI machine shared with other work

PARAMETERS = [
    "q", "page", "sort", "lang", "company", "year", "quarter", "speaker", "role", "section", "name",
    "format", "fragment", "call", "next", "per_page", "period", "other",
]  # fmt: skip

FRAGMENTS = [
    "' OR 1=1 --", "'; DROP TABLE calls_call; --", "\" OR \"\"=\"", "1; SELECT pg_sleep(10)",
    "margin & !", "a | | b", "!!!", "(margin", "margin)", "<->", "a <-> b", "a:*", "a:* & b:A",
    "\\", "'", "\"", "\"unbalanced", "unbalanced\"", "\"\"\"", "-", "--", "- -margin", "OR", "OR OR",
    "-\"gross margin\"", "\"a\" OR -\"b\"", "%", "_", "*", "毛利", "營收", "毛利率\"", "💥",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "{{ 7*7 }}", "${7*7}", "\x00",
    "margin\x00", "\r\n", "\t", " ", "", "0", "-1", "-999999999999", "99999999999999999999",
    "1e309", "NaN", "inf", "0x10", "1.5", "nosuch", "allot", "2013", "qa", "prepared", "zh", "en",
    "analyst", "executive", "operator", "unknown", "relevance", "newest", "oldest", "json", "csv",
    "store", "cancel", "apply", "2200", "1899",
]  # fmt: skip

# Raw query-string pieces that are not well-formed percent-encoding at all.
RAW_PIECES = [
    "%", "%zz", "%e4%b8", "%ff%fe", "%ed%a0%80", "%f4%90%80%80", "%c0%80", "%00", "&&", "==",
    "q", "q=", "=x", "q=%", ";q=1", "q=a&q=b&q=c", "page=-1", "page=0", "page=99999999999999999999",
    "page=1e9", "+", "q=+++", "%2526", "q[]=1", "q.x=1",
]  # fmt: skip

hostile_bytes = st.one_of(
    st.sampled_from(FRAGMENTS).map(str.encode),
    # Any text, lone surrogates included, as the bytes a client would send for it.
    st.text(max_size=40).map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.binary(max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30).map(lambda n: str(n).encode()),
    st.sampled_from([b"x" * 100_000, "毛".encode() * 40_000, b'"' * 50_000, b"%00" * 30_000]),
    st.lists(st.sampled_from(FRAGMENTS), min_size=2, max_size=6).map(lambda p: " ".join(p).encode()),
)
parameter_names = st.one_of(
    st.sampled_from(PARAMETERS), st.text(max_size=12), st.sampled_from(["q" * 5000, "", "%", "\x00"])
)


@st.composite
def query_strings(draw) -> str:
    parts = []
    for name, value in draw(st.lists(st.tuples(parameter_names, hostile_bytes), max_size=8)):
        parts.append(
            quote(name.encode("utf-8", "surrogatepass"), safe="") + "=" + quote_from_bytes(value, safe="")
        )
    parts += draw(st.lists(st.sampled_from(RAW_PIECES), max_size=3))
    parts = draw(st.permutations(parts))
    return "&".join(parts)


def path_values(real: list[str], regex_like: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(st.sampled_from(real), regex_like)


slugs = st.from_regex(r"\A[-a-zA-Z0-9_]{1,300}\Z")
periods = st.from_regex(r"\A[0-9]{4}-q[1-4]\Z")
numbers = st.one_of(st.integers(0, 5), st.integers(0, 10**30)).map(str)


def public_url_templates() -> list[str]:
    """Every URL pattern outside /admin/, as written in the URLconf (the test below keeps it complete)."""

    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern)

    return sorted(p for p in walk(get_resolver().url_patterns) if not p.startswith("admin/"))


# Each public pattern and how to fill its path: a converter's values come from the archive or from
# hypothesis within the converter's own pattern (anything else is a 404 before any view runs).
PUBLIC = {
    "": {},
    "search/": {},
    "api/search/": {},
    "search/facet/<slug:name>/": {"name": "facet"},
    "companies/": {},
    "companies/<name_slug:slug>/": {"slug": "company"},
    "speakers/": {},
    "speakers/<name_slug:slug>/": {"slug": "speaker"},
    "calls/<name_slug:company>/<period:period>/": {"company": "company", "period": "period"},
    "calls/<name_slug:company>/<period:period>/qa/<int:number>/": {
        "company": "company",
        "period": "period",
        "number": "number",
    },
    "i18n/setlang/": {},
    # insight's pages (another app): listed so that they are swept too.
    "api/search/trend/": {},
    "search/trend/": {},
    "search/export.<export_kind:kind>": {"kind": "kind"},
    "search/feed/": {},
    "search/concordance/": {},
    "calls/<name_slug:company>/<insight_period:period>/compare/<insight_period:other>/": {
        "company": "company",
        "period": "period",
        "other": "period",
    },
    "calls/<name_slug:company>/<insight_period:period>/export.<export_kind:kind>": {
        "company": "company",
        "period": "period",
        "kind": "kind",
    },
    "calls/<name_slug:company>/<insight_period:period>/qa/<int:number>/export.<export_kind:kind>": {
        "company": "company",
        "period": "period",
        "number": "number",
        "kind": "kind",
    },
}
UPLOADS = [
    "admin/uploads/new/",
    "admin/uploads/translation/",
    "admin/uploads/batch/{uuid}/",
    "admin/uploads/{pk}/",
    "admin/uploads/{pk}/original/",
]


class Sweep:
    """Counts the requests and their 5xx, and fails on either kind of defect."""

    tried = 0
    errors = 0

    @classmethod
    def request(cls, client: Client, method: str, url: str, **extra):
        started = time.monotonic()
        response = getattr(client, method)(url, **extra)
        elapsed = time.monotonic() - started
        cls.tried += 1
        if in_hypothesis():
            note(f"{method.upper()} {url[:300]} -> {response.status_code} in {elapsed:.2f}s")
        if response.status_code >= 500:
            cls.errors += 1
        assert response.status_code < 500, f"{method.upper()} {url[:500]} answered {response.status_code}"
        assert elapsed < MAX_SECONDS, f"{method.upper()} {url[:500]} took {elapsed:.1f}s"
        return response


HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,  # bounded by MAX_SECONDS per request instead: a whole example makes several
    derandomize=SEED == 0,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example, HealthCheck.data_too_large],
    database=None,
)


class HostileInput(TestCase):
    @classmethod
    def setUpTestData(cls):
        reports = ingest(SAMPLES)
        assert all("error" not in report for report in reports), reports
        cls.staff = get_user_model().objects.create_superuser(
            "hostile-staff", "s@example.com", "pw-tests-only"
        )
        cls.real = {
            "company": list(Company.objects.values_list("slug", flat=True)),
            "speaker": list(Speaker.objects.values_list("slug", flat=True)[:5]),
            "period": sorted({call.period for call in Call.objects.all()}),
        }
        # One pending upload, so the preview and original pages are reached with a real id too.
        client = Client()
        client.force_login(cls.staff)
        sample = sorted(SAMPLES.glob("*.txt"))[0]
        with sample.open("rb") as file:
            client.post("/admin/uploads/new/", {"files": file})
        cls.upload_ids = [str(pk) for pk in Upload.objects.values_list("pk", flat=True)]

    @classmethod
    def tearDownClass(cls):
        print(f"\nhostile sweep: {Sweep.tried} requests, {Sweep.errors} answered 5xx")
        super().tearDownClass()

    def fill(self, data, template: str) -> str:
        kinds = {
            "company": path_values(self.real["company"], slugs),
            "speaker": path_values(self.real["speaker"], slugs),
            "period": path_values(self.real["period"], periods),
            "number": numbers,
            "kind": st.sampled_from(["csv", "jsonl"]),
            # Every value of a long facet: the two it serves, the other facets' names (404), junk.
            "facet": st.one_of(st.sampled_from(["company", "speaker", "role", "year", "lang"]), slugs),
        }
        url = template
        for name, kind in PUBLIC[template].items():
            converter = next(
                part for part in template.split("<")[1:] if part.split(">")[0].endswith(":" + name)
            )
            url = url.replace("<" + converter.split(">")[0] + ">", data.draw(kinds[kind], label=name), 1)
        return "/" + url

    def test_every_public_url_is_listed_here(self):
        missing = [p for p in public_url_templates() if p not in PUBLIC]
        assert not missing, f"add these URL patterns to PUBLIC so the sweep covers them: {missing}"

    @HYPOTHESIS
    @seed(SEED)
    @given(
        data=st.data(),
        query=query_strings(),
        language=st.sampled_from(["", "zh-TW", "en", "x" * 300, "*;q=-1"]),
    )
    def test_public_urls_never_fail(self, data, query, language):
        template = data.draw(st.sampled_from(sorted(PUBLIC)), label="pattern")
        url = self.fill(data, template)
        client = Client(HTTP_ACCEPT_LANGUAGE=language) if language else Client()
        method = "post" if template == "i18n/setlang/" else "get"
        Sweep.request(client, method, f"{url}?{query}")

    @seed(SEED)
    @settings(HYPOTHESIS, max_examples=max(EXAMPLES // 2, 1))
    @given(data=st.data(), query=query_strings(), as_staff=st.booleans())
    def test_upload_urls_never_fail(self, data, query, as_staff):
        client = Client()
        if as_staff:
            client.force_login(self.staff)
        template = data.draw(st.sampled_from(UPLOADS), label="pattern")
        pk = data.draw(st.one_of(st.sampled_from(self.upload_ids or ["1"]), numbers), label="pk")
        url = "/" + template.format(uuid=uuid.uuid4(), pk=pk)
        if data.draw(st.booleans(), label="post"):
            fields = data.draw(st.dictionaries(st.sampled_from(UPLOAD_FIELDS), hostile_bytes, max_size=6))
            files = {}
            if data.draw(st.booleans(), label="with a file"):
                name = data.draw(st.sampled_from(FILE_NAMES), label="file name")
                content = data.draw(st.one_of(hostile_bytes, st.just(b"")), label="file")
                files["file" if "translation" in url else "files"] = (name, content)
            body, content_type = multipart(fields, files)
            Sweep.request(client, "post", f"{url}?{query}", data=body, content_type=content_type)
        else:
            Sweep.request(client, "get", f"{url}?{query}")

    def test_every_combination_of_lang_section_and_role_answers(self):
        """Every `lang`, `section` and `role` combination, with and without a query."""
        langs = [None, "en", "zh", ("en", "zh"), "xx"]
        sections = [None, "prepared", "qa", "nosuch"]
        roles = [None, "operator", "executive", "analyst", "unknown", ("analyst", "nosuch")]
        queries = [None, "margin", '"gross margin" -毛利']
        client = Client()
        tried = 0
        # Every combination on the API; on the page (the same search, rendered) each with one query.
        combinations = [("/api/search/", *c) for c in itertools.product(langs, sections, roles, queries)]
        combinations += [
            ("/search/", *c, queries[n % len(queries)])
            for n, c in enumerate(itertools.product(langs, sections, roles))
        ]
        for path, lang, section, role, q in combinations:
            params = {"lang": lang, "section": section, "role": role, "q": q}
            params = {k: v for k, v in params.items() if v is not None}
            response = Sweep.request(client, "get", path, data=params)
            tried += 1
            if path == "/api/search/":
                body = response.json()
                assert response.status_code == 200, (params, body)
                # An unknown value is reported, never silently dropped into a wider search.
                if "nosuch" in str(section) or "nosuch" in str(role) or lang == "xx":
                    assert body["errors"], params
                if section == "nosuch":
                    assert body["total"] == 0, params
        print(f"\nfacet combinations: {tried} requests")


def multipart(fields: dict[str, bytes], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body written by hand: the test client refuses file names a browser
    (or an attacker) may still send, such as '' or '../../etc/passwd'."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value
        )
    for name, (file_name, content) in files.items():
        header = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{file_name}"\r\n'
            "Content-Type: text/plain\r\n\r\n"
        )
        parts.append(header.encode("utf-8", "surrogatepass") + content)
    body = b"\r\n".join(parts) + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


UPLOAD_FIELDS = [
    "company", "ticker", "fiscal_year", "fiscal_quarter", "held_on", "call", "action", "confirm",
    "cancel", "store", "form-TOTAL_FORMS", "form-INITIAL_FORMS", "form-0-name", "form-0-role",
    "speakers-TOTAL_FORMS", "speakers-0-name", "file",
]  # fmt: skip
FILE_NAMES = ["a.txt", "", "../../etc/passwd", "x" * 300 + ".txt", "a\x00b.txt", "毛利.txt", "a.exe"]
