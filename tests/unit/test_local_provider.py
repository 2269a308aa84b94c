"""The offline provider: preset choice, what each effect does to a synthesised tone, and the job flow."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from audio.probe import probe
from domain.errors import ErrorKind, ProviderError
from domain.kinds import JobKind
from domain.tracking import Completed, Handle, Progress
from face import texts
from providers import local
from providers.base import JobRequest
from providers.local import REVERB_TAIL, SPEEDS, LocalProvider, choose_presets
from tests.tones import (
    band_energy,
    dominant_frequency,
    duration_of,
    spectral_centroid,
    write_chord,
    write_tone,
)
from tests.wording import spoken

SECONDS = 4.0


def _request(src: Path | None, prompt: str, kind: JobKind = JobKind.REMIX) -> JobRequest:
    return JobRequest(kind=kind, prompt=prompt, input_path=src, idempotency_key="key-1")


async def _run(
    provider: LocalProvider, request: JobRequest, handle: Handle
) -> tuple[list[Progress], Completed]:
    events = [event async for event in provider.track(handle, request, asyncio.Queue())]
    *progress, done = events
    assert isinstance(done, Completed)
    assert all(isinstance(p, Progress) for p in progress)
    return progress, done


async def _remix(tmp_path: Path, src: Path, prompt: str) -> Completed:
    provider = LocalProvider(tmp_path / "work")
    request = _request(src, prompt)
    _, done = await _run(provider, request, await provider.submit(request))
    return done


# --- preset choice ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prompt", "presets"),
    [
        ("Slowed + Reverb please", ["slowed"]),
        ("just add REVERB", ["slowed"]),
        ("nightcore it", ["nightcore"]),
        ("sped up version", ["nightcore"]),
        ("make it faster", ["nightcore"]),
        ("lo-fi beats", ["lofi"]),
        ("lo fi", ["lofi"]),
        ("something chill", ["lofi"]),
        ("BASS BOOSTED", ["bass"]),
        ("aesthetic vapor vibes", ["vaporwave"]),
        ("lofi with bass, slowed", ["slowed", "bass", "lofi"]),
        # Speed presets exclude each other: the first one named wins.
        ("nightcore, not slowed", ["nightcore"]),
        ("vaporwave slowed", ["vaporwave"]),
    ],
)
def test_choose_presets(prompt: str, presets: list[str]) -> None:
    assert choose_presets(prompt) == (presets, False)


@pytest.mark.parametrize("prompt", ["make it cool", "slowly build up", "", "bassoon solo"])
def test_no_keyword_means_default(prompt: str) -> None:
    assert choose_presets(prompt) == (["slowed"], True)


# --- what each preset does -------------------------------------------------------------------------


@pytest.fixture
def tone(tmp_path: Path) -> Path:
    return write_tone(tmp_path / "tone.wav", seconds=SECONDS, freq=440.0)


@pytest.mark.parametrize(
    ("prompt", "preset", "tail"),
    [
        ("slowed", "slowed", REVERB_TAIL),
        ("nightcore", "nightcore", 0.0),
        ("vaporwave", "vaporwave", REVERB_TAIL + 0.1),  # reverb plus the chorus delay line
    ],
)
async def test_speed_presets_change_length_and_pitch(
    tmp_path: Path, tone: Path, prompt: str, preset: str, tail: float
) -> None:
    done = await _remix(tmp_path, tone, prompt)
    for output, level in zip(done.outputs, ("light", "strong"), strict=True):
        speed = SPEEDS[preset][level]
        expected = SECONDS / speed
        measured = duration_of(output.path)
        # Echoes ring on after the music ends, so reverb makes a take at most `tail` seconds longer.
        assert expected - 0.05 <= measured <= expected + tail + 0.05
        assert output.duration == pytest.approx(measured, abs=0.05)
        # Pitch follows speed, as on a turntable.
        assert dominant_frequency(output.path) == pytest.approx(440.0 * speed, abs=3.0)
    light, strong = (duration_of(o.path) for o in done.outputs)
    assert (strong > light) if SPEEDS[preset]["strong"] < 1 else (strong < light)


async def test_lofi_darkens_the_sound(tmp_path: Path) -> None:
    src = write_chord(tmp_path / "chord.wav", seconds=SECONDS, freqs=(220.0, 880.0, 6000.0))
    before = spectral_centroid(src)
    done = await _remix(tmp_path, src, "lofi")
    light, strong = (spectral_centroid(o.path) for o in done.outputs)
    assert strong < light < 0.6 * before
    chill = await _remix(tmp_path, src, "chill")
    assert duration_of(chill.outputs[0].path) == pytest.approx(SECONDS, abs=0.05)  # no speed change


async def test_bass_boost_raises_low_share(tmp_path: Path) -> None:
    src = write_chord(tmp_path / "two-tone.wav", seconds=SECONDS, freqs=(60.0, 1000.0))
    before = band_energy(src, 0, 150)
    done = await _remix(tmp_path, src, "bass boosted")
    light, strong = (band_energy(o.path, 0, 150) for o in done.outputs)
    assert before < light < strong
    assert light > before + 0.2


# --- the job flow ----------------------------------------------------------------------------------


def test_capabilities() -> None:
    caps = LocalProvider(Path("unused")).capabilities
    assert caps.kinds == {JobKind.REMIX}
    assert caps.requires_prompt == {JobKind.REMIX}
    assert (caps.takes, caps.input_mode) == (2, "upload")
    assert caps.max_input_seconds and caps.max_input_seconds >= 600


async def test_end_to_end(tmp_path: Path) -> None:
    src = write_tone(tmp_path / "my song.mp3", seconds=6.0, fmt="mp3")
    provider = LocalProvider(tmp_path / "work")
    request = _request(src, "slowed + bass boost")
    handle = await provider.submit(request)
    assert handle.data == {"presets": ["slowed", "bass"], "levels": ["light", "strong"], "default": False}

    progress, done = await _run(provider, request, handle)
    percents = [p.percent for p in progress]
    assert {p.stage for p in progress} == {"rendering"}
    assert percents == sorted(percents) and percents[-1] == 100.0
    assert max(b - a for a, b in zip([0.0, *percents], percents, strict=False)) <= 10.0

    assert "effects remix, no AI" in (done.title or "")
    assert len(done.outputs) == 2 and len({o.label for o in done.outputs}) == 2
    for output in done.outputs:
        info = probe(output.path)
        assert output.ext == "mp3" and info.format_name == "mp3"
        assert 192_000 <= (info.bit_rate or 0) <= 320_000
        assert output.duration == pytest.approx(info.duration, abs=0.05)
    assert not list((tmp_path / "work").rglob("*.part"))


async def test_default_preset_is_labelled(tmp_path: Path, tone: Path) -> None:
    done = await _remix(tmp_path, tone, "make it cool")
    assert all("default" in (o.label or "") for o in done.outputs)
    assert done.notes and "slowed + reverb" in texts.note(done.notes[0], LocalProvider.label)


async def test_track_again_after_restart_reuses_takes(tmp_path: Path, tone: Path) -> None:
    request = _request(tone, "nightcore")
    first = LocalProvider(tmp_path / "work")
    handle = await first.submit(request)
    _, done = await _run(first, request, handle)
    stamps = [o.path.stat().st_mtime_ns for o in done.outputs]

    progress, again = await _run(LocalProvider(tmp_path / "work"), request, Handle(**handle.model_dump()))
    assert progress == []
    assert [o.path for o in again.outputs] == [o.path for o in done.outputs]
    assert [o.path.stat().st_mtime_ns for o in again.outputs] == stamps


async def test_rendering_and_probing_run_off_the_event_loop(tmp_path: Path, monkeypatch) -> None:
    """Every FFmpeg call (probe, render) runs in a worker thread: the bot's loop keeps answering."""
    src = write_tone(tmp_path / "tone.wav", seconds=2.0)
    loop_thread = threading.get_ident()
    threads: list[tuple[str, int]] = []

    def watched(name: str, real):  # type: ignore[no-untyped-def]
        def call(*args, **kwargs):  # type: ignore[no-untyped-def]
            threads.append((name, threading.get_ident()))
            return real(*args, **kwargs)

        return call

    monkeypatch.setattr(local, "render", watched("render", local.render))
    monkeypatch.setattr(local, "probe", watched("probe", local.probe))
    await _remix(tmp_path, src, "vaporwave")
    assert {name for name, _ in threads} == {"render", "probe"}
    assert all(ident != loop_thread for _, ident in threads), threads


async def test_abandoned_track_stops_and_cleans_up(tmp_path: Path) -> None:
    src = write_tone(tmp_path / "tone.wav", seconds=6.0)
    provider = LocalProvider(tmp_path / "work")
    request = _request(src, "slowed")
    handle = await provider.submit(request)
    events = provider.track(handle, request, asyncio.Queue())
    assert isinstance(await anext(events), Progress)
    await events.aclose()
    out_dir = tmp_path / "work" / handle.task_id
    for _ in range(200):  # the worker thread notices at its next frame
        if not list(out_dir.iterdir()):
            break
        await asyncio.sleep(0.01)
    assert list(out_dir.iterdir()) == []


@pytest.mark.parametrize(
    ("request_", "kind"),
    [
        (_request(Path("x.wav"), "slowed", JobKind.SING), ErrorKind.INVALID_INPUT),
        (_request(None, "slowed"), ErrorKind.INVALID_INPUT),
    ],
    ids=["wrong-kind", "no-input"],
)
async def test_submit_refuses(tmp_path: Path, request_: JobRequest, kind: ErrorKind) -> None:
    with pytest.raises(ProviderError) as err:
        await LocalProvider(tmp_path).submit(request_)
    assert err.value.kind == kind


async def test_track_refuses_non_audio(tmp_path: Path) -> None:
    text = tmp_path / "song.mp3"
    text.write_text("not music")
    provider = LocalProvider(tmp_path / "work")
    request = _request(text, "slowed")
    with pytest.raises(ProviderError) as err:
        await _run(provider, request, await provider.submit(request))
    assert err.value.kind == ErrorKind.INVALID_INPUT
    assert (
        spoken(err.value, "Offline effects") == "I can't use that file: This doesn't look like an audio file."
    )


async def test_track_reports_missing_input(tmp_path: Path, tone: Path) -> None:
    provider = LocalProvider(tmp_path / "work")
    request = _request(tone, "slowed")
    handle = await provider.submit(request)
    tone.unlink()  # e.g. the input was cleaned up before a restart
    with pytest.raises(ProviderError) as err:
        await _run(provider, request, handle)
    assert err.value.kind == ErrorKind.NOT_FOUND


async def test_title_names_the_input(tmp_path: Path, tone: Path) -> None:
    provider = LocalProvider(tmp_path / "work")
    request = _request(tone, "lofi").model_copy(update={"input_filename": "My Song.wav"})
    _, done = await _run(provider, request, await provider.submit(request))
    assert done.title == "My Song (lo-fi): effects remix, no AI"


async def test_reverb_rings_on_after_the_music_stops(tmp_path: Path, tone: Path) -> None:
    """Echoes are heard after the slowed tone ends; a take without reverb is silent there."""
    import numpy as np

    from tests.tones import decode_mono

    reverb = await _remix(tmp_path / "r", tone, "slowed")
    dry = await _remix(tmp_path / "d", tone, "nightcore")
    for output, level in zip(reverb.outputs, ("light", "strong"), strict=True):
        samples, rate = decode_mono(output.path)
        music_ends = int(rate * SECONDS / SPEEDS["slowed"][level])
        tail = samples[music_ends + int(0.02 * rate) :]
        assert len(tail) > 0.1 * rate and float(np.sqrt(np.mean(tail**2))) > 0.01
    samples, rate = decode_mono(dry.outputs[0].path)
    after = samples[int(rate * SECONDS / SPEEDS["nightcore"]["light"]) + int(0.02 * rate) :]
    assert after.size == 0 or float(np.sqrt(np.mean(after**2))) < 0.005
