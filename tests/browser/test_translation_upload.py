"""Attaching a translation to a stored call as staff do it, in a real Chromium: preview, store, search."""

import re

import pytest

from calls.models import Call
from tests.archive import SAMPLES, ingest
from tests.browser import chromium

if chromium.playwright_missing():
    chromium.skip_or_fail(chromium.playwright_missing(), module=True)

from playwright.sync_api import Page, expect

from tests.browser.test_upload import PASSWORD, log_in
from tests.uploads.people import uploader

pytestmark = pytest.mark.browser

LINES = SAMPLES / "northwind-optical-2024-q1-lines.txt"


@pytest.fixture
def staff(live_server):
    return uploader("translator", password=PASSWORD)


@pytest.fixture
def northwind(live_server):
    """The call, and one translation line per paragraph, about as long as a real one."""
    assert "error" not in ingest(LINES)[0]
    call = Call.objects.get()
    texts = call.utterances.order_by("position").values_list("text", flat=True)
    lines = [
        "北風光學第一季" + "譯" * (2 * len(text.split())) + " ".join(re.findall(r"[\d.]+%", text)) + "。"
        for text in texts
    ]
    return lines


def pick(page: Page, typed: str, label: str) -> None:
    """Type in the call field and click the suggestion with that label."""
    field = page.get_by_role("combobox", name="Call")
    field.click()
    field.press_sequentially(typed, delay=30)
    page.get_by_role("listbox", name="Stored calls").get_by_role("option", name=label).click()


def attach(page: Page, path) -> None:
    page.goto("/admin/")
    page.get_by_role("link", name="Attach a translation").click()
    expect(page).to_have_url(re.compile(r"/admin/uploads/translation/$"))
    pick(page, "north", "Northwind Optical · Q1 2024")
    page.get_by_label("Translation file").set_input_files(str(path))
    page.get_by_role("button", name="Upload and preview").click()


def test_staff_attach_a_translation_and_find_the_call_in_chinese(staff, northwind, page, tmp_path):
    lines = northwind
    paragraphs = len(lines)
    log_in(page, staff)

    # One line too few: refused with the line numbers, nothing to store.
    short = tmp_path / "northwind-zh-short.txt"
    short.write_text("\n".join(lines[:-1]), encoding="utf-8")
    attach(page, short)
    expect(page.locator("#alignment-errors")).to_contain_text(
        f"{paragraphs - 1} translation lines for {paragraphs} paragraphs: "
        f"paragraph {paragraphs} without a line"
    )
    expect(page.get_by_role("button", name="Store the translation")).to_have_count(0)
    page.get_by_role("button", name="Cancel this upload").click()
    expect(page.locator("[data-status]")).to_have_text(re.compile("cancelled", re.IGNORECASE))

    # The whole file: previewed side by side, then stored.
    full = tmp_path / "northwind-zh.txt"
    full.write_text("使用警語:中文譯文來源為 Google 翻譯,僅供參考\n\n" + "\n\n".join(lines), encoding="utf-8")
    attach(page, full)
    expect(page.get_by_role("heading", name="Preview: northwind-zh.txt")).to_be_visible()
    expect(page.locator("[data-translated]")).to_contain_text(
        f"{paragraphs} of {paragraphs} paragraphs get a translation"
    )
    first = page.locator('#pairs tr[data-position="1"]')
    expect(first).to_contain_text("Welcome to the first quarter 2024 earnings conference call")
    expect(first.locator("[data-new]")).to_have_text(lines[0])
    expect(page.locator("#pairs tbody tr")).to_have_count(10)

    page.get_by_role("button", name="Store the translation").click()

    expect(page.locator("[data-status]")).to_have_text(re.compile("stored", re.IGNORECASE))
    expect(page.locator(".messagelist")).to_contain_text(
        f"“northwind-zh.txt”: translation stored for {paragraphs} paragraphs."
    )
    page.locator("[data-call-link]").click()
    expect(page).to_have_url(re.compile(r"/calls/northwind-optical/2024-q1/$"))

    page.goto("/search/?q=北風光學&lang=zh")
    expect(page.locator("li.hit").first).to_contain_text("北風光學第一季")
    expect(page.locator("[data-total]")).to_have_attribute("data-total", str(paragraphs))


@pytest.fixture
def more_calls(northwind, tmp_path):
    """The other Northwind call and a Kestrel one, so that typing has something to narrow."""
    reports = ingest(SAMPLES / "northwind-optical-2023-q3-bullets.txt", SAMPLES)
    assert all("error" not in report for report in reports), reports
    return northwind


def test_the_call_is_found_by_typing_and_picked_with_the_keyboard(staff, more_calls, page, screenshot):
    log_in(page, staff)
    page.goto("/admin/uploads/translation/")
    field = page.get_by_role("combobox", name="Call")
    field.click()
    field.press_sequentially("northwind", delay=30)
    options = page.get_by_role("listbox", name="Stored calls").get_by_role("option")
    expect(options).to_have_count(2)
    expect(options.nth(0)).to_contain_text("Northwind Optical · Q1 2024")
    expect(options.nth(1)).to_contain_text("Northwind Optical · Q3 2023")
    screenshot(page, "suggestions")

    field.press_sequentially(" 2023", delay=30)
    expect(options).to_have_count(1)
    field.press("ArrowDown")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    expect(field).to_have_attribute("aria-activedescendant", "call-option-0")
    field.press("Enter")  # picks the call, does not send the form
    expect(field).to_have_value("northwind-optical 2023-q3")
    expect(page.get_by_role("listbox", name="Stored calls")).to_be_hidden()
    expect(page.locator("[data-call-chosen]")).to_have_text("Northwind Optical · Q3 2023")
    expect(page).to_have_url(re.compile(r"/admin/uploads/translation/$"))

    field.fill("zzz")
    expect(page.get_by_role("listbox", name="Stored calls")).to_contain_text("No stored call matches.")
    field.press("Escape")
    expect(page.get_by_role("listbox", name="Stored calls")).to_be_hidden()


def test_without_javascript_the_typed_call_is_taken_or_explained(staff, more_calls, open_page, tmp_path):
    lines = more_calls
    page = open_page(java_script_enabled=False)
    log_in(page, staff)
    full = tmp_path / "northwind-zh.txt"
    full.write_text("\n\n".join(lines), encoding="utf-8")

    page.goto("/admin/uploads/translation/")
    page.get_by_role("combobox", name="Call").fill("northwind")
    page.get_by_label("Translation file").set_input_files(str(full))
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.locator(".errorlist")).to_contain_text(
        "“northwind” matches several calls (Northwind Optical · Q1 2024; Northwind Optical · Q3 2023)"
    )
    expect(page.get_by_role("combobox", name="Call")).to_have_value("northwind")

    page.get_by_role("combobox", name="Call").fill("northwind-optical 2024-q1")
    page.get_by_label("Translation file").set_input_files(str(full))
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_role("heading", name="Preview: northwind-zh.txt")).to_be_visible()
    expect(page.locator("[data-call]")).to_have_text("Northwind Optical Q1 2024")
