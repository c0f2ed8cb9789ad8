"""Uploading transcripts as staff do it, in a real Chromium: log in, upload, correct, store, search.

Starts from an empty archive: the uploaded sample is the only call.
"""

import re

import pytest

from tests.archive import SAMPLES
from tests.browser import chromium
from tests.uploads.people import uploader

if chromium.playwright_missing():
    chromium.skip_or_fail(chromium.playwright_missing(), module=True)

from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

BILINGUAL = SAMPLES / "kestrel-semiconductor-2022-q4-bilingual.txt"
PASSWORD = "a-long-test-password-1"  # a throwaway user of the test database


@pytest.fixture
def staff(live_server):
    return uploader("editor", password=PASSWORD)


def log_in(page: Page, user) -> None:
    """Through the admin's own login form, as a person does."""
    page.goto("/admin/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def upload(page: Page, *paths) -> None:
    page.goto("/admin/")
    page.get_by_role("link", name="Upload transcripts").click()
    expect(page).to_have_url(re.compile(r"/admin/uploads/new/$"))
    page.get_by_label("Transcript files").set_input_files([str(path) for path in paths])
    page.get_by_role("button", name="Upload and preview").click()


def test_staff_upload_correct_store_and_find_it_by_search(staff, page, tmp_path):
    log_in(page, staff)

    upload(page, BILINGUAL)

    expect(page.get_by_role("heading", name=f"Preview: {BILINGUAL.name}")).to_be_visible()
    expect(page.locator("[data-layout]")).to_have_text("bilingual")
    expect(page.locator("[data-target]")).to_have_text("Kestrel Semiconductor Q4 2022")
    expect(page.locator("[data-paragraphs]")).to_contain_text("46, of which 46 have a translation")
    expect(page.locator("#exchanges tbody tr")).to_have_count(3)
    expect(page.locator("[data-outcome=new]")).to_be_visible()
    representative = page.locator('tr[data-speaker="Unidentified Company Representative"]')
    representative.get_by_role("combobox").select_option("unknown")

    page.get_by_role("button", name="Store the call").click()

    expect(page.locator("[data-status]")).to_have_text(re.compile("stored", re.IGNORECASE))
    expect(page.locator(".messagelist")).to_contain_text(f"“{BILINGUAL.name}”: stored.")
    page.locator("[data-exchange-link]").click()
    expect(page).to_have_url(re.compile(r"/calls/kestrel-semiconductor/2022-q4/qa/1/$"))
    page.go_back()
    page.locator("[data-call-link]").click()
    expect(page).to_have_url(re.compile(r"/calls/kestrel-semiconductor/2022-q4/$"))

    # Found by search, with the corrected role on the hit.
    page.goto("/search/?q=substrate-intensive")
    hit = page.locator("li.hit").filter(has_text="Unidentified Company Representative")
    expect(hit).to_have_count(1)
    expect(hit.locator(".role-badge")).to_have_attribute("data-role", "unknown")

    # The same file again: nothing to do.
    upload(page, BILINGUAL)
    expect(page.locator("[data-status]")).to_have_text(re.compile("unchanged", re.IGNORECASE))
    expect(page.locator(".messagelist")).to_contain_text(
        "unchanged, already stored as Kestrel Semiconductor Q4 2022"
    )

    # A binary file: refused, named, nothing stored.
    binary = tmp_path / "chart.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    upload(page, binary)
    expect(page.locator(".messagelist .error")).to_contain_text("“chart.png”: the file looks binary")
    expect(page.locator("[data-status]")).to_have_text(re.compile("failed", re.IGNORECASE))
    expect(page.get_by_role("button", name="Store the call")).to_have_count(0)


def test_files_dropped_on_the_zone_are_uploaded(staff, page):
    log_in(page, staff)
    page.goto("/admin/uploads/new/")
    # Drop the sample on the zone the way a browser does: a drop event carrying a DataTransfer.
    page.locator("[data-drop-zone]").evaluate(
        """(zone, text) => {
            const data = new DataTransfer();
            data.items.add(new File([text], "dropped.txt", {type: "text/plain"}));
            zone.dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true, cancelable: true}));
        }""",
        BILINGUAL.read_text(),
    )
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_role("heading", name="Preview: dropped.txt")).to_be_visible()


def test_the_form_shows_no_error_box_until_there_is_a_problem(staff, page, screenshot, tmp_path):
    log_in(page, staff)
    page.goto("/admin/uploads/new/")
    expect(page.get_by_label("Transcript files")).to_be_visible()
    # The admin's .errornote is display: block; an empty one would be a red box saying nothing.
    expect(page.locator(".errornote")).to_have_count(1)
    expect(page.locator(".errornote")).to_be_hidden()
    screenshot(page, "empty-form")

    # Too many files: the box says so before anything is sent, in the page's words.
    files = []
    for number in range(21):
        path = tmp_path / f"call-{number}.txt"
        path.write_text("Operator\nWelcome.\n")
        files.append(str(path))
    page.get_by_label("Transcript files").set_input_files(files)
    problem = page.locator("[data-upload-problem]")
    expect(problem).to_be_visible()
    expect(problem).to_have_text("Too many files: at most 20 can be uploaded at once.")
    page.get_by_label("Transcript files").set_input_files(files[:1])
    expect(problem).to_be_hidden()


def test_anonymous_user_is_refused(live_server, page):
    page.goto("/admin/uploads/new/")

    expect(page).to_have_url(re.compile(r"/admin/login/\?next=/admin/uploads/new/$"))
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    expect(page.get_by_label("Transcript files")).to_have_count(0)


def test_corrections_to_a_file_already_stored_are_stored(staff, page, tmp_path):
    # The same file twice in one batch: once the first is stored, the second is that very file.
    copy = tmp_path / "kestrel-copy.txt"
    copy.write_bytes(BILINGUAL.read_bytes())
    log_in(page, staff)
    upload(page, BILINGUAL, copy)
    expect(page.locator("tr[data-upload]")).to_have_count(2)
    batch = page.url
    page.get_by_role("link", name=BILINGUAL.name).click()
    page.get_by_role("button", name="Store the call").click()
    expect(page.locator("[data-status]")).to_have_text(re.compile("stored", re.IGNORECASE))

    page.goto(batch)
    page.get_by_role("link", name=copy.name).click()
    expect(page.locator("[data-outcome=unchanged]")).to_be_visible()
    expect(page.get_by_role("button", name="Store the call")).to_have_count(0)
    representative = page.locator('tr[data-speaker="Unidentified Company Representative"]')
    representative.get_by_role("combobox").select_option("unknown")
    page.get_by_role("button", name="Update the preview").click()

    expect(page.locator("[data-outcome=corrections]")).to_contain_text("This very file is already stored")
    page.get_by_role("button", name="Store the corrections").click()

    expect(page.locator("[data-status]")).to_have_text(re.compile("replaced", re.IGNORECASE))
    page.locator("[data-call-link]").click()
    turn = page.locator("section.turn").filter(has_text="Unidentified Company Representative").first
    expect(turn.locator(".role-badge")).to_have_attribute("data-role", "unknown")


def test_staff_without_the_upload_permission_are_refused(live_server, page):
    from django.contrib.auth import get_user_model

    reader = get_user_model().objects.create_user("reader", password=PASSWORD, is_staff=True)
    log_in(page, reader)
    response = page.goto("/admin/uploads/new/")
    assert response.status == 403
    expect(page.get_by_label("Transcript files")).to_have_count(0)
