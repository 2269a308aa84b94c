"""Is this file audio, and what is in it? Decided from the bytes with PyAV, never from the file name."""

from __future__ import annotations

import struct
from collections.abc import Iterator, Mapping
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
# Where, as a share of the stated length, audio must still decode: a header claiming ten hours in
# front of one second of sound (or a file cut short) fails there.
_TAIL_AT = 0.75

# How audio (and video-with-sound) containers begin. FFmpeg's probe alone is too generous: it finds
# MP3 frames inside a ZIP and calls the whole archive "mp3", which would then be uploaded and paid for.
_MAGIC: tuple[tuple[int, bytes], ...] = (
    (0, b"ID3"),  # MP3 (or AAC) behind an ID3v2 tag
    (0, b"RIFF"),  # WAV, AVI (RIFF is checked further below)
    (0, b"RF64"),
    (0, b"BW64"),
    (0, b"fLaC"),
    (0, b"OggS"),  # Vorbis, Opus, FLAC in Ogg
    (0, b"FORM"),  # AIFF / AIFC
    (0, b"caff"),  # Core Audio
    (0, b"\x1aE\xdf\xa3"),  # Matroska / WebM
    (0, b"0&\xb2u\x8ef\xcf\x11"),  # ASF: WMA, WMV
    (0, b"#!AMR"),
    (0, b"MAC "),  # Monkey's Audio
    (0, b"wvpk"),  # WavPack
    (0, b"MPCK"),  # Musepack
    (0, b"FLV"),
    (0, b"\x0bw"),  # AC-3
    (0, b"\x00\x00\x01\xba"),  # MPEG program stream
    (4, b"ftyp"),  # MP4, M4A, MOV, 3GP
    (4, b"moov"),
    (4, b"mdat"),
    (4, b"free"),
    (4, b"wide"),
)
_RIFF_AUDIO = (b"WAVE", b"AVI ")
_AIFF = (b"AIFF", b"AIFC")


class NotAudio(Exception):
    """The file cannot be used as audio. `reason` says why, for a face to word; `params` are the
    figures that reason names (Reason.AUDIO_LENGTH_MISMATCH: stated, decoded)."""

    def __init__(self, reason: Reason, params: Mapping[str, float] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.params: dict[str, float] = dict(params or {})


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
    with path.open("rb") as fh:
        head = fh.read(4096)
    if not is_audio_container(head):
        raise NotAudio(Reason.AUDIO_NOT_AUDIO)
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
        if stated and decoded < _CHECK_SECONDS and stated > decoded + _CHECK_SECONDS:
            # The decoder ran out of sound well before the length the header states.
            raise NotAudio(Reason.AUDIO_LENGTH_MISMATCH, {"stated": stated, "decoded": decoded})
        if stated and stated > 2 * _CHECK_SECONDS and not _decodes_near(container, stated * _TAIL_AT):
            raise NotAudio(Reason.AUDIO_LENGTH_MISMATCH, {"stated": stated})
        duration = stated or decoded
        claimed = wav_claimed_seconds(head)
        if claimed is not None and claimed > 1.5 * duration + _CHECK_SECONDS:
            # FFmpeg trusts the file size over a WAV header; a provider may not.
            raise NotAudio(Reason.AUDIO_LENGTH_MISMATCH, {"stated": claimed, "decoded": duration})
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


def is_audio_container(head: bytes) -> bool:
    """Whether the first bytes of a file are those of a container that can hold audio."""
    if any(head[at : at + len(magic)] == magic for at, magic in _MAGIC):
        if head.startswith(b"RIFF"):
            return head[8:12] in _RIFF_AUDIO
        if head.startswith(b"FORM"):
            return head[8:12] in _AIFF
        return True
    # A raw MPEG audio stream (MP3, ADTS AAC) starts with a frame: 11 sync bits set.
    return len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0


def wav_claimed_seconds(head: bytes) -> float | None:
    """The length a WAV header states (data chunk size over byte rate), or None when it states none.

    Streaming writers leave the size 0 or 0xFFFFFFFF until the end; those state nothing.
    """
    if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return None
    pos, byte_rate = 12, 0
    while pos + 8 <= len(head):
        chunk, size = head[pos : pos + 4], struct.unpack_from("<I", head, pos + 4)[0]
        if chunk == b"fmt " and pos + 20 <= len(head):
            byte_rate = struct.unpack_from("<I", head, pos + 16)[0]
        elif chunk == b"data":
            return size / byte_rate if byte_rate and size not in (0, 0xFFFFFFFF) else None
        pos += 8 + size + (size & 1)
    return None


def _decodes_near(container: InputContainer, seconds: float) -> bool:
    """Whether audio still decodes at `seconds`. A file that cannot seek gets the benefit of the doubt."""
    stream = container.streams.audio[0]
    if not stream.time_base:
        return True
    try:
        container.seek(int(seconds / stream.time_base), stream=stream)
    except (av.FFmpegError, ValueError, OverflowError):
        return True
    try:
        for frame in container.decode(stream):
            # Some demuxers land on the last frame they have instead of failing the seek.
            return frame.time is None or frame.time >= seconds / 2
    except (av.FFmpegError, ValueError):
        return False
    return False


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
