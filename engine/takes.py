"""Take fetching: every finished take on local disk, playable, whatever the provider handed back."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from audio.probe import NotAudio, probe
from audio.transcode import extension_for, to_mp3
from domain.clock import SYSTEM_CLOCK, Clock
from domain.errors import ErrorKind, ProviderError, Reason
from domain.tracking import Completed, Note, Output
from engine.downloads import DownloadPolicy
from engine.offload import THREAD, Offload
from engine.retry import TAKE_DOWNLOAD, deadline, retry_transient

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
    flagged: bool = False  # the provider flagged its content (see engine/moderation.py)


def _ext(output: Output) -> str:
    if output.ext:
        return output.ext.lower().lstrip(".")
    tail = (output.url or str(output.path or "")).split("?", 1)[0].rsplit(".", 1)
    return tail[1].lower() if len(tail) == 2 and len(tail[1]) <= 4 else "mp3"


async def _fetch_one(
    output: Output,
    dest: Path,
    downloads: DownloadPolicy,
    max_bytes: int,
    clock: Clock,
    until: float | None,
) -> Path:
    if output.path is not None:
        return output.path
    url = output.url
    if not url:
        raise ProviderError(ErrorKind.GENERATION_FAILED, Reason.TAKE_SILENT, params={"index": output.index})
    target = dest / f"take{output.index}.{_ext(output)}"

    def again(error: ProviderError, delay: float) -> None:
        log.info("take %s: download failed (%s); again in %.0fs", output.index, error.kind, delay)

    bound = deadline(clock, max(0.0, until - clock.monotonic())) if until is not None else nullcontext()
    try:
        async with bound:
            await retry_transient(
                TAKE_DOWNLOAD,
                clock,
                lambda: downloads.fetch(url, target, max_bytes=max_bytes),
                on_retry=again,
            )
    except TimeoutError:
        # The job's deadline: a take served too slowly is left out, the ones that arrived are posted.
        raise ProviderError(ErrorKind.UNAVAILABLE, Reason.DOWNLOAD_TOO_SLOW, detail="job deadline") from None
    return target


async def fetch_takes(
    completed: Completed,
    dest: Path,
    downloads: DownloadPolicy,
    *,
    max_bytes: int,
    refresh: Refresh | None = None,
    clock: Clock = SYSTEM_CLOCK,
    until: float | None = None,
    audio: Offload = THREAD,
) -> tuple[list[Take], list[Note]]:
    """Every take on local disk. A take that cannot be had becomes a note, unless none can.

    `until` (on the clock's monotonic time) ends every download still going then."""
    dest.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240  # one local directory: cheaper than a thread hop
    outputs = list(completed.outputs)
    takes: list[Take] = []
    notes: list[Note] = []
    failures: list[ProviderError] = []
    # Fresh links, asked of the provider once, the first time a signed one has expired.
    outputs_by_index: dict[int, Output] | None = None
    for output in outputs:
        link = output.url
        try:
            try:
                path = await _fetch_one(output, dest, downloads, max_bytes, clock, until)
            except ProviderError as error:
                if error.kind is not ErrorKind.EXPIRED or refresh is None:
                    raise
                # Signed URLs expire; ask the provider once for fresh ones.
                if outputs_by_index is None:
                    outputs_by_index = {o.index: o for o in await refresh()}
                fresh = outputs_by_index.get(output.index)
                if fresh is None:
                    raise
                path = await _fetch_one(fresh, dest, downloads, max_bytes, clock, until)
                link = fresh.url
            path, probed = await audio.run(_playable, path, output.index)
            duration = output.duration or probed
        except ProviderError as error:
            log.warning("take %s could not be fetched: %r (%s)", output.index, error, error.detail)
            cause = {"kind": error.kind.value, "cause": error.reason, **error.params}
            notes.append(Note(reason=Reason.TAKE_NOT_DOWNLOADED, params={**cause, "index": output.index}))
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
                flagged=output.flagged,
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
        raise ProviderError(kind, Reason.NO_TAKES_DOWNLOADED, detail="; ".join(repr(f) for f in failures))
    return takes, notes


def _playable(path: Path, index: int) -> tuple[Path, float | None]:
    """The take named by its real format so Discord plays it inline; converted to MP3 when that
    format would not play (a video, an unusual container). Runs in an audio worker (engine/offload.py)."""
    try:
        info = probe(path)
    except NotAudio as exc:
        raise ProviderError(
            ErrorKind.GENERATION_FAILED, Reason.TAKE_SILENT, params={"index": index}, detail=exc.reason
        ) from exc
    ext = extension_for(info)
    if ext is None:
        converted = to_mp3(path, path.with_name(f"{path.stem}-playable.mp3"), PLAYABLE_KBPS, info=info)
        return converted, info.duration
    if path.suffix.lstrip(".").lower() != ext:
        path = path.rename(path.with_suffix(f".{ext}"))
    return path, info.duration
