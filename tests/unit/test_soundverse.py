"""Soundverse request building and parsing against the documented chunks and error bodies (seed 003)."""

from __future__ import annotations

from typing import Any

import pytest

from domain.errors import ErrorKind, ProviderError
from domain.kinds import JobKind
from domain.tracking import Completed, Handle, Progress
from providers.base import JobRequest
from providers.soundverse import (
    CAPABILITIES,
    Chunk,
    build_remix_body,
    chunk_events,
    parse_chunk,
    parse_error,
    parse_sse_data,
    parse_status,
)
from tests.fakes.soundverse import INSUFFICIENT_BALANCE, MISSING_PROMPT, RATE_LIMITED, TOO_LARGE, UNAVAILABLE
from tests.wording import spoken

MID = "65f1c0ffee"
HANDLE = Handle(
    task_id=MID, data={"message_id": MID, "song_name": "Remix Title", "album_art": "https://a/art.png"}
)

# The documented stage chunks, verbatim apart from the elided URLs and ids.
VALIDATING = '{"isComplete": false, "status": "validating", "chunkIndex": 0}'
QUEUED = (
    '{"message_id": "65f1c0ffee", "isComplete": false, "status": "queued", '
    '"album_art": "https://storage.soundverse.ai/art.png", "song_name": "Remix Title", '
    '"chunkIndex": 1}'
)
STARTING = '{"message_id": "65f1c0ffee", "isComplete": false, "status": "starting", "chunkIndex": 2}'
STREAMING_50 = (
    '{"message_id": "65f1c0ffee", "isComplete": false, "status": "streaming", "progress": 50, '
    '"chunkIndex": 6}'
)
STREAMING_READY = (
    '{"message_id": "65f1c0ffee", "isComplete": false, "status": "streaming", '
    '"progress": 100, "stream_url": "https://api.soundverse.ai/stream/1", '
    '"streaming_ready": true, "version": 1, "chunkIndex": 7}'
)
COMPLETED = (
    '{"message_id": "65f1c0ffee", "isComplete": true, "status": "completed", '
    '"audio_url": "https://storage.soundverse.ai/out/remix.mp3", '
    '"album_art": "https://storage.soundverse.ai/art.png", "song_name": "Remix Title", '
    '"progress": 100, "chunkIndex": 8}'
)

DOCUMENTED_ERRORS = [
    (MISSING_PROMPT, ErrorKind.INVALID_INPUT, "prompt, lyrics, or both"),
    (TOO_LARGE, ErrorKind.INVALID_INPUT, "10 MB"),
    (RATE_LIMITED, ErrorKind.RATE_LIMITED, "too many requests"),
    (INSUFFICIENT_BALANCE, ErrorKind.INSUFFICIENT_CREDITS, "out of credits"),
    (UNAVAILABLE, ErrorKind.UNAVAILABLE, "Soundverse is having trouble"),
]


def request(**kw: Any) -> JobRequest:
    fields: dict[str, Any] = {
        "kind": JobKind.REMIX,
        "prompt": "jazz remix with horns",
        "input_url": "https://cdn.discordapp.com/a/song.mp3",
        "idempotency_key": "k1",
    }
    return JobRequest(**(fields | kw))


def chunk(raw: str) -> Chunk:
    parsed = parse_sse_data(raw)
    assert parsed is not None
    return parsed


# -- request -------------------------------------------------------------------------------------


def test_body_with_prompt() -> None:
    assert build_remix_body(request()) == {
        "song_reference_url": "https://cdn.discordapp.com/a/song.mp3",
        "prompt": "jazz remix with horns",
        "parameters": {},
    }


def test_body_with_lyrics_only() -> None:
    body = build_remix_body(request(prompt="", lyrics="new words"))
    assert body["lyrics"] == "new words" and "prompt" not in body


@pytest.mark.parametrize(
    "kw",
    [{"prompt": "  ", "lyrics": None}, {"input_url": None}, {"prompt": "x" * 1025}, {"kind": JobKind.SING}],
)
def test_body_refused_before_sending(kw: dict[str, Any]) -> None:
    with pytest.raises(ProviderError) as info:
        build_remix_body(request(**kw))
    assert info.value.kind == ErrorKind.INVALID_INPUT


def test_capabilities() -> None:
    assert CAPABILITIES.kinds == {JobKind.REMIX}
    assert CAPABILITIES.input_mode == "url"
    assert CAPABILITIES.max_input_bytes == 10 * 1024 * 1024
    assert (CAPABILITIES.min_input_seconds, CAPABILITIES.max_input_seconds) == (10, 350)
    assert CAPABILITIES.max_prompt_chars == 1024
    assert not CAPABILITIES.webhooks and not CAPABILITIES.idempotent_submit


# -- documented chunks ---------------------------------------------------------------------------


def test_validating_has_no_message_id() -> None:
    parsed = chunk(VALIDATING)
    assert parsed.status == "validating" and parsed.message_id is None and parsed.failure is None
    assert chunk_events(parsed, HANDLE) == [Progress(stage="validating")]


def test_queued_carries_message_id_name_and_art() -> None:
    parsed = chunk(QUEUED)
    assert (parsed.message_id, parsed.song_name, parsed.album_art) == (
        MID,
        "Remix Title",
        "https://storage.soundverse.ai/art.png",
    )
    assert chunk_events(parsed, HANDLE) == [Progress(stage="queued")]


def test_starting_and_streaming_progress() -> None:
    assert chunk_events(chunk(STARTING), HANDLE) == [Progress(stage="starting")]
    assert chunk_events(chunk(STREAMING_50), HANDLE) == [Progress(stage="streaming", percent=50)]


def test_streaming_ready_gives_listen_url() -> None:
    assert chunk_events(chunk(STREAMING_READY), HANDLE) == [
        Progress(stage="streaming", percent=100, listen_url="https://api.soundverse.ai/stream/1")
    ]


def test_stream_url_without_ready_flag_is_not_a_listen_url() -> None:
    assert parse_chunk({"status": "streaming", "stream_url": "https://x/s"}).listen_url is None


def test_completed_chunk() -> None:
    events = chunk_events(chunk(COMPLETED), HANDLE)
    assert events[0] == Progress(stage="completed", percent=100)
    done = events[1]
    assert isinstance(done, Completed)
    assert done.title == "Remix Title" and done.cover_url == "https://storage.soundverse.ai/art.png"
    [take] = done.outputs
    assert (take.index, take.url, take.ext, take.title) == (
        1,
        "https://storage.soundverse.ai/out/remix.mp3",
        "mp3",
        "Remix Title",
    )


def test_completed_falls_back_to_handle_for_name_and_art() -> None:
    done = chunk_events(parse_chunk({"isComplete": True, "audio_url": "https://x/o.wav?sig=1"}), HANDLE)[-1]
    assert isinstance(done, Completed)
    assert (done.title, done.cover_url, done.outputs[0].ext) == ("Remix Title", "https://a/art.png", "wav")


def test_unknown_extension_defaults_to_mp3() -> None:
    done = chunk_events(parse_chunk({"isComplete": True, "audio_url": "https://x/file"}), HANDLE)[-1]
    assert isinstance(done, Completed) and done.outputs[0].ext == "mp3"


def test_completed_without_audio_is_a_failure() -> None:
    with pytest.raises(ProviderError) as info:
        chunk_events(parse_chunk({"isComplete": True, "status": "completed"}), HANDLE)
    assert info.value.kind == ErrorKind.GENERATION_FAILED


@pytest.mark.parametrize("raw", ["", "not json", "[1, 2]", "null"])
def test_non_object_data_is_ignored(raw: str) -> None:
    assert parse_sse_data(raw) is None


def test_null_error_is_not_a_failure() -> None:
    parsed = parse_chunk({"status": "streaming", "progress": 10, "error": None, "success": True})
    assert parsed.failure is None


# -- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("body", "kind", "words"), DOCUMENTED_ERRORS)
@pytest.mark.parametrize("status", [400, 429, 500, 200])
def test_documented_http_error_bodies(body: dict[str, Any], kind: ErrorKind, words: str, status: int) -> None:
    # Matched on the text: the HTTP codes are undocumented, so any code must give the same kind.
    error = parse_error(status, body, {})
    assert error.kind == kind and words in spoken(error, "Soundverse")
    assert error.status == status


@pytest.mark.parametrize(("body", "kind", "words"), DOCUMENTED_ERRORS)
def test_documented_error_bodies_inside_the_stream(body: dict[str, Any], kind: ErrorKind, words: str) -> None:
    with pytest.raises(ProviderError) as info:
        chunk_events(parse_chunk(body), HANDLE)
    assert info.value.kind == kind and words in spoken(info.value, "Soundverse")


def test_unavailable_detail_keeps_both_texts_for_the_log() -> None:
    detail = parse_error(503, UNAVAILABLE, {}).detail or ""
    assert "temporarily unavailable" in detail and "pool exhausted" in detail


def test_rate_limit_honours_retry_after() -> None:
    assert parse_error(429, RATE_LIMITED, {"Retry-After": "7"}).retry_after == 7


def test_other_reference_audio_errors_are_invalid_input() -> None:
    error = parse_error(400, {"success": False, "message": "Reference audio error: too short (4s)"}, {})
    assert error.kind == ErrorKind.INVALID_INPUT and "too short" in spoken(error, "Soundverse")


def test_unknown_bodies_fall_back_to_the_status() -> None:
    revoked = {"error": "INVALID_API_KEY", "message": "invalid or revoked API key"}
    assert parse_error(401, revoked, {}).kind == ErrorKind.AUTH
    assert parse_error(502, "<html>bad gateway</html>", {}).kind == ErrorKind.UNAVAILABLE


@pytest.mark.parametrize(
    "body",
    [
        {"status": "failed", "error": "model crashed"},
        {"status": "failed"},
        {"isComplete": True, "error": "model crashed"},
    ],
)
def test_failed_chunks(body: dict[str, Any]) -> None:
    with pytest.raises(ProviderError) as info:
        chunk_events(parse_chunk(body), HANDLE)
    assert info.value.kind == ErrorKind.GENERATION_FAILED and "Soundverse" in spoken(info.value, "Soundverse")


# -- polled status (shape unknown) ---------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"message_id": MID, "status": "completed", "isComplete": True, "audio_url": "https://x/o.mp3"},
        {"success": True, "data": {"status": "completed", "audio_url": "https://x/o.mp3"}},
        {"generation": {"status": "COMPLETED", "audioUrl": "https://x/o.mp3"}},
        {"data": [{"status": "success", "audio_urls": ["https://x/o.mp3"]}]},
        {"data": {"status": "done", "audioData": [{"audioUrl": "https://x/o.mp3", "songName": "Polled"}]}},
        {"result": {"data": {"is_complete": True, "audio_url": "https://x/o.mp3"}}},
    ],
)
def test_status_shapes_that_mean_done(body: Any) -> None:
    parsed = parse_status(body)
    assert parsed.done and parsed.audio_url == "https://x/o.mp3"


def test_status_in_progress() -> None:
    parsed = parse_status({"success": True, "data": {"status": "streaming", "progress": "90"}})
    assert (parsed.status, parsed.progress, parsed.done) == ("streaming", 90, False)


def test_status_failure_under_a_wrapper() -> None:
    with pytest.raises(ProviderError) as info:
        chunk_events(
            parse_status({"data": {"status": "failed", "error": "Insufficient balance for this operation."}}),
            HANDLE,
        )
    assert info.value.kind == ErrorKind.INSUFFICIENT_CREDITS


@pytest.mark.parametrize("body", [None, "text", [], {}, {"data": None}, {"data": "x"}])
def test_unusable_status_bodies_yield_nothing(body: Any) -> None:
    assert chunk_events(parse_status(body), HANDLE) == []


def test_progress_is_clamped_and_bad_values_dropped() -> None:
    assert parse_chunk({"progress": 140}).progress == 100
    assert parse_chunk({"progress": "n/a"}).progress is None
    assert parse_chunk({"progress": float("nan")}).progress is None
