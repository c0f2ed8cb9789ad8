"""What a transcript file says about its call: company, ticker, fiscal period, date held, title, part.

Reads, strongest first:
1. `fields`, facts a structured format states outright (JSON keys, CSV columns);
2. header labels: "Company: Tencent", "Reporting Period: Q1-2025", "Call Date: 2025-04-29", "季度: Q1";
3. title lines: Seeking Alpha "21st Century Fox, Inc. (NASDAQ:FOXA) Q1 2016 Earnings Conference Call
   November 4, 2015 8:30 AM ET", StreetEvents "Q2 2020 Advanced Micro Devices Inc Earnings Call",
   Refinitiv "2330.TW - Q1 2023 ... Earnings Call", FactSet's "Uber Technologies, Inc. (UBER)" over
   "Q1 2023 Earnings Call", S&P's "COSTCO WHOLESALE CORPORATION FQ2 2023 EARNINGS CALL  MAR 02, 2023";
4. the welcome sentence ("welcome to the AMD Second Quarter 2020 Conference Call"), a weak source (for
   the company, read word by word by `inference.find_company` when nothing else names one);
5. the file name ("FOXA_Q1-2016_2015-11-04.txt"), the weakest: it often uses calendar quarters.

A stronger source wins silently. Empty rather than wrong: when only the welcome states the period and
the file name says another (or two strong sources disagree), `period_conflict` names both so the
importer can refuse with a message; when nothing states a year and a quarter they stay None.
"""

from __future__ import annotations

import datetime
import re
from collections import namedtuple
from dataclasses import dataclass, field
from itertools import islice
from pathlib import PurePath

from .inference import find_company


@dataclass
class CallMetadata:
    company: str = ""
    ticker: str = ""
    fiscal_year: int | None = None
    fiscal_quarter: int | None = None
    held_on: datetime.date | None = None
    title: str = ""
    part: str = ""  # "presentation" | "qa" | "" (the file is one half of a split call)
    period_conflict: str = ""
    period_note: str = ""  # how a period not written as a quarter was read ("Interim Results 2023")
    header_lines: set[int] = field(default_factory=set)


# --- Periods: "Q1 2016", "FQ2 2023", "4Q25", "first quarter fiscal year 2010", "2024年第一季度" -------

# Quarters in words, English and Chinese, and as European and Latin American calls say them.
_QWORDS = (
    "first|1st|one|一|premier|première|primer|primero|primeiro|erste[snm]?|primo",
    "second|2nd|two|二|deuxième|segundo|zweite[snm]?|secondo",
    "third|3rd|three|三|troisième|tercer|tercero|terceiro|dritte[snm]?|terzo",
    "fourth|4th|four|四|quatrième|cuarto|quarto|vierte[snm]?",
)
_EURO_ORDINALS = "|".join(part.split("|", 4)[4] for part in _QWORDS)
_QTOK = (
    r"(?:(?<![a-z])f?q(?P<q>[1-4])(?!\d)|(?<![a-z])q\s?(?P<qs>one|two|three|four)\b"
    r"|(?<![a-z0-9])(?P<qn>[1-4])q(?![a-z0-9])|\b(?P<qo>first|second|third|fourth|1st|2nd|3rd|4th)[\s-]+"
    r"(?:fiscal[\s-]+)?quarter\b|第\s*(?P<qc>[一二三四1-4])\s*季度?|(?P<qc2>[一二三四])季度"
    # "troisième trimestre", "segundo trimestre de", "drittes Quartal", "2T24"
    rf"|\b(?P<qe>{_EURO_ORDINALS})\s+(?:trimestre|quartals?|trimestre\s+fiscal)(?:\s+(?:de|del|do|da))?\b"
    r"|(?<![a-z0-9])(?P<qt>[1-4])T(?=\d{2}\b|\s))"
)
_Y4 = r"(?P<y>(?:19|20)\d{2})(?!\d)"
_MID = (  # between quarter and year: " of the full fiscal year ", " FY", "-"
    r"(?:\s+(?:of|and|for)(?:\s+the)?(?:\s+full)?)?(?:[\s_-]*(?:fiscal|fy)(?:[\s-]+year)?"
    # "of the Fiscal Year Ending March 2025", "fiscal year ended March 31, 2025": the fiscal year
    # named by the year it ends in (only after "fiscal year": a quarter's own end need not be in
    # its fiscal year)
    r"(?:[\s-]+end(?:ing|ed)(?:\s+in)?(?:\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
    r"(?:\s+\d{1,2}(?:st|nd|rd|th)?)?)?)?)?"
    r"(?:[\s-]+year(?:[\s-]+end(?:ed)?)?)?[\s_'’,-]*"
)
_PERIODS = [
    re.compile(rf"{_QTOK}{_MID}{_Y4}", re.I),
    re.compile(
        rf"(?<!\d)(?:(?:fiscal(?:\s+year)?|fy)[\s_-]*)?(?:{_Y4}|(?<=fy)(?P<y2>\d{{2}})(?!\d)|"
        rf"(?<=fy\s)(?P<y3>\d{{2}})(?!\d))(?:\s*年度?)?[\s_,-]*(?:fiscal[\s_-]+)?{_QTOK}",
        re.I,
    ),
    re.compile(r"(?<![a-z0-9])(?P<qn>[1-4])q\s?(?:fy\s?)?['’]?(?P<y2>\d{2}|(?:19|20)\d{2})(?!\d)", re.I),
    re.compile(rf"{_QTOK}(?:[\s_-]*fy[\s_-]*|\s*['’])(?P<y2>\d{{2}})(?!\d)", re.I),
    re.compile(r"(?<![A-Za-z0-9])(?P<qt>[1-4])T(?P<y2>\d{2})(?!\d)"),  # "2T24": Latin America's quarters
    re.compile(_QTOK, re.I),  # the quarter alone: "welcome to the first quarter call"
]


_Period = namedtuple("_Period", "start end year quarter")


def _periods(text: str) -> list[_Period]:
    found = []
    for regex in _PERIODS:
        for m in regex.finditer(text):
            g = {k: v for k, v in m.groupdict().items() if v}
            digit = g.get("q") or g.get("qn") or g.get("qt")
            word = g.get("qs") or g.get("qo") or g.get("qc") or g.get("qc2") or g.get("qe")
            quarter = int(
                digit or next(n for n, w in enumerate(_QWORDS, 1) if re.fullmatch(w, str(word), re.I))
            )
            two = g.get("y2") or g.get("y3")
            year = int(g["y"]) if "y" in g else (2000 + int(two) % 100 if two else None)
            found.append(_Period(m.start(), m.end(), year, quarter))
    # The earliest mention; at one place the fullest reading ("Q1 2016" over "Q1").
    return sorted(found, key=lambda p: (p.start, p.year is None, -p.end))


def _first_period(text: str) -> _Period | None:
    return next(iter(_periods(text)), None)


# Calls of companies that report by half year: "Interim Results 2023", "H1 2023", "Full Year 2023
# Results", "FY2023 Results". Read only from a title, never from speech ("our full year 2024 guidance").
_Y = r"(?:19|20)\d{2}"
_HALF = r"(?:h1|1h|first[\s-]+half(?:[\s-]+year)?|half[\s-]+year(?:ly)?|interim|semi[\s-]?annual)"
_SECOND_HALF = r"(?:h2|2h|second[\s-]+half)"
_FULL = r"(?:full[\s-]+year|fiscal[\s-]+year|annual|fy|year[\s-]+end|preliminary)"
_OF = r"(?:[\s_-]*(?:results?|fiscal(?:[\s-]+year)?|of|fy))*[\s_'’-]*"
_HALF_OR_FULL_YEAR = re.compile(
    rf"(?<![a-z0-9])(?:(?P<half>{_HALF})|(?P<second>{_SECOND_HALF})|(?P<full>{_FULL})){_OF}(?P<y>{_Y})(?!\d)"
    rf"|(?<!\d)(?P<y2>{_Y})[\s_-]+(?:(?P<half2>{_HALF})|(?P<second2>{_SECOND_HALF})|(?P<full2>{_FULL}))\b"
    # "2023年度业绩说明会" (the year's results), "2024年半年度", "2024年上半年", "2023年年度"
    rf"|(?<!\d)(?P<y3>{_Y})\s*年\s*(?:(?P<half3>半年度|中期|上半年)|(?P<second3>下半年)|(?P<full3>年?度|全年))",
    re.IGNORECASE,
)


def _half_or_full_year(text: str) -> tuple[_Period, str] | None:
    """The quarter a half-year or full-year results call stands for, and a note saying so."""
    m = _HALF_OR_FULL_YEAR.search(text)
    if m is None:
        return None
    year = int(m["y"] or m["y2"] or m["y3"])
    if m["half"] or m["half2"] or m["half3"]:
        quarter, said = 2, "a first half"
    else:
        quarter, said = 4, "a second half" if (m["second"] or m["second2"] or m["second3"]) else "a full year"
    note = f"the title names {said} ('{m.group().strip()}'): filed as Q{quarter} {year}, the quarter it ends"
    return _Period(m.start(), m.end(), year, quarter), note


def _fmt(year: object, quarter: object) -> str:
    return f"Q{quarter} {year}" if quarter and year else f"Q{quarter}" if quarter else str(year or "")


# --- Dates: "April 28, 2020", "02-May-2023", "MAR 02, 2023", "2025-04-29", "2025年4月29日" ---------

_MON = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATES = [
    re.compile(rf"\b{_MON}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{{2}})(?!\d)", re.I),
    re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?[\s-]+{_MON}[\s,-]+(?P<y>(?:19|20)\d{{2}})(?!\d)", re.I),
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)"),
    re.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"),
]
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
# Months as Spanish, Portuguese, French, German and Italian calls write them: "25 de julio de 2024",
# "8 août 2024", "7. November 2024".
_EURO_MONTHS = {
    word: number
    for number, words in enumerate(
        [
            "enero janeiro janvier januar gennaio",
            "febrero fevereiro février fevrier februar febbraio",
            "marzo março marco mars märz marz",
            "abril avril april aprile",
            "mayo maio mai maggio",
            "junio junho juin juni giugno",
            "julio julho juillet juli luglio",
            "agosto août aout august",
            "septiembre setiembre setembro septembre september settembre",
            "octubre outubro octobre oktober ottobre",
            "noviembre novembro novembre november",
            "diciembre dezembro décembre decembre dezember dicembre",
        ],
        start=1,
    )
    for word in words.split()
}
_DATES.append(
    re.compile(
        rf"(?<!\d)(?P<d>\d{{1,2}})(?:\.|º|er)?\s+(?:de\s+)?(?P<eur>{'|'.join(_EURO_MONTHS)})\s+(?:de\s+|del\s+)?"
        r"(?P<y>(?:19|20)\d{2})(?!\d)",
        re.I,
    )
)
_WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|mon|tue|wed|thu|fri|sat|sun)\.?,?\s*"
_TIME_REST = re.compile(
    r"(?:\s*(?:[/,|@–-]|\bat\b)?\s*\d{1,2}(?:[:.]\d{2})?\s*(?:[ap]\.?\s?m\.?)?"
    # "GMT", "(ET)", "Eastern", "Eastern Time", "Hong Kong Time"
    r"(?:\s*\(?[a-z]{2,5}\)?|\s+(?:eastern|central|mountain|pacific)(?:\s+time)?|\s+[a-z]+(?:\s+[a-z]+)?\s+time)?)?\s*",
    re.I,
)


def _make_date(g: dict[str, str | None]) -> datetime.date | None:
    if g.get("eur"):
        month = _EURO_MONTHS[str(g["eur"]).casefold()]
    else:
        month = _MONTHS.index(str(g["mon"])[:3].casefold()) + 1 if g.get("mon") else int(g.get("m") or 0)
    try:
        return datetime.date(int(g["y"] or 0), month, int(g["d"] or 0))
    except ValueError:
        return None


def _find_date(text: str) -> tuple[datetime.date, int, int] | None:
    """The earliest real date in the text, with where it starts and ends."""
    found = []
    for regex in _DATES:
        day = next(((d, m) for m in regex.finditer(text) if (d := _make_date(m.groupdict()))), None)
        found += [(day[0], day[1].start(), day[1].end())] if day else []
    return min(found, key=lambda f: f[1], default=None)


def _date_line(line: str) -> datetime.date | None:
    """The date of a line that is only a date and time: "JULY 28, 2020 / 9:00PM GMT", "Held on
    Tuesday, May 6, 2025" (when the call was held, never when the file was updated)."""
    line = re.sub(r"^\W*(?:held|recorded|conducted|hosted|took\s+place)(?:\s+on)?\s+", "", line, flags=re.I)
    line = re.sub(rf"^\s*{_WEEKDAY}", "", line, flags=re.I).rstrip("*_ ")
    found = _find_date(line)
    return found[0] if found and found[1] == 0 and _TIME_REST.fullmatch(line, found[2]) else None


# --- Header labels and title lines ------------------------------------------------------------------

_LABEL = re.compile(r"^\[?(?P<label>[^\W\d_][\w /&.\-]{0,30}?)\]?\s*[:：]\s*(?P<value>\S.*)$")
_LABEL_KEYS = {
    label: key
    for key, labels in {
        "company": "company|company name|bank|issuer|公司|公司名称|公司名稱",
        "ticker": "ticker|symbol|ticker symbol|stock code|股票代码|股票代碼",
        "year": "year|fiscal year|年度|年份|财年|財年",
        "quarter": "quarter|fiscal quarter|季度",
        "period": "reporting period|period|fiscal period|报告期|報告期",
        "date": "date|call date|event date|event date/time|conference date|日期|会议日期|會議日期|"
        "时间|時間|会议时间|會議時間|召开时间|召開時間",
        "title": "title|event|event title|标题|標題",
    }.items()
    for label in labels.split("|")
}
# From the first speaker block on, "Company:" is an analyst's firm, no longer the call's company.
_PERSON_LABELS = {"speaker", "name", "analyst", "participant", "发言人", "發言人"}
_CALL_WORD = re.compile(
    r"\b(?:earnings|results|call|webcast|transcripts?|teleconference)\b|法說會|法说会|业绩|業績|电话会|電話會|"
    r"說明會|说明会|逐字稿",
    re.I,
)
_EURO_TITLE = re.compile(
    r"conf[ée]rence|t[ée]l[ée]conf[ée]rence|r[ée]sultats|chiffre\s+d['’]affaires|resultados|conferencia|"
    r"teleconfer[êe]ncia|telefonkonferenz|ergebnisse|quartalsergebnis|presentaci[óo]n|apresenta[çc][ãa]o",
    re.IGNORECASE,
)
_SENTENCE_CUE = re.compile(
    r"\b(?:welcome|thank|hello|ladies|good\s+(?:morning|afternoon|day)|we|our|you)\b|[。？！]|歡迎|欢迎|謝謝|谢谢",
    re.I,
)
_SMALL_WORDS = {"of", "and", "the", "for", "to", "a", "an", "in", "on", "at", "with", "by", "de", "du", "la"}
_EXCHANGE = re.compile(
    r"NASDAQ\w*|NYSE\w*|AMEX|ARCA|OTC\w*|TSXV?|CSE|LSE|AIM|ASX|NZX|HKEX|SEHK|SGX|TSE|TYO|KRX|KOSDAQ|TWSE|TPEX"
    r"|SSE|SZSE|BSE|NSE|XETRA|ETR|FRA|EPA|ENXT\w*|BIT|BME|SIX|SWX|OM|JSE|TASE|BMV",
    re.I,
)
_COUNTRY = re.compile(r"US|CA|UK|GB|AU|HK|JP|CN|TW|KR|IN|DE|FR|IT|ES|NL|CH|SE|NO|DK|FI|BE|SG|NZ|BR|MX|ZA|IL")
_ROLES = {"CEO", "CFO", "COO", "CTO", "IR", "EVP", "SVP", "VP", "MD", "PRESIDENT", "CHAIRMAN"}
_TICK = r"[A-Z0-9][A-Z0-9.\-]{0,9}"
# "(NASDAQ:FOXA)", "(UBER)", "(LV:CA)", and The Motley Fool's "(YETI+0.30%)" with the day's move
_PAREN_TICKER = re.compile(
    rf"\((?:(?P<a>[A-Za-z0-9]{{1,12}})\s*:\s*)?(?P<b>{_TICK})(?:\s*[+−-]\d+(?:\.\d+)?%)?\)"
)
_COVER = re.compile(rf"(?P<name>[^()]{{2,80}}?)\s*{_PAREN_TICKER.pattern}(?:\s+\w+)?(?:\s+[Tt]ranscript)?")
_EXCH_LINE = re.compile(rf"^(?P<company>.+?)\s+(?P<ex>[A-Za-z]{{2,12}}):(?P<t>{_TICK})$")
_RIC = re.compile(r"^(?P<ric>[A-Z0-9][A-Za-z0-9_]{0,7}(?:\.[A-Z]{1,3})?)\s+[-–]\s+")
# A browser's print header ("6/2/25, 11:25 PM"), a weekday or "Transcript of" before the title.
_PREFIX = re.compile(
    rf"^(?:\d{{1,2}}/\d{{1,2}}/\d{{2,4}},?\s*(?:\d{{1,2}}:\d{{2}}\s*(?:[AP]M)?\s*)?|{_WEEKDAY}"
    r"|(?:edited\s+|corrected\s+)?transcript\s*(?:of\b|[:–-])\s*)",
    re.I,
)
# "Copyright © 2023 Citigroup Inc.   1": who published the file (for its own calls, the company).
_COPYRIGHT = re.compile(
    r"(?:©|\(c\))\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*(?P<c>[A-Z][\w&.,' -]{1,60}?)"
    r"(?=\s{2,}|\s+\d+\s*$|\.?\s+all\s+rights|\s*$|,\s|(?<!Inc)(?<!Corp)(?<!Co)(?<!Ltd)\.\s)",
    re.I,
)


# "ORBK-US", "0700.HK", "AAPL.O": a security's code (ticker and market), which a feed may give as
# its "company"; no company is named so.
_SECURITY_CODE = re.compile(r"(?P<t>[A-Z0-9]{1,6})[-.](?P<x>[A-Z]{1,3})")
# Refinitiv's suffixes of the US exchanges (.N, .O, .OQ...): no part of the ticker.
_US_EXCHANGE_SUFFIX = r"N|O|OQ|A|K|P"


def _security_code(value: str) -> str:
    """The ticker of a security code given as the company ("ORBK-US" -> "ORBK"), or ""."""
    code = _SECURITY_CODE.fullmatch(value.strip())
    if code and (_COUNTRY.fullmatch(code["x"]) or re.fullmatch(_US_EXCHANGE_SUFFIX, code["x"])):
        return code["t"]
    return ""


def _ticker(a: str | None, b: str) -> str:
    """ "(NASDAQ:FOXA)" is FOXA, "(LV:CA)" is LV (a country after the ticker), "(UBER)" is UBER."""
    ticker = (
        b if not a or _EXCHANGE.fullmatch(a) or not (_EXCHANGE.fullmatch(b) or _COUNTRY.fullmatch(b)) else a
    )
    return "" if ticker.upper() in _ROLES or (ticker.isdigit() and len(ticker) < 4) else ticker


def _title_facts(line: str) -> dict[str, object] | None:
    """Company, ticker, period and date from one title line, or None when the line is no title."""
    if len(line) > 220 or line.rstrip().endswith((".", "?", "!")) or _SENTENCE_CUE.search(line):
        return None
    text = _PREFIX.sub("", line.strip())
    found = _find_date(text)
    if found and found[1] == 0:  # "APRIL 20, 2023 / 6:00AM, 2330.TW - Q1 2023 ..."
        text = re.sub(r"^[\s/,]*(?:\d{1,2}:\d{2}\s*(?:[AP]M)?\s*[A-Z]{0,4})?[\s,]*", "", text[found[2] :])
    period, note = _first_period(text), ""
    if period is None and (half_or_full := _half_or_full_year(text)):
        period, note = half_or_full
    if (
        period is not None
        and _EURO_TITLE.search(text)
        and re.search(r"trimestre|quartal|\b[1-4]T\d{2}\b", text, re.I)
    ):
        # "Conférence téléphonique – Chiffre d'affaires du troisième trimestre 2024": such titles are
        # not capitalised, and the words before the period are the call's, not the company's name.
        return {"year": period.year, "quarter": period.quarter, "date": found and found[0], "company": ""}
    lower = [w for w in re.findall(r"\b[^\W\d_][\w'’]+", text) if w[0].islower() and w not in _SMALL_WORDS]
    if period is None or not _CALL_WORD.search(text) or len(lower) > 1:  # titles capitalise their words
        return None
    facts: dict[str, object] = {"year": period.year, "quarter": period.quarter, "date": found and found[0]}
    if note:
        facts["period_note"] = note
    paren, ric = _PAREN_TICKER.search(text), _RIC.match(text)
    if paren and paren.start() <= period.start:
        company, facts["ticker"] = text[: paren.start()], _ticker(paren["a"], paren["b"])
    else:
        if ric:  # Refinitiv's RIC; the US exchange suffixes (.N, .OQ) are no part of the ticker
            facts["ticker"] = re.sub(rf"\.(?:{_US_EXCHANGE_SUFFIX})$", "", ric["ric"])
        company = text[ric.end() if ric else 0 : period.start]
        if not _plausible(company.strip(" -–—:|,")) and not note:
            # StreetEvents: "Q2 2020 Advanced Micro Devices Inc Earnings Call"; or the company last:
            # "Earnings Conference Call - Q3 FY2024 - Tata Motors Ltd", "Q4 2023 Earnings Call -
            # Acme Inc", "Quarterly Results Q3 2024 | Acme Corp | 30 July 2024"
            call = _CALL_WORD.search(text, period.end)
            # Right after the period, up to the call word, the name as StreetEvents writes it; a part
            # a separator sets apart ("- Prepared Remarks", "| English") names the company only with
            # its legal form ("- Zephyr Motors Ltd"), and after the call word only such a part
            # ("业绩电话会议纪要" goes on the title).
            between = _TITLE_PARTS.split(text[period.end : call.start() if call else len(text)])
            beyond = _TITLE_PARTS.split(text[call.end() :])[1:] if call else []
            parts = [(i == 0 and call is not None, part.strip(" -–—:|,")) for i, part in enumerate(between)]
            parts += [(False, part.strip(" -–—:|,")) for part in beyond]
            company = next(
                (
                    part
                    for adjoining, part in parts
                    if _plausible(part)
                    and not re.search(r"\d", part)
                    and not _TITLE_FILLER.fullmatch(part)
                    and (adjoining or _LEGAL_NAME.match(part))
                ),
                "",
            )
    company = company.strip(" -–—:|,")
    # "Acme Inc. — Fiscal Q3 2024 ...": the word that opens the period is no part of the name.
    company = re.sub(r"[\s\-–—:|,]+(?:fiscal|fy)?$", "", company, flags=re.IGNORECASE).strip(" -–—:|,")
    if not re.search(r"[a-z]", text):  # an all-capitals line: capitals are the style, not the name
        company = _title_case(company)
    facts["company"] = company if _plausible(company) and not _TITLE_FILLER.fullmatch(company) else ""
    return facts


_TITLE_PARTS = re.compile(r"\s+[-–—|]\s+|\s*\|\s*")
# What a title says of the document, never a company's name: "Earnings Call Transcript - Final".
_TITLE_FILLER = re.compile(
    r"(?:\s*\(?(?:earnings|results|financial|quarterly|conference|call|webcast|transcripts?|teleconference|"
    r"presentation|edited|corrected|final|preliminary|raw|draft|version|event|brief|prepared|remarks|"
    r"english|chinese|new|copy|replay|audio|slides|script|live|updated|unofficial|investors?|session)\)?)+",
    re.IGNORECASE,
)


def _title_case(name: str) -> str:
    words: list[str] = []
    for word in name.split():
        core = word.strip(",.").casefold()
        keep = re.search(r"[\d&]", word) or (len(core) <= 3 and core not in {"the", "inc", "co", "of", "and"})
        words.append(word if keep else word.lower() if core in {"of", "and"} and words else word.capitalize())
    return " ".join(words)


# --- The welcome: "welcome to Aon plc's Third Quarter 2021 earnings call" ------------------------------

_WELCOME_CUE = re.compile(
    r"\b(?:welcome(?:\s+(?:everyone|you|all))?(?:\s+to)?|(?:joining|attending)(?:\s+us)?(?:\s+today)?"
    r"(?:\s+(?:for|to\s+discuss))?|standing\s+by\s+for)\s+",
    re.I,
)
_CALL_OF = re.compile(
    r"(?i:conference\s+call|call|teleconference)\s+(?i:of|for)\s+(?:the\s+)?"
    r"(?P<c>[A-Z][\w&'’.\-]*(?:\s+(?:[A-Z][\w&'’.\-]*|&|and|of)){0,5})"
)
_HOSTED_BY = re.compile(
    r"\bhosted\s+by\s+(?P<c>[A-Z][\w&'’.\-]*(?:\s+(?:[A-Z][\w&'’.\-]*|&|bank|group|limited|ltd\.?)){0,5})"
)
# A host that is a broker or research house ("hosted by XYZ Securities") is not the company.
_BROKER = re.compile(r"\b(?:securities|capital|research|broking|brokers|equities|advisors|markets)\b", re.I)
_TODAY = re.compile(rf"\btoday\b[\s,:]*(?:is\s+)?(?:{_WEEKDAY})?", re.I)
_DETERMINERS = re.compile(
    r"^(?:(?:the|these|this|today's|our|your|(?:morning|afternoon|evening)'s)\s+)*", re.I
)
# Where the company's name ends in a welcome: the period ("Third Quarter", "March Quarter 2023", "Q3")
# or what kind of call it is. An ordinal alone is no period ("First Horizon").
_NAME_END = re.compile(
    r"\b(?:(?:first|second|third|fourth|1st|2nd|3rd|4th|full|fiscal|january|february|march|april|may|june"
    r"|july|august|september|october|november|december)[\s-]+)*(?:quarter|fiscal|year|fy\s?\d*|f?q[1-4]"
    r"|[1-4]q\d*|q\s(?:one|two|three|four)|(?:19|20)\d{2})\b|\b(?:earnings?|conference|call|results|webcast"
    r"|teleconference|quarterly|annual|pre-?recorded|presentation|interview|(?:financial|business|investor)"
    r"\s+(?:results|update|call|day|conference))\b",
    re.I,
)
_NAME = re.compile(r"[A-Z0-9][\w&.'’-]*(?:,?\s+(?:[A-Z0-9][\w&.'’-]*|&|and|of|de|plc|ltd\.?)){0,7}")
_LAST_CALL_WORD = re.compile(
    r"earnings?|conference|call|results|webcast|transcripts?|review|recorded|update", re.I
)
_LEGAL = re.compile(
    r"(?:Inc|Incorporated|Corp|Corporation|Co|Company|Ltd|Limited|plc|PLC|LLC|L\.?P|N\.?V|S\.?A|AG|SE)\.?,?$"
)
_NOT_NAMES = {"company", "corporation", "the", "our", "operator", "thank you", "transcript", "good"}


def _company_after_cue(rest: str) -> str:
    """The company named right after a welcome cue, before the period or the kind of call, or ""."""
    rest = _DETERMINERS.sub("", rest)
    lead = _NAME_END.match(rest)  # "the Q3 2020 Choice Hotels earnings call"
    rest = _DETERMINERS.sub("", rest[lead.end() :].lstrip(" ,")) if lead else rest
    end = _NAME_END.search(rest)
    name = re.sub(r"['’]s?$", "", rest[: end.start()].strip(" ,")) if end else ""  # "Aon plc's Third"
    return name if _NAME.fullmatch(name) and _sentence_cut(name) == name else ""


def _plausible(name: str) -> bool:
    """False for what the patterns catch that is no company: "Third Quarter", "Thank you", "F I NANCI AL"."""
    words = [word.strip('.,;:()[]"“”') for word in name.split()]
    if not words or len(words) > 10 or not re.match(r"[A-Z0-9À-Þ\u4e00-\u9fff]", words[0]):
        return False
    if _LAST_CALL_WORD.fullmatch(words[-1]) or name.casefold() in _NOT_NAMES or _SENTENCE_CUE.search(name):
        return False
    if sum(len(w) == 1 and w.isalpha() for w in words) >= 2 or re.search(r"research\s+division", name, re.I):
        return False
    if words[-1].casefold() in {"the", "of", "for", "to", "and", "on", "in"}:
        return False  # "Financial Results Briefing for the [First Quarter]": the name was cut short
    if re.search(
        r"\b(?:results|briefing|earnings|conference|webcast|presentation|report)\b", name, re.I
    ) or _EURO_TITLE.search(name):
        return False
    if len(words) == 1 and words[0].casefold() in {"financial", "interim", "annual", "quarterly", "half"}:
        return False  # "Third Quarter 2024 Financial Results" names no company
    return not _first_period(name) and not _find_date(name)


def _sentence_cut(text: str) -> str:
    """Up to the end of the first sentence: "Infinera Corporation. All lines" is Infinera Corporation
    (but "Apple Inc. first quarter" runs on)."""
    for m in re.finditer(r"[.!?](?:\s|$)", text):
        if not re.fullmatch(
            r"(?:Inc|Co|Corp|Ltd|Bros|Mrs?|Ms|Dr|St|(?:[A-Z]\.)*[A-Z])\.", text[: m.end()].split()[-1]
        ):
            return text[: m.start()]
    return text.rstrip(",")


def _welcome(texts: list[str]) -> tuple[str, _Period | None, datetime.date | None]:
    """Company, period and date held from the welcome and the host's opening (a weak source)."""
    company, periods, held_on = "", [], None
    for text in texts:
        for cue in islice(_WELCOME_CUE.finditer(text), 20):
            if not company and _plausible(name := _company_after_cue(text[cue.end() : cue.end() + 400])):
                company = name
            periods.extend(_periods(_sentence_cut(text[cue.end() : cue.end() + 300]))[:1])
        for m in _CALL_OF.finditer(text) if not company else ():  # "conference call of Infinera Corporation"
            company = company or (name if _plausible(name := _sentence_cut(m["c"])) else "")
        for m in _TODAY.finditer(text) if held_on is None else ():  # "today, Tuesday, April 28, 2020"
            found = _find_date(text[m.end() : m.end() + 40])
            held_on = found[0] if found and found[1] == 0 else None
    for m in (m for text in texts for m in _HOSTED_BY.finditer(text)) if not company else ():
        name = _sentence_cut(m["c"])
        if _plausible(name) and not _BROKER.search(name) and not re.match(r"M(?:r|s|rs|ister)\b", name):
            company = company or name
    return company, next((p for p in periods if p.year), None) or next(iter(periods), None), held_on


# --- The file name: "FOXA_Q1-2016_2015-11-04.txt", "AAPL_4Q25_qna.txt", "2019-Jan-24-INTC.txt" ------

_EXTENSION = re.compile(r"\.(?:txt|text|json|csv|tsv|md|html?|xml|pdf|docx?)$", re.I)
_FILE_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<s>[-. ]?)(?:(?P<m>\d{2})|(?P<mon>[a-z]{3,9}))(?P=s)(?P<d>\d{2})(?!\d)",
    re.I,
)
_FILE_TIME = re.compile(r"[ T_-]\d{2}[-:.]\d{2}")
_FILE_TICKER = re.compile(r"^(?P<t>[A-Z][A-Z0-9]{0,4}(?:\.[A-Z]{1,2})?)[ -]")
_DATE_TICKER = re.compile(
    r"^(?:19|20)\d{2}[-. ](?:\d{1,2}|[A-Za-z]{3,9})[-. ]\d{1,2}[-. ](?P<t>[A-Z]{1,5})(?=$|[ .-])"
)
_PARTS = {"qa": "qna|q&a|qa|questions", "presentation": "presentation|prepared|remarks"}
_GENERIC = re.compile(
    r"text|transcripts?|calls?|earnings|conference|final|results|event|brief|edited|corrected|raw|qec|ct|none"
    r"|qnone|fy|presents|management|ceo|cfo|on|and|the|answers|qna|q&a|qa|questions|presentation|prepared|remarks",
    re.I,
)


def _from_filename(filename: str, texts: str) -> dict[str, object]:
    stem = _EXTENSION.sub("", PurePath(filename.replace("\\", "/")).name)
    spaced, facts = stem.replace("_", " "), {"year": None, "quarter": None, "date": None, "ticker": ""}
    words = re.split(r"[^a-z0-9&]+", re.sub(r"([a-z])([A-Z])", r"\1 \2", stem).casefold())
    kinds = {kind for w in words for kind, names in _PARTS.items() if re.fullmatch(names, w)}
    facts["part"] = kinds.pop() if len(kinds) == 1 else ""  # "presentation_and_qa" is the whole call
    rest, period = spaced, _first_period(spaced)
    if period:
        facts["year"], facts["quarter"] = period.year, period.quarter
        rest = spaced[: period.start] + " " + spaced[period.end :]
    for m in _FILE_DATE.finditer(spaced):
        if (day := _make_date(m.groupdict())) and not _FILE_TIME.match(spaced, m.end()):
            facts["date"], rest = day, rest.replace(m[0], " ")  # a date with a time is when the file was made
            break
    ticker, dated = _FILE_TICKER.match(spaced), _DATE_TICKER.match(spaced)
    if (
        ticker
        and period
        and period.start == ticker.end()
        and not re.fullmatch(r"F?Q[1-4]|FY\d*", ticker["t"])
    ):
        facts["ticker"] = ticker["t"]  # TICKER_period: "FOXA_Q1-2016", "HAS_1Q20"
    elif dated:
        facts["ticker"] = dated["t"]  # date-TICKER: "2019-Jan-24-INTC"
    tokens = [t for t in re.split(r"[\s\-]+", rest) if t and not t.isdigit() and not _GENERIC.fullmatch(t)]
    tokens = [t for t in tokens if t != facts["ticker"]]
    legal = next((i for i, t in enumerate(tokens) if i and _LEGAL.match(t.capitalize())), None)
    if legal is not None:  # "Amazon.com_Inc_...", "texas-instruments-incorporated-txn-...": a name
        name = " ".join(tokens[: legal + 1])
        facts["company"] = name.title() if name.islower() else name
    elif len(tokens) == 1:  # one word ("Q1-2023-honeywell"): a name only if the text writes it so
        written = (m[0] for m in re.finditer(rf"(?<![\w.]){re.escape(tokens[0])}(?!\w)", texts, re.I))
        facts["company"] = next((w for w in written if w[0].isupper() or w[0].isdigit()), "")
        facts["company"] = "" if facts["company"] == facts["ticker"] else facts["company"]
    if not facts.get("company"):
        # A file named by its title ("Acme Robotics (ACME) Q4 2023 Earnings Call Transcript"), or by
        # the title made a URL's slug ("acme-robotics-q4-fy2024-earnings-call-transcript"): read as a
        # title line is, with its call word and period.
        title = spaced if " " in spaced.strip() else spaced.replace("-", " ")
        if title.islower():
            title = " ".join(word.capitalize() for word in title.split())
        titled = _title_facts(title) or {}
        named = str(titled.get("company") or "")
        # A file's name is weaker evidence than a title line: the name counts when the title form
        # is unmistakable (the ticker in parentheses), the name has its legal form, or the text
        # writes it too; never a word about the file ("final-q4-2023-earnings-call.txt").
        confirmed = (
            bool(titled.get("ticker"))
            or bool(_LEGAL_NAME.match(named))
            or bool(named and re.search(rf"(?<!\w){re.escape(named)}(?!\w)", texts, re.IGNORECASE))
        )
        if named and confirmed and named not in (facts["ticker"], titled.get("ticker")):
            facts["company"] = named
            facts["ticker"] = facts["ticker"] or str(titled.get("ticker") or "")
    return facts


# --- Putting it together ------------------------------------------------------------------------------


def _company_label(value: str, labels: dict[str, object]) -> str:
    """ "Microsoft (微软)" is Microsoft; "Alphabet Inc. (GOOGL)" also says the ticker."""
    paren = re.search(r"\s*[(（](?P<inner>[^()（）]*)[)）]\s*$", value)
    tick = paren and re.fullmatch(
        rf"(?:(?P<a>[A-Za-z0-9]{{1,12}})\s*:\s*)?(?P<b>{_TICK})", paren["inner"].strip()
    )
    if tick and _ticker(tick["a"], tick["b"]):
        labels.setdefault("ticker", _ticker(tick["a"], tick["b"]))
    return (value[: paren.start()] if paren else value).strip()


def _read_header(header: list[tuple[int, str]], result: CallMetadata):
    """Labels, title facts (in line order) and date-only lines of the header; marks the lines used."""
    labels: dict[str, object] = {}
    titles: list[dict[str, object]] = []
    dates: list[datetime.date] = []
    reading_labels = True
    for index, (number, text) in enumerate(header):
        label = _LABEL.match(text)
        name = label["label"].strip().casefold() if label else ""
        reading_labels = reading_labels and name not in _PERSON_LABELS
        if label and (name in _PERSON_LABELS or name[-1:].isdigit()):
            continue  # "Speaker: ...", "Utterance 1: ...": speech, never a title
        if label and reading_labels and _LABEL_KEYS.get(name):
            key, value = _LABEL_KEYS[name], label["value"].strip()
            labels.setdefault(key, _company_label(value, labels) if key == "company" else value)
            result.header_lines.add(number)
            continue
        nxt = header[index + 1] if index + 1 < len(header) else None
        facts = _title_facts(text)
        if facts is None and nxt and _CALL_WORD.match(nxt[1]) and _first_period(text):
            facts = _title_facts(f"{text} {nxt[1]}")  # a title wrapped before "Earnings Call"
            if facts:
                result.header_lines.add(nxt[0])
                text = f"{text} {nxt[1]}"
        exch, cover = _EXCH_LINE.match(text), _COVER.fullmatch(text)
        if facts is not None:
            result.title = result.title or text
            titles.append(facts)
        elif exch and _EXCHANGE.fullmatch(exch["ex"]):  # S&P: "Costco Wholesale Corporation NasdaqGS:COST"
            company = exch["company"]
            if _LEGAL.fullmatch(company) and index:  # wrapped: "The Procter & Gamble" / "Company NYSE:PG"
                company = f"{header[index - 1][1]} {company}"
            titles.append({"company": company if _plausible(company) else "", "ticker": exch["t"]})
        elif cover and nxt and _title_facts(nxt[1]) is not None and _ticker(cover["a"], cover["b"]):
            company = cover["name"].strip(" ,")  # FactSet: "Uber Technologies, Inc. (UBER)" over the title
            titles.append(
                {"company": company if _plausible(company) else "", "ticker": _ticker(cover["a"], cover["b"])}
            )
        elif day := _date_line(text):
            dates.append(day)
        else:
            continue
        result.header_lines.add(number)
    if labels.get("title"):
        titles.insert(0, _title_facts(str(labels["title"])) or {})
    return labels, titles, dates


def _stated_period(facts: dict[str, object]) -> tuple[int | None, int | None]:
    period = _first_period(str(facts.get("period") or ""))
    year, quarter = facts.get("year"), facts.get("quarter")
    if isinstance(year, str):  # "2024", "FY2024", "2024年"
        found = re.search(r"(?<!\d)((?:19|20)\d{2})(?!\d)|\bfy\s?(\d{2})\b", year, re.I)
        year = (int(found[1]) if found[1] else 2000 + int(found[2])) if found else None
    if isinstance(quarter, str):  # "Q1", "1", "第一季度", "first quarter"
        bare = re.fullmatch(r"\s*(?:f?q)?\s*([1-4])\s*", quarter, re.I)
        quarter = int(bare[1]) if bare else (p.quarter if (p := _first_period(quarter)) else None)
    return (year or (period and period.year)), (quarter or (period and period.quarter))


_LEGAL_NAME = re.compile(
    r"^[A-Z0-9][\w&.,'’\- ]{1,80}?[ ,]+(?:Inc|Incorporated|Corp|Corporation|Co\.,?\s*Ltd|Co|Company|Ltd|"
    r"Limited|plc|PLC|AG|SA|S\.A|NV|N\.V|SE|LLC|Holdings|Group|GmbH|ASA|AB|Oyj|K\.K|Berhad|Tbk|"
    r"S\.A\.(?:B\.)? de C\.V|S\.p\.A|SpA|Ltda|S\.L|S\.A\.S|B\.V|KGaA)\.?$"
    # "华启新能源科技股份有限公司", "鼎泰控股集團"
    r"|^[\u4e00-\u9fff][\u4e00-\u9fff（）()]{1,40}(?:股份有限公司|有限責任公司|有限责任公司|有限公司|集團|集团|控股)$"
)


def _name_line(header: list[tuple[int, str]]) -> tuple[int, str]:
    """A title page's line that is only the company's legal name ("Acme Precision Co., Ltd.")."""
    for number, text in header[:6]:
        if re.search(r"\d", text) or len(text.split()) > 8:
            continue
        if _LEGAL_NAME.match(text):
            return number, text
        # "ARDENT MINING LIMITED": on a title page in capitals, the capitals are the style.
        if text.isupper() and _LEGAL_NAME.match(name := _title_case(text)):
            return number, name
    return 0, ""


def find_metadata(
    *,
    header: list[tuple[int, str]],
    opening: list[str],
    filename: str = "",
    fields: dict[str, str] | None = None,
) -> CallMetadata:
    """Company, ticker, fiscal period, date held, title and part from the evidence, strongest first."""
    result = CallMetadata()
    header = [(number, text.strip().lstrip("\ufeff").strip()) for number, text in header]
    given = {k: str(v).strip() for k, v in (fields or {}).items()}
    given = {k: v for k, v in given.items() if v.casefold() not in {"", "none", "null", "nan"}}
    if code := _security_code(given.get("company", "")):
        del given["company"]
        given.setdefault("ticker", code)
    labels, titles, dates = _read_header(header, result)
    if given.get("title"):
        titles.insert(0, _title_facts(given["title"]) or {})
    blob = " ".join(text for _, text in header)
    welcome_company, welcome, welcome_date = _welcome([blob, *opening])
    named = _from_filename(filename, " ".join([blob, *opening])) if filename else {}

    def first(key: str, *sources: dict[str, object]) -> object:
        return next((s[key] for s in sources if s.get(key)), None)

    name_line = _name_line(header)
    result.company = str(
        first("company", given, labels, *titles)
        or welcome_company
        or name_line[1]
        or named.get("company")
        or ""
    )
    if name_line[1] and result.company == name_line[1]:
        result.header_lines.add(name_line[0])
    holder = next((m["c"].strip(" ,") for _, text in header if (m := _COPYRIGHT.search(text))), "")
    if result.company and holder.casefold().startswith(result.company.casefold()) and _plausible(holder):
        result.company = holder  # a brand in the title ("Citi"), the legal name in the footer
    if not result.company:
        # Last, the welcome read word by word ("Welcome to the Third Quarter 2021 Acadia Realty Trust
        # Earnings Call", "the A. O. Smith First Quarter", "the Cullen/Frost Q1 call").
        result.company = find_company(opening)
    result.ticker = str(first("ticker", given, labels, *titles) or named.get("ticker") or "")
    result.title = given.get("title") or str(labels.get("title") or "") or result.title
    result.part = str(named.get("part") or "")

    title = next((t for t in titles if t.get("quarter")), {})
    stated = [("the fields", given), ("the header", labels), ("the title", title)]
    pairs = [(source, *_stated_period(facts)) for source, facts in stated]
    full = [pair for pair in pairs if pair[1] and pair[2]]
    fy, fq = named.get("year"), named.get("quarter")
    if full:  # a strong source wins over the welcome and the file name, silently
        (source, year, quarter), other = full[0], next((f for f in full[1:] if f[1:] != full[0][1:]), None)
        if other:
            result.period_conflict = (
                f"{other[0]} says {_fmt(*other[1:])} but {source} says {_fmt(year, quarter)}"
            )
    else:
        year = next((y for _, y, _ in pairs if y), None)
        quarter = next((q for _, _, q in pairs if q), None)
        text_quarter = text_year = None
        if quarter is None and welcome:
            quarter = text_quarter = welcome.quarter
        if year is None and welcome and welcome.year and welcome.quarter == quarter:
            year = text_year = welcome.year
        if (text_quarter and fq and fq != text_quarter) or (text_year and fy and fy != text_year):
            result.period_conflict = (
                f"the file name says {_fmt(fy, fq)} but the text says {_fmt(text_year, quarter)}"
            )
        quarter = quarter or fq
        # The year only from a source that states one for this quarter; never from a passing mention.
        year = year or (fy if fq in (None, quarter) else None)
    result.fiscal_year, result.fiscal_quarter = (
        (int(year) if year else None),
        (int(quarter) if quarter else None),
    )
    if title.get("period_note") and (title.get("year"), title.get("quarter")) == (year, quarter):
        result.period_note = str(title["period_note"])

    given_date, label_date = _find_date(given.get("date", "")), _find_date(str(labels.get("date", "")))
    result.held_on = (
        (given_date and given_date[0])
        or (label_date and label_date[0])
        or first("date", *titles)
        or next(iter(dates), None)
        or welcome_date
        or named.get("date")
    )
    return result
