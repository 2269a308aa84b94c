"""What the engine needs from a face: somewhere to show a job's state and to hand over its takes."""

from __future__ import annotations

from typing import Protocol

from domain.jobs import Failure, Job, JobResult
from domain.tracking import Completed
from engine.takes import Take


class StatusSink(Protocol):
    """Shows a job's latest state somewhere (a Discord message, a progress bar)."""

    def push(self, job: Job, position: int | None = None) -> None: ...

    async def flush(self, job_id: int) -> None: ...


class ResultSink(Protocol):
    """Hands finished takes to the member: the result message id (if any) and what was posted."""

    async def post(
        self, job: Job, takes: list[Take], completed: Completed, *, resumed: bool = False
    ) -> tuple[int | None, JobResult]:
        """`resumed`: an earlier attempt may have landed (a restart, a lost answer): find it first
        rather than post twice. Raises PostRefused for good, ProviderError when it may pass."""
        ...

    async def undelivered(self, job: Job, failure: Failure) -> None:
        """Tell the member privately that the takes were made but could not be posted, and why."""
        ...


class PostRefused(Exception):
    """Discord refused the result for good (permissions, a bad request): retrying cannot help."""

    def __init__(self, failure: Failure, *, detail: str, keep: bool = True, tell: bool = True) -> None:
        super().__init__(failure.reason)
        self.failure = failure
        self.detail = detail
        # Whether the takes are worth keeping for /show (not when withheld on purpose, or nowhere to go).
        self.keep = keep
        # Whether the member should hear it privately (the public status may not reach them).
        self.tell = tell
