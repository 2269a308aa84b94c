"""What a member can ask for."""

from __future__ import annotations

from enum import StrEnum


class JobKind(StrEnum):
    REMIX = "remix"
    SING = "sing"
    GENERATE = "generate"
