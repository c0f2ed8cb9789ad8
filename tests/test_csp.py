"""Every response carries a strict Content-Security-Policy, and every page's markup satisfies it.

The browser tests (tests/browser/conftest.py) also fail on any violation Chromium reports; these
check the markup itself, page by page, without a browser: no inline script, no event-handler
attribute, no javascript: URL and, outside the admin, no <style> block or style= attribute.
"""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from config.middleware import ADMIN_CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY
from tests.archive import SAMPLES, ingest


class InlineCode(HTMLParser):
    """Collects what a policy without 'unsafe-inline' would block."""

    def __init__(self):
        super().__init__()
        self.scripts, self.styles, self.style_attributes, self.handlers = [], [], [], []
        self._in_script = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}>")
            if name in {"href", "src", "action", "formaction"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.handlers.append(f"<{tag} {name}=javascript:>")
        if "style" in attrs:
            self.style_attributes.append(f"<{tag} style={attrs['style']!r}>")
        if tag == "style":
            self.styles.append("<style>")
        # A data block (JSON for a script to read) is not run, so the policy does not apply to it.
        if tag == "script" and not attrs.get("src") and attrs.get("type") != "application/json":
            self._in_script = tag

    def handle_endtag(self, tag):
        if tag == "script" and self._in_script:
            self.scripts.append("<script> without src")
            self._in_script = None


def inline_code(html: str) -> InlineCode:
    parser = InlineCode()
    parser.feed(html)
    return parser


@pytest.fixture
def archive(db):
    reports = ingest(SAMPLES)
    assert all("error" not in report for report in reports), reports
    return [report["url"] for report in reports]


def public_urls(archive) -> list[str]:
    from calls.models import Company, Exchange, Speaker

    call = archive[0]
    exchange = Exchange.objects.select_related("call__company").first()
    return [
        "/",
        "/search/",
        "/search/?q=margin",
        "/search/?q=%3Cscript%3Ealert(1)%3C/script%3E",
        "/companies/",
        Company.objects.first().get_absolute_url(),
        "/speakers/",
        Speaker.objects.first().get_absolute_url(),
        call,
        exchange.get_absolute_url(),
        "/no/such/page/",
    ]


def test_every_public_page_has_the_strict_policy_and_satisfies_it(archive):
    client = Client()
    for url in public_urls(archive):
        response = client.get(url, follow=True)
        assert response.status_code in (200, 404), url
        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, url
        found = inline_code(response.content.decode())
        assert not (found.scripts or found.handlers or found.styles or found.style_attributes), (
            url,
            found.__dict__,
        )


def test_the_policy_is_strict():
    directives = dict(part.strip().split(" ", 1) for part in CONTENT_SECURITY_POLICY.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY
    # The admin's differs only in allowing inline styles; its scripts are as strict.
    assert ADMIN_CONTENT_SECURITY_POLICY.replace(" 'unsafe-inline'", "") == CONTENT_SECURITY_POLICY
    assert re.search(r"script-src 'self';", ADMIN_CONTENT_SECURITY_POLICY)


def test_the_api_and_static_files_carry_it_too(archive):
    client = Client()
    assert client.get("/api/search/?q=margin")["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert client.get("/static/css/site.css")["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_admin_pages_run_no_inline_script(archive):
    from calls.models import Company

    staff = get_user_model().objects.create_superuser("csp-admin", "csp@example.com", "pw-for-tests-only")
    client = Client()
    assert inline_code(client.get("/admin/login/").content.decode()).scripts == []
    client.force_login(staff)
    urls = [
        "/admin/",
        "/admin/calls/company/",
        f"/admin/calls/company/{Company.objects.first().pk}/change/",
        "/admin/calls/call/",
        "/admin/uploads/upload/",
        "/admin/auth/user/",
        "/admin/auth/user/add/",
    ]
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert response["Content-Security-Policy"] == ADMIN_CONTENT_SECURITY_POLICY, url
        found = inline_code(response.content.decode())
        assert not (found.scripts or found.handlers), (url, found.__dict__)


def test_the_upload_pages_have_the_strict_policy_and_satisfy_it(archive):
    # Ours, though under /admin/: their styles are in static/css/uploads.css, none inline.
    from tests.uploads.people import uploader

    client = Client()
    client.force_login(uploader("csp-uploader"))
    for url in ["/admin/uploads/new/", "/admin/uploads/translation/", "/admin/uploads/calls/?q=allot"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, url
        found = inline_code(response.content.decode())
        assert not (found.scripts or found.handlers or found.styles or found.style_attributes), (
            url,
            found.__dict__,
        )
