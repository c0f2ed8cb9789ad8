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


def attach(page: Page, path) -> None:
    page.goto("/admin/")
    page.get_by_role("link", name="Attach a translation").click()
    expect(page).to_have_url(re.compile(r"/admin/uploads/translation/$"))
    page.get_by_label("Call").select_option(label="Northwind Optical · Q1 2024")
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
