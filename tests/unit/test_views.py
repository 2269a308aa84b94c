"""Buttons and result cards: Discord's layout limits, custom_ids that survive a restart, safe text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from domain.jobs import Job, JobResult, JobState, NewJob, TakeInfo
from domain.kinds import JobKind
from engine.runner import Runner
from face import texts
from face.results import result_embed
from face.views import DYNAMIC_ITEMS, result_view, status_view
from storage.db import Database
from storage.jobs import JobRepository


def job(state: JobState = JobState.DELIVERED, job_id: int = 2**53, **fields) -> Job:
    now = datetime.now(UTC)
    base = dict(
        id=job_id,
        guild_id=1,
        channel_id=2,
        member_id=42,
        kind=JobKind.REMIX,
        provider="local",
        prompt="slowed @everyone " + "x" * 3000,
        upload_limit=1,
        idempotency_key="k",
        webhook_token="t",
        state=state,
        created_at=now,
        updated_at=now,
    )
    base.update(fields)
    return Job(**base)


def takes(n: int, attached: bool = True) -> list[TakeInfo]:
    return [
        TakeInfo(
            index=i,
            filename=f"remix-1-take{i + 1}.mp3" if attached else "",
            duration=61.0,
            url=None if attached else "https://cdn.example/t.mp3",
        )
        for i in range(n)
    ]


def test_result_buttons_fit_discords_layout_and_carry_the_job():
    view = result_view(job(), JobResult(takes=takes(30)))
    rows = view.to_components()
    assert len(rows) <= 5 and all(len(r["components"]) <= 5 for r in rows)
    ids = [c["custom_id"] for r in rows for c in r["components"]]
    assert ids[:3] == [f"remix:reroll:{2**53}", f"remix:edit:{2**53}", f"remix:delete:{2**53}"]
    assert ids[3] == f"remix:take:{2**53}:1" and len(ids) == 3 + 20
    assert all(len(i) <= 100 for i in ids)
    # Every custom_id is one a registered DynamicItem recognises after a restart.
    assert all(any(item.__discord_ui_compiled_template__.fullmatch(i) for item in DYNAMIC_ITEMS) for i in ids)


def test_only_attached_takes_get_a_remix_button_numbered_like_the_card():
    result = JobResult(takes=[*takes(1, attached=False), *takes(1)])
    ids = [
        c["custom_id"] for r in result_view(job(job_id=5), result).to_components() for c in r["components"]
    ]
    assert "remix:take:5:2" in ids and "remix:take:5:1" not in ids
    embed = result_embed(job(job_id=5), result, "Offline effects")
    assert [f.name for f in embed.fields][1:3] == ["Take 1", "Take 2"]
    assert "[download](https://cdn.example/t.mp3)" in embed.fields[1].value


@pytest.mark.parametrize("state", list(JobState))
def test_cancel_shows_only_while_the_job_can_be_cancelled(state: JobState):
    view = status_view(job(state, job_id=9))
    can = state in (
        JobState.RECEIVED,
        JobState.QUEUED,
        JobState.SUBMITTING,
        JobState.SUBMITTED,
        JobState.RUNNING,
    )
    assert (view is not None) == can
    if view:
        assert [c["custom_id"] for r in view.to_components() for c in r["components"]] == ["remix:cancel:9"]


def test_result_card_is_safe_and_within_limits():
    result = JobResult(
        title="T" * 400, lyrics="la @here " * 200, takes=takes(10), notes=["n" * 2000], cover_url=None
    )
    embed = result_embed(job(), result, "Offline effects", image="attachment://waveform.png")
    assert len(embed) <= 6000 and len(embed.title) <= 256 and len(embed.description) <= 1000
    assert "@everyone" not in embed.description and "@here" not in embed.fields[-2].value
    assert embed.image.url == "attachment://waveform.png"
    with_cover = result_embed(
        job(),
        result.model_copy(update={"cover_url": "https://x/c.png"}),
        "M",
        image="attachment://waveform.png",
    )
    assert with_cover.thumbnail.url == "https://x/c.png" and not with_cover.image.url


def test_a_delivering_job_cannot_be_cancelled_and_says_why():
    assert "already posting" in texts.cannot_cancel_now(3, "delivering")
    assert "already ended" in texts.cannot_cancel_now(3, "delivered")


class _Quiet:
    def push(self, job: Job, position: int | None = None) -> None: ...

    async def flush(self, job_id: int) -> None: ...


async def test_sweep_removes_kept_inputs_past_retention_only(tmp_path: Path):
    db = await Database.open(tmp_path / "db.sqlite3")
    repo = JobRepository(db)
    paths = []
    for n in (1, 2, 3):
        created = await repo.create(
            NewJob(
                guild_id=1,
                channel_id=2,
                member_id=3,
                kind=JobKind.REMIX,
                provider="local",
                upload_limit=1,
                idempotency_key=f"k{n}",
                webhook_token=f"t{n}",
            ),
            state=JobState.DELIVERING,
        )
        path = tmp_path / f"in{n}.mp3"
        path.write_bytes(b"x")
        paths.append(path)
        finished = datetime.now(UTC) - timedelta(hours=30 if n == 1 else 1)
        if n == 3:  # still delivering: its input is in use, whatever its age
            await repo.update(created.id, input_path=path)
        else:
            await repo.transition(created.id, JobState.DELIVERED, input_path=path, finished_at=finished)
    runner = Runner(
        repo,
        None,
        _Quiet(),
        None,
        work_dir=tmp_path,  # type: ignore[arg-type]
        deadline_seconds=60,
        max_take_bytes=1,
        input_retention=24 * 3600,
    )
    assert await runner.sweep_inputs() == 1
    assert [p.exists() for p in paths] == [False, True, True]
    assert (await repo.get(1)).input_path is None and (await repo.get(2)).input_path == paths[1]
    await db.close()
