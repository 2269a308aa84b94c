"""Soundpiece request builders, parsers, error mapping and webhook signatures, without a network."""

from __future__ import annotations

import base64
import json
import time
from datetime import UTC, datetime

import aiohttp
import pytest
from standardwebhooks import Webhook

from domain.errors import ErrorKind, ProviderError, WebhookRejected
from domain.kinds import JobKind
from providers.base import JobRequest
from providers.soundpiece import (
    SoundpieceProvider,
    announces_end,
    build_submit_body,
    parse_error,
    parse_operation,
    poll_params,
    sign,
    validation_message,
    variations,
    verify_signature,
    webhook_keys,
)
from tests.wording import spoken

KEY = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
OP = "op_0123456789abcdefghijklmnop"
# The response example of the API reference (seed 001), which has no `status`.
DOC_EXAMPLE = {
    "remix_song": {
        "id": OP,
        "created_at": "2023-11-07T05:31:56Z",
        "idempotency_key": KEY,
        "source": {"url": "https://cdn.example/a.mp3"},
        "lyrics": "[Verse]\nla",
        "prompt": "rock",
        "n_variations": 2,
        "outputs": [
            {"url": "https://files.example/1.flac", "expires_at": "2023-11-07T05:31:56Z", "duration": 123}
        ],
        "error": None,
    }
}


def request(**changes: object) -> JobRequest:
    fields: dict[str, object] = {
        "kind": JobKind.REMIX,
        "prompt": "synthwave, male vocal",
        "lyrics": "[Verse]\nhello",
        "input_url": "https://cdn.discordapp.com/a.mp3",
        "idempotency_key": KEY,
    }
    return JobRequest(**(fields | changes))


def dto(**changes: object) -> dict[str, object]:
    return {"remix_song": DOC_EXAMPLE["remix_song"] | changes}


# --------------------------------------------------------------------------- requests


def test_submit_body_follows_the_reference() -> None:
    body = build_submit_body(request(options={"variations": 3}), callback_url="https://bot.example/hook")
    assert body == {
        "idempotency_key": KEY,
        "source": {"url": "https://cdn.discordapp.com/a.mp3"},
        "lyrics": "[Verse]\nhello",
        "prompt": "synthwave, male vocal",
        "n_variations": 3,
        "callback_url": "https://bot.example/hook",
    }


def test_submit_body_without_callback_and_default_variations() -> None:
    body = build_submit_body(request(), callback_url=None)
    assert "callback_url" not in body
    assert body["n_variations"] == 1


@pytest.mark.parametrize("bad", [0, 4, "2", True, 1.5])
def test_variations_out_of_range_are_refused(bad: object) -> None:
    with pytest.raises(ProviderError) as info:
        variations(request(options={"variations": bad}))
    assert info.value.kind == ErrorKind.INVALID_INPUT


def test_submit_needs_a_url() -> None:
    with pytest.raises(ProviderError) as info:
        build_submit_body(request(input_url=None), callback_url=None)
    assert spoken(info.value, "Soundpiece") == "Soundpiece needs the song as a public link."


def test_poll_params() -> None:
    assert poll_params(OP, wait=True) == {"id": OP, "wait": "true"}
    assert poll_params(OP, wait=False) == {"id": OP}


# --------------------------------------------------------------------------- responses


def test_doc_example_without_status_is_ready() -> None:
    op = parse_operation(DOC_EXAMPLE)
    assert op.id == OP and op.status == "ready"
    assert [(o.index, o.url, o.ext, o.duration) for o in op.outputs] == [
        (1, "https://files.example/1.flac", "flac", 123.0)
    ]
    assert op.created_at == datetime(2023, 11, 7, 5, 31, 56, tzinfo=UTC)


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({"outputs": None, "error": None}, "processing"),
        ({"outputs": None, "error": {"message": "boom"}}, "failed"),
        ({"status": "processing", "outputs": None}, "processing"),
        ({"status": "failed", "outputs": None, "error": {"code": "x", "message": "boom"}}, "failed"),
        ({"status": "something_new", "outputs": None, "error": None}, "processing"),
    ],
)
def test_status_read_or_inferred(changes: dict[str, object], status: str) -> None:
    assert parse_operation(dto(**changes)).status == status


def test_unwrapped_dto_is_accepted() -> None:
    assert parse_operation(DOC_EXAMPLE["remix_song"]).id == OP


def test_unreadable_answer_is_an_error() -> None:
    with pytest.raises(ProviderError):
        parse_operation({"song": {}})


@pytest.mark.parametrize(
    ("error", "kind", "text"),
    [
        (
            {"code": "generation_failed", "message": "Model crashed"},
            ErrorKind.GENERATION_FAILED,
            "Model crashed",
        ),
        ({"message": "Lyrics flagged by moderation"}, ErrorKind.CONTENT_FLAGGED, "flagged"),
        ({"code": "content_policy", "message": "Not allowed"}, ErrorKind.CONTENT_FLAGGED, "Not allowed"),
        ({}, ErrorKind.GENERATION_FAILED, "could not make this remix."),
    ],
)
def test_operation_errors(error: dict[str, str], kind: ErrorKind, text: str) -> None:
    op = parse_operation(dto(status="failed", outputs=None, error=error))
    assert op.error is not None and op.error.kind == kind and text in spoken(op.error, "Soundpiece")


# --------------------------------------------------------------------------- HTTP errors


def test_422_list_becomes_a_sentence() -> None:
    body = {
        "detail": [
            {
                "loc": ["body", "lyrics"],
                "msg": "String should have at least 1 character",
                "type": "string_too_short",
            },
            {"loc": ["body", "source", "url"], "msg": "Input should be a valid URL", "type": "url_parsing"},
            {"loc": ["body", "idempotency_key"], "msg": "Field required", "type": "missing"},
        ]
    }
    error = parse_error(422, body, {})
    assert error.kind == ErrorKind.INVALID_INPUT and not error.transient
    assert spoken(error, "Soundpiece") == (
        "Soundpiece refused the request: "
        "lyrics: String should have at least 1 character; "
        r"source.url: Input should be a valid URL; idempotency\_key: Field required"
    )


def test_validation_message_tolerates_odd_items() -> None:
    assert (
        validation_message([{"msg": "bad"}, "junk", {"loc": ["query", "id"], "type": "missing"}])
        == "bad; id: missing"
    )


@pytest.mark.parametrize(
    ("status", "body", "kind", "transient"),
    [
        (400, {"detail": "Malformed JSON body"}, ErrorKind.INVALID_INPUT, False),
        (401, {"detail": "Invalid API key"}, ErrorKind.AUTH, False),
        (402, {"detail": "Insufficient credits"}, ErrorKind.INSUFFICIENT_CREDITS, False),
        (402, {"error": {"message": "no credits"}}, ErrorKind.INSUFFICIENT_CREDITS, False),
        (402, "Payment Required", ErrorKind.INSUFFICIENT_CREDITS, False),
        (404, {"detail": "Not Found"}, ErrorKind.NOT_FOUND, False),
        (500, {"detail": "Internal Server Error"}, ErrorKind.UNAVAILABLE, True),
        (503, "<html>bad gateway</html>", ErrorKind.UNAVAILABLE, True),
    ],
)
def test_error_mapping(status: int, body: object, kind: ErrorKind, transient: bool) -> None:
    error = parse_error(status, body, {})
    assert (error.kind, error.transient, error.status) == (kind, transient, status)


def test_429_reads_retry_after_then_the_sentence() -> None:
    body = {"detail": "Rate limit exceeded; retry in 17 seconds"}
    assert parse_error(429, body, {"Retry-After": "5"}).retry_after == 5.0
    fallback = parse_error(429, body, {})
    assert fallback.kind == ErrorKind.RATE_LIMITED and fallback.retry_after == 17.0


def test_402_detail_object_is_readable() -> None:
    error = parse_error(402, {"detail": {"message": "Top up at soundpiece.co"}}, {})
    assert error.detail == "Top up at soundpiece.co"


# --------------------------------------------------------------------------- webhooks

SECRET_BYTES = b"0123456789abcdef0123456789abcdef"
WHSEC = "whsec_" + base64.b64encode(SECRET_BYTES).decode()
BODY = json.dumps({"type": "create.remix_song.ready", "data": DOC_EXAMPLE["remix_song"]}).encode()
NOW = 1_700_000_000


def headers(signature: str, *, webhook_id: str = "msg_1", stamp: int = NOW) -> dict[str, str]:
    return {"Webhook-Id": webhook_id, "Webhook-Timestamp": str(stamp), "Webhook-Signature": signature}


def reference_signature(secret: str | bytes, stamp: int = NOW, body: bytes = BODY) -> str:
    """Signed by the Standard Webhooks reference library."""
    return Webhook(secret).sign("msg_1", datetime.fromtimestamp(stamp, UTC), body.decode())


def check(hdrs: dict[str, str], keys: list[bytes], body: bytes = BODY, now: float = NOW) -> str:
    return verify_signature(hdrs, body, keys, tolerance=300, now=now)


def test_reference_signature_verifies() -> None:
    assert check(headers(reference_signature(WHSEC)), webhook_keys(WHSEC)) == "msg_1"


@pytest.mark.parametrize(
    "hdrs",
    [
        headers("v1," + base64.b64encode(b"x" * 32).decode()),  # forged
        headers(reference_signature("whsec_" + base64.b64encode(b"other").decode())),  # wrong secret
        headers("v1,not base64!"),
        headers("v2," + reference_signature(WHSEC)[3:]),  # unknown version
        {"webhook-id": "msg_1", "webhook-timestamp": str(NOW)},  # no signature
    ],
)
def test_bad_signatures_are_rejected(hdrs: dict[str, str]) -> None:
    with pytest.raises(WebhookRejected) as info:
        check(hdrs, webhook_keys(WHSEC))
    assert info.value.status == 401


def test_tampered_body_is_rejected() -> None:
    with pytest.raises(WebhookRejected, match="no matching"):
        check(headers(reference_signature(WHSEC)), webhook_keys(WHSEC), body=BODY.replace(b"ready", b"faild"))


@pytest.mark.parametrize("skew", [-301, 301])
def test_timestamp_outside_tolerance_is_rejected_both_ways(skew: int) -> None:
    stamp = NOW + skew
    with pytest.raises(WebhookRejected, match="tolerance"):
        check(headers(reference_signature(WHSEC, stamp), stamp=stamp), webhook_keys(WHSEC))


def test_timestamp_inside_tolerance_passes() -> None:
    stamp = NOW - 299
    assert check(headers(reference_signature(WHSEC, stamp), stamp=stamp), webhook_keys(WHSEC))


def test_non_numeric_timestamp_is_rejected() -> None:
    hdrs = headers(reference_signature(WHSEC)) | {"Webhook-Timestamp": "yesterday"}
    with pytest.raises(WebhookRejected, match="malformed"):
        check(hdrs, webhook_keys(WHSEC))


def test_any_signature_during_rotation_matches() -> None:
    old = "whsec_" + base64.b64encode(b"old secret bytes").decode()
    both = f"{reference_signature(old)} {reference_signature(WHSEC)}"
    assert check(headers(both), webhook_keys(WHSEC)) == "msg_1"
    assert check(headers(both), webhook_keys(old)) == "msg_1"


def test_secret_forms() -> None:
    # whsec_ is base64 (the library's reading); unpadded base64 is accepted too.
    assert webhook_keys(WHSEC) == [SECRET_BYTES]
    assert webhook_keys(WHSEC.rstrip("=")) == [SECRET_BYTES]
    # Without a prefix the encoding is unknown: base64 first, then the raw bytes.
    plain_b64 = base64.b64encode(SECRET_BYTES).decode()
    assert webhook_keys(plain_b64) == [SECRET_BYTES, plain_b64.encode()]
    assert webhook_keys("not-base64-secret!") == [b"not-base64-secret!"]
    with pytest.raises(ValueError):
        webhook_keys("whsec_***")


def test_raw_and_unprefixed_base64_secrets_verify() -> None:
    raw = "my raw signing secret"
    assert check(headers(reference_signature(raw.encode())), webhook_keys(raw))
    plain_b64 = base64.b64encode(SECRET_BYTES).decode()
    assert check(headers(reference_signature(SECRET_BYTES)), webhook_keys(plain_b64))


def test_sign_matches_reference_library() -> None:
    assert sign(SECRET_BYTES, "msg_1", str(NOW), BODY) == reference_signature(SECRET_BYTES)


def test_announces_end() -> None:
    payload = json.loads(BODY)
    assert announces_end(payload, OP)
    assert not announces_end(payload, "op_other")
    assert not announces_end(payload | {"type": "create.remix_song.processing"}, OP)
    assert announces_end({"type": "create.remix_song.failed", "data": DOC_EXAMPLE}, OP)


# --------------------------------------------------------------------------- the adapter's surface


async def test_provider_surface_and_verify_webhook(session: aiohttp.ClientSession) -> None:
    provider = SoundpieceProvider(
        session, api_key="spk_x", base_url="https://api.soundpiece.co/v1/", webhook_secret=WHSEC
    )
    bare = SoundpieceProvider(session, api_key="spk_x", base_url="https://api.soundpiece.co/v1")
    caps = provider.capabilities
    assert (provider.name, provider.label) == ("soundpiece", "Soundpiece")
    assert caps.kinds == {JobKind.REMIX} and caps.input_mode == "url" and caps.takes == 3
    assert (caps.max_lyrics_chars, caps.max_prompt_chars) == (3000, 1024)
    assert caps.requires_lyrics == caps.requires_prompt == {JobKind.REMIX}
    assert caps.idempotent_submit and caps.webhooks and not bare.capabilities.webhooks
    assert caps.max_input_bytes is None and caps.max_input_seconds is None

    now = int(time.time())
    payload = provider.verify_webhook(headers(reference_signature(WHSEC, now), stamp=now), BODY)
    assert payload["_webhook_id"] == "msg_1" and payload["data"]["id"] == OP
    assert payload["type"] == "create.remix_song.ready"
    with pytest.raises(WebhookRejected) as info:
        bare.verify_webhook(headers(reference_signature(WHSEC, now), stamp=now), BODY)
    assert info.value.status == 404
    with pytest.raises(WebhookRejected) as info:
        provider.verify_webhook(headers(reference_signature(WHSEC, now, b"[1]"), stamp=now), b"[1]")
    assert info.value.status == 400
