"""Audio helpers (probe, transcode, waveform) on signals synthesised in the test."""

from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from audio import probe as probe_mod
from audio import transcode
from audio.probe import NotAudio, probe
from audio.transcode import extension_for, fit_to_size, to_mp3
from audio.waveform import ACCENT, render_waveform
from domain.errors import Reason
from tests.tones import chord, dominant_frequency, duration_of, write_beat, write_tone


def _frame(signal: np.ndarray, rate: int, pts: int) -> av.AudioFrame:
    frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(signal), format="fltp", layout="stereo")
    frame.sample_rate, frame.pts, frame.time_base = rate, pts, Fraction(1, rate)
    return frame


def _write_mp4(path: Path, *, audio_seconds: float | None, cover: bool = False) -> Path:
    """An mp4 clip with a tiny video track, or (cover=True) an mp3 with an embedded cover picture."""
    with av.open(str(path), "w", format="mp3" if cover else "mp4") as out:
        if cover:
            video = out.add_stream("png")
            video.codec_context.pix_fmt = "rgb24"
            video.disposition = av.stream.Disposition.attached_pic
        else:
            video = out.add_stream("mpeg4", rate=10)
            video.codec_context.pix_fmt = "yuv420p"
        video.codec_context.width = video.codec_context.height = 32
        audio = None
        if audio_seconds:
            audio = out.add_stream("libmp3lame" if cover else "aac", rate=44100)
            audio.codec_context.layout = "stereo"
        for i in range(1 if cover else 10):
            picture = av.VideoFrame.from_image(Image.new("RGB", (32, 32), "red"))
            picture = picture.reformat(format=video.codec_context.pix_fmt)
            picture.pts, picture.time_base = i, Fraction(1, 10)
            out.mux(video.encode(picture))
        out.mux(video.encode(None))
        if audio is not None and audio_seconds:
            signal = chord([440.0], seconds=audio_seconds)
            for start in range(0, signal.shape[1], 4096):
                out.mux(audio.encode(_frame(signal[:, start : start + 4096], 44100, start)))
            out.mux(audio.encode(None))
    return path


class _Unseekable(io.RawIOBase):
    """A write-only sink the muxer cannot seek back in, like a live recording."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, chunk: bytes) -> int:  # type: ignore[override]
        self.data += bytes(chunk)
        return len(chunk)


def _write_recording(path: Path, seconds: float) -> Path:
    """WebM/Opus written without seeking: like a browser recording, it states no duration."""
    sink = _Unseekable()
    with av.open(sink, "w", format="webm") as out:
        stream = out.add_stream("libopus", rate=48000)
        stream.codec_context.layout = "stereo"
        signal = chord([440.0], seconds=seconds, sample_rate=48000)
        for start in range(0, signal.shape[1], 960):
            out.mux(stream.encode(_frame(signal[:, start : start + 960], 48000, start)))
        out.mux(stream.encode(None))
    path.write_bytes(sink.data)
    return path


# --- probe -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["wav", "mp3", "flac", "ogg"])
def test_probe_accepts_tones(tmp_path: Path, fmt: str) -> None:
    path = write_tone(tmp_path / f"tone.{fmt}", seconds=3.0, fmt=fmt)
    info = probe(path)
    assert info.duration == pytest.approx(3.0, abs=0.05)
    assert (info.sample_rate, info.channels, info.has_video) == (44100, 2, False)
    assert info.size == path.stat().st_size
    assert info.bit_rate and info.bit_rate > 0
    assert dominant_frequency(path) == pytest.approx(440.0, abs=2.0)


def test_probe_reports_mono(tmp_path: Path) -> None:
    info = probe(write_tone(tmp_path / "mono.flac", seconds=2.0, channels=1, sample_rate=22050, fmt="flac"))
    assert (info.channels, info.sample_rate, info.format_name) == (1, 22050, "flac")


def test_probe_ignores_misleading_names(tmp_path: Path) -> None:
    wav_as_text = write_tone(tmp_path / "notes.txt", seconds=2.0, fmt="wav")
    assert probe(wav_as_text).format_name == "wav"
    text_as_mp3 = tmp_path / "song.mp3"
    text_as_mp3.write_text("This is not a song, just some words.\n" * 20)
    with pytest.raises(NotAudio) as err:
        probe(text_as_mp3)
    assert err.value.reason == Reason.AUDIO_NOT_AUDIO


def _empty(path: Path) -> Path:
    path.touch()
    return path


def _png(path: Path) -> Path:
    Image.new("RGB", (64, 64), "purple").save(path, format="PNG")
    return path


def _random(path: Path) -> Path:
    path.write_bytes(np.random.default_rng(1).integers(0, 256, 50_000, dtype=np.uint8).tobytes())
    return path


def _damaged_flac(path: Path) -> Path:
    good = write_tone(path.with_name("good.flac"), seconds=3.0, fmt="flac").read_bytes()
    # Keep the header (the file still says "FLAC, 3 s") and scramble every audio frame.
    noise = np.random.default_rng(2).integers(0, 256, len(good) - 200, dtype=np.uint8).tobytes()
    path.write_bytes(good[:200] + noise)
    return path


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: _empty(p / "empty.wav"), Reason.AUDIO_EMPTY),
        (lambda p: _random(p / "noise.mp3"), Reason.AUDIO_NOT_AUDIO),
        (lambda p: _png(p / "cover.mp3"), Reason.AUDIO_NOT_AUDIO),
        (lambda p: _damaged_flac(p / "broken.flac"), Reason.AUDIO_DAMAGED),
        (lambda p: _write_mp4(p / "silent.mp4", audio_seconds=None), Reason.AUDIO_VIDEO_WITHOUT_SOUND),
    ],
    ids=["empty", "random-bytes", "png-image", "damaged", "video-only"],
)
def test_probe_rejects_with_reason(tmp_path: Path, make, reason: str) -> None:
    with pytest.raises(NotAudio) as err:
        probe(make(tmp_path))
    assert err.value.reason == reason


def test_probe_accepts_cover_art_as_audio(tmp_path: Path) -> None:
    info = probe(_write_mp4(tmp_path / "with-cover.mp3", audio_seconds=2.0, cover=True))
    assert info.format_name == "mp3"
    assert info.has_video is False


def test_probe_accepts_video_with_sound_and_flags_it(tmp_path: Path) -> None:
    info = probe(_write_mp4(tmp_path / "clip.mp4", audio_seconds=2.0))
    assert info.codec == "aac"
    assert info.has_video is True
    assert info.duration == pytest.approx(2.0, abs=0.1)


def test_probe_counts_duration_when_container_states_none(tmp_path: Path) -> None:
    path = _write_recording(tmp_path / "voice.webm", seconds=3.0)
    with av.open(str(path)) as container:
        assert container.duration is None  # the case under test
    assert probe(path).duration == pytest.approx(3.0, abs=0.05)


def test_probe_gives_up_counting_past_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(probe_mod, "MAX_COUNT_SECONDS", 1.0)
    with pytest.raises(NotAudio) as err:
        probe(_write_recording(tmp_path / "voice.webm", seconds=3.0))
    assert err.value.reason == Reason.AUDIO_UNKNOWN_LENGTH


# --- transcode -------------------------------------------------------------------------------------


@pytest.fixture
def long_wav(tmp_path: Path) -> Path:
    return write_tone(tmp_path / "long.wav", seconds=10.0)  # about 1.76 MB


def test_fit_returns_source_when_it_already_fits(long_wav: Path, tmp_path: Path) -> None:
    assert fit_to_size(long_wav, tmp_path, long_wav.stat().st_size) == long_wav


def test_fit_picks_lower_bitrate_for_smaller_limit(long_wav: Path, tmp_path: Path) -> None:
    results = {}
    for limit in (300_000, 100_000):
        out = fit_to_size(long_wav, tmp_path, limit)
        assert out is not None and out.suffix == ".mp3"
        assert out.stat().st_size <= limit
        assert duration_of(out) == pytest.approx(10.0, abs=0.05)
        assert dominant_frequency(out) == pytest.approx(440.0, abs=2.0)
        results[limit] = probe(out).bit_rate
    # 10 s at 224 kbps is 280 kB; at 64 kbps 80 kB: the best rates that fit under each limit.
    assert results[300_000] == pytest.approx(224_000, rel=0.02)
    assert results[100_000] == pytest.approx(64_000, rel=0.02)


def test_fit_returns_none_when_even_32k_is_too_big(long_wav: Path, tmp_path: Path) -> None:
    assert fit_to_size(long_wav, tmp_path, 30_000) is None  # 32 kbps needs 40 kB
    assert not list(tmp_path.glob("*.mp3"))


def test_fit_steps_down_when_output_is_larger_than_predicted(
    long_wav: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transcode, "predicted_size", lambda duration, kbps: 0)  # a hopeless optimist
    out = fit_to_size(long_wav, tmp_path, 200_000)
    assert out is not None and out.stat().st_size <= 200_000
    assert list(tmp_path.glob("*.mp3")) == [out]  # the oversized attempts were removed


def test_fit_keeps_mono_and_lower_sample_rate(tmp_path: Path) -> None:
    src = write_tone(tmp_path / "mono.wav", seconds=5.0, channels=1, sample_rate=22050)
    out = fit_to_size(src, tmp_path, 100_000)
    assert out is not None
    info = probe(out)
    assert (info.channels, info.sample_rate) == (1, 22050)


def test_to_mp3_takes_the_audio_of_a_video(tmp_path: Path) -> None:
    out = to_mp3(_write_mp4(tmp_path / "clip.mp4", audio_seconds=2.0), tmp_path / "clip.mp3", 192)
    info = probe(out)
    assert (info.format_name, info.has_video) == ("mp3", False)
    assert info.duration == pytest.approx(2.0, abs=0.1)


@pytest.mark.parametrize("fmt", ["mp3", "flac", "wav", "ogg"])
def test_extension_comes_from_the_bytes(tmp_path: Path, fmt: str) -> None:
    assert extension_for(probe(write_tone(tmp_path / "x.bin", seconds=1.0, fmt=fmt))) == fmt


def test_a_video_has_no_extension_to_post_as_is(tmp_path: Path) -> None:
    assert extension_for(probe(_write_mp4(tmp_path / "clip.mp4", audio_seconds=1.0))) is None


# --- waveform --------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(800, 200), (400, 120)])
def test_waveform_png(tmp_path: Path, size: tuple[int, int]) -> None:
    src = write_beat(tmp_path / "beat.mp3", seconds=4.0, fmt="mp3")
    out = render_waveform(src, tmp_path / "wave.png", width=size[0], height=size[1])
    with Image.open(out) as image:
        assert (image.format, image.size) == ("PNG", size)
        pixels = np.asarray(image.convert("RGBA"))
    drawn = np.all(pixels == ACCENT, axis=-1)
    assert drawn.any(axis=0).all()  # every column has a line
    # Beats are loud, the gaps quiet: column heights must vary, not be one flat block.
    heights = drawn.sum(axis=0)
    assert heights.max() > 0.25 * size[1]
    assert heights.min() < 0.05 * size[1]
