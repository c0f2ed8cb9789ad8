"""With DEBUG off (production), 400, 404 and 500 answer in the site's layout, with a search box.

pytest-django runs the suite with DEBUG off, as production runs; the tests say so again, so that
they keep testing Django's production handlers whatever the default becomes. The 500 comes from a
view that really fails (tests/error_urls.py), rendered as Django renders it: without a request.
"""

import pytest
from django.test import Client

from config.middleware import CONTENT_SECURITY_POLICY
from tests.test_csp import inline_code
from tests.uploads.people import uploader

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


def assert_in_the_layout(response, status: int, heading: str) -> str:
    assert response.status_code == status
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert 'class="site-header"' in html and "css/site.css" in html
    # The search box of the page itself: a GET form to the search page.
    assert '<form action="/search/" method="get" role="search" class="big-search"' in html
    assert 'id="error-q" type="search" name="q"' in html
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    found = inline_code(html)
    assert not (found.scripts or found.handlers or found.styles or found.style_attributes), found.__dict__
    return html


def test_a_missing_page_is_a_styled_404_naming_the_address_escaped():
    response = Client().get("/calls/<script>alert(1)</script>/")
    html = assert_in_the_layout(response, 404, "Page not found")
    assert "<code>/calls/&lt;script&gt;alert(1)&lt;/script&gt;/</code>" in html
    assert "<script>alert(1)" not in html
    # Rendered with the request: the language switch is there.
    assert 'class="language-switch"' in html


def test_the_404_page_speaks_the_readers_language():
    response = Client().get("/no/such/page/", HTTP_ACCEPT_LANGUAGE="zh-TW")
    assert response.status_code == 404
    assert '<html lang="zh-hant">' in response.content.decode()


def test_a_404_with_too_many_parameters_is_still_a_404():
    # The layout's header box shows ?q=; reading it would raise TooManyFieldsSent inside the 404
    # handler (a 500). The error pages leave it empty.
    query = "&".join(f"p{i}=1" for i in range(1500))
    response = Client().get(f"/no/such/page/?{query}")
    assert_in_the_layout(response, 404, "Page not found")


@pytest.mark.urls("tests.error_urls")
def test_a_failing_view_is_a_styled_500_that_needs_no_request():
    response = Client(raise_request_exception=False).get("/fails/")
    html = assert_in_the_layout(response, 500, "Something went wrong")
    # Django renders 500.html without a request: no CSRF token, so no language switch to post it.
    assert 'class="language-switch"' not in html
    assert "deliberately" not in html  # the error itself is never shown


def test_too_many_parameters_is_a_styled_400():
    query = "&".join(f"q{i}=1" for i in range(1500))
    assert_in_the_layout(Client().get(f"/search/?{query}"), 400, "Bad request")


@pytest.mark.parametrize("debug", [False, True])
def test_a_16_kb_query_on_an_upload_page_is_a_clean_400_even_while_developing(settings, debug):
    # Signed out, the login redirect would carry the whole address in ?next=: over Django's limit.
    settings.DEBUG = debug
    response = Client().get("/admin/uploads/new/?q=" + "x" * 16_384)
    html = assert_in_the_layout(response, 400, "Bad request")
    assert "Traceback" not in html and "DisallowedRedirect" not in html
    # Signed in, the page itself answers.
    client = Client()
    client.force_login(uploader())
    assert client.get("/admin/uploads/new/?q=" + "x" * 16_384).status_code == 200
