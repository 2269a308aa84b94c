"""Download the takes, fit them to the channel's upload limit, post one result message."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import discord

from audio.probe import NotAudio, probe
from audio.transcode import fit_to_size
from core import texts
from core.jobs import Job, JobResult, TakeInfo
from providers.base import Completed, ErrorKind, Output, ProviderError
from providers.http import download_to

log = logging.getLogger(__name__)

MAX_FILES_PER_MESSAGE = 10
# Discord documents a 25 MiB cap per request; boosted servers accept larger single files.
REQUEST_CAP = 25 * 1024 * 1024

Refresh = Callable[[], Awaitable[list[Output]]]


def take_dir(work_dir: Path, job_id: int) -> Path:
    return work_dir / "takes" / str(job_id)


@dataclass
class Take:
    index: int
    path: Path
    ext: str
    duration: float | None
    title: str | None = None
    label: str | None = None
    source_url: str | None = None
    lyrics_lrc: str | None = None


def _ext(output: Output) -> str:
    if output.ext:
        return output.ext.lower().lstrip(".")
    tail = (output.url or str(output.path or "")).split("?", 1)[0].rsplit(".", 1)
    return tail[1].lower() if len(tail) == 2 and len(tail[1]) <= 4 else "mp3"


async def _fetch_one(output: Output, dest: Path, session: aiohttp.ClientSession, max_bytes: int) -> Path:
    if output.path is not None:
        return output.path
    if not output.url:
        raise ProviderError(ErrorKind.GENERATION_FAILED, f"Take {output.index} came back without audio.")
    target = dest / f"take{output.index}.{_ext(output)}"
    await download_to(session, output.url, target, max_bytes=max_bytes)
    return target


async def fetch_takes(
    completed: Completed,
    dest: Path,
    session: aiohttp.ClientSession,
    *,
    max_bytes: int,
    refresh: Refresh | None = None,
) -> tuple[list[Take], list[str]]:
    """Every take on local disk. A take that cannot be had becomes a note, unless none can."""
    dest.mkdir(parents=True, exist_ok=True)
    outputs = list(completed.outputs)
    takes: list[Take] = []
    notes: list[str] = []
    refreshed = False
    for output in outputs:
        try:
            try:
                path = await _fetch_one(output, dest, session, max_bytes)
            except ProviderError as error:
                if error.kind is not ErrorKind.EXPIRED or refresh is None:
                    raise
                # Signed URLs expire; ask the provider once for fresh ones.
                if not refreshed:
                    outputs_by_index = {o.index: o for o in await refresh()}
                    refreshed = True
                fresh = outputs_by_index.get(output.index)
                if fresh is None:
                    raise
                path = await _fetch_one(fresh, dest, session, max_bytes)
            duration = output.duration or await _duration(path)
        except ProviderError as error:
            log.warning("take %s could not be fetched: %s (%s)", output.index, error.message, error.detail)
            notes.append(f"Take {output.index} could not be downloaded: {error.message}")
            continue
        takes.append(Take(
            index=output.index, path=path, ext=_ext(output), duration=duration,
            title=output.title, label=output.label, source_url=output.url, lyrics_lrc=output.lyrics_lrc,
        ))
    if not takes:
        raise ProviderError(ErrorKind.UNAVAILABLE, "None of the takes could be downloaded.")
    return takes, notes


async def _duration(path: Path) -> float | None:
    try:
        return (await asyncio.to_thread(probe, path)).duration
    except NotAudio:
        return None


def _filename(job: Job, take: Take, ext: str) -> str:
    return f"{job.kind}-{job.id}-take{take.index}.{ext}"


def result_embed(job: Job, takes: list[TakeInfo], completed: Completed, provider_label: str) -> discord.Embed:
    title = completed.title or texts.KIND_NAMES[job.kind].capitalize()
    embed = discord.Embed(title=texts.clip(title, 256), colour=discord.Colour.green())
    if job.prompt:
        embed.description = texts.clip(texts.defuse(job.prompt), 1000)
    embed.add_field(name="Provider", value=provider_label)
    for take in takes:
        parts = [texts.seconds(take.duration) if take.duration else "?"]
        if take.label:
            parts.append(texts.clip(take.label, 200))
        if take.url:
            parts.append(f"[download]({take.url})")
        embed.add_field(name=f"Take {take.index}", value=" · ".join(parts))
    lyrics = completed.lyrics or next((t.lyrics for t in completed.outputs if t.lyrics), None)
    if lyrics:
        embed.add_field(name="Lyrics", value=texts.clip(texts.defuse(lyrics), 500), inline=False)
    if completed.notes:
        embed.add_field(name="Note", value=texts.clip("\n".join(completed.notes), 1000), inline=False)
    if completed.cover_url:
        embed.set_thumbnail(url=completed.cover_url)
    embed.set_footer(text=f"Job #{job.id}")
    return embed


class DiscordResults:
    """Posts the takes as attachments in the job's channel, through the bot token."""

    def __init__(self, client: discord.Client, provider_labels: dict[str, str], work_dir: Path) -> None:
        self.client = client
        self.provider_labels = provider_labels
        self.work_dir = work_dir

    async def _fit(self, job: Job, take: Take) -> Path | None:
        if take.path.stat().st_size <= job.upload_limit:
            return take.path
        # Inside the job's takes directory, which the runner removes once the job is posted.
        out_dir = take_dir(self.work_dir, job.id) / "fit"
        return await asyncio.to_thread(fit_to_size, take.path, out_dir, job.upload_limit, duration=take.duration)

    async def _lrc_file(self, job: Job, take: Take) -> tuple[Path, str]:
        """The take's timed lyrics as an .lrc file beside it, for players that scroll lyrics."""
        assert take.lyrics_lrc is not None
        name = _filename(job, take, "lrc")
        path = take_dir(self.work_dir, job.id) / "lrc" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        await asyncio.to_thread(path.write_text, take.lyrics_lrc, encoding="utf-8")
        return path, name

    async def post(self, job: Job, takes: list[Take], completed: Completed) -> tuple[int | None, JobResult]:
        files: list[tuple[Path, str]] = []
        infos: list[TakeInfo] = []
        for take in takes:
            path = await self._fit(job, take)
            if path is None:
                infos.append(TakeInfo(index=take.index, filename="", duration=take.duration,
                                      title=take.title, label=take.label, url=take.source_url))
                if not take.source_url:
                    completed.notes.append(texts.take_unavailable(take.index))
                continue
            name = _filename(job, take, path.suffix.lstrip(".") or take.ext)
            files.append((path, name))
            infos.append(TakeInfo(index=take.index, filename=name, duration=take.duration,
                                  title=take.title, label=take.label))
            if take.lyrics_lrc:
                files.append(await self._lrc_file(job, take))
        embed = result_embed(job, infos, completed, self.provider_labels.get(job.provider, job.provider))
        channel = self.client.get_partial_messageable(job.channel_id, guild_id=job.guild_id)
        mentions = discord.AllowedMentions(everyone=False, roles=False, users=[discord.Object(job.member_id)])
        content = texts.result_ready(job.member_id, len(infos))
        reference = (
            discord.MessageReference(message_id=job.reply_to_message_id, channel_id=job.channel_id,
                                     fail_if_not_exists=False)
            if job.reply_to_message_id else None
        )
        first: discord.Message | None = None
        for part, group in enumerate(_groups(files, job.upload_limit) or [[]]):
            # Discord picks the player from the extension, so names keep the real one.
            attachments = [discord.File(path, filename=name) for path, name in group]
            try:
                message = await channel.send(
                    content=content if part == 0 else None,
                    embed=embed if part == 0 else discord.utils.MISSING,
                    files=attachments,
                    allowed_mentions=mentions,
                    reference=reference if part == 0 else discord.utils.MISSING,  # type: ignore[arg-type]
                    # Deterministic: a post retried after a crash returns the message already posted.
                    nonce=f"j{job.id}r{part}",
                )
            except discord.Forbidden as exc:
                raise ProviderError(ErrorKind.UNAVAILABLE, texts.missing_permissions(
                    ["Send Messages", "Attach Files", "Embed Links"]), detail=str(exc)) from exc
            except discord.HTTPException as exc:
                raise ProviderError(ErrorKind.UNAVAILABLE, "Discord refused the result message.",
                                    detail=str(exc)) from exc
            finally:
                for attachment in attachments:
                    attachment.close()
            first = first or message
        result = JobResult(title=completed.title, lyrics=completed.lyrics, cover_url=completed.cover_url,
                           takes=infos, notes=completed.notes)
        return (first.id if first else None), result


def _groups(files: list[tuple[Path, str]], upload_limit: int) -> list[list[tuple[Path, str]]]:
    """Split attachments so no message exceeds 10 files or the per-request size cap."""
    cap = max(REQUEST_CAP, upload_limit)
    groups: list[list[tuple[Path, str]]] = []
    size = 0
    for item in files:
        item_size = item[0].stat().st_size
        if not groups or len(groups[-1]) >= MAX_FILES_PER_MESSAGE or size + item_size > cap:
            groups.append([])
            size = 0
        groups[-1].append(item)
        size += item_size
    return groups
