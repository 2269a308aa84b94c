"""Shared pieces of the fault matrix: a fake MusicGPT, and Discord retries made quick."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

import engine.runner
from engine.retry import RetryPolicy
from tests.fakes.musicgpt import FakeMusicGPT


@pytest.fixture
async def musicgpt() -> AsyncIterator[FakeMusicGPT]:
    async with FakeMusicGPT(polls_to_complete=2) as fake:
        yield fake


@pytest.fixture
def quick_result_retries(monkeypatch: pytest.MonkeyPatch) -> RetryPolicy:
    """The result-post backoff in tenths of a second, so a fault that lasts minutes in production
    lasts moments here; the policy's shape (attempts, then until the deadline) is unchanged."""
    quick = RetryPolicy(attempts=3, base=0.05, cap=0.1)
    monkeypatch.setattr(engine.runner, "RESULT_POST", quick)
    # Takes ready at the deadline still get this long to download (two minutes in production).
    monkeypatch.setattr(engine.runner, "LATE_DOWNLOAD_WINDOW", 0.5)
    return quick


def mg(fake: FakeMusicGPT, **extra: Any) -> dict[str, Any]:
    return dict(musicgpt_api_key="test-key", musicgpt_base_url=fake.base_url, **extra)
