"""Encode audio to MP3, and shrink a take until it fits an upload limit."""

from __future__ import annotations

import logging
from fractions import Fraction
from pathlib import Path

import av

from audio.probe import AudioInfo, open_input, probe

log = logging.getLogger(__name__)

# Standard MP3 bit rates in kbps, best first.
BITRATES_KBPS = (320, 256, 224, 192, 160, 128, 112, 96, 80, 64, 48, 32)
# Sample rates MP3 can carry, highest first. We never go above 44.1 kHz: it is all a listener hears.
_MP3_RATES = (44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000)
# The highest bit rate each MPEG version allows: MPEG-1 (32-48 kHz) 320, MPEG-2 (16-24 kHz) 160,
# MPEG-2.5 (8-12 kHz) 64 kbps.
_MAX_KBPS_FOR_RATE = {
    44100: 320,
    32000: 320,
    24000: 160,
    22050: 160,
    16000: 160,
    12000: 64,
    11025: 64,
    8000: 64,
}
# Room for the ID3/Xing headers and for the encoder's bit reservoir rounding.
_OVERHEAD_BYTES = 4 * 1024
_SIZE_MARGIN = 1.01

# (demuxer name, codec) -> the extension Discord plays inline. None for the codec means any codec.
_EXTENSIONS: dict[tuple[str, str | None], str] = {
    ("mp3", None): "mp3",
    ("flac", None): "flac",
    ("wav", None): "wav",
    ("ogg", "vorbis"): "ogg",
    ("ogg", "opus"): "ogg",
    ("mov,mp4,m4a,3gp,3g2,mj2", "aac"): "m4a",
}


def extension_for(info: AudioInfo) -> str | None:
    """The file extension to post this audio under, or None if it must be converted (e.g. to MP3).

    A video (an mp4 clip) is never posted as-is: the member asked for audio.
    """
    if info.has_video:
        return None
    return _EXTENSIONS.get((info.format_name, info.codec)) or _EXTENSIONS.get((info.format_name, None))


def output_format(info: AudioInfo) -> tuple[int, str]:
    """(sample rate, layout) for an MP3 of this source: at most 44.1 kHz, mono stays mono."""
    rate = next((r for r in _MP3_RATES if r <= info.sample_rate), _MP3_RATES[-1])
    return rate, "mono" if info.channels == 1 else "stereo"


def to_mp3(src: Path, dst: Path, bitrate: int, *, info: AudioInfo | None = None) -> Path:
    """Encode the first audio stream of `src` to a constant-bit-rate MP3 at `bitrate` kbps.

    Streams frame by frame, so memory stays flat however long the file is. Video and cover art are
    dropped: the result is audio only.
    """
    info = info or probe(src)
    rate, layout = output_format(info)
    with open_input(src) as source, av.open(str(dst), "w", format="mp3") as out:
        stream = out.add_stream("libmp3lame", rate=rate)
        stream.codec_context.layout = layout
        stream.codec_context.bit_rate = min(bitrate, _MAX_KBPS_FOR_RATE[rate]) * 1000
        resampler = av.AudioResampler(format="fltp", layout=layout, rate=rate)
        written = 0
        for frame in source.decode(source.streams.audio[0]):
            for chunk in resampler.resample(frame):
                written = _encode(out, stream, chunk, written)
        for chunk in resampler.resample(None):
            written = _encode(out, stream, chunk, written)
        out.mux(stream.encode(None))
    return dst


def _encode(
    out: av.container.OutputContainer, stream: av.audio.AudioStream, frame: av.AudioFrame, at: int
) -> int:
    # Fresh sample-count timestamps: source timestamps may start late or jump, and the MP3 muxer only
    # needs a steady clock.
    frame.pts = at
    frame.time_base = Fraction(1, frame.sample_rate)
    out.mux(stream.encode(frame))
    return at + frame.samples


def predicted_size(duration: float, kbps: int) -> int:
    """Bytes an MP3 of `duration` seconds at `kbps` may take, with room to spare."""
    return int(duration * kbps * 1000 / 8 * _SIZE_MARGIN) + _OVERHEAD_BYTES


def fit_to_size(src: Path, dst_dir: Path, max_bytes: int, *, duration: float | None = None) -> Path | None:
    """`src` itself if it fits in `max_bytes`, else the best-quality MP3 that fits, else None.

    `duration` saves a probe when the caller knows it; NotAudio propagates if `src` is not audio.
    """
    if src.stat().st_size <= max_bytes:
        return src
    info = probe(src)
    duration = duration or info.duration
    rate, _ = output_format(info)
    dst_dir.mkdir(parents=True, exist_ok=True)
    for kbps in (k for k in BITRATES_KBPS if k <= _MAX_KBPS_FOR_RATE[rate]):
        if predicted_size(duration, kbps) > max_bytes:
            continue
        dst = dst_dir / f"{src.stem}.{kbps}k.mp3"
        to_mp3(src, dst, kbps, info=info)
        if dst.stat().st_size <= max_bytes:
            return dst
        # The prediction was too hopeful (a wrong duration in the header, say): try the next one down.
        log.info("%s at %d kbps is %d bytes, over %d", src.name, kbps, dst.stat().st_size, max_bytes)
        dst.unlink()
    return None
