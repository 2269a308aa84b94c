"""ACE-Step request builders, reply parsers and error mapping against the payloads of ACESTEP.md."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from domain.errors import ErrorKind, ProviderError, Reason
from domain.kinds import JobKind
from domain.tracking import Note, Progress
from face import texts
from providers.acestep import (
    TaskReport,
    build_submit_fields,
    build_submit_form,
    completed,
    interpret,
    parse_error,
    parse_query,
    parse_submit,
    stage_of,
)
from providers.base import JobRequest
from tests.wording import spoken

TASK = "550e8400-e29b-41d4-a716-446655440000"
FILE = "/v1/audio?path=%2Fsrv%2Facestep%2Fapi_audio%2Fab12.mp3"


def request(**changes: Any) -> JobRequest:
    fields: dict[str, Any] = {
        "kind": JobKind.REMIX,
        "prompt": "lo-fi with chill beats",
        "lyrics": "[Verse]\nhello",
        "idempotency_key": "k",
    }
    return JobRequest(**(fields | changes))


def envelope(data: object) -> dict[str, object]:
    return {"data": data, "code": 200, "error": None, "timestamp": 1700000000000, "extra": None}


def reply(status: int, items: list[dict[str, object]]) -> dict[str, object]:
    # §4: `result` is a JSON-encoded string, progress_text the server's global log line.
    entry = {"task_id": TASK, "status": status, "result": json.dumps(items), "progress_text": "x /srv/y"}
    return envelope([entry])


# -- requests ---------------------------------------------------------------------------------------


def test_a_remix_is_a_cover_with_the_strength_and_mp3():
    fields = build_submit_fields(request(options={"strength": 0.4}))
    assert fields["task_type"] == "cover"
    assert fields["audio_cover_strength"] == "0.4"
    assert fields["audio_format"] == "mp3"
    assert fields["lyrics"] == "[Verse]\nhello"
    assert fields["prompt"] == "lo-fi with chill beats"
    # The member's prompt is kept as written, not rewritten by the LM.
    assert fields["use_cot_caption"] == "false"
    assert fields["batch_size"] == "2"


def test_strength_defaults_to_one_and_must_be_in_range():
    assert build_submit_fields(request())["audio_cover_strength"] == "1"
    for bad in (1.5, -0.1, "half", True):
        with pytest.raises(ProviderError) as caught:
            build_submit_fields(request(options={"strength": bad}))
        assert caught.value.kind is ErrorKind.INVALID_INPUT


def test_no_lyrics_or_instrumental_asks_for_an_instrumental():
    assert build_submit_fields(request(lyrics=None))["lyrics"] == "[Instrumental]"
    generate = request(kind=JobKind.GENERATE, options={"instrumental": True})
    assert build_submit_fields(generate)["lyrics"] == "[Instrumental]"


def test_generate_is_text2music_with_style_and_length():
    fields = build_submit_fields(
        request(kind=JobKind.GENERATE, prompt="a song about rain", options={"style": "Jazz", "length": 95})
    )
    assert fields["task_type"] == "text2music"
    assert fields["prompt"] == "Jazz, a song about rain"
    assert fields["audio_duration"] == "95"
    assert "audio_cover_strength" not in fields


@pytest.mark.parametrize("option", ["vocal_only", "voice_id"])
def test_options_the_server_cannot_honour_are_refused(option: str):
    with pytest.raises(ProviderError) as caught:
        build_submit_fields(request(kind=JobKind.GENERATE, options={option: True}))
    assert caught.value.reason == Reason.OPTION_UNSUPPORTED
    assert option in spoken(caught.value, "ACE-Step")


def test_the_member_audio_is_uploaded_as_src_audio(tmp_path: Path):
    song = tmp_path / "song.mp3"
    song.write_bytes(b"ID3 audio bytes")
    form = build_submit_form(request(input_path=song, input_filename="my song.mp3"))
    names = [field[0]["name"] for field in form._fields]
    assert "src_audio" in names and "task_type" in names
    with pytest.raises(ProviderError) as caught:
        build_submit_form(request())
    assert caught.value.reason == Reason.AUDIO_MISSING


# -- replies ----------------------------------------------------------------------------------------


def test_submit_reply_gives_the_task_id():
    assert parse_submit(envelope({"task_id": TASK, "status": "queued", "queue_position": 1})) == TASK


def test_an_unreadable_submit_reply_may_still_have_started_a_job():
    for body in ({"data": {}}, "<html>", envelope(None), {"data": None, "code": 500, "error": "boom"}):
        with pytest.raises(ProviderError) as caught:
            parse_submit(body)
        assert caught.value.maybe_accepted


def test_the_double_encoded_result_is_decoded():
    [report] = parse_query(reply(0, [{"file": "", "progress": 0.6, "stage": "Generating music"}])).values()
    assert report.task_id == TASK and report.status == 0
    assert report.items[0]["progress"] == 0.6


def test_a_body_level_error_code_is_an_error_even_with_http_200():
    with pytest.raises(ProviderError) as caught:
        parse_query({"data": None, "code": 500, "error": "Internal error"})
    assert caught.value.transient


@pytest.mark.parametrize(
    ("progress", "stage", "expected"),
    [
        (0.0, "queued", ("queued", None)),
        (0.01, "running", ("preparing", None)),
        (0.5, "LM", ("preparing", None)),
        (0.51, "Preparing inputs...", ("preparing", None)),
        (0.52, "Generating music (batch size: 2)...", ("generating", 0.0)),
        (0.66, "Generating music (batch size: 2)...", ("generating", 50.0)),
        (0.8, "Decoding audio...", ("decoding", None)),
    ],
)
def test_progress_maps_onto_four_stages(progress: float, stage: str, expected: tuple[str, float | None]):
    assert stage_of({"progress": progress, "stage": stage}) == expected


def test_an_unknown_id_answering_empty_means_the_server_lost_the_job():
    [report] = parse_query(reply(0, [])).values()
    with pytest.raises(ProviderError) as caught:
        interpret(report, age=5)
    assert caught.value.reason == Reason.SERVER_FORGOT_JOB and not caught.value.transient
    words = spoken(caught.value, "ACE-Step")
    assert "lost this job" in words and "run the command again" in words


def test_success_lists_the_files_and_notes_silent_drops():
    [report] = parse_query(reply(1, [{"file": FILE, "status": 1}])).values()
    outputs = interpret(report, age=5)
    assert isinstance(outputs, list) and [o.url for o in outputs] == [FILE]
    done = completed(outputs)
    assert done.notes == [Note(reason=Reason.TAKES_SILENT, params={"count": 1, "wanted": 2})]
    assert [texts.note(n, "ACE-Step") for n in done.notes] == ["1 take came out silent and was dropped."]


def test_success_with_only_an_empty_file_means_every_take_was_silent():
    [report] = parse_query(reply(1, [{"file": "", "status": 1}])).values()
    with pytest.raises(ProviderError) as caught:
        interpret(report, age=5)
    assert caught.value.reason == Reason.TAKES_SILENT
    assert spoken(caught.value, "ACE-Step") == "Every take from ACE-Step came out silent and was dropped."


def test_failure_is_final_unless_the_job_is_over_an_hour_old():
    report = TaskReport(TASK, 2, [{"file": "", "error": "CUDA out of memory"}])
    with pytest.raises(ProviderError) as caught:
        interpret(report, age=120)
    assert caught.value.kind is ErrorKind.GENERATION_FAILED and "CUDA" in (caught.value.detail or "")
    # Past an hour the server reads a running job as failed though it may still run.
    assert isinstance(interpret(report, age=3700), Progress)


# -- HTTP errors -------------------------------------------------------------------------------------


def error(status: int, body: object) -> ProviderError:
    return parse_error(status, body, {}, grace=600, retry_delay=30)


def test_a_full_queue_is_retried_later_and_worded():
    e = error(429, {"detail": "Server busy: queue is full"})
    assert e.kind is ErrorKind.RATE_LIMITED and e.retry_after == 30
    assert "queue stayed full for 10 minutes" in spoken(e, "ACE-Step")


def test_client_errors_are_not_retried_and_keep_the_detail_for_the_log():
    for status, body in (
        (400, {"detail": "JSON payload must be an object"}),
        (415, {"detail": "Unsupported"}),
    ):
        e = error(status, body)
        assert e.kind is ErrorKind.INVALID_INPUT and not e.transient and e.detail
        assert e.detail not in spoken(e, "ACE-Step")


def test_key_problems_and_server_errors():
    assert error(401, {"detail": "Invalid API key"}).kind is ErrorKind.AUTH
    assert error(503, {"detail": "API key is not configured"}).kind is ErrorKind.AUTH
    e = error(500, "Internal Server Error")
    assert e.kind is ErrorKind.UNAVAILABLE and e.detail == "Internal Server Error"
