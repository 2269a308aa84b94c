"""Take fetching: every finished take on local disk, playable, whatever the provider handed back."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from audio.probe import NotAudio, probe
from audio.transcode import extension_for, to_mp3
from domain.errors import ErrorKind, ProviderError
from domain.redact import redact
from domain.tracking import Completed, Output
from face import texts
from providers.http import download_to

log = logging.getLogger(__name__)

PLAYABLE_KBPS = 256  # a take converted only to make it playable keeps most of its quality

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
        raise ProviderError(ErrorKind.GENERATION_FAILED, texts.take_without_audio(output.index))
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
    failures: list[ProviderError] = []
    refreshed = False
    for output in outputs:
        link = output.url
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
                link = fresh.url
            path, probed = await asyncio.to_thread(_playable, path, output.index)
            duration = output.duration or probed
        except ProviderError as error:
            log.warning(
                "take %s could not be fetched: %s (%s)", output.index, error.message, redact(error.detail)
            )
            notes.append(texts.take_not_downloaded(output.index, error.message))
            failures.append(error)
            continue
        takes.append(
            Take(
                index=output.index,
                path=path,
                ext=_ext(output),
                duration=duration,
                title=output.title,
                label=output.label,
                source_url=link,
                lyrics_lrc=output.lyrics_lrc,
            )
        )
    if not takes:
        # Worth another try later only if some failure may pass (a dropped connection, a 5xx).
        transient = any(f.transient for f in failures)
        kind = (
            ErrorKind.UNAVAILABLE
            if transient
            else failures[0].kind
            if failures
            else ErrorKind.GENERATION_FAILED
        )
        raise ProviderError(kind, texts.no_takes(), detail="; ".join(f.message for f in failures))
    return takes, notes


def _playable(path: Path, index: int) -> tuple[Path, float | None]:
    """The take named by its real format so Discord plays it inline; converted to MP3 when that
    format would not play (a video, an unusual container). Runs in a thread."""
    try:
        info = probe(path)
    except NotAudio as exc:
        raise ProviderError(
            ErrorKind.GENERATION_FAILED, texts.take_without_audio(index), detail=exc.reason
        ) from exc
    ext = extension_for(info)
    if ext is None:
        converted = to_mp3(path, path.with_name(f"{path.stem}-playable.mp3"), PLAYABLE_KBPS, info=info)
        return converted, info.duration
    if path.suffix.lstrip(".").lower() != ext:
        path = path.rename(path.with_suffix(f".{ext}"))
    return path, info.duration
