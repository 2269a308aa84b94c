"""Is this file audio, and what is in it? Decided from the bytes with PyAV, never from the file name."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import av
from av.container import InputContainer
from av.stream import Disposition
from pydantic import BaseModel, ConfigDict

from domain.errors import Reason

# Decoding a few seconds proves the codec really works on these bytes; a header alone can lie.
_CHECK_SECONDS = 2.0
# When the container does not state a duration we count decoded samples, but never past this.
MAX_COUNT_SECONDS = 4 * 3600.0


class NotAudio(Exception):
    """The file cannot be used as audio. `reason` says why, for a face to word."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason)
        self.reason = reason


class AudioInfo(BaseModel):
    model_config = ConfigDict(frozen=True)

    format_name: str  # FFmpeg demuxer name, e.g. "mp3", "wav", "ogg", "mov,mp4,m4a,3gp,3g2,mj2"
    codec: str  # decoder name of the audio stream, e.g. "mp3float", "pcm_s16le", "vorbis", "aac"
    duration: float  # seconds
    sample_rate: int
    channels: int
    bit_rate: int | None  # bits per second, overall
    size: int  # bytes
    # A real video track beside the audio (an mp4 clip); embedded cover art does not count.
    has_video: bool = False


@contextmanager
def open_input(path: Path) -> Iterator[InputContainer]:
    """Open through a file object so FFmpeg probes the content alone, without a file-name hint."""
    with path.open("rb") as fh:
        try:
            container = av.open(fh, "r")
        except av.FFmpegError as exc:
            raise NotAudio(Reason.AUDIO_NOT_AUDIO) from exc
        with container:
            yield container


def probe(path: Path) -> AudioInfo:
    """Describe the first audio stream of `path`, or raise NotAudio with the reason."""
    size = path.stat().st_size
    if size == 0:
        raise NotAudio(Reason.AUDIO_EMPTY)
    with open_input(path) as container:
        if not container.streams.audio:
            raise NotAudio(_reason_without_audio(container))
        stream = container.streams.audio[0]
        stated = _stated_duration(container)
        limit = _CHECK_SECONDS if stated else MAX_COUNT_SECONDS
        decoded = _count_decoded_seconds(container, limit)
        if decoded == 0.0:
            # A header promising sound that decodes to nothing is broken; an empty header is just empty.
            raise NotAudio(Reason.AUDIO_DAMAGED if stated else Reason.AUDIO_SILENT)
        duration = stated or decoded
        return AudioInfo(
            format_name=container.format.name,
            codec=stream.codec_context.name,
            duration=duration,
            sample_rate=stream.codec_context.sample_rate,
            channels=stream.codec_context.channels,
            bit_rate=container.bit_rate or stream.bit_rate or int(size * 8 / duration),
            size=size,
            has_video=any(_is_real_video(s) for s in container.streams.video),
        )


def _reason_without_audio(container: InputContainer) -> Reason:
    # A still image (png_pipe, image2, ...) opens as a one-frame "video", and stray bytes can be probed
    # as a raw video stream of no size; only a sized video in a real container is "a video".
    if _is_image_format(container):
        return Reason.AUDIO_NOT_AUDIO
    if any(_is_real_video(s) and s.codec_context.width > 0 for s in container.streams.video):
        return Reason.AUDIO_VIDEO_WITHOUT_SOUND
    return Reason.AUDIO_NOT_AUDIO


def _is_image_format(container: InputContainer) -> bool:
    name = container.format.name
    return name.endswith("_pipe") or name in {"image2", "gif", "webp"}


def _is_real_video(stream: av.stream.Stream) -> bool:
    return not stream.disposition & Disposition.attached_pic


def _stated_duration(container: InputContainer) -> float | None:
    """The duration the container claims, in seconds, if it claims a positive one."""
    if container.duration and container.duration > 0:
        return container.duration / av.time_base
    stream = container.streams.audio[0]
    if stream.duration and stream.time_base and stream.duration > 0:
        return float(stream.duration * stream.time_base)
    return None


def _count_decoded_seconds(container: InputContainer, limit: float) -> float:
    """Decode the first audio stream up to `limit` seconds and return how many seconds it held.

    Raises NotAudio if the decoder fails or (when counting the whole length) the audio runs past the
    limit.
    """
    stream = container.streams.audio[0]
    seconds = 0.0
    try:
        for frame in container.decode(stream):
            seconds += frame.samples / frame.sample_rate
            if seconds >= limit:
                if limit >= MAX_COUNT_SECONDS:
                    raise NotAudio(Reason.AUDIO_UNKNOWN_LENGTH)
                return seconds
    except (av.FFmpegError, ValueError) as exc:
        raise NotAudio(Reason.AUDIO_DAMAGED) from exc
    return seconds
