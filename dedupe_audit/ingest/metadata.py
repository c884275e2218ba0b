"""Page metadata values as records and pages write them: dates in many shapes, sites from URLs.

Why lenient: JSONL records, CSV rows, sidecars and HTML meta tags write a date as ISO text, an
RFC 2822 string, a slashed, dotted or month-name date or a Unix epoch; each becomes an ISO date or
None, never an error, so one odd value costs that field, not the document.
"""

from __future__ import annotations

import email.utils
import re
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

_DATE_FORMATS = ("%Y/%m/%d", "%d.%m.%Y", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%Y%m%d")


# --------------------------------------------------------------------------- values


def clean_str(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def site_from_url(url: str | None) -> str | None:
    """The URL's host without ``www.``: the best site name when the page gives none."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


def iso_date(value: object) -> str | None:
    """A date as written (no timezone shift) as YYYY-MM-DD; None when not a date."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, datetime):  # typed columns (Parquet) hold dates as objects
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return _epoch_date(value)
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    for parse in (_parse_iso, _parse_rfc2822, _parse_formats):
        found = parse(text)
        if found is not None:
            return found.isoformat()
    return None


def _epoch_date(value: float) -> str | None:
    seconds = value / 1000 if abs(value) > 1e11 else value  # milliseconds are common
    try:
        return datetime.fromtimestamp(seconds, tz=UTC).date().isoformat()
    except (OverflowError, OSError, ValueError):
        return None


def _parse_iso(text: str) -> date | None:
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        pass
    if re.match(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            return None
    return None


def _parse_rfc2822(text: str) -> date | None:
    try:
        return email.utils.parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        return None


def _parse_formats(text: str) -> date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None
