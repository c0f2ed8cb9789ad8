"""A call held in Chinese, by a company with a Chinese name: stored under a key of its own, and
every page of it reachable from the links the archive prints.

Django's slugify drops every Chinese character, so such a company once had no key at all: the
import refused it, and two of them would have shared one.
"""

import re
from urllib.parse import unquote

import pytest

from calls.models import Call, Company, Speaker
from calls.parsing import clean_company_name
from calls.slugs import name_slug
from tests.archive import ingest

CALL = """{company}股份有限公司 2023年第{quarter}季法人說明會逐字稿
日期：2023年11月8日
主持人：各位投資人午安，歡迎參加{company}法人說明會。現在請發言人林美華致詞。
林美華（發言人）：謝謝主持人。今天與會的有董事長王志明。
王志明（董事長）：本季營收較去年同期成長百分之十二，毛利率為百分之三十一。
主持人：接下來進入問答時間。第一位提問的是凱基證券的張雅婷。
張雅婷（凱基證券）：請問第四季毛利率的展望？
王志明（董事長）：我們預期毛利率維持穩定。
"""


def test_chinese_names_keep_their_characters_and_latin_names_their_ascii_slugs():
    assert name_slug("微風電子") == "微風電子"
    assert name_slug("Société Générale") == "societe-generale"  # as stored before: still found
    assert clean_company_name("微風電子股份有限公司") == "微風電子"
    assert clean_company_name("騰訊控股有限公司") == "騰訊控股"  # 控股 (holdings) is part of the name
    assert clean_company_name("有限公司") == "有限公司"  # never stripped to nothing


@pytest.mark.django_db
def test_two_chinese_companies_are_two_companies_and_every_page_of_their_calls_opens(client, tmp_path):
    paths = []
    for company, quarter in (("微風電子", "三"), ("遠景科技", "二")):
        path = tmp_path / f"{company}.txt"
        path.write_text(CALL.format(company=company, quarter=quarter), encoding="utf-8")
        paths.append(path)

    reports = ingest(*paths)

    assert [r["status"] for r in reports] == ["created", "created"]
    assert sorted(Company.objects.values_list("slug", "name")) == [
        ("微風電子", "微風電子"),
        ("遠景科技", "遠景科技"),
    ]
    call = Call.objects.get(company__slug="微風電子")
    assert (call.fiscal_year, call.fiscal_quarter) == (2023, 3)
    assert unquote(call.get_absolute_url()) == "/calls/微風電子/2023-q3/"
    # Speakers keep their names in their slugs, not "speaker", "speaker-2", ...
    assert all(s.slug.startswith(s.name) for s in Speaker.objects.exclude(name="Operator"))

    call_page = client.get(call.get_absolute_url())
    assert call_page.status_code == 200
    links = set(re.findall(r'href="(/(?:calls|companies|speakers)/[^"?#]+)"', call_page.content.decode()))
    assert {"/companies/%E5%BE%AE%E9%A2%A8%E9%9B%BB%E5%AD%90/"} <= links  # the company, percent-encoded
    assert any("/qa/1/" in link for link in links) and any(link.startswith("/speakers/") for link in links)
    for link in sorted(links):
        assert client.get(link).status_code == 200, unquote(link)

    found = client.get("/api/search/", {"q": "毛利率", "company": "微風電子"}).json()
    assert found["total"] >= 1
    assert {hit["company_slug"] for hit in found["results"]} == {"微風電子"}
