"""With its database unreachable the site answers 503: JSON for the API, its own styled page elsewhere.

The database is really unreachable here: the connection is pointed at an empty socket folder, so
psycopg's connect fails as it does against a stopped server (tests/test_faults.py stops a real one
under gunicorn).
"""

import pytest
from django.db import connection
from django.test import Client


@pytest.fixture
def database_down(tmp_path, django_db_blocker):
    """The default connection, closed and pointed at a folder where no PostgreSQL listens."""
    saved = connection.settings_dict.copy()
    saved_options = dict(saved.get("OPTIONS", {}))
    with django_db_blocker.unblock():
        connection.close()
        connection.settings_dict["OPTIONS"] = {**saved_options, "host": str(tmp_path)}
        connection.settings_dict["HOST"] = ""
        connection.settings_dict["PORT"] = ""
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)
            connection.settings_dict["OPTIONS"] = saved_options


PAGES = [
    "/",
    "/search/?q=margin",
    "/companies/",
    "/companies/allot/",
    "/speakers/",
    "/calls/allot/2013-q1/",
    "/calls/allot/2013-q1/qa/1/",
]


def test_the_api_answers_json_503(database_down):
    response = Client().get("/api/search/", {"q": "margin"})
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert "unavailable" in response.json()["error"]
    assert response["Retry-After"].isdigit()


@pytest.mark.parametrize("url", PAGES)
def test_pages_answer_the_styled_503(database_down, url):
    response = Client().get(url)
    assert response.status_code == 503
    html = response.content.decode()
    assert "The archive is unavailable" in html
    # The site's own layout (header, search box, stylesheet), rendered without the database.
    assert 'class="site-header"' in html and "css/site.css" in html
    assert response["Retry-After"].isdigit()
    assert "Content-Security-Policy" in response


def test_the_503_page_speaks_the_readers_language(database_down):
    response = Client().get("/companies/", HTTP_ACCEPT_LANGUAGE="zh-TW")
    assert response.status_code == 503
    assert '<html lang="zh-hant">' in response.content.decode()


def test_the_admin_is_a_503_too(database_down):
    # A signed-in user's session is read from the database in the admin's login check.
    client = Client()
    client.cookies["sessionid"] = "a" * 32
    assert client.get("/admin/").status_code == 503
    assert client.get("/admin/uploads/new/").status_code == 503


@pytest.mark.django_db
def test_with_the_database_back_the_pages_are_200():
    assert Client().get("/api/search/", {"q": "margin"}).status_code == 200
    assert Client().get("/companies/").status_code == 200
