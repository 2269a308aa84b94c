"""The SSE decoder: chunking must never change the events, and the spec's edge cases hold."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from providers.sse import ServerSentEvent, SSEDecoder

# A recorded-style stream mixing every line ending, comments, multi-line data, named events, ids,
# retry, a field without a colon, no space after the colon, and multi-byte characters. The CRLF
# block is laid out as aiohttp-sse writes it with sep="\r\n" (the fake Soundverse's server): every
# CRLF inside it sits between two fields of one event, so were a CR at the end of one chunk and the
# LF opening the next read as two line ends, the extra blank line would cut the event in pieces.
RECORDED = (
    "\ufeff: keep-alive\r\n"
    'data: {"status": "validating", "chunkIndex": 0}\r\n\r\n'
    "event: progress\n"
    "id: 7\n"
    "data:first line\n"
    "data:  second line keeps one space\n\n"
    ": ping\r\r"
    "retry: 1500\r"
    "data: caf\u00e9 \u266b \U0001f3b8 \u65e5\u672c\r\r"
    "data\n\n"
    "id\r\n"
    "data: after id reset\r\n\r\n"
    "id: 9\r\n"
    "event: progress\r\n"
    'data: {"status": "streaming",\r\n'
    'data:  "progress": 50}\r\n'
    "retry: 2000\r\n"
    "\r\n"
    "data: incomplete at eof"
).encode()

EXPECTED = [
    ServerSentEvent(data='{"status": "validating", "chunkIndex": 0}'),
    ServerSentEvent(data="first line\n second line keeps one space", event="progress", id="7"),
    ServerSentEvent(data="caf\u00e9 \u266b \U0001f3b8 \u65e5\u672c", id="7", retry=1500),
    ServerSentEvent(data="", id="7"),
    ServerSentEvent(data="after id reset", id=""),
    ServerSentEvent(data='{"status": "streaming",\n "progress": 50}', event="progress", id="9", retry=2000),
]


def decode(chunks: list[bytes]) -> list[ServerSentEvent]:
    decoder = SSEDecoder()
    events = [event for chunk in chunks for event in decoder.feed(chunk)]
    return events + decoder.end()


def split_at(data: bytes, cuts: list[int]) -> list[bytes]:
    bounds = [0, *sorted(cuts), len(data)]
    return [data[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


def test_whole_stream() -> None:
    assert decode([RECORDED]) == EXPECTED


def test_every_single_split_point() -> None:
    for cut in range(len(RECORDED) + 1):
        assert decode(split_at(RECORDED, [cut])) == EXPECTED, cut


def test_byte_by_byte() -> None:
    assert decode([bytes([b]) for b in RECORDED]) == EXPECTED


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=len(RECORDED)), max_size=30))
def test_random_multi_splits(cuts: list[int]) -> None:
    assert decode(split_at(RECORDED, cuts)) == EXPECTED


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.characters(blacklist_characters="\r\n", blacklist_categories=("Cs",))),
        min_size=1,
        max_size=4,
    ),
    st.sampled_from(["\n", "\r", "\r\n"]),
    st.data(),
)
def test_any_data_round_trips(lines: list[str], eol: str, data: st.DataObject) -> None:
    raw = ("".join(f"data: {line}{eol}" for line in lines) + eol).encode()
    cuts = data.draw(st.lists(st.integers(min_value=0, max_value=len(raw)), max_size=8))
    assert decode(split_at(raw, cuts)) == [ServerSentEvent(data="\n".join(lines))]


def test_cr_then_lf_in_next_chunk_is_one_line_end() -> None:
    # Were the LF read as a second line end, the blank line would dispatch "a" early.
    assert decode([b"data: a\r", b"\ndata: b\r\n\r\n"]) == [ServerSentEvent(data="a\nb")]


def test_lone_cr_dispatches_without_waiting_for_more_bytes() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: x\r\r") == [ServerSentEvent(data="x")]


def test_incomplete_event_at_eof_is_discarded() -> None:
    assert decode([b"data: done\n\ndata: half"]) == [ServerSentEvent(data="done")]
    assert decode([b"data: no blank line\n"]) == []


def test_bom_only_stripped_at_start() -> None:
    bom = "\ufeff".encode()
    assert decode([bom[:1], bom[1:] + b"data: x\n\n"]) == [ServerSentEvent(data="x")]
    # A second BOM is content: it makes the field name "\ufeffdata", which is ignored.
    assert decode([bom + bom + b"data: x\n\n"]) == []


def test_utf8_split_inside_character() -> None:
    raw = "data: \U0001f3b5\n\n".encode()
    assert decode([raw[:7], raw[7:8], raw[8:]]) == [ServerSentEvent(data="\U0001f3b5")]


def test_invalid_utf8_is_replaced() -> None:
    assert decode([b"data: \xff\n\n"]) == [ServerSentEvent(data="\ufffd")]


def test_comments_only_yield_nothing() -> None:
    assert decode([b": ping\n\n:\n\n: keep-alive\r\n\r\n"]) == []


def test_only_one_space_after_colon_is_removed() -> None:
    assert decode([b"data:   x\n\n"]) == [ServerSentEvent(data="  x")]


def test_empty_data_fields_join_with_newlines() -> None:
    assert decode([b"data\ndata\n\n"]) == [ServerSentEvent(data="\n")]


def test_event_type_resets_but_id_persists() -> None:
    events = decode([b"event: a\nid: 1\ndata: x\n\ndata: y\n\n"])
    assert events == [ServerSentEvent(data="x", event="a", id="1"), ServerSentEvent(data="y", id="1")]


def test_id_with_null_is_ignored() -> None:
    assert decode([b"id: 1\ndata: a\n\nid: 2\x003\ndata: b\n\n"])[-1].id == "1"


def test_bad_retry_is_ignored_and_good_retry_is_kept() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"retry: 12a\ndata: a\n\n") == [ServerSentEvent(data="a")]
    assert decoder.feed(b"retry: 3000\n\n") == []  # no data: nothing dispatched, but the time is set
    assert decoder.retry == 3000


def test_unknown_fields_and_blank_blocks_are_ignored() -> None:
    assert decode([b"foo: bar\n\n\n\nevent: x\n\ndata: y\n\n"]) == [ServerSentEvent(data="y")]


def test_field_name_is_everything_before_the_first_colon() -> None:
    assert decode([b"data: a: b\n\n"]) == [ServerSentEvent(data="a: b")]


def test_json_helper() -> None:
    assert decode([b'data: {"progress": 90}\n\n'])[0].json() == {"progress": 90}
