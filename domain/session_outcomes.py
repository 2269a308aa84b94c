"""What a member's or host's session action came to, as codes and numbers; the face words them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.sessions import Entry, Session


class VoteCode(StrEnum):
    CAST = "cast"  # number
    MOVED = "moved"  # previous -> number
    ALREADY = "already"  # number
    OWN_ENTRY = "own_entry"
    NOT_ELIGIBLE = "not_eligible"  # joined the server after the session started
    BOT = "bot"
    NOT_OPEN = "not_open"  # voting is not open (not yet, or over)
    NO_SUCH_ENTRY = "no_such_entry"  # withdrawn, failed, or not of this session


VOTE_ACCEPTED = frozenset({VoteCode.CAST, VoteCode.MOVED, VoteCode.ALREADY})


@dataclass(frozen=True)
class VoteOutcome:
    code: VoteCode
    number: int | None = None
    previous: int | None = None

    @property
    def accepted(self) -> bool:
        return self.code in VOTE_ACCEPTED


class EnterCode(StrEnum):
    ENTERED = "entered"  # entry, count, cap
    CAP_REACHED = "cap_reached"  # cap
    ALREADY_ENTERED = "already_entered"  # this take is already an entry
    NOT_OPEN = "not_open"  # submissions are closed (or the session does not exist)
    TOO_LARGE = "too_large"  # limit (bytes)


@dataclass(frozen=True)
class EnterOutcome:
    code: EnterCode
    entry: Entry | None = None
    count: int = 0
    cap: int = 0
    limit: int = 0


class WithdrawCode(StrEnum):
    WITHDRAWN = "withdrawn"
    NOT_OPEN = "not_open"
    NOT_FOUND = "not_found"  # not an entry of this member, or already withdrawn


class PhaseCode(StrEnum):
    DONE = "done"  # the session moved; `session` is its new state
    WRONG_PHASE = "wrong_phase"  # it is in a phase this action cannot leave (e.g. already closed)
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class PhaseOutcome:
    code: PhaseCode
    session: Session | None = None
