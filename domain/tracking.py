"""What tracking a job at a provider yields: its handle, progress, and the finished takes."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from domain.errors import Reason


class Note(BaseModel):
    """Something a member should know, as a reason code and its parameters; a face words it.

    `text` holds a sentence an older version stored in its place (results kept in the database),
    shown as it was.
    """

    # A code this version does not know (written by a newer one) still reads; the face falls back.
    reason: Reason | str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    text: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _stored_sentence(cls, value: Any) -> Any:
        return {"text": value} if isinstance(value, str) else value


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
    # The provider flagged this take's content (MusicGPT is_flagged): the server's admins decide
    # whether it is posted behind a spoiler or withheld.
    flagged: bool = False


class Completed(BaseModel):
    kind: Literal["completed"] = "completed"
    outputs: list[Output]
    title: str | None = None
    lyrics: str | None = None
    cover_url: str | None = None
    # What a member should know about takes that did not make it.
    notes: list[Note] = Field(default_factory=list)
    # What the job cost in the provider's credits, when the provider reports it.
    cost: float | None = None


class Progress(BaseModel):
    kind: Literal["progress"] = "progress"
    stage: str
    percent: float | None = None
    # Seconds until the provider expects to finish, counted from this event.
    eta_seconds: float | None = None
    detail: Note | None = None
    listen_url: str | None = None
    # A changed handle (a new id seen mid-stream) that the engine must persist at once.
    handle: Handle | None = None
    # What could be delivered now if the job had to stop (one take ready, the other still
    # being made): the engine posts it when the deadline passes instead of failing the job.
    partial: Completed | None = None


Event = Progress | Completed
