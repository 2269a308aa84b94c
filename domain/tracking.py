"""What tracking a job at a provider yields: its handle, progress, and the finished takes."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field


class Handle(BaseModel):
    """Everything needed to find the job at the provider again, e.g. after a restart."""

    task_id: str
    conversion_ids: list[str] = Field(default_factory=list)
    data: dict[str, Any] = Field(default_factory=dict)


class Output(BaseModel):
    """One take. Either a URL to download or a file the provider already wrote."""

    index: int
    url: str | None = None
    path: Path | None = None
    ext: str | None = None
    duration: float | None = None
    title: str | None = None
    label: str | None = None
    lyrics: str | None = None
    lyrics_lrc: str | None = None


class Completed(BaseModel):
    kind: Literal["completed"] = "completed"
    outputs: list[Output]
    title: str | None = None
    lyrics: str | None = None
    cover_url: str | None = None
    # What a member should know about takes that did not make it.
    notes: list[str] = Field(default_factory=list)
    # The same, as reason codes the face words (providers build no sentences), one per take.
    note_reasons: list[str] = Field(default_factory=list)


class Progress(BaseModel):
    kind: Literal["progress"] = "progress"
    stage: str
    percent: float | None = None
    # Seconds until the provider expects to finish, counted from this event.
    eta_seconds: float | None = None
    detail: str | None = None
    listen_url: str | None = None
    # A changed handle (a new id seen mid-stream) that the engine must persist at once.
    handle: Handle | None = None
    # What could be delivered now if the job had to stop (one take ready, the other still
    # being made): the engine posts it when the deadline passes instead of failing the job.
    partial: Completed | None = None


Event = Progress | Completed
