"""URLs made fit for a log line: no query string, no fragment, no user:password.

Signed links (S3's X-Amz-Signature, Discord's CDN `hm=`) and API keys ride in query strings, and
aiohttp puts the whole URL into the text of its exceptions. Every log line that can carry a URL, or
an exception's text, goes through `redact_url` or `redact`.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit, urlunsplit

# A URL inside free text: a scheme, then anything up to whitespace or a closing quote or bracket.
_URL_IN_TEXT = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'\"<>()\[\]{}]+")


def redact_url(url: object) -> str:
    """The URL without what may be secret: scheme, host, port and path only."""
    text = str(url)
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
        host = f"[{host}]" if ":" in host else host
        port = f":{parts.port}" if parts.port is not None else ""
    except ValueError:
        # Not parseable (an invalid URL is one reason it got logged): cut at the first ? or #.
        return re.split(r"[?#]", text, maxsplit=1)[0]
    if not parts.scheme or not parts.netloc:
        return re.split(r"[?#]", text, maxsplit=1)[0]
    hidden = "?…" if parts.query or parts.fragment else ""
    return urlunsplit((parts.scheme, host + port, parts.path, "", "")) + hidden


def redact(text: object) -> str:
    """`text` (an exception, a vendor's message) with every URL in it redacted."""
    return _URL_IN_TEXT.sub(lambda m: redact_url(m.group(0)), str(text))


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then redacts every URL in the line: the message, its arguments and any
    traceback (third-party libraries log URLs and exception texts too)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))
