"""Fault matrix: the bot stopped at each step of a job, and started again (issue points 4, 5).

`h.stop()` cancels the bot's task: whatever it was doing is cut short, as SIGTERM or a crash would
(nothing is flushed that a kill -9 would not flush: every step is written before the next begins).
A hook freezes the bot at a precise point first where the step is too quick to catch.
test_process_kills.py does the same with a real process and real signals.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from domain.jobs import JobState
from engine.intake import Intake
from storage.jobs import JobRepository
from tests.e2e.harness import Harness, failure_text, harness, song, takes_of
from tests.fakes.musicgpt import FakeMusicGPT, Fault
from tests.faults.conftest import mg

pytestmark = pytest.mark.slow


async def remix(h: Harness, tmp_path: Path) -> None:
    ix = await h.discord.run_slash_command(
        "remix", {"prompt": "x"}, attachments=[("a.mp3", song(tmp_path), "audio/mpeg")]
    )
    await ix.wait_response()


def freeze_at(
    monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, when: Callable[..., bool]
) -> asyncio.Event:
    """Make `owner.name` hang for good when `when(*args)` holds; the event says it got there."""
    reached = asyncio.Event()
    original: Callable[..., Awaitable[Any]] = getattr(owner, name)

    async def frozen(*args: Any, **kwargs: Any) -> Any:
        if when(*args, **kwargs):
            reached.set()
            await asyncio.Event().wait()
        return await original(*args, **kwargs)

    monkeypatch.setattr(owner, name, frozen)
    return reached


async def test_stopped_while_checking_the_input_carries_on_at_restart(
    tmp_path: Path, musicgpt: FakeMusicGPT, monkeypatch: pytest.MonkeyPatch
):
    async with harness(tmp_path, **mg(musicgpt)) as h:
        with monkeypatch.context() as m:
            reached = freeze_at(m, Intake, "check_input", lambda *a, **k: True)
            await h.start()
            await h.discord.run_slash_command(
                "remix", {"prompt": "x"}, attachments=[("a.mp3", song(tmp_path), "audio/mpeg")]
            )
            await asyncio.wait_for(reached.wait(), 10)
            await h.stop()
        assert (await h.job(1)).state is JobState.RECEIVED
        await h.start()
        job = await h.wait_for_job(1, lambda j: j.finished, timeout=30)
        assert job.state is JobState.DELIVERED, failure_text(job)
        assert len(h.result_messages()) == 1 and musicgpt.submissions == 1


async def test_stopped_while_downloading_the_takes_delivers_once_at_restart(
    tmp_path: Path, musicgpt: FakeMusicGPT
):
    async with harness(tmp_path, **mg(musicgpt)) as h:
        await h.start()
        musicgpt.script("conversions", Fault.slow(2000))  # the first take trickles in
        await remix(h, tmp_path)
        await h.wait_for_job(1, lambda j: j.state is JobState.DELIVERING, timeout=30)
        await h.stop()
        assert not h.result_messages()
        await h.start()
        job = await h.wait_for_job(1, lambda j: j.finished, timeout=30)
        assert job.state is JobState.DELIVERED, failure_text(job)
        [result] = h.result_messages()
        assert len(takes_of(result)) == 2 and musicgpt.submissions == 1


@pytest.mark.parametrize("nonce_window", ["inside", "outside"])
async def test_result_stored_but_not_recorded_is_not_posted_twice(
    tmp_path: Path, musicgpt: FakeMusicGPT, monkeypatch: pytest.MonkeyPatch, nonce_window: str
):
    """Stopped in the instant after Discord stored the result and before the job recorded it."""
    async with harness(tmp_path, **mg(musicgpt)) as h:
        with monkeypatch.context() as m:
            reached = freeze_at(
                m, JobRepository, "transition", lambda repo, job_id, to, **f: to is JobState.DELIVERED
            )
            await h.start()
            await remix(h, tmp_path)
            await asyncio.wait_for(reached.wait(), 30)
            await h.stop()
        [first] = h.result_messages()
        assert (await h.job(1)).state is JobState.DELIVERING
        if nonce_window == "outside":
            h.discord.nonce_ttl = 0  # Discord's enforce_nonce remembers "a few minutes"; they passed
        await h.start()
        job = await h.wait_for_job(1, lambda j: j.finished, timeout=30)
        await asyncio.sleep(0.3)  # anything posted twice would show up by now
        assert job.state is JobState.DELIVERED, failure_text(job)
        assert h.result_messages() == [first]
        assert job.result_message_id == first.id


async def test_two_databases_with_one_bot_never_share_a_result(tmp_path: Path, musicgpt: FakeMusicGPT):
    """Nonces were j{id}r{part}: a second database's job #1 got the first one's message back."""
    async with harness(tmp_path / "a", **mg(musicgpt)) as first:
        first.tmp.mkdir(parents=True, exist_ok=True)
        await first.start()
        await remix(first, tmp_path)
        one = await first.wait_for_job(1, lambda j: j.finished, timeout=30)
        await first.stop()

        second = Harness(first.discord, tmp_path / "b", dict(first.overrides))
        second.tmp.mkdir(parents=True, exist_ok=True)
        try:
            await second.start()
            await remix(second, tmp_path)
            two = await second.wait_for_job(1, lambda j: j.finished, timeout=30)
        finally:
            await second.stop()
        assert one.state is two.state is JobState.DELIVERED
        assert one.result_message_id != two.result_message_id
        assert len(first.result_messages()) == 2, "each member sees their own result"


async def test_a_dropped_gateway_mid_job_changes_nothing(tmp_path: Path, musicgpt: FakeMusicGPT):
    async with harness(tmp_path, **mg(musicgpt)) as h:
        await h.start()
        await remix(h, tmp_path)
        await h.wait_for_job(1, lambda j: j.state is JobState.RUNNING)
        await h.discord.disconnect_gateway(code=4000)
        job = await h.wait_for_job(1, lambda j: j.finished, timeout=30)
        assert job.state is JobState.DELIVERED, failure_text(job)
        assert len(h.result_messages()) == 1
        # discord.py resumed the session: the bot still answers commands.
        jobs = await h.discord.run_slash_command("jobs", {})
        assert (await jobs.wait_response(timeout=10)).ephemeral
