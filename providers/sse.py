"""A Server-Sent Events decoder following the WHATWG HTML "event stream interpretation" rules.

https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation

The decoder is incremental and pure: feed it bytes exactly as they come off the socket, in chunks
of any size, and it yields the same events as if the whole stream had arrived at once. Chunk
boundaries may fall inside a UTF-8 character, between the CR and LF of a CRLF, or inside the BOM.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Any

import aiohttp

# The spec's three line endings; a lone CR at the very end of a chunk is resolved in `_split`.
_EOL = re.compile(r"\r\n|\r|\n")
READ_SIZE = 64 * 1024


@dataclass(frozen=True, slots=True)
class ServerSentEvent:
    data: str
    event: str = "message"
    # The spec's "last event ID": it carries over to later events until an `id` field changes it.
    id: str = ""
    # A `retry` field seen in this event's block (milliseconds), if any.
    retry: int | None = None

    def json(self) -> Any:
        return json.loads(self.data)


class SSEDecoder:
    """Turns event-stream bytes into events. One instance per connection."""

    def __init__(self) -> None:
        # utf-8-sig drops one leading BOM, even when its bytes are split across chunks; `replace`
        # is what the spec asks for on invalid bytes.
        self._text = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
        self._tail = ""
        # The previous chunk ended with CR: an LF opening the next one belongs to that CRLF.
        self._skip_lf = False
        self._data: list[str] = []
        self._event = ""
        self._retry: int | None = None
        self.last_event_id = ""
        # The reconnection time the server asked for, in milliseconds.
        self.retry: int | None = None

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        text = self._text.decode(chunk)
        if not text:
            return []
        if self._skip_lf and text.startswith("\n"):
            text = text[1:]
        self._skip_lf = text.endswith("\r")
        events: list[ServerSentEvent] = []
        for line in self._split(text):
            event = self._line(line)
            if event is not None:
                events.append(event)
        return events

    def end(self) -> list[ServerSentEvent]:
        """Signal EOF. Always empty: the spec discards an event whose closing blank line never came.

        Every complete line was already handled in `feed` (a CR ends its line at once), so all that
        can be left is an unfinished line or block, and both are dropped.
        """
        self._text.decode(b"", final=True)
        self._tail = ""
        self._skip_lf = False
        self._reset_block()
        return []

    def _split(self, text: str) -> list[str]:
        """Complete lines of `self._tail + text`; the unterminated rest stays in the tail."""
        parts = _EOL.split(self._tail + text)
        self._tail = parts.pop()
        return parts

    def _line(self, line: str) -> ServerSentEvent | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None  # a comment, typically a keep-alive
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        self._field(name, value)
        return None

    def _field(self, name: str, value: str) -> None:
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id":
            if "\0" not in value:
                self.last_event_id = value
        elif name == "retry" and value.isascii() and value.isdigit():
            self._retry = self.retry = int(value)
        # Any other field name is ignored, as the spec says.

    def _dispatch(self) -> ServerSentEvent | None:
        if not self._data:
            self._reset_block()
            return None
        event = ServerSentEvent(
            data="\n".join(self._data),
            event=self._event or "message",
            id=self.last_event_id,
            retry=self._retry,
        )
        self._reset_block()
        return event

    def _reset_block(self) -> None:
        self._data = []
        self._event = ""
        self._retry = None


async def aiter_sse(resp: aiohttp.ClientResponse) -> AsyncGenerator[ServerSentEvent, None]:
    """The events of a streaming response, as soon as each one is complete. A generator, so the
    caller can `aclose` it when it stops reading early."""
    decoder = SSEDecoder()
    async for chunk in resp.content.iter_chunked(READ_SIZE):
        for event in decoder.feed(chunk):
            yield event
    for event in decoder.end():
        yield event
