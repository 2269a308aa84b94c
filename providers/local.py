"""The offline provider: remixes with audio effects picked from the prompt. No key, no network, no AI.

Words in the prompt choose presets (slowed + reverb, nightcore, lo-fi, bass boost, vaporwave); each
preset is a chain of FFmpeg filters run through PyAV. One job makes two takes, a light and a strong
version of the same presets, rendered in one decoding pass in a worker thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Literal, cast

import av
import av.filter

from audio.probe import AudioInfo, NotAudio, open_input, probe
from domain.errors import ErrorKind, ProviderError, Reason
from domain.kinds import JobKind
from domain.tracking import Completed, Event, Handle, Note, Output, Progress
from providers.base import Capabilities, Inbox, JobRequest, Provider

Level = Literal["light", "strong"]
LEVELS: tuple[Level, Level] = ("light", "strong")
FilterSpec = tuple[str, str]  # (FFmpeg filter name, its arguments)

RATE = 44100  # every take is rendered and encoded at this rate
BITRATE_KBPS = 256
DEFAULT_PRESET = "slowed"
# Progress is reported each time rendering passes another step of this size (fraction of the input).
_PROGRESS_STEP = 0.05

SPEEDS: dict[str, dict[Level, float]] = {
    "slowed": {"light": 0.85, "strong": 0.75},
    "nightcore": {"light": 1.15, "strong": 1.30},
    "vaporwave": {"light": 0.80, "strong": 0.70},
}
_LOFI_CUTOFF: dict[Level, int] = {"light": 4000, "strong": 2500}
_LOFI_BITS: dict[Level, int] = {"light": 12, "strong": 9}
_BASS_GAIN_DB: dict[Level, int] = {"light": 6, "strong": 10}


def _varispeed(factor: float) -> list[FilterSpec]:
    # Playing the samples faster or slower, like a turntable: pitch follows speed, which is the sound
    # of "slowed" and "nightcore" edits (atempo would keep the pitch and sound like a time-stretch).
    return [("asetrate", str(round(RATE * factor))), ("aresample", str(RATE))]


# A cheap room with no impulse-response file: many early reflections (aecho taps) at unrelated
# delays (ms). Their gains sum below 1 so the echoes can never cancel the dry sound outright (a few
# strong taps notch out whole bass notes). Per level: (output gain, delays, decays).
_REVERB_TAPS: dict[Level, tuple[float, tuple[int, ...], tuple[float, ...]]] = {
    "light": (0.85, (31, 53, 79, 107, 139, 181, 233, 293), (0.16, 0.14, 0.12, 0.1, 0.08, 0.06, 0.05, 0.04)),
    "strong": (
        0.8,
        (37, 61, 89, 127, 167, 211, 263, 331, 397, 450),
        (0.18, 0.16, 0.14, 0.12, 0.1, 0.08, 0.06, 0.05, 0.03, 0.02),
    ),
}
# Longest echo (seconds): reverb makes a take at most this much longer than the speed change alone.
REVERB_TAIL = max(max(delays) for _, delays, _ in _REVERB_TAPS.values()) / 1000


def _reverb(level: Level) -> list[FilterSpec]:
    gain, delays, decays = _REVERB_TAPS[level]
    return [("aecho", f"1.0:{gain}:{'|'.join(map(str, delays))}:{'|'.join(map(str, decays))}")]


def _slowed(level: Level) -> list[FilterSpec]:
    return _varispeed(SPEEDS["slowed"][level]) + _reverb(level)


def _nightcore(level: Level) -> list[FilterSpec]:
    return _varispeed(SPEEDS["nightcore"][level])


def _lofi(level: Level) -> list[FilterSpec]:
    cutoff = _LOFI_CUTOFF[level]
    # Bit crushing adds grit; two low-pass stages after it (24 dB/octave) muffle the highs and the
    # crusher's own hiss, like a worn tape; the high-pass thins the very low end.
    return [
        ("highpass", "f=90"),
        ("acrusher", f"bits={_LOFI_BITS[level]}:mix=0.35:mode=log"),
        ("lowpass", f"f={cutoff}"),
        ("lowpass", f"f={cutoff}"),
    ]


def _bass(level: Level) -> list[FilterSpec]:
    return [("bass", f"g={_BASS_GAIN_DB[level]}:f=110:w=0.6")]


def _vaporwave(level: Level) -> list[FilterSpec]:
    return [
        *_varispeed(SPEEDS["vaporwave"][level]),
        ("lowpass", "f=9000"),
        ("chorus", "0.7:0.9:45|60:0.35|0.3:0.25|0.4:2|1.5"),
        *_reverb(level),
    ]


# The offline provider names its own takes, as a vendor titles its tracks: the effects' names, how
# strongly each take applies them, and what each take did, on its label.
EFFECT_NAMES = {
    "slowed": "slowed + reverb",
    "nightcore": "sped up (nightcore)",
    "vaporwave": "vaporwave",
    "bass": "bass boost",
    "lofi": "lo-fi",
}
LEVEL_NAMES = {"light": "light", "strong": "strong"}


def _describe_slowed(level: Level) -> str:
    return f"slowed {SPEEDS['slowed'][level]:.2f}x + {LEVEL_NAMES[level]} reverb"


def _describe_nightcore(level: Level) -> str:
    return f"sped up {SPEEDS['nightcore'][level]:.2f}x"


def _describe_vaporwave(level: Level) -> str:
    return f"vaporwave {SPEEDS['vaporwave'][level]:.2f}x + chorus + {LEVEL_NAMES[level]} reverb"


def _describe_bass(level: Level) -> str:
    return f"bass +{_BASS_GAIN_DB[level]} dB"


def _describe_lofi(level: Level) -> str:
    return f"lo-fi ({_LOFI_CUTOFF[level] / 1000:g} kHz, {_LOFI_BITS[level]}-bit)"


@dataclass(frozen=True)
class Preset:
    name: str
    label: str
    keywords: tuple[str, ...]
    chain: Callable[[Level], list[FilterSpec]]
    describe: Callable[[Level], str]
    # Presets that change speed exclude each other; the one named first in the prompt wins.
    changes_speed: bool = False


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            name="slowed",
            label=EFFECT_NAMES["slowed"],
            keywords=("slowed", "slow", "slower", "reverb"),
            chain=_slowed,
            describe=_describe_slowed,
            changes_speed=True,
        ),
        Preset(
            name="nightcore",
            label=EFFECT_NAMES["nightcore"],
            keywords=("nightcore", "sped up", "speed up", "faster", "fast"),
            chain=_nightcore,
            describe=_describe_nightcore,
            changes_speed=True,
        ),
        Preset(
            name="vaporwave",
            label=EFFECT_NAMES["vaporwave"],
            keywords=("vaporwave", "vapor", "aesthetic"),
            chain=_vaporwave,
            describe=_describe_vaporwave,
            changes_speed=True,
        ),
        Preset(
            name="bass",
            label=EFFECT_NAMES["bass"],
            keywords=("bass", "boosted", "bassboost"),
            chain=_bass,
            describe=_describe_bass,
        ),
        Preset(
            name="lofi",
            label=EFFECT_NAMES["lofi"],
            keywords=("lofi", "lo-fi", "chill"),
            chain=_lofi,
            describe=_describe_lofi,
        ),
    )
}

# Always last: keep peaks below full scale after boosts and echoes, without pumping the level up.
_LIMITER: FilterSpec = ("alimiter", "limit=0.89:level=disabled")


def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    # Whole words only ("slow" must not fire on "slowly"), any spacing or hyphen inside ("lo fi").
    body = r"[\s-]*".join(re.escape(part) for part in re.split(r"[\s-]+", keyword))
    return re.compile(rf"(?<![a-z0-9]){body}(?![a-z0-9])", re.IGNORECASE)


_PATTERNS = [(p.name, _keyword_pattern(k)) for p in PRESETS.values() for k in p.keywords]


def choose_presets(prompt: str) -> tuple[list[str], bool]:
    """Preset names named in `prompt`, in chain order, and whether the default had to be used."""
    first_seen: dict[str, int] = {}
    for name, pattern in _PATTERNS:
        if match := pattern.search(prompt):
            first_seen[name] = min(first_seen.get(name, match.start()), match.start())
    if not first_seen:
        return [DEFAULT_PRESET], True
    by_mention = sorted(first_seen, key=first_seen.__getitem__)
    speed = [n for n in by_mention if PRESETS[n].changes_speed][:1]
    # Chain order follows the table: speed first, so tone filters shape the sound that is heard.
    return [n for n in PRESETS if n in speed or (n in first_seen and not PRESETS[n].changes_speed)], False


def build_chain(presets: Sequence[str], level: Level) -> list[FilterSpec]:
    return [spec for name in presets for spec in PRESETS[name].chain(level)] + [_LIMITER]


def take_label(presets: Sequence[str], level: Level, index: int, default: bool) -> str:
    text = f"Take {index} ({LEVEL_NAMES[level]}): " + ", ".join(PRESETS[n].describe(level) for n in presets)
    return text + (" (default: no effect named in the prompt)" if default else "")


def _title(source: str, effects: str) -> str:
    return f"{source} ({effects}): effects remix, no AI"


class LocalProvider(Provider):
    name = "local"
    label = "Offline effects"
    capabilities = Capabilities(
        kinds=frozenset({JobKind.REMIX}),
        input_mode="upload",
        max_input_bytes=100 * 1024 * 1024,
        max_input_seconds=15 * 60,
        requires_prompt=frozenset({JobKind.REMIX}),
        takes=len(LEVELS),
    )

    def __init__(self, work_dir: Path) -> None:
        self.work_dir = work_dir

    async def submit(self, request: JobRequest) -> Handle:
        if request.kind is not JobKind.REMIX:
            raise ProviderError(
                ErrorKind.INVALID_INPUT, Reason.KIND_NOT_SUPPORTED, params={"job_kind": request.kind.value}
            )
        if request.input_path is None:
            raise ProviderError(ErrorKind.INVALID_INPUT, Reason.AUDIO_MISSING)
        presets, default = choose_presets(request.prompt)
        return Handle(
            task_id=uuid.uuid4().hex,
            data={"presets": presets, "levels": list(LEVELS), "default": default},
        )

    async def cancel(self, handle: Handle) -> None:
        """A cancelled job's takes (whole or half rendered) are nobody's: remove them."""
        await asyncio.to_thread(shutil.rmtree, self.work_dir / handle.task_id, True)

    async def track(self, handle: Handle, request: JobRequest, inbox: Inbox) -> AsyncIterator[Event]:
        presets, levels, default = _plan(handle)
        out_dir = self.work_dir / handle.task_id
        dsts = [out_dir / f"take-{i + 1}.mp3" for i in range(len(levels))]
        # After a restart the takes may already be on disk: finish without rendering again.
        if not all(d.exists() for d in dsts):
            src, info = await asyncio.to_thread(_checked_input, request.input_path)
            out_dir.mkdir(parents=True, exist_ok=True)
            chains = [build_chain(presets, lv) for lv in levels]
            async for percent in _render_in_thread(src, info, chains, dsts):
                yield Progress(stage="rendering", percent=percent)
        durations = await asyncio.to_thread(lambda: [probe(d).duration for d in dsts])
        yield _completed(request, presets, levels, default, dsts, durations)


def _plan(handle: Handle) -> tuple[list[str], list[Level], bool]:
    presets = list(handle.data.get("presets", []))
    levels = list(handle.data.get("levels", []))
    known = all(p in PRESETS for p in presets) and all(lv in LEVELS for lv in levels)
    if not (presets and levels and known):
        raise ProviderError(ErrorKind.GENERATION_FAILED, Reason.CANNOT_RESUME, detail=repr(handle.data))
    return presets, levels, bool(handle.data.get("default"))


def _checked_input(path: Path | None) -> tuple[Path, AudioInfo]:
    if path is None or not path.exists():
        raise ProviderError(ErrorKind.NOT_FOUND, Reason.INPUT_GONE)
    try:
        return path, probe(path)
    except NotAudio as exc:
        raise ProviderError(
            ErrorKind.INVALID_INPUT, Reason.NOT_AUDIO, params={"why": exc.reason, **exc.params}
        ) from exc


def _completed(
    request: JobRequest,
    presets: list[str],
    levels: list[Level],
    default: bool,
    dsts: list[Path],
    durations: list[float],
) -> Completed:
    fallback = request.input_path.name if request.input_path is not None else "audio"
    source = Path(request.input_filename or fallback).stem
    what = " + ".join(PRESETS[n].label for n in presets)
    notes: list[Note] = []
    if default:
        notes.append(Note(reason=Reason.DEFAULT_EFFECTS, params={"effects": what}))
    outputs = [
        Output(index=i, path=dst, ext="mp3", duration=dur, label=take_label(presets, lv, i, default))
        for i, (dst, lv, dur) in enumerate(zip(dsts, levels, durations, strict=True), start=1)
    ]
    return Completed(outputs=outputs, title=_title(source, what), notes=notes)


async def _render_in_thread(
    src: Path, info: AudioInfo, chains: list[list[FilterSpec]], dsts: list[Path]
) -> AsyncIterator[float]:
    """Run `render` in a worker thread and yield its progress percentages as they come."""
    loop = asyncio.get_running_loop()
    updates: asyncio.Queue[float | None] = asyncio.Queue()
    stop = threading.Event()

    def report(percent: float | None) -> None:
        # The loop may already be gone if the bot is shutting down; the thread then just ends.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(updates.put_nowait, percent)

    def work() -> None:
        try:
            render(src, info, chains, dsts, on_progress=report, stop=stop)
        finally:
            report(None)

    task = asyncio.ensure_future(asyncio.to_thread(work))
    try:
        while (percent := await updates.get()) is not None:
            yield percent
        await task
    finally:
        # If our consumer gave up (cancel, shutdown), tell the thread to stop at the next frame.
        stop.set()


def render(
    src: Path,
    info: AudioInfo,
    chains: list[list[FilterSpec]],
    dsts: list[Path],
    *,
    on_progress: Callable[[float], None],
    stop: threading.Event,
) -> None:
    """Decode `src` once and write one MP3 per filter chain. Blocking: run it in a thread.

    Each take is written under a temporary name and renamed when complete, so a file at `dst` is
    always a whole take.
    """
    layout = "mono" if info.channels == 1 else "stereo"
    reported = 0.0
    try:
        with open_input(src) as container, contextlib.ExitStack() as stack:
            pairs = zip(dsts, chains, strict=True)
            takes = [stack.enter_context(_Take(dst, chain, layout)) for dst, chain in pairs]
            resampler = av.AudioResampler(format="fltp", layout=layout, rate=RATE)
            fed = 0
            for frame in container.decode(container.streams.audio[0]):
                if stop.is_set():
                    return
                for chunk in resampler.resample(frame):
                    fed = _feed(takes, chunk, fed)
                done = min(fed / RATE / info.duration, 1.0)
                if done - reported >= _PROGRESS_STEP:
                    reported = done
                    on_progress(round(done * 100, 1))
            for chunk in resampler.resample(None):
                fed = _feed(takes, chunk, fed)
            for take in takes:
                take.finish()
    except (av.FFmpegError, NotAudio) as exc:
        raise ProviderError(ErrorKind.GENERATION_FAILED, Reason.RENDER_FAILED, detail=str(exc)) from exc
    on_progress(100.0)


def _feed(takes: list[_Take], frame: av.AudioFrame, at: int) -> int:
    frame.pts = at
    frame.time_base = Fraction(1, RATE)
    for take in takes:
        take.push(frame)
    return at + frame.samples


class _Take:
    """One filter graph feeding one MP3 encoder, written to a temporary file until finished."""

    def __init__(self, dst: Path, chain: list[FilterSpec], layout: str) -> None:
        self.dst = dst
        # Unique per render: a render abandoned a moment ago may still be deleting its own part file.
        self.part = dst.with_name(f"{dst.name}.{uuid.uuid4().hex[:8]}.part")
        self.graph = av.filter.Graph()
        source = self.graph.add_abuffer(
            sample_rate=RATE, format="fltp", layout=layout, time_base=Fraction(1, RATE)
        )
        nodes = [source]
        nodes += [self.graph.add(name, args) for name, args in chain]
        # Filters such as aresample may hand back another sample format; the encoder wants fltp.
        fmt = f"sample_fmts=fltp:sample_rates={RATE}:channel_layouts={layout}"
        nodes.append(self.graph.add("aformat", fmt))
        nodes.append(self.graph.add("abuffersink"))
        self.graph.link_nodes(*nodes).configure()
        self.out = av.open(str(self.part), "w", format="mp3")
        self.stream = self.out.add_stream("libmp3lame", rate=RATE)
        self.stream.codec_context.layout = layout
        self.stream.codec_context.bit_rate = BITRATE_KBPS * 1000
        self.written = 0
        self.finished = False

    def __enter__(self) -> _Take:
        return self

    def __exit__(self, *exc: object) -> None:
        self.out.close()
        if self.finished:
            self.part.replace(self.dst)
        else:
            self.part.unlink(missing_ok=True)

    def push(self, frame: av.AudioFrame | None) -> None:
        self.graph.push(frame)
        while True:
            try:
                # An audio graph (abuffer to abuffersink) gives audio frames only.
                out = cast(av.AudioFrame, self.graph.pull())
            except (av.error.BlockingIOError, av.error.EOFError):
                return
            out.pts = self.written
            self.written += out.samples
            self.out.mux(self.stream.encode(out))

    def finish(self) -> None:
        self.push(None)
        self.out.mux(self.stream.encode(None))
        self.finished = True
