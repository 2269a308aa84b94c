"""MusicGPT adapter (api.musicgpt.com/api/public/v1). Contracts: ../shared/PROVIDERS.md §1.

Like LiteLLM's per-provider transformation classes: the module-level functions build requests and
parse responses and are unit-tested against the documented payloads; `MusicGPTProvider` only moves
bytes through one HttpClient and keeps the per-job bookkeeping of `track`.

What the docs leave open, and how this adapter copes:
- /byId status words differ between doc snapshots (IN_QUEUE/ERROR vs PENDING/PROCESSING); both are read,
  case-insensitively, and anything unknown counts as "still working".
- The documented /byId answer has one `audio_url`; observed answers carry numbered `_1`/`_2` fields.
  Both are read. When a finished task answers with one take only, the other is asked for by id.
- A job can 404 on /byId for a while after submit; that is "not visible yet", for a bounded time.
- Webhooks carry no signature (the web layer checks our URL token); lyrics and cover deliveries have
  no audio path and only add metadata. Duplicate deliveries change nothing. With a webhook URL, /byId
  is only the backstop for a lost delivery and is polled slowly.
- The shape of `lyrics_timestamped` is UNKNOWN ("[ ... ]" in the seeds); `lyrics_to_lrc` reads the
  common shapes (a JSON list of cues with a text and a start time, or LRC text) and gives up quietly.
- /getAllVoices is paged (limit, page from 0) with a `total`; the whole catalogue is cached in memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import mimetypes
import re
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, BinaryIO, Literal, TypeVar

import aiohttp

from domain.clock import SYSTEM_CLOCK, Clock
from domain.errors import ErrorKind, ProviderError, Reason, WebhookRejected
from domain.kinds import JobKind
from domain.tracking import Completed, Event, Handle, Note, Output, Progress
from providers.base import Capabilities, Inbox, JobRequest, Provider, Voice
from providers.http import HttpClient, error_text, parse_retry_after, said

log = logging.getLogger(__name__)

CONVERSION_TYPES: dict[JobKind, str] = {
    JobKind.REMIX: "REMIX",
    JobKind.SING: "SING_OVER_INSTRUMENTAL",
    JobKind.GENERATE: "MUSIC_AI",
}
SUBMIT_PATHS: dict[JobKind, str] = {
    JobKind.REMIX: "/Remix",
    JobKind.SING: "/sing_over_instrumental",
    JobKind.GENERATE: "/MusicAI",
}
DONE_STATUSES = frozenset({"COMPLETED"})
FAILED_STATUSES = frozenset({"FAILED", "ERROR"})
QUEUED_STATUSES = frozenset({"IN_QUEUE", "PENDING"})
# The cover delivery's shape is UNKNOWN; /byId calls it album_cover_path, the rest are guesses.
COVER_KEYS = ("album_cover_path", "album_cover_url", "cover_url", "image_url")
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
# `lyrics_timestamped` is UNKNOWN in shape: these are the cue keys seen in lyric-timing formats.
CUE_TEXT_KEYS = ("text", "line", "lyric", "lyrics", "word", "words")
CUE_START_KEYS = ("start", "start_time", "startTime", "start_s", "start_ms", "startMs", "time", "timestamp")
CUE_LIST_KEYS = ("lines", "segments", "words", "lyrics", "data")
LRC_LINE = re.compile(r"^\[\d{1,3}:\d{2}(?:[.:]\d{1,3})?\]")
# No song is an hour long: start times above this are milliseconds.
MS_THRESHOLD = 3600.0
VOICE_PAGE_SIZE = 100
MAX_VOICE_PAGES = 100

CAPABILITIES = Capabilities(
    kinds=frozenset(CONVERSION_TYPES),
    input_mode="upload",
    # The docs state no upload limit (UNKNOWN). 50 MB is our own cap: it holds a 10-minute 320 kbps
    # mp3 and matches the bot's default input cap, so the provider is not what refuses a file.
    max_input_bytes=50 * 1024 * 1024,
    # No documented duration limit either (UNKNOWN); 10 minutes covers a whole song.
    max_input_seconds=600.0,
    # MusicAI advises prompts under 280 characters "for guaranteed results"; Remix and sing-over state
    # no limit, so the one documented figure is used for every kind.
    max_prompt_chars=280,
    max_lyrics_chars=2000,
    requires_prompt=frozenset({JobKind.REMIX, JobKind.SING}),
    requires_lyrics=frozenset({JobKind.SING}),
    takes=2,
    idempotent_submit=False,
    webhooks=True,
)

# Uploads of up to 50 MB need more than the shared default's 120 s in total.
SUBMIT_TIMEOUT = aiohttp.ClientTimeout(total=600, connect=15, sock_read=120)
POLL_TIMEOUT = aiohttp.ClientTimeout(total=30, connect=10, sock_read=30)


# ----------------------------------------------------------------------------------------------
# Parsed shapes


@dataclass(frozen=True)
class Take:
    """One variant as MusicGPT reported it. `index` is 1 or 2 when the payload says which."""

    conversion_id: str | None = None
    index: int | None = None
    url: str | None = None
    duration: float | None = None
    title: str | None = None
    lyrics: str | None = None
    lyrics_lrc: str | None = None
    flagged: bool = False
    reason: str | None = None
    failed: bool = False
    cost: float | None = None  # conversion_cost, when reported per conversion

    @property
    def ok(self) -> bool:
        # A flagged take that still has audio is posted or withheld as the server's admins chose.
        return bool(self.url) and not self.failed


@dataclass(frozen=True)
class Metadata:
    """A delivery without audio (lyrics, album cover): it only decorates takes."""

    conversion_id: str | None = None
    title: str | None = None
    lyrics: str | None = None
    lyrics_lrc: str | None = None
    cover_url: str | None = None
    cost: float | None = None  # conversion_cost of the whole job (the numbered /byId shape)


@dataclass(frozen=True)
class StatusReport:
    state: Literal["pending", "completed", "failed"]
    status: str
    message: str | None = None
    takes: list[Take] = field(default_factory=list)
    meta: Metadata = field(default_factory=Metadata)


# ----------------------------------------------------------------------------------------------
# Pure request builders


def auth_headers(api_key: str) -> dict[str, str]:
    # The raw key, no "Bearer" (authentication.md; whether Bearer also works is UNKNOWN).
    return {"Authorization": api_key, "Accept": "application/json"}


def check_request(request: JobRequest) -> None:
    """Refuse what MusicGPT would refuse anyway, before paying for an upload."""
    if request.kind not in CONVERSION_TYPES:
        raise _invalid(Reason.KIND_NOT_SUPPORTED, job_kind=request.kind.value)
    if request.kind in CAPABILITIES.requires_prompt and not request.prompt.strip():
        raise _invalid(Reason.PROMPT_REQUIRED)
    if request.kind in CAPABILITIES.requires_lyrics and not (request.lyrics or "").strip():
        raise _invalid(Reason.LYRICS_REQUIRED)
    if request.lyrics and len(request.lyrics) > CAPABILITIES.max_lyrics_chars:
        raise _invalid(Reason.TOO_LONG, field="lyrics", limit=CAPABILITIES.max_lyrics_chars)
    if request.kind != JobKind.GENERATE and not (request.input_path or request.input_url):
        raise _invalid(Reason.AUDIO_MISSING)
    if request.options.get("instrumental") and request.options.get("vocal_only"):
        raise _invalid(Reason.INSTRUMENTAL_AND_VOCAL_ONLY)


def upload_fields(request: JobRequest) -> list[tuple[str, str]]:
    """The text fields of a Remix / sing_over_instrumental multipart body (seeds 000, 002)."""
    fields = [("prompt", request.prompt)]
    if request.lyrics:
        fields.append(("lyrics", request.lyrics))
    if request.gender:
        fields.append(("gender", request.gender))
    if request.webhook_url:
        fields.append(("webhook_url", request.webhook_url))
    if request.input_path is None and request.input_url:
        fields.append(("audio_url", request.input_url))
    return fields


def upload_file_info(request: JobRequest) -> tuple[str, str]:
    """Filename and content type for `audio_file`; accepted formats are UNKNOWN, mp3 is the norm.

    The name is cut down to plain ASCII: aiohttp percent-encodes anything else in the part header,
    and a member's file name has no business reaching the provider verbatim anyway.
    """
    assert request.input_path is not None
    filename = SAFE_NAME.sub("_", request.input_filename or request.input_path.name).strip("._") or "audio"
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return filename, content_type


def music_ai_body(request: JobRequest) -> dict[str, Any]:
    """The JSON body of POST /MusicAI (seed 004), from the request and its `options`."""
    opts = request.options
    body: dict[str, Any] = {
        "prompt": request.prompt or None,
        "music_style": opts.get("style"),
        "lyrics": request.lyrics or None,
        "make_instrumental": bool(opts.get("instrumental", False)),
        "vocal_only": bool(opts.get("vocal_only", False)),
        "voice_id": opts.get("voice_id"),
        "gender": request.gender,
        # Seconds, float; the docs call it "purely experimental".
        "output_length": float(opts["length"]) if opts.get("length") else None,
        "webhook_url": request.webhook_url,
    }
    return {key: value for key, value in body.items() if value is not None}


def status_params(
    conversion_type: str, *, task_id: str | None = None, conversion_id: str | None = None
) -> dict[str, str]:
    """/byId takes exactly one of task_id or conversion_id ("but not both")."""
    if (task_id is None) == (conversion_id is None):
        raise ValueError("give exactly one of task_id or conversion_id")
    key, value = ("task_id", task_id) if task_id is not None else ("conversion_id", conversion_id)
    return {"conversionType": conversion_type, key: str(value)}


# ----------------------------------------------------------------------------------------------
# Pure response parsers


def parse_error(status: int, body: Any, headers: Mapping[str, str]) -> ProviderError:
    """Map a MusicGPT error answer (utilities/error.md) onto one ProviderError for HttpClient."""
    text = error_text(body)
    common: dict[str, Any] = {"detail": text, "status": status}
    if status in (400, 422):
        return ProviderError(ErrorKind.INVALID_INPUT, Reason.REFUSED, params=said(text), **common)
    if status == 402:
        return ProviderError(ErrorKind.INSUFFICIENT_CREDITS, **common)
    if status in (401, 403):
        return ProviderError(ErrorKind.AUTH, **common)
    if status == 404:
        return ProviderError(ErrorKind.NOT_FOUND, Reason.UNKNOWN_JOB, **common)
    if status == 409:
        return ProviderError(ErrorKind.INVALID_INPUT, Reason.DUPLICATE, **common)
    if status == 413:
        return ProviderError(ErrorKind.INVALID_INPUT, Reason.TOO_LARGE, **common)
    if status == 429:
        # Without Retry-After (UNKNOWN whether it is sent) the client pauses its default and the
        # engine its own backoff (engine/retry.py).
        return ProviderError(
            ErrorKind.RATE_LIMITED,
            retry_after=parse_retry_after(headers.get("Retry-After")),
            **common,
        )
    if status >= 500:
        return ProviderError(
            ErrorKind.UNAVAILABLE,
            retry_after=parse_retry_after(headers.get("Retry-After")),
            **common,
        )
    return ProviderError(ErrorKind.GENERATION_FAILED, Reason.ANSWERED, params={"status": status}, **common)


def parse_submit(kind: JobKind, body: Any) -> Handle:
    """Turn the documented submit answer into a Handle; `success: false` is a refusal."""
    if not isinstance(body, Mapping):
        # A 200 we cannot read may still have started a paid job.
        raise ProviderError(
            ErrorKind.UNAVAILABLE, Reason.UNREADABLE, detail=str(body)[:200], maybe_accepted=True
        )
    if body.get("success") is False:
        raise refusal(error_text(body))
    task_id = body.get("task_id")
    if not task_id:
        raise ProviderError(
            ErrorKind.UNAVAILABLE,
            Reason.NO_JOB_ID,
            detail="submit answer without task_id",
            maybe_accepted=True,
        )
    numbered = [body.get("conversion_id_1"), body.get("conversion_id_2")]
    single = [body.get("conversion_id")]  # one-output endpoints (Cover, TTS) answer with one id
    ids = [str(cid) for cid in numbered if cid] or [str(cid) for cid in single if cid]
    return Handle(
        task_id=str(task_id),
        conversion_ids=ids,
        data={
            "conversion_type": CONVERSION_TYPES[kind],
            "eta": body.get("eta"),
            # What the job will cost, in credits (optional: the MusicAI example has none).
            "credit_estimate": _number(body.get("credit_estimate")),
        },
    )


def refusal(text: str | None) -> ProviderError:
    """A 200 with `success: false`: not accepted, so never billed."""
    if text and "credit" in text.lower():
        return parse_error(402, {"error": text}, {})
    return ProviderError(ErrorKind.INVALID_INPUT, Reason.REFUSED, params=said(text), detail=text)


def parse_status(body: Any) -> StatusReport | None:
    """Read a /byId answer, documented (`audio_url`) or observed (`conversion_path_N`) shape.

    None means the answer says nothing about the job (success false, no `conversion`, not JSON).
    """
    if not isinstance(body, Mapping) or body.get("success") is False:
        return None
    conv = body.get("conversion")
    if not isinstance(conv, Mapping):
        return None
    status = str(conv.get("status") or "").strip().upper()
    state = _state(status)
    numbered = [_numbered_take(conv, n, state) for n in (1, 2)]
    takes = [take for take in numbered if take is not None]
    job_cost = _number(conv.get("conversion_cost"))
    if not any(f"conversion_id_{n}" in conv or f"conversion_path_{n}" in conv for n in (1, 2)):
        single = _single_take(conv, state)
        takes = [single] if single else []
        job_cost = None  # the single shape's cost belongs to that one conversion (on the take)
    meta = Metadata(title=_text(conv.get("title")), cover_url=_cover(conv), cost=job_cost)
    return StatusReport(
        state=state, status=status, message=_text(conv.get("status_msg")), takes=takes, meta=meta
    )


def parse_webhook(payload: Mapping[str, Any]) -> Take | Metadata:
    """One webhook delivery: an audio result (a Take) or a lyrics / cover delivery (Metadata).

    Audio deliveries carry `conversion_path` (seed 000) or `audio_url` (older generic page).
    """
    status = str(payload.get("status") or "").strip().upper()
    state = "failed" if payload.get("success") is False else _state(status) if status else "completed"
    has_audio = bool(_audio_url(payload))
    if has_audio or payload.get("is_flagged") or state == "failed":
        take = _single_take(payload, "failed" if state == "failed" else "completed")
        if take is not None:
            return take
    return Metadata(
        conversion_id=_text(payload.get("conversion_id")),
        title=_text(payload.get("title")),
        lyrics=_text(payload.get("lyrics")),
        lyrics_lrc=lyrics_to_lrc(payload.get("lyrics_timestamped")),
        cover_url=_cover(payload),
    )


def build_completed(takes: list[Take], meta: list[Metadata]) -> Completed:
    """The final event from resolved takes; raise when no take is usable."""
    good = sorted((t for t in takes if t.ok), key=lambda t: t.index or 0)
    bad = sorted((t for t in takes if not t.ok), key=lambda t: t.index or 0)
    if not good:
        raise _all_failed(bad)
    lyrics_by_id = {m.conversion_id: m.lyrics for m in meta if m.conversion_id and m.lyrics}
    lrc_by_id = {m.conversion_id: m.lyrics_lrc for m in meta if m.conversion_id and m.lyrics_lrc}
    outputs = [
        Output(
            index=t.index or i,
            url=t.url,
            ext="mp3",
            duration=t.duration,
            title=t.title,
            lyrics=t.lyrics or (lyrics_by_id.get(t.conversion_id) if t.conversion_id else None),
            lyrics_lrc=(lrc_by_id.get(t.conversion_id) if t.conversion_id else None) or t.lyrics_lrc,
            flagged=t.flagged,
        )
        for i, t in enumerate(good, start=1)
    ]
    take_costs = [t.cost for t in takes if t.cost is not None]
    cost = _first(m.cost for m in meta) or (sum(take_costs) if take_costs else None)
    return Completed(
        outputs=outputs,
        title=next((o.title for o in outputs if o.title), None) or _first(m.title for m in meta),
        lyrics=next((o.lyrics for o in outputs if o.lyrics), None),
        cover_url=_first(m.cover_url for m in meta),
        notes=[Note(reason=Reason.TAKE_LEFT_OUT, params=_left_out(t)) for t in bad],
        cost=cost,
    )


def lyrics_to_lrc(value: Any) -> str | None:
    """MusicGPT's `lyrics_timestamped` as LRC text (`[mm:ss.xx]line`), or None when it has no cues.

    Accepts LRC text, a JSON list of cues (or a JSON string of one), or an object holding such a list.
    Start times are seconds unless the key says milliseconds or they are too large to be seconds.
    """
    if isinstance(value, str):
        text = value.strip()
        if LRC_LINE.match(text):
            return text + "\n"
        try:
            value = json.loads(text) if text else None
        except ValueError:
            return None
    if isinstance(value, Mapping):
        value = next((value[key] for key in CUE_LIST_KEYS if isinstance(value.get(key), list)), None)
    if not isinstance(value, list):
        return None
    cues: list[tuple[str, float, str]] = []
    for item in value:
        cue = _cue(item) if isinstance(item, Mapping) else None
        if cue is not None:
            cues.append(cue)
    if not cues:
        return None
    in_ms = (
        any("ms" in key.lower() for key, _, _ in cues) or max(start for _, start, _ in cues) > MS_THRESHOLD
    )
    cues.sort(key=lambda cue: cue[1])
    return "".join(f"[{_lrc_time(start / 1000 if in_ms else start)}]{text}\n" for _, start, text in cues)


def parse_voices(body: Any) -> tuple[list[Voice], int | None]:
    """One page of GET /getAllVoices: the voices on it and the catalogue's `total`."""
    if not isinstance(body, Mapping) or body.get("success") is False:
        return [], None
    voices = []
    for item in body.get("voices") or []:
        if not isinstance(item, Mapping):
            continue
        voice_id, name = _text(item.get("voice_id")), _text(item.get("voice_name"))
        if voice_id:
            voices.append(Voice(voice_id=voice_id, name=name or voice_id))
    total = body.get("total")
    return voices, total if isinstance(total, int) and total >= 0 else None


def match_voices(voices: list[Voice], query: str, limit: int = 25) -> list[Voice]:
    """Voices whose name (or id) holds `query`, names starting with it first; each voice once."""
    needle = query.strip().casefold()
    seen: set[str] = set()
    starts: list[Voice] = []
    contains: list[Voice] = []
    for voice in voices:
        if voice.voice_id in seen:
            continue
        name = voice.name.casefold()
        if not needle or name.startswith(needle):
            starts.append(voice)
        elif needle in name or needle in voice.voice_id.casefold():
            contains.append(voice)
        else:
            continue
        seen.add(voice.voice_id)
    return (starts + contains)[:limit]


def percent_done(elapsed: float, eta: float | None) -> float | None:
    """A progress estimate from the provider's ETA; held below 100 until the job really ends."""
    if not eta or eta <= 0:
        return None
    return round(min(95.0, 100.0 * elapsed / eta), 1)


def first_poll_delay(eta: float | None, poll_interval: float) -> float:
    """Half the ETA, but between one and six poll intervals: nothing is ready sooner, and a
    restarted bot (which cannot tell how much of the ETA has passed) should not wait long."""
    if not eta or eta <= 0:
        return poll_interval
    return min(max(eta / 2, poll_interval), 6 * poll_interval)


# ----------------------------------------------------------------------------------------------
# Parser helpers


def _state(status: str) -> Literal["pending", "completed", "failed"]:
    if status in DONE_STATUSES:
        return "completed"
    if status in FAILED_STATUSES:
        return "failed"
    return "pending"


def _numbered_take(conv: Mapping[str, Any], n: int, state: str) -> Take | None:
    url = _text(conv.get(f"conversion_path_{n}"))
    # Per-take flags in the numbered shape are our guess (is_flagged_N / reason_N); the documented
    # webhook carries `is_flagged` / `reason` per conversion.
    flagged = bool(conv.get(f"is_flagged_{n}"))
    if not url and not flagged and state == "pending":
        return None
    if not url and not flagged and not conv.get(f"conversion_id_{n}"):
        return None
    return Take(
        conversion_id=_text(conv.get(f"conversion_id_{n}")),
        index=n,
        url=url,
        duration=_number(conv.get(f"conversion_duration_{n}")),
        title=_text(conv.get(f"title_{n}")),
        lyrics=_text(conv.get(f"lyrics_{n}")),
        lyrics_lrc=lyrics_to_lrc(conv.get(f"lyrics_timestamped_{n}")),
        flagged=flagged,
        reason=_text(conv.get(f"reason_{n}")),
        failed=state == "failed" or (state == "completed" and not url),
    )


def _single_take(data: Mapping[str, Any], state: str) -> Take | None:
    url = _audio_url(data)
    flagged = bool(data.get("is_flagged"))
    if state == "pending" and not flagged:
        return None
    return Take(
        conversion_id=_text(data.get("conversion_id")),
        url=url,
        duration=_number(data.get("conversion_duration")),
        title=_text(data.get("title")),
        lyrics=_text(data.get("lyrics")),
        lyrics_lrc=lyrics_to_lrc(data.get("lyrics_timestamped")),
        flagged=flagged,
        reason=_text(data.get("reason")),
        failed=state == "failed" or not url,
        cost=_number(data.get("conversion_cost")),
    )


def _cue(item: Mapping[str, Any]) -> tuple[str, float, str] | None:
    text = next((" ".join(v.split()) for k in CUE_TEXT_KEYS if isinstance(v := item.get(k), str)), "")
    for key in CUE_START_KEYS:
        start = _number(item.get(key))
        if start is not None:
            return (key, start, text) if text and start >= 0 else None
    return None


def _lrc_time(seconds: float) -> str:
    minutes, hundredths = divmod(round(seconds * 100), 6000)
    return f"{minutes:02d}:{hundredths // 100:02d}.{hundredths % 100:02d}"


def _audio_url(data: Mapping[str, Any]) -> str | None:
    return _text(data.get("conversion_path")) or _text(data.get("audio_url"))


def _cover(data: Mapping[str, Any]) -> str | None:
    return _first(_text(data.get(key)) for key in COVER_KEYS)


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _number(value: Any) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


T = TypeVar("T")


def _first(values: Iterable[T | None]) -> T | None:
    """The first value that is set (and not empty or zero)."""
    return next((v for v in values if v), None)


def _invalid(reason: Reason, **params: object) -> ProviderError:
    return ProviderError(ErrorKind.INVALID_INPUT, reason, params=params)


def _left_out(take: Take) -> dict[str, object]:
    return {"index": take.index, "flagged": take.flagged, **said(take.reason)}


def _all_failed(bad: list[Take]) -> ProviderError:
    flagged = [t for t in bad if t.flagged]
    if flagged:
        reason = _first(t.reason for t in flagged)
        return ProviderError(ErrorKind.CONTENT_FLAGGED, Reason.FLAGGED, params=said(reason), detail=reason)
    return ProviderError(ErrorKind.GENERATION_FAILED, Reason.MADE_NOTHING)


# ----------------------------------------------------------------------------------------------
# Per-job bookkeeping for `track`


class _Board:
    """The takes of one job as they arrive, from polls and webhooks; the first word on a take wins."""

    def __init__(self, conversion_ids: list[str]) -> None:
        self.ids = conversion_ids
        self.expected = max(1, len(conversion_ids))
        self.takes: dict[int, Take] = {}
        self.meta: list[Metadata] = []

    @property
    def done(self) -> bool:
        return len(self.takes) >= self.expected

    @property
    def missing_ids(self) -> list[str]:
        return [cid for i, cid in enumerate(self.ids, start=1) if i not in self.takes]

    def add(self, take: Take) -> bool:
        index = self._index(take)
        if index is None or index in self.takes:
            return False
        if take.ok and any(t.url == take.url for t in self.takes.values()):
            return False  # an id-less delivery repeated
        self.takes[index] = _with_index(take, index)
        return True

    def add_meta(self, meta: Metadata) -> None:
        if meta != Metadata() and meta not in self.meta:  # every poll repeats title and cover
            self.meta.append(meta)

    def extras_missing(self, instrumental: bool) -> bool:
        """Whether the cover, or the timed lyrics of a take, has not arrived yet.

        The docs send them as separate deliveries after the audio; instrumentals have no lyrics.
        """
        if not any(m.cover_url for m in self.meta):
            return True
        if instrumental:
            return False
        timed = {m.conversion_id for m in self.meta if m.lyrics_lrc}
        return any(t.ok and not t.lyrics_lrc and t.conversion_id not in timed for t in self.takes.values())

    def fail_open(self) -> None:
        """The job ended: every take not heard of is lost."""
        for index in range(1, self.expected + 1):
            self.takes.setdefault(index, Take(index=index, failed=True))

    def completed(self) -> Completed:
        return build_completed(list(self.takes.values()), self.meta)

    def partial(self) -> Completed | None:
        """The takes ready so far, while another is still being made."""
        if self.done or not any(t.ok for t in self.takes.values()):
            return None
        return build_completed(list(self.takes.values()), self.meta)

    def _index(self, take: Take) -> int | None:
        if take.conversion_id and take.conversion_id in self.ids:
            return self.ids.index(take.conversion_id) + 1
        if take.conversion_id and self.ids and take.index is None:
            return None  # another job's delivery
        if take.index is not None:
            return take.index if take.index <= self.expected else None
        return next((i for i in range(1, self.expected + 1) if i not in self.takes), None)


def _with_index(take: Take, index: int) -> Take:
    return take if take.index == index else replace(take, index=index)


# ----------------------------------------------------------------------------------------------
# The provider


class MusicGPTProvider(Provider):
    name = "musicgpt"
    label = "MusicGPT"
    capabilities = CAPABILITIES

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        api_key: str,
        base_url: str,
        poll_interval: float = 10.0,
        backstop_interval: float = 60.0,
        clock: Clock = SYSTEM_CLOCK,
        not_found_polls: int = 12,
        submit_timeout: aiohttp.ClientTimeout = SUBMIT_TIMEOUT,
        poll_timeout: aiohttp.ClientTimeout = POLL_TIMEOUT,
        voices_ttl: float = 6 * 3600,
        voices_wait: float = 2.0,
    ) -> None:
        self.http = HttpClient(session, name=self.name, parse_error=parse_error, clock=clock)
        self._clock = clock
        self.base_url = base_url.rstrip("/")
        self.poll_interval = poll_interval
        # With a webhook URL the deliveries carry the result and /byId only catches a lost one.
        self.backstop_interval = max(backstop_interval, poll_interval)
        # How many answers without the job (404, unreadable) to sit through: ~2 minutes by default.
        self.not_found_polls = not_found_polls
        self.submit_timeout = submit_timeout
        self.poll_timeout = poll_timeout
        self.voices_ttl = voices_ttl
        # Autocomplete must answer within 3 s: wait this long for the catalogue, then use what is loaded.
        self.voices_wait = voices_wait
        self._voices: list[Voice] = []
        self._voices_until = 0.0
        self._voices_task: asyncio.Task[None] | None = None
        self._headers = auth_headers(api_key)

    async def submit(self, request: JobRequest) -> Handle:
        check_request(request)
        url = self.base_url + SUBMIT_PATHS[request.kind]
        try:
            if request.kind == JobKind.GENERATE:
                body = await self.http.request(
                    "POST",
                    url,
                    idempotent=False,
                    json_body=music_ai_body(request),
                    headers=self._headers,
                    client_timeout=self.submit_timeout,
                )
            else:
                body = await self._post_upload(url, request)
        except ProviderError as error:
            if error.kind == ErrorKind.NOT_FOUND:
                # A 404 on a submit path is about our setup, not about a job.
                raise ProviderError(
                    ErrorKind.NOT_FOUND,
                    Reason.WRONG_ADDRESS,
                    detail=error.detail,
                    status=error.status,
                ) from error
            raise
        handle = parse_submit(request.kind, body)
        log.info(
            "musicgpt accepted %s job task_id=%s eta=%s",
            request.kind.value,
            handle.task_id,
            handle.data.get("eta"),
        )
        return handle

    async def _post_upload(self, url: str, request: JobRequest) -> Any:
        fields = upload_fields(request)
        opened: list[BinaryIO] = []

        def form() -> aiohttp.FormData:
            # Built per attempt: aiohttp consumes the body. The file object is streamed in chunks.
            data = aiohttp.FormData(fields, default_to_multipart=True)
            if request.input_path is not None:
                filename, content_type = upload_file_info(request)
                handle = request.input_path.open("rb")
                opened.append(handle)
                data.add_field("audio_file", handle, filename=filename, content_type=content_type)
            return data

        try:
            return await self.http.request(
                "POST",
                url,
                idempotent=False,
                body=form,
                headers=self._headers,
                client_timeout=self.submit_timeout,
            )
        finally:
            for handle in opened:
                handle.close()

    async def track(self, handle: Handle, request: JobRequest, inbox: Inbox) -> AsyncIterator[Event]:
        ctype = str(handle.data.get("conversion_type") or CONVERSION_TYPES[request.kind])
        eta = _positive(handle.data.get("eta"))
        board = _Board(handle.conversion_ids)
        pushed = bool(request.webhook_url)
        interval = self.backstop_interval if pushed else self.poll_interval
        started = self._clock.monotonic()
        blind = 0
        yield Progress(stage="submitted", eta_seconds=eta)
        next_poll = started + first_poll_delay(eta, interval)
        while True:
            took = await self._wait_for_webhooks(inbox, board, handle, until=next_poll)
            if board.done:
                if pushed:
                    await self._gather_extras(
                        inbox, board, handle, ctype, bool(request.options.get("instrumental"))
                    )
                yield board.completed()
                return
            if took:
                yield self._progress("processing", started, eta, board)
                continue
            next_poll = self._clock.monotonic() + interval
            report = await self._poll(ctype, task_id=handle.task_id)
            if report is None:
                blind += 1
                if blind > self.not_found_polls:
                    raise ProviderError(ErrorKind.NOT_FOUND, Reason.SERVER_LOST_JOB)
                yield self._progress("queued", started, eta, board)
                continue
            blind = 0
            if await self._absorb(report, board, ctype):
                yield board.completed()
                return
            stage = "queued" if report.status in QUEUED_STATUSES and not board.takes else "processing"
            yield self._progress(stage, started, eta, board)

    async def _gather_extras(
        self, inbox: Inbox, board: _Board, handle: Handle, ctype: str, instrumental: bool
    ) -> None:
        """Both takes came by webhook: give the lyrics and cover deliveries a moment to follow,
        then ask /byId once for whatever of them is still missing (it carries both)."""
        if not board.extras_missing(instrumental):
            return
        await self._wait_for_webhooks(
            inbox,
            board,
            handle,
            until=self._clock.monotonic() + self.poll_interval,
            stop=lambda: not board.extras_missing(instrumental),
        )
        if not board.extras_missing(instrumental):
            return
        try:
            report = await self._poll(ctype, task_id=handle.task_id)
        except ProviderError as error:
            log.info("musicgpt: no cover or timed lyrics for %s (%s)", handle.task_id, error.kind)
            return
        if report is not None:
            board.add_meta(report.meta)
            for take in report.takes:
                board.add_meta(Metadata(conversion_id=take.conversion_id, lyrics_lrc=take.lyrics_lrc))

    async def _absorb(self, report: StatusReport, board: _Board, ctype: str) -> bool:
        """Merge a poll into the board; True when the job has ended (successfully or not)."""
        for take in report.takes:
            board.add(take)
        board.add_meta(report.meta)
        if report.state == "pending":
            return board.done
        if report.state == "completed" and not board.done and not await self._fetch_missing(board, ctype):
            return False  # a take is still being made
        board.fail_open()
        return True

    async def _fetch_missing(self, board: _Board, ctype: str) -> bool:
        """The documented single-take answer covers one variant: ask for the others by id.

        Returns False when one of them is still in progress.
        """
        for cid in board.missing_ids:
            report = await self._poll(ctype, conversion_id=cid)
            if report is None:
                continue
            if report.state == "pending":
                return False
            for take in report.takes:
                board.add(take if take.conversion_id else replace(take, conversion_id=cid))
            board.add_meta(report.meta)
        return True

    async def _poll(self, ctype: str, **ident: str) -> StatusReport | None:
        try:
            body = await self.http.request(
                "GET",
                f"{self.base_url}/byId",
                idempotent=True,
                params=status_params(ctype, **ident),
                headers=self._headers,
                client_timeout=self.poll_timeout,
            )
        except ProviderError as error:
            # Shortly after submit a job can be invisible to /byId ("increase wait time before polling").
            if error.kind == ErrorKind.NOT_FOUND:
                return None
            raise
        report = parse_status(body)
        if report is None:
            log.info("musicgpt /byId gave no job details (%s)", type(body).__name__)
        return report

    async def _wait_for_webhooks(
        self,
        inbox: Inbox,
        board: _Board,
        handle: Handle,
        *,
        until: float,
        stop: Callable[[], bool] | None = None,
    ) -> bool:
        """Take webhook deliveries until `until` (monotonic), or until `stop()` holds.

        Returns True at once when a delivery added a take, so progress can be shown.
        """
        stop = stop or (lambda: board.done)
        while not stop():
            remaining = until - self._clock.monotonic()
            if remaining <= 0:
                return False
            payload = await _get_within(self._clock, inbox, remaining)
            if payload is None:
                return False
            if self._take_delivery(payload, board, handle):
                return True
        return False

    def _take_delivery(self, payload: Mapping[str, Any], board: _Board, handle: Handle) -> bool:
        """Merge one delivery; True when it added a take."""
        if not self.webhook_belongs(handle, payload):
            log.info("musicgpt webhook for another task ignored")
            return False
        event = parse_webhook(payload)
        if isinstance(event, Take):
            if board.add(event):
                return True
            log.debug("musicgpt webhook changed nothing (duplicate or unknown take)")
        else:
            board.add_meta(event)
        return False

    def _progress(self, stage: str, started: float, eta: float | None, board: _Board) -> Progress:
        elapsed = self._clock.monotonic() - started
        ready = sum(1 for t in board.takes.values() if t.ok)
        return Progress(
            stage=stage,
            percent=percent_done(elapsed, eta),
            eta_seconds=max(0.0, eta - elapsed) if eta else None,
            detail=Note(reason=Reason.TAKES_READY, params={"ready": ready, "expected": board.expected})
            if ready
            else None,
            partial=board.partial(),
        )

    def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
        # MusicGPT documents no signature: the web layer checks the secret token in our URL.
        try:
            payload = json.loads(body)
        except ValueError as exc:
            raise WebhookRejected(400, "body is not JSON") from exc
        if not isinstance(payload, dict):
            raise WebhookRejected(400, "body is not a JSON object")
        return payload

    def webhook_belongs(self, handle: Handle, payload: Mapping[str, Any]) -> bool:
        task_id = payload.get("task_id")
        if task_id is not None:
            return str(task_id) == handle.task_id
        # A take must name its task (every documented audio delivery does). The lyrics and cover shapes
        # are undocumented, so those may omit it: the job's secret URL token already vouches for them.
        return isinstance(parse_webhook(payload), Metadata)

    # -- voices ------------------------------------------------------------------------------------

    async def list_voices(self, query: str = "", *, limit: int = 25) -> list[Voice]:
        if self._clock.monotonic() >= self._voices_until:
            if self._voices_task is None or self._voices_task.done():
                self._voices_task = asyncio.create_task(self._load_voices(), name="musicgpt-voices")
            try:
                await asyncio.wait_for(asyncio.shield(self._voices_task), self.voices_wait)
            except TimeoutError:
                pass  # still loading: answer from what is there, the load goes on
            except ProviderError as error:
                log.info("musicgpt voices unavailable: %s", error.kind)
        return match_voices(self._voices, query, limit)

    async def _load_voices(self) -> None:
        """Page through /getAllVoices. A first load is shown as it grows; a refresh replaces at the end."""
        collected: list[Voice] = []
        first_load = not self._voices
        try:
            for page in range(MAX_VOICE_PAGES):
                body = await self.http.request(
                    "GET",
                    f"{self.base_url}/getAllVoices",
                    idempotent=True,
                    params={"limit": str(VOICE_PAGE_SIZE), "page": str(page)},
                    headers=self._headers,
                    client_timeout=self.poll_timeout,
                )
                voices, total = parse_voices(body)
                collected.extend(voices)
                if first_load:
                    self._voices = list(collected)
                if not voices or (total is not None and len(collected) >= total):
                    break
        except ProviderError:
            # Keep what we had; ask again in a minute rather than on every keystroke.
            self._voices_until = self._clock.monotonic() + 60
            if collected and len(collected) > len(self._voices):
                self._voices = collected
            raise
        self._voices = collected
        self._voices_until = self._clock.monotonic() + self.voices_ttl
        log.info("musicgpt: %d voices loaded", len(collected))

    async def close(self) -> None:
        if self._voices_task is not None:
            self._voices_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, ProviderError):
                await self._voices_task


def _positive(value: Any) -> float | None:
    number = _number(value)
    return number if number is not None and number > 0 else None


async def _get_within(clock: Clock, inbox: Inbox, seconds: float) -> Any | None:
    """The next inbox item, or None once `seconds` have passed on `clock` without one."""
    if not inbox.empty():
        return inbox.get_nowait()
    getter = asyncio.ensure_future(inbox.get())
    timer = asyncio.ensure_future(clock.sleep(seconds))
    try:
        await asyncio.wait({getter, timer}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        timer.cancel()
        if not getter.done():
            getter.cancel()
    try:
        # A get cancelled just as an item arrived still returns it: nothing is lost.
        return await getter
    except asyncio.CancelledError:
        if not getter.cancelled():
            raise
        return None
