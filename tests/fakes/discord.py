"""A fake Discord (REST API, gateway and attachment CDN) on 127.0.0.1 for the unmodified discord.py.

It follows Discord's documented behaviour, not any bot's convenience: interaction windows (3 s to
acknowledge, 15 min token), nonce de-duplication, attachment limits, permission checks, signed and
expiring attachment URLs. Everything the client does is recorded so tests assert on records instead
of sleeping.

    async with FakeDiscord() as fake, patched_discord(fake):
        task = asyncio.create_task(bot.start("any-token"))
        await fake.wait_until_ready()
        ix = await fake.run_slash_command("remix", attachments=[("in.wav", data, "audio/wav")])
        callback = await ix.wait_response(timeout=3)

Knobs (FakeDiscord(...) keywords):
    guild_id, channels, members    the first guild, its text channels and the members (shared by all guilds)
    preferred_locale               the first guild's locale (interactions' `guild_locale`)
    application_id, bot_name, bot_token (None: any "Bot ..." token), app_permissions
    token_lifetime (900 s)         interaction token life; then webhook routes answer 401 / 50027
    callback_window (3 s)          time to acknowledge an interaction; then 404 / 10062
    attachment_size_limit          per file (10 MiB); a request may carry max(25 MiB, this)
    cdn_url_lifetime, nonce_ttl, heartbeat_interval_ms
    write_limit (None)             per-channel write budget (count, seconds), e.g. DEFAULT_WRITE_LIMIT
                                   (5 per 5 s, Discord's rough figure) or (5, 0.5) in tests. Message
                                   create/edit/delete and thread creation in one channel share it (one
                                   X-RateLimit-Bucket); over it: 429 with retry_after, global false,
                                   Retry-After, Via and X-RateLimit-* (Scope: user). Off by default:
                                   the older suite was written without it.
    shard_count (1)                what GET /gateway/bot recommends

World building (before the bot connects, so READY / GUILD_CREATE carry it):
    add_guild(id, name, preferred_locale=, channels=)   another guild
    add_channel(name, channel_id=, guild_id=, type=GUILD_FORUM|GUILD_TEXT, bot_permissions=)
    add_member(id, name, joined_at=, bot=, locale=, permissions=)   FakeMember.accepts_dms=False
                                   makes DMs to it answer 403 / 50007

Driving and scripting: run_slash_command / run_message_command / autocomplete / click_button /
submit_modal (each takes locale= for that interaction), post_user_message, script_rate_limit,
script_outage, expire_token, disconnect_gateway, set_bot_permissions(channel_id, send_messages=,
attach_files=, permissions=) (dispatches CHANNEL_UPDATE), dispatch(event, data, guild_id=).

Records: requests / requests_to, messages(channel_id) (threads and DMs are channels too), message(id),
interactions, sessions (each with its shard and backlog), commands / guild_commands(guild_id) /
command(name) (as synced, localizations included), threads(parent_id), dm_channel(user_id),
writes / writes_to(channel_id) (budgeted writes with time and status), rate_limited (Counter of 429s
by "METHOD /route/{template}", scripted ones included).

Sharding: a session that IDENTIFYs with shard [id, count] gets READY and GUILD_CREATE for the guilds
with (guild_id >> 22) % count == id only, and only their events and interactions; DMs go to shard 0.

See /work/shared/DISCORD.md for the platform facts this models.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import hmac
import itertools
import json
import logging
import mimetypes
import re
import secrets
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import yarl
from aiohttp import WSMsgType, web

__all__ = [
    "ApiError",
    "CallbackRecord",
    "FakeAttachment",
    "FakeChannel",
    "FakeDiscord",
    "FakeGuild",
    "FakeInteraction",
    "FakeMember",
    "FakeMessage",
    "GatewaySession",
    "MessageRevision",
    "RecordedRequest",
    "Upload",
    "WriteRecord",
    "patched_discord",
]

log = logging.getLogger(__name__)
T = TypeVar("T")

# An upload the test hands to the fake: (filename, bytes, content_type).
Upload = tuple[str, bytes, str]

API_PREFIX = "/api/v10"
DISCORD_EPOCH_MS = 1420070400000
MIB = 1024 * 1024

# Message flags.
EPHEMERAL = 1 << 6
LOADING = 1 << 7
SUPPRESS_NOTIFICATIONS = 1 << 12

# Permission bits (https://discord.com/developers/docs/topics/permissions).
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
USE_EXTERNAL_EMOJIS = 1 << 18
USE_APPLICATION_COMMANDS = 1 << 31
MANAGE_THREADS = 1 << 34
CREATE_PUBLIC_THREADS = 1 << 35
SEND_MESSAGES_IN_THREADS = 1 << 38
DEFAULT_BOT_PERMISSIONS = (
    VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_EXTERNAL_EMOJIS
    | ADD_REACTIONS
    | SEND_MESSAGES_IN_THREADS
    | CREATE_PUBLIC_THREADS
)
DEFAULT_MEMBER_PERMISSIONS = (
    VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | ADD_REACTIONS
    | USE_APPLICATION_COMMANDS
)

# Gateway intents that change what the fake dispatches.
INTENT_GUILDS = 1 << 0
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_MESSAGE_CONTENT = 1 << 15

# Interaction types and the callback types Discord accepts for each.
PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
ALLOWED_CALLBACKS: dict[int, set[int]] = {
    APPLICATION_COMMAND: {4, 5, 9},
    MESSAGE_COMPONENT: {4, 5, 6, 7, 9},
    AUTOCOMPLETE: {8},
    MODAL_SUBMIT: {4, 5, 6, 7},
}
MAX_ATTACHMENTS, MAX_CONTENT, MAX_EMBEDS = 10, 2000, 10
# The documented cap on the files of one request; where single files may be larger (boosts), so
# may the request.
REQUEST_SIZE_LIMIT = 25 * MIB

# Channel types (https://discord.com/developers/docs/resources/channel#channel-object-channel-types).
GUILD_TEXT, DM, GUILD_ANNOUNCEMENT = 0, 1, 5
ANNOUNCEMENT_THREAD, PUBLIC_THREAD, PRIVATE_THREAD, GUILD_FORUM = 10, 11, 12, 15
THREAD_TYPES = (ANNOUNCEMENT_THREAD, PUBLIC_THREAD, PRIVATE_THREAD)
HAS_THREAD = 1 << 5  # message flag: a thread was started from this message

# The per-channel write budget Discord roughly applies to message create/edit/delete: 5 per 5 s.
DEFAULT_WRITE_LIMIT = (5, 5.0)
DEFAULT_JOINED_AT = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)

DEFAULT_CHANNELS = ((800000000000000201, "general"), (800000000000000202, "remix"))
DEFAULT_MEMBERS = ((800000000000000301, "alice"), (800000000000000302, "bob"))


class ApiError(Exception):
    """A Discord JSON error: raised by handlers, turned into the response by the middleware."""

    def __init__(self, status: int, code: int, message: str, errors: dict[str, Any] | None = None):
        super().__init__(f"{status} {code} {message}")
        self.status, self.code, self.message, self.errors = status, code, message, errors

    def response(self) -> web.Response:
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            body["errors"] = self.errors
        return _json(body, self.status)


def unknown_message() -> ApiError:
    return ApiError(404, 10008, "Unknown Message")


def unknown_channel() -> ApiError:
    return ApiError(404, 10003, "Unknown Channel")


def unknown_webhook() -> ApiError:
    return ApiError(404, 10015, "Unknown Webhook")


def unknown_interaction() -> ApiError:
    return ApiError(404, 10062, "Unknown interaction")


def invalid_webhook_token() -> ApiError:
    return ApiError(401, 50027, "Invalid Webhook Token")


def missing_permissions() -> ApiError:
    return ApiError(403, 50013, "Missing Permissions")


def invalid_form(field_name: str, code: str, message: str) -> ApiError:
    errors = {field_name: {"_errors": [{"code": code, "message": message}]}}
    return ApiError(400, 50035, "Invalid Form Body", errors)


def _json(data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    # Exactly "application/json": discord.py parses nothing else (json_response adds a charset).
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    return web.Response(body=json.dumps(data).encode(), status=status, headers=all_headers)


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class _Snowflakes:
    """Time-ordered ids like Discord's, so discord.py's snowflake_time() arithmetic stays meaningful."""

    def __init__(self) -> None:
        self._last = 0

    def next(self) -> int:
        candidate = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last = max(candidate, self._last + 1)
        return self._last


# ---------------------------------------------------------------------------------------------------
# Records and model objects
# ---------------------------------------------------------------------------------------------------


@dataclass
class FakeAttachment:
    id: int
    filename: str
    content_type: str
    data: bytes
    path_prefix: str  # e.g. "attachments/<channel_id>" or "ephemeral-attachments/<app_id>"
    description: str | None = None

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class MessageRevision:
    """One state of a message: its creation or an edit, with when and by which route it happened."""

    at: float  # time.monotonic()
    timestamp: dt.datetime
    content: str
    embeds: list[dict[str, Any]]
    components: list[dict[str, Any]]
    attachments: list[FakeAttachment]
    flags: int
    via: str


@dataclass
class FakeMessage:
    id: int
    channel_id: int
    author: dict[str, Any]
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[FakeAttachment] = field(default_factory=list)
    flags: int = 0
    type: int = 0
    nonce: str | None = None
    created_at: dt.datetime = field(default_factory=_now)
    edited_at: dt.datetime | None = None
    webhook_id: int | None = None
    interaction_id: int | None = None
    interaction_metadata: dict[str, Any] | None = None
    message_reference: dict[str, Any] | None = None
    allowed_mentions: dict[str, Any] | None = None
    tts: bool = False
    deleted: bool = False
    revisions: list[MessageRevision] = field(default_factory=list)

    @property
    def edits(self) -> list[MessageRevision]:
        """Every edit after creation, oldest first."""
        return self.revisions[1:]

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(self.flags & LOADING)

    @property
    def author_id(self) -> int:
        return int(self.author["id"])

    def snapshot(self, via: str) -> MessageRevision:
        revision = MessageRevision(
            at=time.monotonic(),
            timestamp=self.edited_at or self.created_at,
            content=self.content,
            embeds=list(self.embeds),
            components=list(self.components),
            attachments=list(self.attachments),
            flags=self.flags,
            via=via,
        )
        self.revisions.append(revision)
        return revision


@dataclass
class FakeChannel:
    id: int
    name: str
    position: int = 0
    type: int = GUILD_TEXT
    topic: str | None = None
    bot_permissions: int = DEFAULT_BOT_PERMISSIONS  # what the bot may do here (overwrites included)
    guild_id: int | None = None  # None for DM channels
    parent_id: int | None = None  # threads: the text or forum channel they live in
    owner_id: int | None = None  # threads: who started it
    archived: bool = False
    locked: bool = False
    auto_archive_duration: int = 1440
    created_at: dt.datetime = field(default_factory=_now)
    archive_changed_at: dt.datetime | None = None  # threads: when `archived` last changed
    recipient_id: int | None = None  # DM channels: the member at the other end

    @property
    def is_thread(self) -> bool:
        return self.type in THREAD_TYPES


@dataclass
class FakeGuild:
    id: int
    name: str
    preferred_locale: str = "en-US"


@dataclass
class FakeMember:
    id: int
    name: str
    bot: bool = False
    permissions: int = DEFAULT_MEMBER_PERMISSIONS
    nick: str | None = None
    joined_at: dt.datetime = DEFAULT_JOINED_AT
    locale: str = "en-US"  # the member's client language, sent as an interaction's `locale`
    accepts_dms: bool = True  # False: DMs from the bot answer 403 / 50007
    roles: list[int] = field(default_factory=list)  # guild role ids (see "Roles and direct messages")

    def user_payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.name,
            "global_name": self.name,
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
        }


@dataclass
class WriteRecord:
    """One write counted against a channel's budget (message create/edit/delete, thread create)."""

    channel_id: int
    route: str  # e.g. "POST /channels/{channel_id}/messages"
    at: float  # time.monotonic()
    status: int = 0  # 429 when the budget refused it


@dataclass
class RecordedRequest:
    method: str
    path: str  # without the /api/v10 prefix for API routes
    query: dict[str, str]
    json: Any
    files: list[tuple[str, str, bytes]]  # (form field, filename, bytes)
    headers: dict[str, str]
    at: float  # time.monotonic()
    status: int = 0


@dataclass
class CallbackRecord:
    """One POST /interactions/{id}/{token}/callback, accepted or not."""

    type: int
    data: dict[str, Any]
    at: float
    delay: float  # seconds since the fake dispatched INTERACTION_CREATE
    status: int = 0
    error_code: int | None = None
    files: list[tuple[str, str, bytes]] = field(default_factory=list)

    @property
    def flags(self) -> int:
        return int(self.data.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def accepted(self) -> bool:
        return 200 <= self.status < 300


@dataclass
class FakeInteraction:
    """An interaction the fake dispatched, and everything the bot answered to it."""

    id: int
    token: str
    type: int
    payload: dict[str, Any]
    channel_id: int
    user_id: int
    created_at: float
    expires_at: float
    fake: FakeDiscord = field(repr=False)
    source_message_id: int | None = None  # the message carrying the clicked component
    callbacks: list[CallbackRecord] = field(default_factory=list)
    original_message_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    modal: dict[str, Any] | None = None
    choices: list[dict[str, Any]] | None = None
    _responded: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    @property
    def response(self) -> CallbackRecord | None:
        """The accepted first response, if any."""
        return next((c for c in self.callbacks if c.accepted), None)

    @property
    def delay(self) -> float | None:
        response = self.response
        return response.delay if response else None

    @property
    def original(self) -> FakeMessage | None:
        if self.original_message_id is None:
            return None
        return self.fake.message(self.original_message_id)

    @property
    def followups(self) -> list[FakeMessage]:
        return [self.fake.message(mid) for mid in self.followup_ids]

    async def wait_response(self, timeout: float = 3.0) -> CallbackRecord:
        """Wait for the bot's accepted first response (raises TimeoutError)."""
        await asyncio.wait_for(self._responded.wait(), timeout)
        assert self.response is not None
        return self.response


@dataclass
class GatewaySession:
    session_id: str
    intents: int
    seq: int = 0
    ws: web.WebSocketResponse | None = None
    resumable: bool = True
    ready: bool = False
    backlog: list[dict[str, Any]] = field(default_factory=list)  # dispatches kept for RESUME
    close_codes: list[int | None] = field(default_factory=list)  # as sent by whoever closed
    server_close_code: int | None = None  # set while the fake itself is closing the connection
    resumes: int = 0
    shard: tuple[int, int] = (0, 1)  # (shard id, shard count) from IDENTIFY
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def holds(self, guild_id: int | None) -> bool:
        """Discord's shard formula; DMs go to shard 0."""
        shard_id, count = self.shard
        return (0 if guild_id is None else (guild_id >> 22) % count) == shard_id

    @property
    def connected(self) -> bool:
        return self.ws is not None and not self.ws.closed


@dataclass
class _ScriptedRateLimit:
    method: str
    pattern: re.Pattern[str]
    retry_after: float
    remaining_hits: int
    is_global: bool
    status: int = 429


@dataclass
class _Body:
    json: Any
    uploads: dict[int, tuple[str, str, bytes]]  # index -> (filename, content_type, bytes)
    raw_files: list[tuple[str, str, bytes]]


_BODY = web.RequestKey("body", _Body)  # the parsed body, shared by the middleware and the handlers


class _RateLimitHeaders:
    """Honest X-RateLimit headers for a generous fixed window, for routes outside the write budget."""

    def __init__(self, limit: int = 50, window: float = 1.0) -> None:
        self.limit, self.window = limit, window
        self._windows: dict[str, tuple[float, int]] = {}

    def headers(self, key: str) -> dict[str, str]:
        now = time.time()
        start, count = self._windows.get(key, (now, 0))
        if now - start >= self.window:
            start, count = now, 0
        count += 1
        self._windows[key] = (start, count)
        reset = start + self.window
        return {
            "X-RateLimit-Limit": str(self.limit),
            # Never announce 0: discord.py would pre-emptively sleep, and the fake never 429s anyway.
            "X-RateLimit-Remaining": str(max(self.limit - count, 1)),
            "X-RateLimit-Reset": f"{reset:.3f}",
            "X-RateLimit-Reset-After": f"{max(reset - now, 0.001):.3f}",
            "X-RateLimit-Bucket": hashlib.sha1(key.split("|")[0].encode()).hexdigest()[:16],
        }


class _WriteBudget:
    """Discord's per-channel message write limit, as a fixed window per channel.

    Create, edit and delete of messages (and thread creation) in one channel share one bucket, so the
    same X-RateLimit-Bucket is announced for all of them and discord.py pools them as Discord does.
    """

    BUCKET = hashlib.sha1(b"channel-writes").hexdigest()[:16]

    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self._windows: dict[int, tuple[float, int]] = {}  # channel id -> (window start, writes)

    def take(self, channel_id: int) -> tuple[bool, dict[str, str]]:
        """Count one write; (allowed, headers) — when not allowed, headers are those of a 429."""
        now = time.monotonic()
        start, count = self._windows.get(channel_id, (now, 0))
        if now - start >= self.window:
            start, count = now, 0
        allowed = count < self.limit
        if allowed:
            count += 1
            self._windows[channel_id] = (start, count)
        reset_after = max(start + self.window - now, 0.001)
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.limit - count),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": self.BUCKET,
        }
        if not allowed:
            headers.update(
                {
                    # discord.py treats a 429 without Via as a Cloudflare ban and raises instead of retrying.
                    "Via": "1.1 google",
                    "Retry-After": str(max(1, round(reset_after))),
                    "X-RateLimit-Scope": "user",
                }
            )
        return allowed, headers


# Routes (aiohttp canonical templates) that spend the channel's write budget.
WRITE_ROUTES = {
    ("POST", API_PREFIX + "/channels/{channel_id}/messages"),
    ("PATCH", API_PREFIX + "/channels/{channel_id}/messages/{message_id}"),
    ("DELETE", API_PREFIX + "/channels/{channel_id}/messages/{message_id}"),
    ("POST", API_PREFIX + "/channels/{channel_id}/threads"),
    ("POST", API_PREFIX + "/channels/{channel_id}/messages/{message_id}/threads"),
}


# ---------------------------------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------------------------------


class FakeDiscord:
    def __init__(
        self,
        *,
        guild_id: int = 800000000000000001,
        application_id: int = 800000000000000100,
        bot_name: str = "RemixBot",
        bot_token: str | None = None,
        channels: Sequence[tuple[int, str]] = DEFAULT_CHANNELS,
        members: Sequence[tuple[int, str]] = DEFAULT_MEMBERS,
        token_lifetime: float = 15 * 60,
        callback_window: float = 3.0,
        app_permissions: int = DEFAULT_BOT_PERMISSIONS,
        attachment_size_limit: int = 10 * MIB,
        cdn_url_lifetime: float = 24 * 3600,
        nonce_ttl: float = 300.0,
        heartbeat_interval_ms: int = 41250,
        write_limit: tuple[int, float] | None = None,
        shard_count: int = 1,
        preferred_locale: str = "en-US",
    ) -> None:
        self._ids = _Snowflakes()
        self.guild_id = guild_id  # the first guild; add_guild() adds more
        self.guilds: dict[int, FakeGuild] = {
            guild_id: FakeGuild(guild_id, "Fake Remix Guild", preferred_locale)
        }
        self.shard_count = shard_count  # what GET /gateway/bot recommends
        self.application_id = application_id
        self.bot = FakeMember(application_id, bot_name, bot=True, permissions=app_permissions)
        self.bot_token = bot_token  # None: any "Bot <token>" is accepted
        self.token_lifetime = token_lifetime
        self.callback_window = callback_window
        self.attachment_size_limit = attachment_size_limit
        self.cdn_url_lifetime = cdn_url_lifetime
        self.nonce_ttl = nonce_ttl
        self.heartbeat_interval_ms = heartbeat_interval_ms

        self.channels: dict[int, FakeChannel] = {}
        for position, (channel_id, name) in enumerate(channels):
            self.add_channel(name, channel_id=channel_id, position=position, bot_permissions=app_permissions)
        self.members: dict[int, FakeMember] = {self.bot.id: self.bot}
        for member_id, name in members:
            self.add_member(member_id, name)

        # Roles and direct messages (see that section below).
        self.roles: dict[int, str] = {}

        self.requests: list[RecordedRequest] = []
        self.interactions: dict[int, FakeInteraction] = {}
        self.sessions: dict[str, GatewaySession] = {}
        self.commands: dict[int | None, list[dict[str, Any]]] = {}  # guild id (None: global) -> commands

        self._messages: dict[int, FakeMessage] = {}
        self._channel_messages: dict[int, list[int]] = {}
        self._nonces: dict[tuple[int, str], tuple[float, int]] = {}
        self._attachments: dict[int, FakeAttachment] = {}
        self._by_token: dict[str, FakeInteraction] = {}
        self._scripted: list[_ScriptedRateLimit] = []
        self._ratelimits = _RateLimitHeaders()
        self._write_budget = _WriteBudget(*write_limit) if write_limit else None
        self.writes: list[WriteRecord] = []  # every budgeted write, refused ones included
        self.rate_limited: Counter[str] = Counter()  # "METHOD /route/{template}" -> 429s answered
        self._cdn_secret = secrets.token_bytes(16)
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._port = 0

    @property
    def request_size_limit(self) -> int:
        return max(REQUEST_SIZE_LIMIT, self.attachment_size_limit)

    # -- lifecycle ---------------------------------------------------------------------------------

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def start(self) -> None:
        app = web.Application(middlewares=[self._middleware], client_max_size=64 * MIB)
        self._add_routes(app)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        for session in self.sessions.values():
            if session.connected:
                assert session.ws is not None
                await session.ws.close(code=1001)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    @property
    def api_base(self) -> str:
        """Assign to discord.http.Route.BASE."""
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        """Assign yarl.URL(...) of it to discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY."""
        return f"ws://127.0.0.1:{self._port}/gateway"

    # -- world building ----------------------------------------------------------------------------

    def add_channel(
        self,
        name: str,
        *,
        channel_id: int | None = None,
        position: int | None = None,
        bot_permissions: int | None = None,
        guild_id: int | None = None,
        type: int = GUILD_TEXT,
    ) -> FakeChannel:
        """Add a text (or, with type=GUILD_FORUM, forum) channel to a guild (default: the first one).

        Add it before the bot connects, so GUILD_CREATE carries it.
        """
        guild_id = guild_id or self.guild_id
        if guild_id not in self.guilds:
            raise LookupError(f"no guild {guild_id}; add_guild() first")
        channel = FakeChannel(
            id=channel_id or self._ids.next(),
            name=name,
            position=len(self.channels) if position is None else position,
            type=type,
            bot_permissions=self.bot.permissions if bot_permissions is None else bot_permissions,
            guild_id=guild_id,
        )
        self.channels[channel.id] = channel
        return channel

    def add_guild(
        self,
        guild_id: int,
        name: str = "Another Guild",
        *,
        preferred_locale: str = "en-US",
        channels: Sequence[tuple[int, str]] = (),
    ) -> FakeGuild:
        """Add another guild (before the bot connects); members are shared by every guild."""
        guild = FakeGuild(guild_id, name, preferred_locale)
        self.guilds[guild_id] = guild
        for channel_id, channel_name in channels:
            self.add_channel(channel_name, channel_id=channel_id, guild_id=guild_id)
        return guild

    def add_member(
        self,
        member_id: int,
        name: str,
        *,
        permissions: int = DEFAULT_MEMBER_PERMISSIONS,
        joined_at: dt.datetime = DEFAULT_JOINED_AT,
        bot: bool = False,
        locale: str = "en-US",
    ) -> FakeMember:
        """A member of every guild; `joined_at` is what interactions and the member routes report."""
        member = FakeMember(
            member_id, name, bot=bot, permissions=permissions, joined_at=joined_at, locale=locale
        )
        self.members[member_id] = member
        return member

    def threads(self, parent_id: int | None = None) -> list[FakeChannel]:
        """Threads (forum posts included), of one parent channel if given, oldest first."""
        found = (c for c in self.channels.values() if c.is_thread)
        return [c for c in found if parent_id is None or c.parent_id == parent_id]

    def dm_channel(self, user_id: int) -> FakeChannel | None:
        """The DM channel the bot opened with this member, if any."""
        return next((c for c in self.channels.values() if c.type == DM and c.recipient_id == user_id), None)

    def command(self, name: str, guild_id: int | None = None) -> dict[str, Any]:
        """The synced command as stored (localizations included): guild commands first, then global."""
        for command in [*self.guild_commands(guild_id), *self.global_commands()]:
            if command["name"] == name:
                return command
        raise LookupError(f"command {name!r} was never synced")

    def writes_to(self, channel_id: int) -> list[WriteRecord]:
        """The budgeted writes to one channel, refused ones included, oldest first."""
        return [w for w in self.writes if w.channel_id == channel_id]

    @property
    def default_channel_id(self) -> int:
        return next(iter(self.channels))

    @property
    def default_user_id(self) -> int:
        return next(m.id for m in self.members.values() if not m.bot)

    # -- queries for tests -------------------------------------------------------------------------

    def messages(
        self, channel_id: int | None = None, *, include_ephemeral: bool = False
    ) -> list[FakeMessage]:
        """Live messages of a channel (default: the first channel), oldest first."""
        ids = self._channel_messages.get(channel_id or self.default_channel_id, [])
        found = (self._messages[mid] for mid in ids)
        return [m for m in found if not m.deleted and (include_ephemeral or not m.ephemeral)]

    def message(self, message_id: int) -> FakeMessage:
        """Any message the fake knows, deleted and ephemeral ones included (KeyError if unknown)."""
        return self._messages[message_id]

    def requests_to(self, method: str, path_pattern: str) -> list[RecordedRequest]:
        """Recorded requests whose path (API prefix stripped) fully matches the regex."""
        pattern = re.compile(path_pattern)
        return [r for r in self.requests if r.method == method and pattern.fullmatch(r.path)]

    def guild_commands(self, guild_id: int | None = None) -> list[dict[str, Any]]:
        return self.commands.get(guild_id or self.guild_id, [])

    def global_commands(self) -> list[dict[str, Any]]:
        return self.commands.get(None, [])

    def ready_session(self) -> GatewaySession | None:
        return next((s for s in self.sessions.values() if s.ready and s.connected), None)

    async def wait_for(self, predicate: Callable[[], T], timeout: float = 5.0) -> T:
        """Wait until predicate() is truthy and return its value; re-checked on every fake event."""
        deadline = time.monotonic() + timeout
        while not (result := predicate()):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"condition not met within {timeout} s")
            # No await between the check and taking the event, so no change can slip through.
            changed = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)
        return result

    async def wait_until_ready(self, timeout: float = 5.0) -> GatewaySession:
        """Wait for a client to identify and receive READY + GUILD_CREATE."""
        return await self.wait_for(self.ready_session, timeout)

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    # -- scripting ---------------------------------------------------------------------------------

    def script_rate_limit(
        self,
        method: str,
        path_pattern: str,
        *,
        retry_after: float = 0.1,
        times: int = 1,
        is_global: bool = False,
    ) -> None:
        """The next `times` matching requests get a 429 like Discord's (with Via, so discord.py retries)."""
        self._scripted.append(
            _ScriptedRateLimit(method.upper(), re.compile(path_pattern), retry_after, times, is_global)
        )

    def script_outage(self, method: str, path_pattern: str, *, status: int = 503, times: int = 1) -> None:
        """The next `times` matching requests fail with a server error (discord.py retries only some)."""
        self._scripted.append(
            _ScriptedRateLimit(method.upper(), re.compile(path_pattern), 0.0, times, False, status)
        )

    def expire_token(self, interaction: FakeInteraction) -> None:
        """Make the interaction token stale now (webhook routes answer 401 / 50027)."""
        interaction.expires_at = time.monotonic()

    async def set_bot_permissions(
        self,
        channel_id: int,
        *,
        send_messages: bool | None = None,
        attach_files: bool | None = None,
        permissions: int | None = None,
    ) -> FakeChannel:
        """Revoke (False) or restore (True) the bot's Send Messages / Attach Files in a channel mid-test.

        `permissions` replaces the whole set instead. The channel's permission overwrites change
        accordingly and CHANNEL_UPDATE is dispatched, as when a moderator edits the channel; writes the
        bot may no longer make answer 403 / 50013.
        """
        channel = self.channels[channel_id]
        if permissions is not None:
            channel.bot_permissions = permissions
        for bit, grant in ((SEND_MESSAGES, send_messages), (ATTACH_FILES, attach_files)):
            if grant is not None:
                channel.bot_permissions = (
                    channel.bot_permissions | bit if grant else channel.bot_permissions & ~bit
                )
        await self.dispatch("CHANNEL_UPDATE", self.channel_payload(channel), guild_id=channel.guild_id)
        self._notify()
        return channel

    async def disconnect_gateway(self, code: int = 4000) -> None:
        """Close every gateway connection as Discord does on trouble; discord.py should RESUME."""
        for session in self.sessions.values():
            if session.connected:
                assert session.ws is not None
                session.server_close_code = code
                await session.ws.close(code=code)

    # -- CDN ---------------------------------------------------------------------------------------

    def cdn_url(self, attachment: FakeAttachment) -> str:
        """A freshly signed URL for the attachment, as Discord's CDN hands out (ex / is / hm)."""
        path = f"/{attachment.path_prefix}/{attachment.id}/{attachment.filename}"
        issued = int(time.time())
        expires = int(issued + self.cdn_url_lifetime)
        ex, is_ = f"{expires:x}", f"{issued:x}"
        return f"{self.base_url}{path}?ex={ex}&is={is_}&hm={self._cdn_signature(path, ex, is_)}&"

    def _cdn_signature(self, path: str, ex: str, is_: str) -> str:
        return hmac.new(self._cdn_secret, f"{path}|{ex}|{is_}".encode(), hashlib.sha256).hexdigest()

    async def _serve_attachment(self, request: web.Request) -> web.StreamResponse:
        gone = web.Response(status=404, text="This content is no longer available.")
        ex, is_, hm = (request.query.get(k, "") for k in ("ex", "is", "hm"))
        if not hmac.compare_digest(self._cdn_signature(request.path, ex, is_), hm):
            return gone
        if int(ex or "0", 16) < time.time():
            return gone
        attachment = self._attachments.get(int(request.match_info["attachment_id"]))
        if attachment is None or attachment.filename != request.match_info["filename"]:
            return gone
        return web.Response(body=attachment.data, headers={"Content-Type": attachment.content_type})

    _CDN_PATH = re.compile(r"/(?:ephemeral-)?attachments/\d+/(?P<id>\d+)/(?P<filename>[^/?#]+)")

    async def _refresh_urls(self, request: web.Request) -> web.Response:
        """POST /attachments/refresh-urls: fresh signed URLs for attachment URLs, expired ones included.

        URLs that name no attachment the fake knows are left out of `refreshed_urls`.
        """
        self._require_bot_auth(request)
        payload = request[_BODY].json
        urls = payload.get("attachment_urls") if isinstance(payload, Mapping) else None
        if not isinstance(urls, list) or not urls or not all(isinstance(u, str) for u in urls):
            raise invalid_form("attachment_urls", "BASE_TYPE_REQUIRED", "This field is required")
        refreshed = []
        for url in urls:
            match = self._CDN_PATH.fullmatch(yarl.URL(url).path)
            attachment = self._attachments.get(int(match["id"])) if match else None
            if attachment is not None and match and attachment.filename == match["filename"]:
                refreshed.append({"original": url, "refreshed": self.cdn_url(attachment)})
        return _json({"refreshed_urls": refreshed})

    # -- HTTP plumbing -----------------------------------------------------------------------------

    def _add_routes(self, app: web.Application) -> None:
        api = API_PREFIX
        r = app.router
        r.add_get("/gateway", self._gateway)
        cdn_path = "/{kind:(ephemeral-)?attachments}/{owner}/{attachment_id}/{filename}"
        r.add_get(cdn_path, self._serve_attachment)
        r.add_post(api + "/attachments/refresh-urls", self._refresh_urls)
        r.add_get(api + "/gateway", self._get_gateway)
        r.add_get(api + "/gateway/bot", self._get_gateway)
        r.add_get(api + "/users/@me", self._get_me)
        r.add_get(api + "/oauth2/applications/@me", self._get_application)
        r.add_get(api + "/applications/{app}/commands", self._get_commands)
        r.add_put(api + "/applications/{app}/commands", self._put_commands)
        r.add_get(api + "/applications/{app}/guilds/{guild}/commands", self._get_commands)
        r.add_put(api + "/applications/{app}/guilds/{guild}/commands", self._put_commands)
        r.add_post(api + "/interactions/{interaction_id}/{token}/callback", self._interaction_callback)
        r.add_post(api + "/webhooks/{app}/{token}", self._post_followup)
        r.add_route("*", api + "/webhooks/{app}/{token}/messages/{message_ref}", self._webhook_message_route)
        r.add_get(api + "/channels/{channel_id}", self._get_channel)
        r.add_patch(api + "/channels/{channel_id}", self._edit_channel)
        r.add_post(api + "/channels/{channel_id}/threads", self._start_thread)
        r.add_post(api + "/channels/{channel_id}/messages/{message_id}/threads", self._start_thread)
        r.add_get(api + "/guilds/{guild}/members/{user_id}", self._get_member)
        r.add_post(api + "/users/@me/channels", self._open_dm)
        r.add_get(api + "/users/{user_id:\\d+}", self._get_user)
        r.add_post(api + "/channels/{channel_id}/typing", self._typing)
        r.add_get(api + "/channels/{channel_id}/messages", self._list_messages)
        r.add_post(api + "/channels/{channel_id}/messages", self._create_message)
        r.add_get(api + "/channels/{channel_id}/messages/{message_id}", self._get_message)
        r.add_patch(api + "/channels/{channel_id}/messages/{message_id}", self._edit_message)
        r.add_delete(api + "/channels/{channel_id}/messages/{message_id}", self._delete_message)

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path == "/gateway":
            return await handler(request)
        is_api = request.path.startswith(API_PREFIX)
        body = await _read_body(request)
        request[_BODY] = body
        record = RecordedRequest(
            method=request.method,
            path=request.path.removeprefix(API_PREFIX) if is_api else request.path,
            query=dict(request.query),
            json=body.json,
            files=body.raw_files,
            headers=dict(request.headers),
            at=time.monotonic(),
        )
        self.requests.append(record)
        budget_headers: dict[str, str] | None = None
        write: WriteRecord | None = None
        try:
            if sum(len(data) for _, _, data in body.raw_files) > self.request_size_limit:
                raise ApiError(413, 40005, "Request entity too large")
            response = self._scripted_429(record)
            if response is None:
                response, budget_headers, write = self._spend_write_budget(request)
            if response is None:
                response = await handler(request)
        except ApiError as error:
            response = error.response()
        except web.HTTPException as error:
            log.warning("fake Discord has no route for %s %s", request.method, request.path)
            response = _json({"message": f"{error.status}: {error.reason}", "code": 0}, error.status)
        if budget_headers is not None:
            response.headers.update(budget_headers)
        elif is_api and response.status != 429:
            response.headers.update(self._ratelimits.headers(self._bucket_key(request)))
        if response.status == 429:
            self.rate_limited[f"{request.method} {self._route_template(request)}"] += 1
        record.status = response.status
        if write is not None:
            write.status = response.status
        self._notify()
        return response

    @staticmethod
    def _route_template(request: web.Request) -> str:
        resource = request.match_info.route.resource
        template = resource.canonical if resource is not None else request.path
        return template.removeprefix(API_PREFIX)

    def _spend_write_budget(
        self, request: web.Request
    ) -> tuple[web.Response | None, dict[str, str] | None, WriteRecord | None]:
        """Count a message write against its channel: (a 429 or None, X-RateLimit headers, the record)."""
        resource = request.match_info.route.resource
        template = resource.canonical if resource is not None else ""
        if self._write_budget is None or (request.method, template) not in WRITE_ROUTES:
            return None, None, None
        channel_id = int(request.match_info["channel_id"])
        allowed, headers = self._write_budget.take(channel_id)
        route = f"{request.method} {template.removeprefix(API_PREFIX)}"
        write = WriteRecord(channel_id, route, time.monotonic())
        self.writes.append(write)
        if allowed:
            return None, headers, write
        retry_after = float(headers["X-RateLimit-Reset-After"])
        body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": False}
        return _json(body, 429), headers, write

    def _bucket_key(self, request: web.Request) -> str:
        route = request.match_info.route.resource
        template = route.canonical if route is not None else request.path
        major = "+".join(request.match_info.get(k, "") for k in ("channel_id", "guild", "app", "token"))
        return f"{request.method} {template}|{major}"

    def _scripted_429(self, record: RecordedRequest) -> web.Response | None:
        for script in self._scripted:
            matches = script.method == record.method and script.pattern.fullmatch(record.path)
            if script.remaining_hits > 0 and matches:
                script.remaining_hits -= 1
                if script.status != 429:
                    return _json({"message": "Service Unavailable", "code": 0}, script.status)
                headers = {
                    # discord.py treats a 429 without Via as a Cloudflare ban and raises instead of retrying.
                    "Via": "1.1 google",
                    "Retry-After": str(max(1, round(script.retry_after))),
                    "X-RateLimit-Scope": "user",
                }
                if script.is_global:
                    headers["X-RateLimit-Global"] = "true"
                body = {
                    "message": "You are being rate limited.",
                    "retry_after": script.retry_after,
                    "global": script.is_global,
                }
                return _json(body, 429, headers)
        return None

    def _require_bot_auth(self, request: web.Request) -> None:
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bot ") or (self.bot_token is not None and auth != f"Bot {self.bot_token}"):
            raise ApiError(401, 0, "401: Unauthorized")

    # -- identity and commands ---------------------------------------------------------------------

    async def _get_gateway(self, request: web.Request) -> web.Response:
        limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
        return _json({"url": self.gateway_url, "shards": self.shard_count, "session_start_limit": limit})

    async def _get_me(self, request: web.Request) -> web.Response:
        self._require_bot_auth(request)
        user = self.bot.user_payload() | {"verified": True, "mfa_enabled": False, "flags": 0}
        return _json(user)

    async def _get_application(self, request: web.Request) -> web.Response:
        self._require_bot_auth(request)
        owner = self.members[self.default_user_id].user_payload()
        app = {
            "id": str(self.application_id),
            "name": self.bot.name,
            "description": "",
            "icon": None,
            "bot_public": False,
            "bot_require_code_grant": False,
            "owner": owner,
            "verify_key": "0" * 64,
            "flags": 0,
            "bot": self.bot.user_payload(),
        }
        return _json(app)

    def _command_scope(self, request: web.Request) -> int | None:
        if int(request.match_info["app"]) != self.application_id:
            raise ApiError(403, 50001, "Missing Access")
        guild = request.match_info.get("guild")
        if guild is not None and int(guild) not in self.guilds:
            raise ApiError(403, 50001, "Missing Access")
        return int(guild) if guild is not None else None

    async def _get_commands(self, request: web.Request) -> web.Response:
        self._require_bot_auth(request)
        return _json(self.commands.get(self._command_scope(request), []))

    async def _put_commands(self, request: web.Request) -> web.Response:
        """Bulk overwrite: commands keep their id when (name, type) survives, like Discord."""
        self._require_bot_auth(request)
        scope = self._command_scope(request)
        previous = {(c["name"], c.get("type", 1)): c for c in self.commands.get(scope, [])}
        stored = []
        for command in request[_BODY].json or []:
            kind = command.get("type", 1)
            old = previous.get((command["name"], kind))
            entry = {
                "description": "",
                "options": [],
                "default_member_permissions": None,
                "nsfw": False,
                **command,
                "id": old["id"] if old else str(self._ids.next()),
                "application_id": str(self.application_id),
                "version": str(self._ids.next()),
                "type": kind,
            }
            if scope is not None:
                entry["guild_id"] = str(scope)
            stored.append(entry)
        self.commands[scope] = stored
        return _json(stored)

    # -- channels and messages (bot token) ---------------------------------------------------------

    def _channel(self, request: web.Request) -> FakeChannel:
        channel_id = int(request.match_info["channel_id"])
        channel = self.channels.get(channel_id)
        if channel is None:
            raise unknown_channel()
        if not self.bot_permissions_in(channel) & VIEW_CHANNEL:
            raise ApiError(403, 50001, "Missing Access")
        return channel

    def bot_permissions_in(self, channel: FakeChannel) -> int:
        """What the bot may do in a channel; a thread has its parent's permissions, as on Discord."""
        if channel.is_thread and channel.parent_id in self.channels:
            return self.channels[channel.parent_id].bot_permissions
        return channel.bot_permissions

    def _channel_message(self, request: web.Request, channel: FakeChannel) -> FakeMessage:
        message = self._messages.get(int(request.match_info["message_id"]))
        # Ephemeral messages belong to the interaction: the bot token cannot see them.
        if message is None or message.deleted or message.channel_id != channel.id or message.ephemeral:
            raise unknown_message()
        return message

    def channel_payload(self, channel: FakeChannel) -> dict[str, Any]:
        if channel.type == DM:
            recipient = self.members[channel.recipient_id or 0].user_payload()
            return {
                "id": str(channel.id),
                "type": DM,
                "last_message_id": None,
                "recipients": [recipient],
                "flags": 0,
            }
        if channel.is_thread:
            return self.thread_payload(channel)
        denied = self.bot.permissions & ~channel.bot_permissions
        overwrites = []
        if denied:
            overwrites.append({"id": str(self.bot.id), "type": 1, "allow": "0", "deny": str(denied)})
        payload: dict[str, Any] = {
            "id": str(channel.id),
            "type": channel.type,
            "guild_id": str(channel.guild_id),
            "name": channel.name,
            "position": channel.position,
            "parent_id": None,
            "topic": channel.topic,
            "nsfw": False,
            "rate_limit_per_user": 0,
            "last_message_id": self._last_message_id(channel),
            "permission_overwrites": overwrites,
            "flags": 0,
        }
        if channel.type == GUILD_FORUM:
            payload.update(
                available_tags=[],
                default_reaction_emoji=None,
                default_sort_order=None,
                default_forum_layout=0,
                default_thread_rate_limit_per_user=0,
            )
        return payload

    def thread_payload(self, thread: FakeChannel) -> dict[str, Any]:
        """A thread channel object as Discord returns it (parent_id, owner_id, thread_metadata)."""
        count = len(self._channel_messages.get(thread.id, []))
        archived_at = thread.archive_changed_at or thread.created_at
        payload: dict[str, Any] = {
            "id": str(thread.id),
            "type": thread.type,
            "guild_id": str(thread.guild_id),
            "parent_id": str(thread.parent_id),
            "owner_id": str(thread.owner_id),
            "name": thread.name,
            "last_message_id": self._last_message_id(thread),
            "rate_limit_per_user": 0,
            "message_count": count,
            "member_count": 1,
            "total_message_sent": count,
            "flags": 0,
            "thread_metadata": {
                "archived": thread.archived,
                "auto_archive_duration": thread.auto_archive_duration,
                "archive_timestamp": _iso(archived_at),
                "locked": thread.locked,
                "create_timestamp": _iso(thread.created_at),
            },
        }
        if thread.type == PRIVATE_THREAD:
            payload["thread_metadata"]["invitable"] = True
        parent = self.channels.get(thread.parent_id or 0)
        if parent is not None and parent.type == GUILD_FORUM:
            payload["applied_tags"] = []
        return payload

    def _last_message_id(self, channel: FakeChannel) -> str | None:
        ids = self._channel_messages.get(channel.id)
        return str(ids[-1]) if ids else None

    async def _get_channel(self, request: web.Request) -> web.Response:
        self._require_bot_auth(request)
        return _json(self.channel_payload(self._channel(request)))

    async def _typing(self, request: web.Request) -> web.Response:
        self._require_bot_auth(request)
        self._channel(request)
        return web.Response(status=204)

    async def _edit_channel(self, request: web.Request) -> web.Response:
        """PATCH /channels/{id}: the thread fields (name, archived, locked, auto_archive_duration).

        Locking needs Manage Threads; the thread's creator may rename, archive and unarchive it
        (unless it is locked). Other channels need Manage Channels, which the fake's bot never has.
        """
        self._require_bot_auth(request)
        channel = self._channel(request)
        if not channel.is_thread:
            raise missing_permissions()
        payload = request[_BODY].json or {}
        moderator = bool(self.bot_permissions_in(channel) & MANAGE_THREADS)
        owner = channel.owner_id == self.bot.id
        if ("locked" in payload or channel.locked) and not moderator:
            raise missing_permissions()
        if not (owner or moderator):
            raise missing_permissions()
        await self._update_thread(
            channel,
            name=payload.get("name"),
            archived=payload.get("archived"),
            locked=payload.get("locked"),
            auto_archive_duration=payload.get("auto_archive_duration"),
        )
        return _json(self.thread_payload(channel))

    async def _update_thread(
        self,
        thread: FakeChannel,
        *,
        name: str | None = None,
        archived: bool | None = None,
        locked: bool | None = None,
        auto_archive_duration: int | None = None,
    ) -> None:
        """Change a thread and send THREAD_UPDATE, as Discord does for every change."""
        if name is not None:
            thread.name = name
        if archived is not None and archived != thread.archived:
            thread.archived, thread.archive_changed_at = archived, _now()
        if locked is not None:
            thread.locked = locked
        if auto_archive_duration is not None:
            thread.auto_archive_duration = int(auto_archive_duration)
        await self.dispatch("THREAD_UPDATE", self.thread_payload(thread), guild_id=thread.guild_id)

    async def _start_thread(self, request: web.Request) -> web.Response:
        """POST /channels/{id}/threads and /channels/{id}/messages/{mid}/threads.

        From a message: a public thread whose id is the message's. Without one: a thread of the given
        type (private by default, as in API v10). In a forum: a post, which needs a `message`; its
        starter message carries the thread's id and comes back in the response's `message` field.
        """
        self._require_bot_auth(request)
        parent = self._channel(request)
        body: _Body = request[_BODY]
        payload = body.json or {}
        name = str(payload.get("name") or "")
        if not 1 <= len(name) <= 100:
            raise invalid_form("name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
        permissions = self.bot_permissions_in(parent)
        if parent.type not in (GUILD_TEXT, GUILD_ANNOUNCEMENT, GUILD_FORUM):
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        starter: FakeMessage | None = None
        if "message_id" in request.match_info:
            if parent.type == GUILD_FORUM:
                raise ApiError(400, 50024, "Cannot execute action on this channel type")
            starter = self._channel_message(request, parent)
            if starter.id in self.channels:
                raise ApiError(400, 160004, "A thread has already been created for this message")
            kind = ANNOUNCEMENT_THREAD if parent.type == GUILD_ANNOUNCEMENT else PUBLIC_THREAD
        elif parent.type == GUILD_FORUM:
            kind = PUBLIC_THREAD
            if not isinstance(payload.get("message"), Mapping):
                raise invalid_form("message", "BASE_TYPE_REQUIRED", "This field is required")
            # Creating a post takes Send Messages (plus what its message carries), not Create Public Threads.
            needed = SEND_MESSAGES | (ATTACH_FILES if body.uploads else 0)
            needed |= EMBED_LINKS if payload["message"].get("embeds") else 0
            if permissions & needed != needed:
                raise missing_permissions()
        else:
            kind = int(payload.get("type") or PRIVATE_THREAD)
            if kind not in THREAD_TYPES:
                raise invalid_form("type", "BASE_TYPE_CHOICES", "Value must be one of (10, 11, 12).")
        if parent.type != GUILD_FORUM and kind != PRIVATE_THREAD and not permissions & CREATE_PUBLIC_THREADS:
            raise missing_permissions()
        thread = FakeChannel(
            id=starter.id if starter is not None else self._ids.next(),
            name=name,
            type=kind,
            guild_id=parent.guild_id,
            parent_id=parent.id,
            owner_id=self.bot.id,
            auto_archive_duration=int(payload.get("auto_archive_duration") or 1440),
        )
        first: FakeMessage | None = None
        if parent.type == GUILD_FORUM:
            # The starter message of a post has the post's id, as on Discord.
            first = self._new_message(
                thread.id,
                self.bot.user_payload(),
                payload["message"],
                body,
                via="forum post",
                message_id=thread.id,
            )
        self.channels[thread.id] = thread
        if starter is not None:
            starter.flags |= HAS_THREAD
        created = self.thread_payload(thread) | {
            "newly_created": True,
            "member": {
                "id": str(thread.id),
                "user_id": str(self.bot.id),
                "join_timestamp": _iso(thread.created_at),
                "flags": 1,
            },
        }
        await self.dispatch("THREAD_CREATE", created, intent=INTENT_GUILDS, guild_id=thread.guild_id)
        if first is not None:
            await self._broadcast_message("MESSAGE_CREATE", first)
        if starter is not None:
            await self._broadcast_message("MESSAGE_UPDATE", starter)
        response = self.thread_payload(thread)
        if first is not None:
            response["message"] = self.message_payload(first)
        return _json(response, 201)

    async def _get_member(self, request: web.Request) -> web.Response:
        self._require_bot_auth(request)
        guild_id = int(request.match_info["guild"])
        if guild_id not in self.guilds:
            raise ApiError(404, 10004, "Unknown Guild")
        member = self.members.get(int(request.match_info["user_id"]))
        if member is None:
            raise ApiError(404, 10007, "Unknown Member")
        return _json(self._member_payload(member, guild_id=guild_id))

    async def _get_user(self, request: web.Request) -> web.Response:
        self._require_bot_auth(request)
        member = self.members.get(int(request.match_info["user_id"]))
        if member is None:
            raise ApiError(404, 10013, "Unknown User")
        return _json(member.user_payload())

    async def _open_dm(self, request: web.Request) -> web.Response:
        """POST /users/@me/channels: the DM channel with a member (the same one every time)."""
        self._require_bot_auth(request)
        recipient = int((request[_BODY].json or {}).get("recipient_id") or 0)
        if recipient not in self.members or recipient == self.bot.id:
            raise ApiError(400, 50033, "Invalid Recipient(s)")
        channel = self.dm_channel(recipient)
        if channel is None:
            channel = FakeChannel(id=self._ids.next(), name="", type=DM, recipient_id=recipient)
            self.channels[channel.id] = channel
        return _json(self.channel_payload(channel))

    async def _list_messages(self, request: web.Request) -> web.Response:
        self._require_bot_auth(request)
        channel = self._channel(request)
        if not self.bot_permissions_in(channel) & READ_MESSAGE_HISTORY:
            return _json([])
        limit = min(int(request.query.get("limit", 50)), 100)
        before = int(request.query.get("before", 1 << 63))
        after = int(request.query.get("after", 0))
        found = [m for m in self.messages(channel.id) if after < m.id < before]
        newest_first = sorted(found, key=lambda m: m.id, reverse=True)
        if "after" in request.query and "before" not in request.query:
            newest_first = newest_first[-limit:]  # Discord returns the ones right after `after`
        return _json([self.message_payload(m) for m in newest_first[:limit]])

    async def _get_message(self, request: web.Request) -> web.Response:
        self._require_bot_auth(request)
        channel = self._channel(request)
        if not self.bot_permissions_in(channel) & READ_MESSAGE_HISTORY:
            raise missing_permissions()
        return _json(self.message_payload(self._channel_message(request, channel)))

    async def _create_message(self, request: web.Request) -> web.Response:
        self._require_bot_auth(request)
        channel = self._channel(request)
        body: _Body = request[_BODY]
        payload = body.json or {}
        self._check_send_permissions(channel, payload, body)
        nonce = payload.get("nonce")
        if nonce is not None and payload.get("enforce_nonce"):
            earlier = self._nonces.get((channel.id, str(nonce)))
            if earlier and time.monotonic() - earlier[0] < self.nonce_ttl:
                return _json(self.message_payload(self._messages[earlier[1]]))
        message = self._new_message(channel.id, self.bot.user_payload(), payload, body, via="POST channel")
        if channel.is_thread and channel.archived:  # a message unarchives an unlocked thread
            await self._update_thread(channel, archived=False)
        if payload.get("message_reference"):
            message.message_reference = self._reference(channel.id, payload["message_reference"])
            message.type = 19  # REPLY
        if nonce is not None:
            message.nonce = str(nonce)
            if payload.get("enforce_nonce"):
                self._nonces[(channel.id, str(nonce))] = (time.monotonic(), message.id)
        await self._broadcast_message("MESSAGE_CREATE", message)
        return _json(self.message_payload(message))

    async def _edit_message(self, request: web.Request) -> web.Response:
        self._require_bot_auth(request)
        channel = self._channel(request)
        message = self._channel_message(request, channel)
        if message.author_id != self.bot.id:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        body: _Body = request[_BODY]
        if body.uploads and not self.bot_permissions_in(channel) & ATTACH_FILES:
            raise missing_permissions()
        self._apply_edit(message, body.json or {}, body, via="PATCH channel")
        await self._broadcast_message("MESSAGE_UPDATE", message)
        return _json(self.message_payload(message))

    async def _delete_message(self, request: web.Request) -> web.Response:
        self._require_bot_auth(request)
        channel = self._channel(request)
        message = self._channel_message(request, channel)
        if message.author_id != self.bot.id and not self.bot_permissions_in(channel) & MANAGE_MESSAGES:
            raise missing_permissions()
        await self._delete(message)
        return web.Response(status=204)

    def _check_send_permissions(self, channel: FakeChannel, payload: Mapping[str, Any], body: _Body) -> None:
        if channel.type == DM:
            if not self.members[channel.recipient_id or 0].accepts_dms:
                raise ApiError(403, 50007, "Cannot send messages to this user")
            return
        if channel.type == GUILD_FORUM:  # a forum holds posts (threads), never messages of its own
            raise ApiError(400, 50008, "Cannot send messages in a non-text channel")
        # Threads need Send Messages in Threads (the parent's), not Send Messages.
        needed = SEND_MESSAGES_IN_THREADS if channel.is_thread else SEND_MESSAGES
        if body.uploads:
            needed |= ATTACH_FILES
        if payload.get("embeds"):
            needed |= EMBED_LINKS
        if self.bot_permissions_in(channel) & needed != needed:
            raise missing_permissions()
        if channel.is_thread and channel.archived and channel.locked:
            raise ApiError(400, 50083, "Thread is archived")

    def _reference(self, channel_id: int, reference: Mapping[str, Any]) -> dict[str, Any]:
        target = self._messages.get(int(reference["message_id"]))
        if (target is None or target.deleted) and reference.get("fail_if_not_exists", True):
            raise invalid_form("message_reference", "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message")
        reference_payload = {
            "type": 0,
            "message_id": str(reference["message_id"]),
            "channel_id": str(channel_id),
        }
        guild_id = self.channels[channel_id].guild_id
        if guild_id is not None:
            reference_payload["guild_id"] = str(guild_id)
        return reference_payload

    # -- message model -----------------------------------------------------------------------------

    def _new_message(
        self,
        channel_id: int,
        author: dict[str, Any],
        payload: Mapping[str, Any],
        body: _Body,
        *,
        via: str,
        flags: int = 0,
        message_type: int = 0,
        allow_empty: bool = False,
        message_id: int | None = None,
    ) -> FakeMessage:
        """Validate and store a new message (not dispatched: callers decide)."""
        message = FakeMessage(
            id=message_id or self._ids.next(),
            channel_id=channel_id,
            author=author,
            content=str(payload.get("content") or ""),
            embeds=list(payload.get("embeds") or []),
            components=list(payload.get("components") or []),
            flags=flags | (int(payload.get("flags") or 0) & (EPHEMERAL | SUPPRESS_NOTIFICATIONS)),
            type=message_type,
            tts=bool(payload.get("tts")),
            allowed_mentions=payload.get("allowed_mentions"),
        )
        message.attachments = self._resolve_attachments(channel_id, payload.get("attachments"), body, [])
        self._validate(message, allow_empty=allow_empty)
        self._messages[message.id] = message
        self._channel_messages.setdefault(channel_id, []).append(message.id)
        message.snapshot(via)
        return message

    def _apply_edit(self, message: FakeMessage, payload: Mapping[str, Any], body: _Body, *, via: str) -> None:
        """Partial update: only the fields present change; `attachments` lists what to keep."""
        if "content" in payload:
            message.content = str(payload["content"] or "")
        if "embeds" in payload:
            message.embeds = list(payload["embeds"] or [])
        if "components" in payload:
            message.components = list(payload["components"] or [])
        if "allowed_mentions" in payload:
            message.allowed_mentions = payload["allowed_mentions"]
        if "attachments" in payload or body.uploads:
            message.attachments = self._resolve_attachments(
                message.channel_id, payload.get("attachments"), body, message.attachments
            )
        message.flags &= ~LOADING  # the first edit of a deferred response replaces "thinking..."
        self._validate(message, allow_empty=False)
        message.edited_at = _now()
        message.snapshot(via)

    def _resolve_attachments(
        self,
        channel_id: int,
        listed: Sequence[Mapping[str, Any]] | None,
        body: _Body,
        existing: list[FakeAttachment],
    ) -> list[FakeAttachment]:
        """Discord's rule: `attachments` names every attachment to keep, with uploads by files[n] index."""
        uploads = dict(body.uploads)
        kept: list[FakeAttachment] = list(existing) if listed is None else []
        current = {a.id: a for a in existing}
        for entry in listed or []:
            ref = int(entry["id"])
            if ref in uploads:
                filename, content_type, data = uploads.pop(ref)
                kept.append(
                    self._store_attachment(
                        f"attachments/{channel_id}",
                        entry.get("filename") or filename,
                        data,
                        content_type,
                        entry.get("description"),
                    )
                )
            elif ref in current:
                kept.append(current[ref])
            else:
                raise invalid_form("attachments", "ATTACHMENT_NOT_FOUND", f"Unknown attachment {ref}")
        for _, (filename, content_type, data) in sorted(uploads.items()):  # uploads not listed still attach
            kept.append(self._store_attachment(f"attachments/{channel_id}", filename, data, content_type))
        return kept

    def _store_attachment(
        self, prefix: str, filename: str, data: bytes, content_type: str, description: str | None = None
    ) -> FakeAttachment:
        if len(data) > self.attachment_size_limit:
            raise ApiError(413, 40005, "Request entity too large")
        attachment = FakeAttachment(self._ids.next(), filename, content_type, data, prefix, description)
        self._attachments[attachment.id] = attachment
        return attachment

    def _validate(self, message: FakeMessage, *, allow_empty: bool) -> None:
        if len(message.content) > MAX_CONTENT:
            raise invalid_form(
                "content", "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_CONTENT} or fewer in length."
            )
        if len(message.embeds) > MAX_EMBEDS:
            raise invalid_form("embeds", "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_EMBEDS} or fewer in length.")
        if len(message.attachments) > MAX_ATTACHMENTS:
            raise invalid_form("attachments", "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
        empty = not (message.content or message.embeds or message.attachments or message.components)
        if empty and not allow_empty:
            raise ApiError(400, 50006, "Cannot send an empty message")

    def attachment_payload(self, attachment: FakeAttachment) -> dict[str, Any]:
        url = self.cdn_url(attachment)
        payload = {
            "id": str(attachment.id),
            "filename": attachment.filename,
            "size": attachment.size,
            "url": url,
            "proxy_url": url,
            "content_type": attachment.content_type,
        }
        if attachment.description is not None:
            payload["description"] = attachment.description
        return payload

    def message_payload(self, message: FakeMessage) -> dict[str, Any]:
        guild_id = self._guild_of(message.channel_id)
        payload: dict[str, Any] = {
            "id": str(message.id),
            "channel_id": str(message.channel_id),
            "author": message.author,
            "content": message.content,
            "timestamp": _iso(message.created_at),
            "edited_timestamp": _iso(message.edited_at),
            "tts": message.tts,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [self.attachment_payload(a) for a in message.attachments],
            "embeds": message.embeds,
            "components": message.components,
            "pinned": False,
            "type": message.type,
            "flags": message.flags,
        }
        if guild_id is not None:
            payload["guild_id"] = str(guild_id)
        thread = self.channels.get(message.id)
        if thread is not None and thread.is_thread and thread.parent_id == message.channel_id:
            payload["thread"] = self.thread_payload(thread)  # the thread started from this message
        if message.nonce is not None:
            payload["nonce"] = message.nonce
        if message.webhook_id is not None:
            payload["webhook_id"] = str(message.webhook_id)
            payload["application_id"] = str(self.application_id)
        if message.interaction_metadata is not None:
            payload["interaction_metadata"] = message.interaction_metadata
        if message.message_reference is not None:
            payload["message_reference"] = message.message_reference
            target = self._messages.get(int(message.message_reference["message_id"]))
            alive = target is not None and not target.deleted
            payload["referenced_message"] = self.message_payload(target) if target and alive else None
        if guild_id is not None and message.author_id in self.members and message.author_id != self.bot.id:
            payload["member"] = self._member_payload(self.members[message.author_id], with_user=False)
        return payload

    def _guild_of(self, channel_id: int) -> int | None:
        channel = self.channels.get(channel_id)
        return channel.guild_id if channel is not None else self.guild_id

    async def _delete(self, message: FakeMessage) -> None:
        message.deleted = True
        if not message.ephemeral:
            guild_id = self._guild_of(message.channel_id)
            data = {"id": str(message.id), "channel_id": str(message.channel_id)}
            if guild_id is not None:
                data["guild_id"] = str(guild_id)
            intent = INTENT_GUILD_MESSAGES if guild_id is not None else INTENT_DIRECT_MESSAGES
            await self.dispatch("MESSAGE_DELETE", data, intent=intent, guild_id=guild_id)

    async def _broadcast_message(self, event: str, message: FakeMessage) -> None:
        if message.ephemeral:
            return  # ephemeral messages never reach the gateway
        guild_id = self._guild_of(message.channel_id)
        intent = INTENT_GUILD_MESSAGES if guild_id is not None else INTENT_DIRECT_MESSAGES
        for session in list(self.sessions.values()):
            if session.ready and session.intents & intent and session.holds(guild_id):
                await self._send_dispatch(session, event, self._message_event(message, session.intents))

    def _message_event(self, message: FakeMessage, intents: int) -> dict[str, Any]:
        payload = self.message_payload(message)
        # Without the privileged MESSAGE_CONTENT intent, others' messages arrive hollow (DMs excepted).
        in_dm = self._guild_of(message.channel_id) is None
        if not intents & INTENT_MESSAGE_CONTENT and message.author_id != self.bot.id and not in_dm:
            payload.update(content="", embeds=[], attachments=[], components=[])
        return payload

    # -- posting as a user -------------------------------------------------------------------------

    async def post_user_message(
        self,
        content: str = "",
        *,
        channel_id: int | None = None,
        author_id: int | None = None,
        attachments: Sequence[Upload] = (),
    ) -> FakeMessage:
        """A member posts a message (e.g. with an audio file); MESSAGE_CREATE is dispatched."""
        channel_id = channel_id or self.default_channel_id
        author = self.members[author_id or self.default_user_id]
        uploads = {i: (name, ctype, data) for i, (name, data, ctype) in enumerate(attachments)}
        body = _Body(json=None, uploads=uploads, raw_files=[])
        message = self._new_message(channel_id, author.user_payload(), {"content": content}, body, via="user")
        await self._broadcast_message("MESSAGE_CREATE", message)
        self._notify()
        return message

    # -- interaction callback and webhooks ---------------------------------------------------------

    async def _interaction_callback(self, request: web.Request) -> web.Response:
        interaction = self.interactions.get(int(request.match_info["interaction_id"]))
        if interaction is None or interaction.token != request.match_info["token"]:
            raise unknown_interaction()
        body: _Body = request[_BODY]
        payload = body.json or {}
        now = time.monotonic()
        record = CallbackRecord(
            type=int(payload.get("type", 0)),
            data=payload.get("data") or {},
            at=now,
            delay=now - interaction.created_at,
            files=body.raw_files,
        )
        interaction.callbacks.append(record)
        try:
            self._check_callback(interaction, record)
            resource = await self._apply_callback(interaction, record, body)
        except ApiError as error:
            record.status, record.error_code = error.status, error.code
            raise
        record.status = 200
        interaction._responded.set()
        if request.query.get("with_response") not in ("1", "true", "True"):
            return web.Response(status=204)
        return _json({"interaction": self._callback_interaction(interaction, record), "resource": resource})

    def _check_callback(self, interaction: FakeInteraction, record: CallbackRecord) -> None:
        if interaction.response is not None:
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        if record.at - interaction.created_at > self.callback_window or record.at >= interaction.expires_at:
            raise unknown_interaction()
        if record.type not in ALLOWED_CALLBACKS.get(interaction.type, set()):
            raise invalid_form(
                "type", "INTERACTION_RESPONSE_TYPE_INVALID", "Invalid interaction response type"
            )
        if record.type in (6, 7) and interaction.source_message_id is None:
            raise invalid_form("type", "INTERACTION_RESPONSE_TYPE_INVALID", "No message to update")

    async def _apply_callback(
        self, interaction: FakeInteraction, record: CallbackRecord, body: _Body
    ) -> dict[str, Any]:
        kind, data = record.type, record.data
        resource: dict[str, Any] = {"type": kind}
        if kind in (4, 5):
            flags = LOADING if kind == 5 else 0
            content = data if kind == 4 else {}  # a defer creates an empty "thinking..." message
            message = await self._interaction_message(interaction, content, body, flags, data)
            interaction.original_message_id = message.id
            resource["message"] = self.message_payload(message)
        elif kind in (6, 7):
            assert interaction.source_message_id is not None
            interaction.original_message_id = interaction.source_message_id
            if kind == 7:
                message = self.message(interaction.source_message_id)
                self._apply_edit(message, data, body, via="callback update")
                await self._broadcast_message("MESSAGE_UPDATE", message)
                resource["message"] = self.message_payload(message)
        elif kind == 8:
            interaction.choices = list(data.get("choices") or [])
        elif kind == 9:
            interaction.modal = data
        return resource

    def _callback_interaction(self, interaction: FakeInteraction, record: CallbackRecord) -> dict[str, Any]:
        result: dict[str, Any] = {"id": str(interaction.id), "type": interaction.type}
        original = interaction.original
        if original is not None and record.type in (4, 5, 7):
            result.update(
                response_message_id=str(original.id),
                response_message_loading=original.loading,
                response_message_ephemeral=original.ephemeral,
            )
        return result

    async def _interaction_message(
        self,
        interaction: FakeInteraction,
        payload: Mapping[str, Any],
        body: _Body,
        extra_flags: int,
        flag_source: Mapping[str, Any],
    ) -> FakeMessage:
        """Create an interaction-owned message (original response or followup)."""
        flags = extra_flags | (int(flag_source.get("flags") or 0) & (EPHEMERAL | SUPPRESS_NOTIFICATIONS))
        command_type = interaction.payload.get("data", {}).get("type", 1)
        message_type = {1: 20, 2: 23, 3: 23}.get(command_type, 20) if interaction.type == 2 else 0
        message = self._new_message(
            interaction.channel_id,
            self.bot.user_payload(),
            payload,
            body,
            via="interaction",
            flags=flags,
            message_type=message_type,
            allow_empty=bool(extra_flags & LOADING),
        )
        message.webhook_id = self.application_id
        message.interaction_id = interaction.id
        user = self.members[interaction.user_id].user_payload()
        message.interaction_metadata = {
            "id": str(interaction.id),
            "type": interaction.type,
            "user": user,
            "authorizing_integration_owners": {"0": str(self._guild_of(interaction.channel_id))},
        }
        await self._broadcast_message("MESSAGE_CREATE", message)
        return message

    def _webhook_interaction(self, request: web.Request) -> FakeInteraction:
        if int(request.match_info["app"]) != self.application_id:
            raise unknown_webhook()
        interaction = self._by_token.get(request.match_info["token"])
        if interaction is None or time.monotonic() >= interaction.expires_at:
            raise invalid_webhook_token()
        return interaction

    async def _post_followup(self, request: web.Request) -> web.Response:
        interaction = self._webhook_interaction(request)
        if interaction.response is None:
            raise unknown_webhook()  # followups exist only after the first response
        body: _Body = request[_BODY]
        payload = body.json or {}
        message = await self._interaction_message(interaction, payload, body, 0, payload)
        interaction.followup_ids.append(message.id)
        if request.query.get("wait") in ("1", "true", "True"):
            return _json(self.message_payload(message))
        return web.Response(status=204)

    async def _webhook_message_route(self, request: web.Request) -> web.Response:
        interaction = self._webhook_interaction(request)
        ref = request.match_info["message_ref"]
        if ref == "@original":
            message_id = interaction.original_message_id
        else:
            owned = {interaction.original_message_id, *interaction.followup_ids}
            message_id = int(ref) if ref.isdigit() and int(ref) in owned else None
        message = self._messages.get(message_id) if message_id is not None else None
        if message is None or message.deleted:
            raise unknown_message()
        if request.method == "GET":
            return _json(self.message_payload(message))
        if request.method == "DELETE":
            await self._delete(message)
            return web.Response(status=204)
        if request.method == "PATCH":
            self._apply_edit(message, request[_BODY].json or {}, request[_BODY], via="PATCH webhook")
            await self._broadcast_message("MESSAGE_UPDATE", message)
            return _json(self.message_payload(message))
        raise ApiError(405, 0, "405: Method Not Allowed")

    # -- gateway -----------------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        # compress=zstd-stream / zlib-stream is ignored: discord.py reads text frames uncompressed.
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval_ms}}))
        session: GatewaySession | None = None
        async for frame in ws:
            if frame.type is not WSMsgType.TEXT:
                continue
            session = await self._on_gateway_frame(ws, session, json.loads(frame.data)) or session
        if session is not None and session.ws is ws:
            # aiohttp reports its own code for a close the server started, so remember what we sent.
            code = session.server_close_code or ws.close_code
            session.ws, session.server_close_code = None, None
            session.close_codes.append(code)
            # A client closing with 1000/1001 ends its session; anything else leaves it resumable.
            session.resumable = code not in (1000, 1001)
            session.ready = session.ready and session.resumable
        self._notify()
        return ws

    async def _on_gateway_frame(
        self, ws: web.WebSocketResponse, session: GatewaySession | None, frame: dict[str, Any]
    ) -> GatewaySession | None:
        op, data = frame.get("op"), frame.get("d")
        if op == 1:  # HEARTBEAT
            await ws.send_str(json.dumps({"op": 11}))
        elif op == 2:  # IDENTIFY
            return await self._identify(ws, data or {})
        elif op == 6:  # RESUME
            return await self._resume(ws, data or {})
        elif op == 8 and session is not None:  # REQUEST_GUILD_MEMBERS
            chunk = {
                "guild_id": str((data or {}).get("guild_id") or self.guild_id),
                "members": self._members_payload(int((data or {}).get("guild_id") or self.guild_id)),
                "chunk_index": 0,
                "chunk_count": 1,
                "nonce": (data or {}).get("nonce"),
            }
            await self._send_dispatch(session, "GUILD_MEMBERS_CHUNK", chunk)
        return None

    def _token_ok(self, token: str | None) -> bool:
        return bool(token) and (self.bot_token is None or token == self.bot_token)

    async def _identify(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> GatewaySession | None:
        if not self._token_ok(data.get("token")):
            await ws.close(code=4004, message=b"Authentication failed.")
            return None
        session = GatewaySession(session_id=secrets.token_hex(16), intents=int(data.get("intents", 0)), ws=ws)
        if "shard" in data:
            shard_id, shard_count = (int(n) for n in data["shard"])
            if not 0 <= shard_id < shard_count:
                await ws.close(code=4010, message=b"Invalid shard.")
                return None
            session.shard = (shard_id, shard_count)
        self.sessions[session.session_id] = session
        held = [g for g in self.guilds if session.holds(g)]
        ready = {
            "v": 10,
            "user": self.bot.user_payload() | {"verified": True, "mfa_enabled": False, "flags": 0},
            "guilds": [{"id": str(g), "unavailable": True} for g in held],
            "session_id": session.session_id,
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(self.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "user_settings": {},
            "session_type": "normal",
            "_trace": ["fake-discord"],
        }
        if "shard" in data:
            ready["shard"] = data["shard"]
        await self._send_dispatch(session, "READY", ready)
        # GUILD_CREATE right away: on_ready fires guild_ready_timeout after the last one.
        for guild_id in held:
            await self._send_dispatch(session, "GUILD_CREATE", self.guild_payload(guild_id))
        session.ready = True
        self._notify()
        return session

    async def _resume(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> GatewaySession | None:
        session = self.sessions.get(str(data.get("session_id")))
        if session is None or not session.resumable or not self._token_ok(data.get("token")):
            await ws.send_str(json.dumps({"op": 9, "d": False}))  # invalid session: identify afresh
            return None
        session.ws, session.resumes = ws, session.resumes + 1
        last_seen = int(data.get("seq") or 0)
        async with session.lock:
            for missed in session.backlog:
                if missed["s"] > last_seen:
                    await ws.send_str(json.dumps(missed))
        await self._send_dispatch(session, "RESUMED", {"_trace": ["fake-discord"]})
        session.ready = True
        self._notify()
        return session

    async def _send_dispatch(self, session: GatewaySession, event: str, data: Any) -> None:
        session.seq += 1
        frame = {"op": 0, "t": event, "s": session.seq, "d": data}
        session.backlog = [*session.backlog[-999:], frame]  # kept for replay on RESUME
        if not session.connected:
            return
        assert session.ws is not None
        async with session.lock:
            with contextlib.suppress(ConnectionResetError, RuntimeError):
                await session.ws.send_str(json.dumps(frame))

    async def dispatch(
        self, event: str, data: Any, *, intent: int | None = None, guild_id: int | None = None
    ) -> int:
        """Send a dispatch to every live (or resumable) session; returns how many got it.

        With `guild_id`, only sessions whose shard holds that guild get it, as on Discord.
        """
        targets = [
            s
            for s in self.sessions.values()
            if s.ready and (intent is None or s.intents & intent) and (guild_id is None or s.holds(guild_id))
        ]
        for session in targets:
            await self._send_dispatch(session, event, data)
        return len(targets)

    def guild_payload(self, guild_id: int | None = None) -> dict[str, Any]:
        guild = self.guilds[guild_id or self.guild_id]
        everyone_permissions = DEFAULT_MEMBER_PERMISSIONS
        roles = [
            {
                "id": str(guild.id),
                "name": "@everyone",
                "permissions": str(everyone_permissions),
                "position": 0,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
                "flags": 0,
            },
            {
                "id": str(self._bot_role_id(guild.id)),
                "name": self.bot.name,
                "permissions": str(self.bot.permissions),
                "position": 1,
                "color": 0,
                "hoist": False,
                "managed": True,
                "mentionable": False,
                "flags": 0,
                "tags": {"bot_id": str(self.bot.id)},
            },
        ]
        roles += [self._role_payload(role_id) for role_id in self.roles]
        members = self._members_payload(guild.id)
        channels = [c for c in self.channels.values() if c.guild_id == guild.id]
        return {
            "id": str(guild.id),
            "name": guild.name,
            "icon": None,
            "owner_id": str(self.default_user_id),
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "preferred_locale": guild.preferred_locale,
            "features": [],
            "roles": roles,
            "emojis": [],
            "stickers": [],
            "channels": [self.channel_payload(c) | {"guild_id": None} for c in channels if not c.is_thread],
            "threads": [self.thread_payload(c) for c in channels if c.is_thread and not c.archived],
            "members": members,
            "member_count": len(members),  # equal to members sent: discord.py then never chunks
            "large": False,
            "unavailable": False,
            "joined_at": _iso(_now()),
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "system_channel_id": str(channels[0].id) if channels else None,
        }

    def _bot_role_id(self, guild_id: int) -> int:
        return guild_id + 1

    def _member_payload(
        self, member: FakeMember, *, with_user: bool = True, guild_id: int | None = None
    ) -> dict[str, Any]:
        # Only the bot has the managed bot role; other bots (user.bot) are plain members here.
        is_me = member.id == self.bot.id
        payload: dict[str, Any] = {
            "roles": [str(self._bot_role_id(guild_id or self.guild_id))]
            if is_me
            else [str(r) for r in member.roles],
            "joined_at": _iso(member.joined_at),
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "nick": member.nick,
            "avatar": None,
            "premium_since": None,
            "communication_disabled_until": None,
        }
        if with_user:
            payload["user"] = member.user_payload()
        return payload

    def _members_payload(self, guild_id: int | None = None) -> list[dict[str, Any]]:
        return [self._member_payload(m, guild_id=guild_id) for m in self.members.values()]

    # -- driving interactions ----------------------------------------------------------------------

    async def run_slash_command(
        self,
        name: str,
        options: Mapping[str, Any] | None = None,
        *,
        subcommand: str | None = None,
        attachments: Sequence[Upload] = (),
        user_id: int | None = None,
        channel_id: int | None = None,
        locale: str | None = None,
    ) -> FakeInteraction:
        """A member runs /name. Attachment options take Upload tuples, or fill from `attachments` in order.

        `subcommand` is "sub" or "group sub"; `locale` is the member's client language for this one
        interaction (default: the member's).
        """
        command = self._find_command(name, 1, channel_id)
        resolved: dict[str, dict[str, Any]] = {}
        schema, wrap = self._descend(command, subcommand)
        built = self._build_options(schema, dict(options or {}), list(attachments), resolved)
        data = self._command_data(command) | {"options": wrap(built)}
        if resolved:
            data["resolved"] = resolved
        return await self._start_interaction(APPLICATION_COMMAND, data, user_id, channel_id, locale=locale)

    async def run_message_command(
        self,
        name: str,
        target_message_id: int,
        *,
        user_id: int | None = None,
        channel_id: int | None = None,
        locale: str | None = None,
    ) -> FakeInteraction:
        """A member picks Apps > name on a message."""
        target = self.message(target_message_id)
        command = self._find_command(name, 3, channel_id or target.channel_id)
        data = self._command_data(command) | {
            "target_id": str(target.id),
            "resolved": {"messages": {str(target.id): self.message_payload(target)}},
        }
        channel_id = channel_id or target.channel_id
        return await self._start_interaction(APPLICATION_COMMAND, data, user_id, channel_id, locale=locale)

    async def autocomplete(
        self,
        name: str,
        focused: str,
        value: str,
        options: Mapping[str, Any] | None = None,
        *,
        subcommand: str | None = None,
        user_id: int | None = None,
        channel_id: int | None = None,
        timeout: float = 3.0,
        locale: str | None = None,
    ) -> list[dict[str, Any]]:
        """A member types `value` into option `focused`; returns the choices the bot answered."""
        command = self._find_command(name, 1, channel_id)
        schema, wrap = self._descend(command, subcommand)
        types = {o["name"]: o["type"] for o in schema}
        built = [{"name": k, "type": types[k], "value": v} for k, v in (options or {}).items()]
        built.append({"name": focused, "type": types[focused], "value": value, "focused": True})
        data = self._command_data(command) | {"options": wrap(built)}
        interaction = await self._start_interaction(AUTOCOMPLETE, data, user_id, channel_id, locale=locale)
        await interaction.wait_response(timeout)
        return interaction.choices or []

    async def click_button(
        self,
        message_id: int,
        custom_id: str,
        *,
        user_id: int | None = None,
        component_type: int = 2,
        values: Sequence[str] | None = None,
        locale: str | None = None,
    ) -> FakeInteraction:
        """A member clicks a button (or picks `values` in a select, with component_type 3)."""
        message = self.message(message_id)
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component_type}
        if values is not None:
            data["values"] = list(values)
        return await self._start_interaction(
            MESSAGE_COMPONENT, data, user_id, message.channel_id, source_message=message, locale=locale
        )

    async def submit_modal(
        self,
        custom_id: str,
        values: Mapping[str, str | Sequence[str]],
        *,
        user_id: int | None = None,
        channel_id: int | None = None,
        locale: str | None = None,
    ) -> FakeInteraction:
        """A member submits the last modal the bot showed with this custom_id.

        The submitted components mirror the modal's layout (action rows or type-18 labels), as Discord
        does; a str fills a text input's value, a sequence a select's values.
        """
        shown = next(
            (
                ix
                for ix in reversed(list(self.interactions.values()))
                if ix.modal is not None and ix.modal.get("custom_id") == custom_id
            ),
            None,
        )
        if shown is None:
            raise LookupError(f"the bot never showed a modal with custom_id {custom_id!r}")
        assert shown.modal is not None
        components = [_submitted(c, values) for c in shown.modal.get("components", [])]
        data = {"custom_id": custom_id, "components": [c for c in components if c is not None]}
        source = self.message(shown.source_message_id) if shown.source_message_id else None
        user_id, channel_id = user_id or shown.user_id, channel_id or shown.channel_id
        return await self._start_interaction(
            MODAL_SUBMIT, data, user_id, channel_id, source_message=source, locale=locale
        )

    def _find_command(self, name: str, kind: int, channel_id: int | None) -> dict[str, Any]:
        channel = self.channels[channel_id or self.default_channel_id]
        available = [*self.guild_commands(channel.guild_id), *self.global_commands()]
        for command in available:
            if command["name"] == name and command.get("type", 1) == kind:
                return command
        known = [c["name"] for c in available]
        raise LookupError(f"command {name!r} (type {kind}) was never synced; known: {known}")

    def _command_data(self, command: dict[str, Any]) -> dict[str, Any]:
        data = {"id": command["id"], "name": command["name"], "type": command.get("type", 1)}
        # discord.py looks guild commands up by data.guild_id; without it a guild command is "not found".
        if "guild_id" in command:
            data["guild_id"] = command["guild_id"]
        return data

    @staticmethod
    def _descend(
        command: dict[str, Any], subcommand: str | None
    ) -> tuple[list[dict[str, Any]], Callable[[list[dict[str, Any]]], list[dict[str, Any]]]]:
        """The option schema of the (sub)command, and how to nest built options back into the tree."""
        schema = command.get("options", [])
        wrappers: list[dict[str, Any]] = []
        for part in (subcommand or "").split():
            node = next((o for o in schema if o["name"] == part and o["type"] in (1, 2)), None)
            if node is None:
                raise LookupError(f"no subcommand {part!r} in /{command['name']}")
            wrappers.append(node)
            schema = node.get("options", [])

        def wrap(options: list[dict[str, Any]]) -> list[dict[str, Any]]:
            for node in reversed(wrappers):
                options = [{"name": node["name"], "type": node["type"], "options": options}]
            return options

        return schema, wrap

    def _build_options(
        self,
        schema: list[dict[str, Any]],
        given: dict[str, Any],
        uploads: list[Upload],
        resolved: dict[str, dict[str, Any]],
    ) -> list[dict[str, Any]]:
        unknown = set(given) - {o["name"] for o in schema}
        if unknown:
            raise ValueError(f"options not in the synced command: {sorted(unknown)}")
        built = []
        for option in schema:
            name, kind = option["name"], option["type"]
            if name in given:
                value = given[name]
            elif kind == 11 and uploads:
                value = uploads.pop(0)
            elif option.get("required"):
                raise ValueError(f"required option {name!r} missing")
            else:
                continue
            built.append({"name": name, "type": kind, "value": self._option_value(kind, value, resolved)})
        return built

    def _option_value(self, kind: int, value: Any, resolved: dict[str, dict[str, Any]]) -> Any:
        if kind == 11:  # ATTACHMENT: uploaded to the CDN first, referenced by id
            filename, data, content_type = value
            attachment = self._store_attachment(
                f"ephemeral-attachments/{self.application_id}", filename, data, content_type
            )
            resolved.setdefault("attachments", {})[str(attachment.id)] = self.attachment_payload(attachment)
            return str(attachment.id)
        if kind in (6, 9):  # USER, MENTIONABLE (members only here)
            member = self.members[int(value)]
            resolved.setdefault("users", {})[str(member.id)] = member.user_payload()
            member_data = self._member_payload(member, with_user=False)  # joined_at included
            member_data["permissions"] = str(member.permissions)
            resolved.setdefault("members", {})[str(member.id)] = member_data
            return str(member.id)
        if kind == 8:  # ROLE
            role_id = int(value)
            resolved.setdefault("roles", {})[str(role_id)] = self._role_payload(role_id)
            return str(role_id)
        if kind == 7:  # CHANNEL
            channel = self.channels[int(value)]
            channel_data = self.channel_payload(channel) | {
                "permissions": str(self.bot_permissions_in(channel))
            }
            resolved.setdefault("channels", {})[str(channel.id)] = channel_data
            return str(channel.id)
        return value

    async def _start_interaction(
        self,
        kind: int,
        data: dict[str, Any],
        user_id: int | None,
        channel_id: int | None,
        *,
        source_message: FakeMessage | None = None,
        locale: str | None = None,
    ) -> FakeInteraction:
        """Build a full INTERACTION_CREATE payload, register it and dispatch it.

        It goes to the session whose shard holds the channel's guild; `locale` overrides the member's.
        """
        user = self.members[user_id or self.default_user_id]
        channel = self.channels[channel_id or self.default_channel_id]
        if channel.guild_id is None:
            raise ValueError("the fake models guild interactions only, not ones in DMs")
        guild = self.guilds[channel.guild_id]
        # A ready session that is briefly disconnected still counts: the event waits for its RESUME.
        session = next((s for s in self.sessions.values() if s.ready and s.holds(guild.id)), None)
        if session is None:
            raise RuntimeError(
                f"no client holding guild {guild.id} is connected to the fake gateway "
                "(await fake.wait_until_ready())"
            )
        interaction_id, token = self._ids.next(), "fake-ix-" + secrets.token_urlsafe(24)
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(self.application_id),
            "type": kind,
            "data": data,
            "guild_id": str(guild.id),
            "guild": {"id": str(guild.id), "locale": guild.preferred_locale, "features": []},
            "channel_id": str(channel.id),
            "channel": self.channel_payload(channel) | {"permissions": str(user.permissions)},
            "member": self._member_payload(user, guild_id=guild.id) | {"permissions": str(user.permissions)},
            "token": token,
            "version": 1,
            "app_permissions": str(self.bot_permissions_in(channel)),
            "locale": locale or user.locale,
            "guild_locale": guild.preferred_locale,
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(guild.id)},
            "context": 0,
            "attachment_size_limit": self.attachment_size_limit,
        }
        if source_message is not None:
            payload["message"] = self.message_payload(source_message)
        interaction = FakeInteraction(
            id=interaction_id,
            token=token,
            type=kind,
            payload=payload,
            channel_id=channel.id,
            user_id=user.id,
            created_at=time.monotonic(),
            expires_at=time.monotonic() + self.token_lifetime,
            fake=self,
            source_message_id=source_message.id if source_message else None,
        )
        self.interactions[interaction_id] = interaction
        self._by_token[token] = interaction
        await self._send_dispatch(session, "INTERACTION_CREATE", payload)
        # The 3 s window starts when the event has left, as on Discord.
        interaction.created_at = time.monotonic()
        interaction.expires_at = interaction.created_at + self.token_lifetime
        self._notify()
        return interaction

    # -- roles and direct messages ---------------------------------------------------------------------
    # Guild roles a member can hold (sent in the guild, member and interaction payloads, and resolved
    # for ROLE options), and what the bot sent a member privately.

    def add_role(self, name: str, *, members: Sequence[int] = ()) -> int:
        """A new guild role (position above @everyone), given to `members`; returns its id."""
        role_id = self._ids.next()
        self.roles[role_id] = name
        for member_id in members:
            self.members[member_id].roles.append(role_id)
        return role_id

    def _role_payload(self, role_id: int) -> dict[str, Any]:
        return {
            "id": str(role_id),
            "name": self.roles[role_id],
            "permissions": "0",
            "position": 1 + list(self.roles).index(role_id),
            "color": 0,
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }

    def dm_messages(self, member_id: int) -> list[FakeMessage]:
        """What the bot sent the member privately."""
        channel = self.dm_channel(member_id)
        return self.messages(channel.id) if channel else []


# ---------------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------------


def _submitted(
    component: Mapping[str, Any], values: Mapping[str, str | Sequence[str]]
) -> dict[str, Any] | None:
    """The MODAL_SUBMIT form of one shown modal component (rows and labels keep their wrapping)."""
    kind = component.get("type")
    if kind == 1:
        children = (_submitted(child, values) for child in component.get("components", []))
        return {"type": 1, "id": component.get("id", 0), "components": [c for c in children if c]}
    if kind == 18:  # ui.Label wraps exactly one component
        inner = _submitted(component["component"], values)
        return {"type": 18, "id": component.get("id", 0), "component": inner} if inner else None
    custom_id = component.get("custom_id")
    if custom_id is None:
        return None  # text displays and the like carry nothing back
    result: dict[str, Any] = {"type": kind, "id": component.get("id", 0), "custom_id": custom_id}
    if kind == 4:
        result["value"] = str(values.get(custom_id, component.get("value", "")))
        return result
    # A select the member did not touch submits the options shown as selected (none: an empty list).
    shown = [o["value"] for o in component.get("options", []) if o.get("default")]
    value = values.get(custom_id, shown)
    result["values"] = [value] if isinstance(value, str) else list(value)
    return result


async def _read_body(request: web.Request) -> _Body:
    """Parse JSON or multipart (payload_json + files[n]) once, for both recording and handling."""
    if request.content_type.startswith("multipart/"):
        payload: Any = None
        uploads: dict[int, tuple[str, str, bytes]] = {}
        raw: list[tuple[str, str, bytes]] = []
        reader = await request.multipart()
        counter = itertools.count()
        async for part in reader:
            if part.name == "payload_json":
                payload = json.loads(await part.text())  # type: ignore[union-attr]
            elif part.filename is not None:
                data = bytes(await part.read(decode=False))  # type: ignore[union-attr]
                match = re.fullmatch(r"files\[(\d+)\]", part.name or "")
                index = int(match.group(1)) if match else next(counter)
                uploads[index] = (part.filename, _content_type(part.filename), data)
                raw.append((part.name or "", part.filename, data))
        return _Body(payload, uploads, raw)
    text = await request.text() if request.can_read_body else ""
    return _Body(json.loads(text) if text.strip() else None, {}, [])


def _content_type(filename: str) -> str:
    # discord.py uploads every file as application/octet-stream; Discord infers the type from the name.
    guessed, _ = mimetypes.guess_type(filename)
    return guessed or "application/octet-stream"


@contextlib.contextmanager
def patched_discord(fake: FakeDiscord) -> Iterator[FakeDiscord]:
    """Point discord.py's two class attributes at the fake, and restore them afterwards.

    Also drops discord.py's 5 s wait before every IDENTIFY but a client's first (Discord's identify
    rate limit between shards): the fake has no such limit, and the wait would only slow tests."""
    import discord.gateway
    import discord.http

    async def identify_now(self: discord.Client, shard_id: int | None, *, initial: bool = False) -> None:
        return None

    old_base = discord.http.Route.BASE
    old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    old_hook = discord.Client.before_identify_hook
    discord.http.Route.BASE = fake.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    discord.Client.before_identify_hook = identify_now  # type: ignore[method-assign]
    try:
        yield fake
    finally:
        discord.http.Route.BASE = old_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway
        discord.Client.before_identify_hook = old_hook  # type: ignore[method-assign]
