"""The bot's engine without Discord: run a job from a terminal and write the takes to disk.

    python cli.py remix song.mp3 --prompt "slowed + reverb" -o out/
    python cli.py sing instrumental.wav --prompt "soft pop" --lyrics "..." --provider musicgpt
    python cli.py generate --prompt "a sea shanty about databases"
    python cli.py jobs
    python cli.py migrate-to-postgres    # copy DATABASE_PATH into the empty DATABASE_URL

Same settings (.env), same database and same providers as the bot: a quick way to try the bot and to
check provider keys before going live.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import shutil
import sys
import time
from pathlib import Path
from typing import TextIO

import aiohttp
from pydantic import ValidationError

from config import Settings
from domain.clock import SYSTEM_CLOCK, Clock
from domain.errors import Reason
from domain.jobs import (
    TERMINAL_CHANNEL,
    Failure,
    IllegalTransition,
    Job,
    JobResult,
    JobState,
    Refusal,
    TakeInfo,
)
from domain.kinds import JobKind
from domain.redact import RedactingFormatter
from domain.tracking import Completed
from engine.downloads import DownloadPolicy
from engine.intake import Draft, Intake
from engine.runner import Runner
from engine.takes import Take, take_dir
from face import texts
from providers.registry import build_registry
from storage.db import Database, DatabaseUnavailable
from storage.jobs import JobRepository
from storage.transfer import TransferRefused, copy_database

NO_UPLOAD_LIMIT = 2**62
STOPPED = Failure(reason=Reason.CANCELLED_FROM_TERMINAL)


# The terminal's language (LANG) when a catalogue speaks it; English otherwise.
LOCALE = texts.terminal_locale(os.environ.get("LANG"))


class ProgressBar:
    """A one-line progress bar on a terminal; one line per change when piped."""

    def __init__(self, out: TextIO = sys.stderr, width: int = 28) -> None:
        self.out = out
        self.width = width
        self.tty = out.isatty()
        self.started = time.monotonic()
        self._last = ""

    def push(self, job: Job, position: int | None = None) -> None:
        stage = texts.provider_stage(job.stage) if job.stage else texts.stage_name(job.state, locale=LOCALE)
        percent = (
            job.percent if job.percent is not None else (100.0 if job.state is JobState.DELIVERED else None)
        )
        filled = int(self.width * (percent or 0) / 100)
        bar = "#" * filled + "-" * (self.width - filled)
        pct = f"{percent:5.1f}%" if percent is not None else "   ...".rjust(6)
        elapsed = texts.seconds(time.monotonic() - self.started)
        line = f"[{bar}] {pct} {stage} ({job.provider}, {elapsed})"
        if self.tty:
            self.out.write("\r" + line.ljust(len(self._last)))
        elif line.split(" (")[0] != self._last.split(" (")[0]:
            self.out.write(line + "\n")
        self.out.flush()
        self._last = line

    async def flush(self, job_id: int) -> None:
        if self.tty and self._last:
            self.out.write("\n")


class FileResults:
    """Copies the takes into the output directory."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.written: list[Path] = []

    async def post(
        self, job: Job, takes: list[Take], completed: Completed, *, resumed: bool = False
    ) -> tuple[int | None, JobResult]:
        # A resumed copy overwrites the same file names, so nothing is doubled.
        self.out_dir.mkdir(parents=True, exist_ok=True)
        infos = []
        for take in takes:
            dest = self.out_dir / f"{job.kind}-{job.id}-take{take.index}.{take.ext}"
            await asyncio.to_thread(shutil.copyfile, take.path, dest)
            if take.lyrics_lrc:
                dest.with_suffix(".lrc").write_text(take.lyrics_lrc, encoding="utf-8")
            self.written.append(dest)
            infos.append(
                TakeInfo(
                    index=take.index,
                    filename=dest.name,
                    duration=take.duration,
                    title=take.title,
                    label=take.label,
                )
            )
        return None, JobResult(
            title=completed.title,
            lyrics=completed.lyrics,
            cover_url=completed.cover_url,
            takes=infos,
            notes=completed.notes,
        )

    async def undelivered(self, job: Job, failure: Failure) -> None:
        """Nothing to add: the terminal prints the job's failure as it ends."""


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="cli.py", description="Run the remix bot's engine from a terminal.")
    sub = parser.add_subparsers(dest="command", required=True)

    def job_command(name: str, help_text: str, audio: bool) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text)
        if audio:
            p.add_argument("file", type=Path, help="input audio file")
        p.add_argument("--prompt", default="", help="how it should sound")
        p.add_argument("--lyrics", help="lyrics to sing")
        p.add_argument("--gender", choices=["male", "female", "neutral"])
        p.add_argument("--provider", help="musicgpt, soundpiece, soundverse, acestep or local")
        p.add_argument(
            "-o", "--out", type=Path, default=Path("out"), help="the directory to write the takes to"
        )
        p.add_argument(
            "--force", action="store_true", help="overwrite takes of the same name in that directory"
        )
        return p

    job_command("remix", "remix a song", audio=True)
    job_command("sing", "sing new vocals over an instrumental", audio=True)
    gen = job_command("generate", "make a song from a prompt or lyrics", audio=False)
    gen.add_argument("--style", help="music style, e.g. 'synthwave'")
    gen.add_argument("--instrumental", action="store_true", help="no vocals")
    gen.add_argument("--length", type=float, help="length in seconds")
    jobs = sub.add_parser("jobs", help="list recent jobs")
    jobs.add_argument("-n", type=int, default=20, help="how many")
    move = sub.add_parser(
        "migrate-to-postgres",
        help="copy the SQLite database (jobs, sessions, settings) into the empty PostgreSQL at DATABASE_URL",
    )
    move.add_argument(
        "--from", dest="source", type=Path, help="the SQLite file to copy (default: DATABASE_PATH)"
    )
    return parser.parse_args(argv)


def draft_from_args(args: argparse.Namespace) -> Draft:
    kind = JobKind(args.command)
    options: dict[str, object] = {}
    if kind is JobKind.GENERATE:
        options = {
            k: v
            for k, v in (
                ("style", args.style),
                ("instrumental", args.instrumental or None),
                ("length", args.length),
            )
            if v is not None
        }
    path: Path | None = getattr(args, "file", None)
    return Draft(
        kind=kind,
        channel_id=TERMINAL_CHANNEL,
        member_id=0,
        guild_id=None,
        upload_limit=NO_UPLOAD_LIMIT,
        provider=args.provider,
        prompt=args.prompt,
        lyrics=args.lyrics,
        gender=args.gender,
        options=options,
        input_filename=path.name if path else None,
        input_size=path.stat().st_size if path else None,
        input_path=path,
    )


def _path_problem(path: Path | None, out_dir: Path) -> str | None:
    """Why the input file or the output folder will not do, or None. Touches the disk, so the
    event loop runs it in a thread."""
    if path is not None and not path.is_file():
        return f"{path} is not a file"
    if out_dir.exists() and not out_dir.is_dir():
        return texts.cli_out_is_a_file(out_dir)
    return None


async def run_job(
    settings: Settings, args: argparse.Namespace, out: TextIO = sys.stdout, *, clock: Clock = SYSTEM_CLOCK
) -> int:
    """Run one job to its end; `clock` times the engine's waits (a test passes a fake one)."""
    path: Path | None = getattr(args, "file", None)
    problem = await asyncio.to_thread(_path_problem, path, args.out)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    db = await Database.open(settings.database_target())
    try:
        async with aiohttp.ClientSession() as session:
            registry = build_registry(settings, session)
            jobs = JobRepository(db)
            progress = ProgressBar()
            results = FileResults(args.out)
            downloads = DownloadPolicy.from_setting(settings.download_allowed_hosts)
            runner = Runner(
                jobs,
                registry,
                progress,
                results,
                downloads=downloads,
                work_dir=settings.work_dir,
                deadline_seconds=settings.job_deadline_seconds,
                max_take_bytes=settings.max_take_bytes,
                owns=lambda job: job.channel_id == TERMINAL_CHANNEL,
                clock=clock,
            )
            intake = Intake(
                jobs,
                registry,
                runner,
                downloads=downloads,
                work_dir=settings.work_dir,
                max_input_bytes=settings.max_input_bytes,
                max_jobs_per_member=10**6,
            )
            try:
                return await _run(intake, runner, draft_from_args(args), results, out, force=args.force)
            finally:
                await runner.close()
                await registry.close()
    finally:
        await db.close()


async def _run(
    intake: Intake, runner: Runner, draft: Draft, results: FileResults, out: TextIO, *, force: bool
) -> int:
    job = await intake.admit(draft)
    if isinstance(job, Refusal):
        print(f"error: {texts.refusal(job, locale=LOCALE)}", file=sys.stderr)
        return 2
    label = intake.registry.get(job.provider).label
    # Takes are named after the job; a database started afresh reuses ids an old -o directory holds.
    taken = sorted(results.out_dir.glob(f"{job.kind}-{job.id}-take*"))
    if taken and not force:
        await intake.reject(job, Refusal(reason=Reason.TAKE_EXISTS, params={"path": str(taken[0])}))
        print(f"error: {texts.cli_take_exists(taken[0])}", file=sys.stderr)
        return 2
    try:
        job = await intake.check_input(job, local_path=draft.input_path)
        if job.state is JobState.REJECTED:
            print(f"error: {_failure_text(job, label)}", file=sys.stderr)
            return 2
        job = await runner.run_one(job)
    except asyncio.CancelledError:
        # Ctrl-C (asyncio.run cancels this task on SIGINT): the job ends here, with its files.
        current_task = asyncio.current_task()
        if current_task is not None:
            current_task.uncancel()
        await _cancel(intake, runner, job)
        print(texts.cli_job_cancelled(job.id), file=sys.stderr)
        return 130
    await runner.status.flush(job.id)
    if job.state is not JobState.DELIVERED:
        print(f"error: {texts.cli_job_ended(job.id, job.state, _failure_text(job, label))}", file=sys.stderr)
        return 1
    if job.result and job.result.title:
        print(job.result.title, file=out)
    for path in results.written:
        print(path, file=out)
    for note in job.result.notes if job.result else []:
        print(f"note: {texts.note(note, label, locale=LOCALE)}", file=sys.stderr)
    return 0


async def _cancel(intake: Intake, runner: Runner, job: Job) -> None:
    """End an interrupted job for good and remove what it left in the work directory."""
    try:
        await runner.cancel(job.id, STOPPED)
    except IllegalTransition:
        # Already posting its takes (or just finished): a terminal job has nobody to post to.
        current = await intake.jobs.get(job.id)
        if current is not None and not current.finished:
            await intake.jobs.transition(job.id, JobState.FAILED, error=STOPPED)
    await runner.close()  # the job's driver stops before its files go
    current = await intake.jobs.get(job.id) or job
    for path in (current.input_path, intake.input_dest(current)):
        if path is not None:
            path.unlink(missing_ok=True)
    if current.input_path is not None:
        await intake.jobs.update(job.id, input_path=None)
    await asyncio.to_thread(shutil.rmtree, take_dir(runner.work_dir, job.id), True)


def _failure_text(job: Job, label: str) -> str:
    return texts.failure(job.error, label, locale=LOCALE) if job.error else ""


async def list_jobs(settings: Settings, limit: int, out: TextIO = sys.stdout) -> int:
    db = await Database.open(settings.database_target())
    try:
        recent = await JobRepository(db).recent(limit)
    finally:
        await db.close()
    if not recent:
        print("no jobs yet", file=out)
    for job in recent:
        where = "terminal" if job.channel_id == TERMINAL_CHANNEL else f"channel {job.channel_id}"
        prompt = texts.clip(job.prompt.replace("\n", " "), 40)
        line = (
            f"#{job.id:<5} {job.created_at:%Y-%m-%d %H:%M} {job.kind:<8} {job.provider:<10} "
            f"{job.state:<10} {where:<20} {prompt}"
        )
        print(line.rstrip(), file=out)
        if job.error and job.finished:
            # Listing needs no providers set up, so they are named by their configured names here.
            print(
                f"       {texts.clip(texts.failure(job.error, job.provider, locale=LOCALE), 100)}", file=out
            )
    return 0


async def migrate_to_postgres(settings: Settings, source_path: Path | None, out: TextIO = sys.stdout) -> int:
    """Copy every row of the SQLite file into PostgreSQL, in one transaction. Stop the bot first."""
    if settings.database_url is None:
        print("error: set DATABASE_URL to the PostgreSQL database to copy into", file=sys.stderr)
        return 2
    path = source_path or settings.database_path
    if not path.is_file():
        print(f"error: no SQLite database at {path} (set DATABASE_PATH or pass --from)", file=sys.stderr)
        return 2
    source = await Database.open(path)
    try:
        target = await Database.open(settings.database_url.get_secret_value())
        try:
            copied = await copy_database(source, target)
        except TransferRefused as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        finally:
            await target.close()
    finally:
        await source.close()
    rows = ", ".join(f"{table} {count}" for table, count in copied.items())
    print(f"copied {sum(copied.values())} rows from {path} into PostgreSQL ({rows})", file=out)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(RedactingFormatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"error: invalid settings: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}", file=sys.stderr)
        return 2
    try:
        if args.command == "jobs":
            return asyncio.run(list_jobs(settings, args.n))
        if args.command == "migrate-to-postgres":
            return asyncio.run(migrate_to_postgres(settings, args.source))
        return asyncio.run(run_job(settings, args))
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    except DatabaseUnavailable as exc:
        print(f"error: {exc} (check DATABASE_URL)", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
