"""Bytes to text: the encoding of a file or page, and whether it is text at all.

Why its own module: a scrape mixes UTF-8 with cp1251, koi8 and latin-1 pages, pages declare
charsets they do not use, and a binary file named ``.txt`` must be skipped, not read as mojibake.
A byte-order mark decides first, then UTF-8 (a few stray bytes do not make a UTF-8 page latin-1),
then an HTML page's declared charset, then charset-normalizer's detection with the encodings
scraped pages really use preferred among near-equal candidates.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

SNIFF_BYTES = 8192  # binary check and HTML sniffing look at this much of the start
MAX_CONTROL_SHARE = 0.05  # more C0 control characters than this in the head = binary
# Among near-equally plausible detections, prefer the encodings scraped pages really use.
PREFERRED_ENCODINGS = ("cp1252", "cp1251", "cp1250", "iso8859_15", "latin_1", "koi8_r", "koi8_u")
DETECTION_MARGIN = 0.1
BOMS = (  # UTF-32 first: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16"),
)
MAX_BAD_UTF8 = 16  # invalid sequences a UTF-8 file may hold and still be read as UTF-8
UTF8_MAJORITY = 20  # ... if its valid multi-byte bytes outnumber the invalid ones this many to one
_HIGH_BYTES = bytes(range(128, 256))
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\b\x1b")
_NOT_CONTROLS = bytes(b for b in range(256) if b >= 0x20 or b in _TEXT_CONTROLS)  # deleted to count the rest
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    fallback: bool


# --------------------------------------------------------------------------- encodings


def decode(data: bytes, *, html: bool = False) -> Decoded | None:
    """Decode bytes without ever raising; None means the bytes are not text.

    Order: BOM, UTF-8, UTF-8 with a few invalid bytes replaced, the charset an HTML page
    declares, detection, cp1252, latin-1. ``fallback`` is True when the encoding was guessed
    (detection or last resort) or bytes were replaced.
    """
    for bom, codec, name in BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(codec), name, False)
            except UnicodeDecodeError:
                break
    if looks_binary(data[:SNIFF_BYTES]):
        return None
    try:
        return Decoded(data.decode("utf-8"), "utf-8", False)
    except UnicodeDecodeError:
        pass
    mostly = _mostly_utf8(data)
    if mostly is not None:
        return mostly
    declared = _declared_charset(data) if html else None
    if declared is not None:
        try:
            return Decoded(data.decode(declared), declared, False)
        except (UnicodeDecodeError, LookupError):
            pass
    return detect_encoding(data)


def _mostly_utf8(data: bytes) -> Decoded | None:
    """UTF-8 with its few invalid sequences replaced by U+FFFD, when the rest is UTF-8.

    Why: one stray byte (a truncated copy, a mis-pasted character) made a whole UTF-8 page fail
    strict decoding, and detection then read all of it as latin-1: every Cyrillic or accented
    word became mojibake and the page's exact copies elsewhere were no longer found. A page is
    taken as UTF-8 when at most ``MAX_BAD_UTF8`` sequences are invalid and its valid multi-byte
    characters outnumber the invalid bytes ``UTF8_MAJORITY`` to one (a real cp1252 or cp1251
    page has almost no valid multi-byte sequences, so it still goes to detection). The report
    says how many bytes were replaced and where the first was."""
    pieces: list[str] = []
    view = memoryview(data)  # slices without copying the rest of the file at each bad byte
    position = bad_bytes = bad_sequences = 0
    first_bad = -1
    while True:
        try:
            pieces.append(codecs.utf_8_decode(view[position:], "strict", True)[0])
            break
        except UnicodeDecodeError as err:
            bad_sequences += 1
            if bad_sequences > MAX_BAD_UTF8:
                return None
            start, end = position + err.start, position + err.end
            first_bad = start if first_bad < 0 else first_bad
            pieces.append(codecs.utf_8_decode(view[position:start], "strict", True)[0])
            pieces.append("\ufffd")
            bad_bytes += end - start
            position = end
    high_bytes = len(data) - len(data.translate(None, _HIGH_BYTES))  # bytes >= 0x80
    if high_bytes - bad_bytes < UTF8_MAJORITY * bad_bytes:
        return None
    name = f"utf-8 ({bad_bytes} invalid byte(s) replaced, first at byte {first_bad})"
    return Decoded("".join(pieces), name, True)


def binary_reason(head: bytes) -> str | None:
    """Why the start of a file is not text, naming where, or None if it looks like text."""
    nul = head.find(b"\x00")
    if nul >= 0:
        return f"binary file (NUL byte at byte {nul})"
    controls = len(head.translate(None, _NOT_CONTROLS))  # C speed: a byte loop cost 40 µs a file
    if head and controls / len(head) > MAX_CONTROL_SHARE:
        return f"binary file ({controls} control characters in its first {len(head)} bytes)"
    return None


def looks_binary(head: bytes) -> bool:
    return binary_reason(head) is not None


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:SNIFF_BYTES])
    if match is None:
        return None
    try:
        return codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None


def detect_encoding(data: bytes) -> Decoded:
    """charset-normalizer's guess; short texts tie between code pages, so break ties
    toward the common ones (a French cp1252 page is not Baltic cp1257)."""
    # imported here: most corpora are UTF-8 and never get this far (~10 ms of every start)
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if matches:
        best = matches[0]
        close = [
            m
            for m in matches
            if m.chaos <= best.chaos + DETECTION_MARGIN
            and m.coherence >= best.coherence - DETECTION_MARGIN
        ]
        chosen = next((m for enc in PREFERRED_ENCODINGS for m in close if m.encoding == enc), best)
        return Decoded(str(chosen), chosen.encoding, True)
    try:
        return Decoded(data.decode("cp1252"), "cp1252", True)
    except UnicodeDecodeError:
        return Decoded(data.decode("latin-1"), "latin_1", True)
