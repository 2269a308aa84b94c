"""Synthesised test signals and simple measurements of decoded audio: the one tone generator.

No audio file is ever committed: tests, fake servers and benchmarks make tones here, run the code
under test, and measure the result with the analysis helpers below.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterator, Sequence
from fractions import Fraction
from pathlib import Path
from typing import BinaryIO, Literal

import av
import numpy as np

Fmt = Literal["wav", "mp3", "flac", "ogg"]

# (container format, encoder, bit rate) per file type. The native Vorbis encoder is the only Ogg audio
# encoder bundled with PyAV's FFmpeg and is flagged experimental, hence the "strict" option below.
_ENCODERS: dict[str, tuple[str, str, int | None]] = {
    "wav": ("wav", "pcm_s16le", None),
    "mp3": ("mp3", "libmp3lame", 192_000),
    "flac": ("flac", "flac", None),
    "ogg": ("ogg", "vorbis", 160_000),
}

_CHUNK = 4096  # samples per frame handed to the encoder


def write_signal(path: Path, signal: np.ndarray, *, sample_rate: int = 44100, fmt: Fmt = "wav") -> Path:
    """Encode `signal` (shape (channels, samples), float in [-1, 1]) into `path` as `fmt`.

    The container is chosen by `fmt`, not by the file name, so tests can write misleading names.
    """
    _encode(str(path), signal, sample_rate, fmt)
    return path


def _encode(target: str | BinaryIO, signal: np.ndarray, sample_rate: int, fmt: Fmt) -> None:
    container_format, codec, bit_rate = _ENCODERS[fmt]
    signal = np.ascontiguousarray(np.clip(signal, -1.0, 1.0), dtype=np.float32)
    layout = "mono" if signal.shape[0] == 1 else "stereo"
    with av.open(target, "w", format=container_format) as out:
        stream = out.add_stream(codec, rate=sample_rate)
        assert isinstance(stream, av.AudioStream)
        stream.codec_context.layout = layout
        if bit_rate:
            stream.codec_context.bit_rate = bit_rate
        if fmt == "ogg":
            stream.codec_context.options = {"strict": "experimental"}
        for start in range(0, signal.shape[1], _CHUNK):
            chunk = signal[:, start : start + _CHUNK]
            frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout=layout)
            frame.sample_rate = sample_rate
            # Explicit timestamps: without them the Ogg muxer writes granule positions that make the
            # file claim a fraction of its real length.
            frame.pts = start
            frame.time_base = Fraction(1, sample_rate)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))


def chord(
    freqs: Sequence[float],
    *,
    seconds: float,
    sample_rate: int = 44100,
    channels: int = 2,
    amplitude: float = 0.5,
) -> np.ndarray:
    """Equal-weight sum of sines whose peak is `amplitude`, copied to every channel."""
    t = np.arange(int(seconds * sample_rate)) / sample_rate
    mono = sum(np.sin(2 * np.pi * f * t) for f in freqs) * (amplitude / len(freqs))
    return np.tile(np.asarray(mono, dtype=np.float32), (channels, 1))


def write_tone(
    path: Path,
    *,
    seconds: float,
    freq: float = 440.0,
    sample_rate: int = 44100,
    channels: int = 2,
    fmt: Fmt = "wav",
    amplitude: float = 0.5,
) -> Path:
    """A pure sine tone."""
    signal = chord([freq], seconds=seconds, sample_rate=sample_rate, channels=channels, amplitude=amplitude)
    return write_signal(path, signal, sample_rate=sample_rate, fmt=fmt)


@functools.cache
def tone_bytes(
    fmt: Fmt = "mp3",
    *,
    seconds: float = 1.0,
    freq: float = 440.0,
    sample_rate: int = 44100,
    channels: int = 1,
    amplitude: float = 0.3,
) -> bytes:
    """A sine tone encoded in memory: what the fake servers hand out as their audio."""
    signal = chord([freq], seconds=seconds, sample_rate=sample_rate, channels=channels, amplitude=amplitude)
    buffer = io.BytesIO()
    _encode(buffer, signal, sample_rate, fmt)
    return buffer.getvalue()


def write_chord(
    path: Path,
    *,
    seconds: float,
    freqs: Sequence[float] = (220.0, 277.18, 329.63),
    sample_rate: int = 44100,
    channels: int = 2,
    fmt: Fmt = "wav",
    amplitude: float = 0.5,
) -> Path:
    """Several sines at once, e.g. a low and a high tone to compare frequency bands."""
    signal = chord(freqs, seconds=seconds, sample_rate=sample_rate, channels=channels, amplitude=amplitude)
    return write_signal(path, signal, sample_rate=sample_rate, fmt=fmt)


def write_beat(
    path: Path,
    *,
    seconds: float,
    bpm: float = 120.0,
    sample_rate: int = 44100,
    channels: int = 2,
    fmt: Fmt = "wav",
    amplitude: float = 0.5,
) -> Path:
    """A kick (decaying 60 Hz sine) on every beat and a noise hat between beats: broadband content."""
    n = int(seconds * sample_rate)
    t = np.arange(n) / sample_rate
    beat = 60.0 / bpm
    phase = t % beat
    kick = np.sin(2 * np.pi * 60.0 * phase) * np.exp(-phase * 12)
    off = (t + beat / 2) % beat
    # A fixed seed keeps the signal identical from run to run, so measurements are repeatable.
    hat = np.random.default_rng(0).uniform(-1, 1, n) * np.exp(-off * 60)
    mono = (0.7 * kick + 0.3 * hat) * amplitude
    signal = np.tile(mono.astype(np.float32), (channels, 1))
    return write_signal(path, signal, sample_rate=sample_rate, fmt=fmt)


def iter_mono(path: Path) -> Iterator[tuple[np.ndarray, int]]:
    """Decoded chunks of the first audio stream, downmixed to mono float32, with their sample rate."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono")
        for frame in container.decode(stream):
            for out in resampler.resample(frame):
                yield out.to_ndarray()[0], out.sample_rate


def decode_mono(path: Path) -> tuple[np.ndarray, int]:
    """The whole file as one mono array. For short test files only."""
    chunks = list(iter_mono(path))
    if not chunks:
        return np.zeros(0, dtype=np.float32), 0
    return np.concatenate([c for c, _ in chunks]), chunks[0][1]


def duration_of(path: Path) -> float:
    """Seconds of decoded audio (counted, not read from the header)."""
    samples, rate = decode_mono(path)
    return len(samples) / rate if rate else 0.0


def _spectrum(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Magnitude spectrum of the whole file (Hann window) and its bin frequencies."""
    samples, rate = decode_mono(path)
    mags = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return np.fft.rfftfreq(len(samples), 1.0 / rate), mags


def dominant_frequency(path: Path) -> float:
    """The frequency (Hz) of the strongest spectral peak, ignoring DC."""
    freqs, mags = _spectrum(path)
    mags[0] = 0.0
    return float(freqs[int(np.argmax(mags))])


def spectral_centroid(path: Path) -> float:
    """Power-weighted mean frequency (Hz): lower means a darker, duller sound."""
    freqs, mags = _spectrum(path)
    power = np.square(mags)
    return float(np.sum(freqs * power) / np.sum(power))


def band_energy(path: Path, low: float, high: float) -> float:
    """Share of the total spectral power between `low` and `high` Hz (0..1)."""
    freqs, mags = _spectrum(path)
    power = np.square(mags)
    band = (freqs >= low) & (freqs < high)
    return float(np.sum(power[band]) / np.sum(power))
