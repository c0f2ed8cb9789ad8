"""Chinese is drawn in a Chinese font, so the screenshots the browser tests keep show it.

scripts/ensure-chromium installs Debian's fonts-noto-cjk beside Chromium. Without a font for a
character Chromium draws the same box for every one, so two different characters drawn alike
mean the font is missing.
"""

from pathlib import Path

import pytest

from tests.browser import chromium

if chromium.playwright_missing():
    chromium.skip_or_fail(chromium.playwright_missing(), module=True)

from playwright.sync_api import expect

pytestmark = pytest.mark.browser

NOTO_CJK = Path("/usr/share/fonts/opentype/noto")


# Draws two characters in the page's own font (the CJK stack of a Chinese page's body) on a canvas,
# at the same place, and says whether they came out alike.
DRAWN_ALIKE = """([first, second]) => {
    const font = `64px ${getComputedStyle(document.body).fontFamily}`;
    const draw = (character) => {
        const canvas = document.createElement("canvas");
        canvas.width = canvas.height = 80;
        const context = canvas.getContext("2d");
        context.font = font;
        context.fillText(character, 0, 64);
        return canvas.toDataURL();
    };
    return draw(first) === draw(second);
}"""


def drawn_alike(page, first: str, second: str) -> bool:
    return page.evaluate(DRAWN_ALIKE, [first, second])


def test_the_chinese_interface_is_drawn_in_a_chinese_font(archive, open_page, screenshot):
    if not sorted(NOTO_CJK.glob("NotoSansCJK*")):
        chromium.skip_or_fail("fonts-noto-cjk is not installed (run scripts/ensure-chromium)")
    page = open_page(locale="zh-TW", extra_http_headers={"Accept-Language": "zh-TW"})
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hant")
    screenshot(page, "home-zh-hant")
    # The check itself: two private-use characters, which no font draws, come out as one box.
    assert drawn_alike(page, "\ue000", "\ue001")
    assert not drawn_alike(page, "營", "收")
    assert not drawn_alike(page, "营", "收")  # Simplified too, as searched
