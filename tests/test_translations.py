"""The committed .mo catalogue is the compiled .po: CI serves the .mo and has no msgfmt to rebuild it."""

import gettext
import shutil
import subprocess

import pytest

from tests.archive import ROOT

MESSAGES = ROOT / "locale" / "zh_Hant" / "LC_MESSAGES"


def catalogue(path) -> dict:
    with open(path, "rb") as mo:
        return dict(gettext.GNUTranslations(mo)._catalog)


def test_the_compiled_catalogue_is_committed():
    assert (MESSAGES / "django.mo").is_file(), "run manage.py compilemessages and commit the .mo"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed")
def test_the_compiled_catalogue_matches_the_po_file(tmp_path):
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", fresh, MESSAGES / "django.po"], check=True)
    assert catalogue(MESSAGES / "django.mo") == catalogue(fresh), (
        "locale/zh_Hant/LC_MESSAGES/django.mo is stale: run manage.py compilemessages and commit it"
    )


def test_every_message_is_translated():
    po = (MESSAGES / "django.po").read_text(encoding="utf-8")
    # An untranslated entry ends in an empty msgstr; the header's empty msgid is the only exception.
    assert po.count('msgstr ""\n\n') + po.count('msgstr[0] ""\n\n') == 0
