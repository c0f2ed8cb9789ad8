"""Bytes -> normalised text: encodings, line ends, odd spaces.

The rest of the parser only sees clean `str`.
"""

from __future__ import annotations

import codecs

from .model import ParseWarning, TranscriptError

# Characters that look like a space (or nothing) but would defeat the regexes downstream.
# (str.replace guarded by `in` is several times faster than str.translate on large files.)
_REPLACEMENTS = (
    ("\u00a0", " "),
    ("\u2007", " "),
    ("\u202f", " "),
    ("\u3000", " "),
    ("\t", " "),
    ("\u200b", ""),
    ("\u200e", ""),
    ("\u200f", ""),
    ("\ufeff", ""),
)

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes | str) -> tuple[str, list[ParseWarning]]:
    """Return the text with "\\n" line ends and plain spaces, plus warnings about the decoding.

    Raises TranscriptError for empty or binary input: those are not transcripts at all.
    """
    warnings: list[ParseWarning] = []
    if isinstance(data, bytes):
        text = _decode_bytes(data, warnings)
    elif isinstance(data, str):
        text = data
    else:
        raise TranscriptError(f"expected bytes or str, got {type(data).__name__}")
    if "\x00" in text:
        raise TranscriptError("the file looks binary (it contains NUL characters), not a text transcript")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for odd, plain in _REPLACEMENTS:
        if odd in text:
            text = text.replace(odd, plain)
    if not text.strip():
        raise TranscriptError("the file is empty")
    if _looks_binary(text):
        raise TranscriptError("the file looks binary (too many control characters), not a text transcript")
    return text, warnings


def _decode_bytes(data: bytes, warnings: list[ParseWarning]) -> str:
    if not data.strip():
        raise TranscriptError("the file is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as error:
                raise TranscriptError(
                    f"the file starts with a {encoding} byte-order mark but is not valid {encoding}: {error}"
                ) from None
    if b"\x00" in data:
        raise TranscriptError("the file looks binary (it contains NUL bytes), not a text transcript")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Old Windows exports: cp1252 covers the curly quotes and dashes; latin-1 never fails.
    for encoding in ("cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        warnings.append(ParseWarning(0, f"the file is not valid UTF-8; decoded as {encoding}"))
        return text
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    controls = sum(1 for ch in sample if ch < " " and ch not in "\n\f\v")
    return controls > max(8, len(sample) // 100)
