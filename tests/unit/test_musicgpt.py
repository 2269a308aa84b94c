"""The MusicGPT builders and parsers against the documented payloads (PROVIDERS.md §1, seeds 000/002/004)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from domain.errors import ErrorKind, ProviderError, WebhookRejected
from domain.kinds import JobKind
from domain.tracking import Handle
from face import texts
from providers.base import JobRequest, Voice
from providers.musicgpt import (
    CAPABILITIES,
    Metadata,
    MusicGPTProvider,
    Take,
    auth_headers,
    build_completed,
    check_request,
    first_poll_delay,
    lyrics_to_lrc,
    match_voices,
    music_ai_body,
    parse_error,
    parse_status,
    parse_submit,
    parse_voices,
    parse_webhook,
    percent_done,
    status_params,
    upload_fields,
    upload_file_info,
)
from tests.wording import spoken

# Seed 000 (Remix), verbatim.
REMIX_SUBMIT = {
    "success": True,
    "message": "Remix request submitted successfully",
    "task_id": "task-remix-001",
    "conversion_id_1": "remix-a1b2",
    "conversion_id_2": "remix-c3d4",
    "eta": 42,
    "credit_estimate": 47.5,
}
REMIX_WEBHOOK = {
    "success": True,
    "conversion_type": "Remix",
    "task_id": "task-remix-001",
    "conversion_id": "remix-a1b2",
    "conversion_path": "https://lalals.s3.amazonaws.com/conversions/2104a105.mp3",
    "conversion_path_wav": "https://lalals.s3.amazonaws.com/conversions/2104a105.wav",
    "conversion_duration": 162.44,
    "is_flagged": False,
    "reason": "",
    "lyrics": "...",
    "lyrics_timestamped": "...",
}
# statuscheck / getById documented example: one conversion with audio_url.
DOC_BY_ID = {
    "success": True,
    "conversion": {
        "task_id": "t1",
        "conversion_id": "c1",
        "status": "COMPLETED",
        "status_msg": "Conversion successful",
        "audio_url": "https://x/c1.mp3",
        "conversion_cost": 1.25,
        "title": "Song",
        "lyrics": "words",
        "music_style": "Pop",
        "createdAt": "2025-01-01T00:00:00Z",
        "updatedAt": "2025-01-01T00:01:00Z",
    },
}


def numbered(status: str, **extra: object) -> dict:
    """The observed [3P] /byId shape with `_1`/`_2` fields."""
    conv = {
        "task_id": "t1",
        "status": status,
        "conversion_id_1": "c1",
        "conversion_id_2": "c2",
        "conversion_path_1": None,
        "conversion_path_2": None,
    }
    return {"success": True, "conversion": conv | extra}


def req(kind: JobKind = JobKind.REMIX, **kw: object) -> JobRequest:
    base: dict = {
        "kind": kind,
        "prompt": "lofi please",
        "idempotency_key": "k",
        "input_path": Path("/tmp/in.mp3"),
    }
    return JobRequest(**(base | kw))


# -- capabilities and requests ----------------------------------------------------------------------


def test_capabilities() -> None:
    assert CAPABILITIES.kinds == {JobKind.REMIX, JobKind.SING, JobKind.GENERATE}
    assert CAPABILITIES.takes == 2 and CAPABILITIES.input_mode == "upload"
    assert CAPABILITIES.requires_lyrics == {JobKind.SING}
    assert CAPABILITIES.requires_prompt == {JobKind.REMIX, JobKind.SING}
    assert CAPABILITIES.webhooks and not CAPABILITIES.idempotent_submit
    assert CAPABILITIES.max_lyrics_chars == 2000 and CAPABILITIES.max_input_bytes


def test_auth_header_is_the_raw_key() -> None:
    assert auth_headers("sk-1")["Authorization"] == "sk-1"


def test_upload_fields_follow_the_remix_page() -> None:
    request = req(lyrics="It's a brand new day", gender="female", webhook_url="https://h/wh?t=1")
    assert upload_fields(request) == [
        ("prompt", "lofi please"),
        ("lyrics", "It's a brand new day"),
        ("gender", "female"),
        ("webhook_url", "https://h/wh?t=1"),
    ]
    assert upload_file_info(req(input_filename="My Söng (1).mp3")) == ("My_S_ng_1_.mp3", "audio/mpeg")
    assert upload_file_info(req()) == ("in.mp3", "audio/mpeg")


def test_upload_fields_use_audio_url_without_a_file() -> None:
    request = req(input_path=None, input_url="https://cdn/x.mp3")
    assert ("audio_url", "https://cdn/x.mp3") in upload_fields(request)


def test_music_ai_body_maps_options() -> None:
    request = req(
        JobKind.GENERATE,
        input_path=None,
        lyrics="la",
        gender="male",
        webhook_url="https://h/w",
        options={"style": "Pop", "instrumental": True, "voice_id": "Drake", "length": 30},
    )
    assert music_ai_body(request) == {
        "prompt": "lofi please",
        "music_style": "Pop",
        "lyrics": "la",
        "make_instrumental": True,
        "vocal_only": False,
        "voice_id": "Drake",
        "gender": "male",
        "output_length": 30.0,
        "webhook_url": "https://h/w",
    }
    assert music_ai_body(req(JobKind.GENERATE, input_path=None)) == {
        "prompt": "lofi please",
        "make_instrumental": False,
        "vocal_only": False,
    }


@pytest.mark.parametrize(
    "request_, words",
    [
        (req(prompt=" "), "prompt"),
        (req(JobKind.SING), "lyrics"),
        (req(lyrics="x" * 2001), "2000"),
        (req(input_path=None), "audio"),
        (req(JobKind.GENERATE, options={"instrumental": True, "vocal_only": True}), "both"),
    ],
)
def test_check_request_refuses_what_musicgpt_would(request_: JobRequest, words: str) -> None:
    with pytest.raises(ProviderError) as info:
        check_request(request_)
    assert info.value.kind == ErrorKind.INVALID_INPUT and words in spoken(info.value, "MusicGPT")


def test_status_params_take_exactly_one_id() -> None:
    assert status_params("REMIX", task_id="t") == {"conversionType": "REMIX", "task_id": "t"}
    by_take = status_params("MUSIC_AI", conversion_id="c")
    assert by_take == {"conversionType": "MUSIC_AI", "conversion_id": "c"}
    with pytest.raises(ValueError):
        status_params("REMIX", task_id="t", conversion_id="c")


# -- submit and errors --------------------------------------------------------------------------------


def test_parse_submit_documented_answer() -> None:
    handle = parse_submit(JobKind.REMIX, REMIX_SUBMIT)
    assert handle.task_id == "task-remix-001"
    assert handle.conversion_ids == ["remix-a1b2", "remix-c3d4"]
    assert handle.data == {"conversion_type": "REMIX", "eta": 42, "credit_estimate": 47.5}
    single = parse_submit(
        JobKind.GENERATE, {"success": True, "task_id": "t", "conversion_id": "c", "eta": -1}
    )
    assert single.conversion_ids == ["c"] and single.data["conversion_type"] == "MUSIC_AI"


def test_parse_submit_success_false_is_a_refusal() -> None:
    with pytest.raises(ProviderError) as info:
        parse_submit(JobKind.SING, {"success": False, "error": "Insufficient credit balance"})
    assert info.value.kind == ErrorKind.INSUFFICIENT_CREDITS and not info.value.maybe_accepted
    with pytest.raises(ProviderError) as info:
        parse_submit(JobKind.SING, {"success": False, "message": "Lyrics contain banned words"})
    assert info.value.kind == ErrorKind.INVALID_INPUT and "banned words" in spoken(info.value, "MusicGPT")


def test_parse_submit_unreadable_answer_may_have_started_a_job() -> None:
    for body in ("<html>oops</html>", {"success": True}):
        with pytest.raises(ProviderError) as info:
            parse_submit(JobKind.REMIX, body)
        assert info.value.maybe_accepted


@pytest.mark.parametrize(
    "body", [{"error": "Bad gender"}, {"message": "Bad gender"}, {"detail": "Bad gender"}]
)
def test_error_text_from_error_message_or_detail(body: dict) -> None:
    error = parse_error(422, {"success": False} | body, {})
    assert error.kind == ErrorKind.INVALID_INPUT and spoken(error, "MusicGPT").endswith("Bad gender")


@pytest.mark.parametrize(
    "status, kind",
    [
        (400, ErrorKind.INVALID_INPUT),
        (401, ErrorKind.AUTH),
        (402, ErrorKind.INSUFFICIENT_CREDITS),
        (403, ErrorKind.AUTH),
        (404, ErrorKind.NOT_FOUND),
        (409, ErrorKind.INVALID_INPUT),
        (429, ErrorKind.RATE_LIMITED),
        (500, ErrorKind.UNAVAILABLE),
        (503, ErrorKind.UNAVAILABLE),
    ],
)
def test_error_statuses(status: int, kind: ErrorKind) -> None:
    error = parse_error(status, {"success": False, "error": "Internal Server Error"}, {})
    assert error.kind == kind and error.status == status
    if status >= 500:
        assert "Internal Server Error" not in spoken(error, "MusicGPT")  # server internals are for the log


def test_documented_error_bodies() -> None:
    credits = parse_error(402, {"success": False, "error": "Insufficient credit balance"}, {})
    assert "out of credits" in spoken(credits, "MusicGPT") and not credits.transient
    body = {"success": False, "error": "Either audio_file or audio_url must be provided."}
    missing = parse_error(422, body, {})
    assert r"audio\_file or audio\_url" in spoken(missing, "MusicGPT"), "the vendor's words, markdown escaped"
    upgrade = parse_error(401, {"detail": "Upgrade Plans to access Streaming"}, {})
    assert upgrade.kind == ErrorKind.AUTH and upgrade.detail == "Upgrade Plans to access Streaming"


def test_rate_limit_reads_retry_after() -> None:
    assert parse_error(429, {}, {"Retry-After": "7"}).retry_after == 7.0
    assert parse_error(429, {}, {}).retry_after is None  # HttpClient's backoff takes over


# -- /byId ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status, state",
    [
        ("IN_QUEUE", "pending"),
        ("PENDING", "pending"),
        ("PROCESSING", "pending"),
        ("processing", "pending"),
        ("SOMETHING_NEW", "pending"),
        ("", "pending"),
        ("COMPLETED", "completed"),
        ("completed", "completed"),
        ("FAILED", "failed"),
        ("ERROR", "failed"),
        ("error", "failed"),
    ],
)
def test_both_status_vocabularies(status: str, state: str) -> None:
    report = parse_status(numbered(status))
    assert report is not None and report.state == state


def test_documented_single_shape() -> None:
    report = parse_status(DOC_BY_ID)
    assert report is not None and report.state == "completed"
    [take] = report.takes
    assert take == Take(conversion_id="c1", url="https://x/c1.mp3", title="Song", lyrics="words", cost=1.25)
    assert report.meta.title == "Song"


def test_observed_numbered_shape() -> None:
    body = numbered(
        "COMPLETED",
        conversion_path_1="https://x/1.mp3",
        conversion_path_2="https://x/2.mp3",
        conversion_path_wav_1="https://x/1.wav",
        conversion_duration_1=162.44,
        conversion_duration_2="150.5",
        title_1="One",
        title_2="Two",
        lyrics_1="a",
        lyrics_2="b",
        album_cover_path="https://x/cover.png",
        album_cover_thumbnail="https://x/t.png",
    )
    report = parse_status(body)
    assert report is not None
    assert [(t.index, t.conversion_id, t.url, t.duration, t.title, t.ok) for t in report.takes] == [
        (1, "c1", "https://x/1.mp3", 162.44, "One", True),
        (2, "c2", "https://x/2.mp3", 150.5, "Two", True),
    ]
    assert report.meta.cover_url == "https://x/cover.png"


def test_numbered_shape_in_progress_has_no_takes_yet() -> None:
    report = parse_status(numbered("PROCESSING"))
    assert report is not None and report.takes == []
    partial = parse_status(numbered("PROCESSING", conversion_path_1="https://x/1.mp3"))
    assert partial is not None and [t.index for t in partial.takes] == [1]


def test_completed_without_a_path_is_a_failed_take() -> None:
    report = parse_status(numbered("COMPLETED", conversion_path_1="https://x/1.mp3"))
    assert report is not None
    assert [(t.index, t.ok, t.failed) for t in report.takes] == [(1, True, False), (2, False, True)]


@pytest.mark.parametrize(
    "body", [{"success": False, "error": "Conversion not found"}, {"success": True}, "not json", None]
)
def test_answers_without_a_job(body: object) -> None:
    assert parse_status(body) is None


# -- webhooks ---------------------------------------------------------------------------------------------


def test_documented_audio_webhook() -> None:
    take = parse_webhook(REMIX_WEBHOOK)
    assert isinstance(take, Take) and take.ok
    assert (take.conversion_id, take.url, take.duration) == (
        "remix-a1b2",
        REMIX_WEBHOOK["conversion_path"],
        162.44,
    )


def test_older_generic_webhook_shape() -> None:
    take = parse_webhook(
        {
            "task_id": "t",
            "status": "COMPLETED",
            "conversion_type": "MUSIC_AI",
            "audio_url": "https://x/a.mp3",
            "title": "T",
        }
    )
    assert isinstance(take, Take) and take.ok and take.title == "T"


def test_lyrics_and_cover_webhooks_are_metadata() -> None:
    lyrics = parse_webhook(
        {
            "success": True,
            "subtype": "lyrics_timestamped",
            "task_id": "t",
            "conversion_id": "c1",
            "lyrics": "la la",
            "lyrics_timestamped": "[]",
        }
    )
    assert lyrics == Metadata(conversion_id="c1", lyrics="la la")
    cover = parse_webhook(
        {
            "success": True,
            "conversion_type": "Album Cover Image",
            "task_id": "t",
            "album_cover_path": "https://x/c.png",
        }
    )
    assert cover == Metadata(cover_url="https://x/c.png")


def test_flagged_webhook() -> None:
    take = parse_webhook(REMIX_WEBHOOK | {"is_flagged": True, "reason": "copyrighted lyrics"})
    # It still carries audio: the server's admins decide whether it is posted (spoiler) or withheld.
    assert isinstance(take, Take) and take.flagged and take.ok and take.reason == "copyrighted lyrics"


def test_failed_webhook() -> None:
    take = parse_webhook({"success": False, "task_id": "t", "conversion_id": "c2"})
    assert isinstance(take, Take) and take.failed and take.conversion_id == "c2"


def test_verify_webhook_parses_json_objects_only() -> None:
    provider = MusicGPTProvider.__new__(MusicGPTProvider)
    assert provider.verify_webhook({}, b'{"task_id": "t"}') == {"task_id": "t"}
    for body in (b"not json", b"[1, 2]"):
        with pytest.raises(WebhookRejected) as info:
            provider.verify_webhook({}, body)
        assert info.value.status == 400


# -- completion ---------------------------------------------------------------------------------------------


def test_build_completed_two_takes() -> None:
    done = build_completed(
        [Take("c1", 1, "https://x/1.mp3", 10.0, "One", None), Take("c2", 2, "https://x/2.mp3", 11.0)],
        [Metadata(conversion_id="c1", lyrics="la la"), Metadata(cover_url="https://x/c.png")],
    )
    assert [(o.index, o.url, o.ext, o.duration) for o in done.outputs] == [
        (1, "https://x/1.mp3", "mp3", 10.0),
        (2, "https://x/2.mp3", "mp3", 11.0),
    ]
    assert done.outputs[0].lyrics == "la la" and done.lyrics == "la la"
    assert (done.title, done.cover_url, done.notes) == ("One", "https://x/c.png", [])


def test_a_flagged_take_with_audio_is_kept_and_marked() -> None:
    done = build_completed(
        [Take("c1", 1, "https://x/1.mp3"), Take("c2", 2, "https://x/2.mp3", flagged=True, reason="violence")],
        [],
    )
    assert [(o.index, o.flagged) for o in done.outputs] == [(1, False), (2, True)]
    assert done.notes == []


def test_a_flagged_take_without_audio_leaves_a_note() -> None:
    done = build_completed(
        [Take("c1", 1, "https://x/1.mp3"), Take("c2", 2, flagged=True, reason="violence", failed=True)], []
    )
    assert [o.index for o in done.outputs] == [1]
    assert [texts.note(n, "MusicGPT") for n in done.notes] == [
        "Take 2 was flagged by MusicGPT (violence) and is left out."
    ]


def test_costs_reported_per_conversion_add_up_and_a_job_cost_wins() -> None:
    takes = [Take("c1", 1, "https://x/1.mp3", cost=1.25), Take("c2", 2, "https://x/2.mp3", cost=1.5)]
    assert build_completed(takes, []).cost == 2.75
    assert build_completed(takes, [Metadata(cost=3.0)]).cost == 3.0
    assert build_completed([Take("c1", 1, "https://x/1.mp3")], []).cost is None


def test_all_flagged_is_content_flagged() -> None:
    with pytest.raises(ProviderError) as info:
        build_completed(
            [Take("c1", 1, flagged=True, reason="hate speech", failed=True), Take("c2", 2, failed=True)], []
        )
    assert info.value.kind == ErrorKind.CONTENT_FLAGGED and "hate speech" in spoken(info.value, "MusicGPT")


def test_all_failed_is_generation_failed() -> None:
    with pytest.raises(ProviderError) as info:
        build_completed([Take(index=1, failed=True), Take(index=2, failed=True)], [])
    assert info.value.kind == ErrorKind.GENERATION_FAILED


def test_percent_and_first_poll() -> None:
    assert percent_done(21, 42) == 50.0
    assert percent_done(100, 42) == 95.0
    assert percent_done(5, None) is None and percent_done(5, -1) is None
    assert first_poll_delay(42, 10) == 21
    assert first_poll_delay(600, 10) == 60
    assert first_poll_delay(None, 10) == 10 and first_poll_delay(4, 10) == 10


# -- timed lyrics, voices, webhook ownership -----------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        '[{"text": "hello there", "start": 0.0, "end": 1.5}, {"text": "second line", "start": 61.25}]',
        [{"text": "second line", "start": 61.25}, {"text": "hello  there", "start": 0}],
        {"lines": [{"line": "hello there", "start_time": 0}, {"line": "second line", "start_time": 61.25}]},
        [{"word": "hello there", "startMs": 0}, {"word": "second line", "startMs": 61250}],
        [{"text": "hello there", "time": 0}, {"text": "second line", "time": 61250}],  # too big for seconds
    ],
)
def test_lyrics_to_lrc_reads_the_common_cue_shapes(value: object) -> None:
    assert lyrics_to_lrc(value) == "[00:00.00]hello there\n[01:01.25]second line\n"


def test_lyrics_to_lrc_keeps_lrc_text_and_gives_up_quietly() -> None:
    assert lyrics_to_lrc("[00:01.00]la\n[00:02.50]di") == "[00:01.00]la\n[00:02.50]di\n"
    for nothing in (
        None,
        "",
        "[]",
        "[ ... ]",
        "...",
        42,
        [{"text": ""}],
        [{"start": 1}],
        [{"text": "x", "start": -1}],
    ):
        assert lyrics_to_lrc(nothing) is None, nothing


def test_timed_lyrics_reach_the_outputs() -> None:
    audio = parse_webhook(REMIX_WEBHOOK | {"lyrics_timestamped": "[]"})
    lyrics = parse_webhook(
        {
            "success": True,
            "conversion_type": "Lyrics",
            "subtype": "lyrics_timestamped",
            "task_id": "task-remix-001",
            "conversion_id": "remix-a1b2",
            "lyrics_timestamped": '[{"text": "la", "start": 2}]',
        }
    )
    assert isinstance(audio, Take) and audio.lyrics_lrc is None
    assert isinstance(lyrics, Metadata) and lyrics.lyrics_lrc == "[00:02.00]la\n"
    done = build_completed([replace(audio, index=1)], [lyrics])
    assert done.outputs[0].lyrics_lrc == "[00:02.00]la\n"
    # The numbered /byId shape carries them per take.
    report = parse_status(
        numbered(
            "COMPLETED",
            conversion_path_1="https://x/1.mp3",
            lyrics_timestamped_1='[{"text": "yo", "start": 1}]',
        )
    )
    assert report is not None and report.takes[0].lyrics_lrc == "[00:01.00]yo\n"


def test_parse_voices_documented_page() -> None:
    body = {
        "success": True,
        "voices": [
            {"voice_id": "Drake", "voice_name": "Drake"},
            {"voice_id": "v-2", "voice_name": ""},
            {"voice_name": "no id"},
            "junk",
        ],
        "limit": 20,
        "page": 0,
        "total": 3108,
    }
    voices, total = parse_voices(body)
    assert voices == [Voice(voice_id="Drake", name="Drake"), Voice(voice_id="v-2", name="v-2")]
    assert total == 3108
    assert parse_voices({"success": False, "error": "x"}) == ([], None)
    assert parse_voices("not json") == ([], None)


def test_match_voices_prefers_names_that_start_with_the_query() -> None:
    voices = [
        Voice(voice_id="1", name="Adrake Fan"),
        Voice(voice_id="2", name="Drake"),
        Voice(voice_id="3", name="Billie"),
        Voice(voice_id="2", name="Drake again"),
        Voice(voice_id="drake-x", name="Someone"),
    ]
    assert [v.voice_id for v in match_voices(voices, "DRA")] == ["2", "1", "drake-x"]
    assert [v.voice_id for v in match_voices(voices, "")] == ["1", "2", "3", "drake-x"]
    assert match_voices(voices, "", limit=2) == voices[:2]
    assert match_voices(voices, "zzz") == []


def test_webhooks_for_another_task_do_not_belong() -> None:
    provider = MusicGPTProvider.__new__(MusicGPTProvider)
    handle = Handle(task_id="task-remix-001", conversion_ids=["remix-a1b2", "remix-c3d4"])
    assert provider.webhook_belongs(handle, REMIX_WEBHOOK)
    assert not provider.webhook_belongs(handle, {"conversion_path": "https://x.mp3"}), "a take names its task"
    assert provider.webhook_belongs(
        handle, {"conversion_id": "remix-a1b2", "subtype": "lyrics", "lyrics": "la"}
    )
    assert not provider.webhook_belongs(handle, REMIX_WEBHOOK | {"task_id": "someone-else"})
