"""A waveform picture for result embeds when the provider gave no cover art."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw

from audio.probe import open_input, probe

BACKGROUND = (30, 31, 34, 255)  # Discord's dark theme, so the image sits flush in the embed
ACCENT = (88, 101, 242, 255)  # blurple
# Envelope analysis does not need full resolution; resampling down makes long files quick to scan.
_ANALYSIS_RATE = 8000


def render_waveform(src: Path, dst: Path, *, width: int = 800, height: int = 200) -> Path:
    """Draw the min/max envelope of `src` as a `width` x `height` PNG at `dst`."""
    lows, highs = _envelope(src, width)
    image = Image.new("RGBA", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    middle = (height - 1) / 2
    for x, (low, high) in enumerate(zip(lows, highs, strict=True)):
        top = round(middle - high * middle)
        bottom = round(middle - low * middle)
        # Silence still gets a one-pixel line, so the picture never looks broken.
        draw.line([(x, top), (x, max(bottom, top))], fill=ACCENT)
    image.save(dst, format="PNG")
    return dst


def _envelope(src: Path, columns: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-column minimum and maximum sample (mono, -1..1), decoded chunk by chunk."""
    total = max(1, round(probe(src).duration * _ANALYSIS_RATE))
    lows = np.zeros(columns, dtype=np.float32)
    highs = np.zeros(columns, dtype=np.float32)
    position = 0
    with open_input(src) as container:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=_ANALYSIS_RATE)
        for frame in container.decode(container.streams.audio[0]):
            for chunk in resampler.resample(frame):
                samples = chunk.to_ndarray()[0]
                _fold(samples, position, total, lows, highs)
                position += len(samples)
    return np.clip(lows, -1, 1), np.clip(highs, -1, 1)


def _fold(samples: np.ndarray, start: int, total: int, lows: np.ndarray, highs: np.ndarray) -> None:
    """Merge one chunk into the per-column envelopes in place."""
    if not len(samples):
        return
    # The header's duration can be a little off: samples past the end land in the last column.
    columns = np.minimum((start + np.arange(len(samples))) * len(lows) // total, len(lows) - 1)
    edges = np.flatnonzero(np.diff(columns)) + 1
    starts = np.concatenate(([0], edges))
    cols = columns[starts]
    lows[cols] = np.minimum(lows[cols], np.minimum.reduceat(samples, starts))
    highs[cols] = np.maximum(highs[cols], np.maximum.reduceat(samples, starts))
