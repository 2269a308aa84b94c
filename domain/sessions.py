"""Community remix sessions: a session, its entries and ballots, and what may follow what.

The sessions tables are the truth; this module says which phase may follow which and how a
finished session ranks its entries.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, Field

ENTRIES_PER_MEMBER_DEFAULT = 2
ENTRIES_PER_MEMBER_MAX = 5
DEFAULT_SUBMISSIONS = timedelta(days=2)
DEFAULT_VOTING = timedelta(days=1)


class SessionPhase(StrEnum):
    SUBMISSIONS = "submissions"
    VOTING = "voting"
    CLOSED = "closed"
    CANCELLED = "cancelled"


P = SessionPhase

TRANSITIONS: dict[SessionPhase, frozenset[SessionPhase]] = {
    P.SUBMISSIONS: frozenset({P.VOTING, P.CANCELLED}),
    # Voting never goes back to submissions: entries are numbered and posted by then.
    P.VOTING: frozenset({P.CLOSED, P.CANCELLED}),
    P.CLOSED: frozenset(),
    P.CANCELLED: frozenset(),
}
FINISHED = frozenset(p for p, nxt in TRANSITIONS.items() if not nxt)
OPEN = frozenset(P) - FINISHED


def predecessors(phase: SessionPhase) -> frozenset[SessionPhase]:
    """The phases a session may enter `phase` from: the WHERE of a compare-and-set."""
    return frozenset(src for src, dests in TRANSITIONS.items() if phase in dests)


class EntryKind(StrEnum):
    AI = "ai"  # a take of a job started with "Remix this"
    UPLOAD = "upload"  # a member's own remix, sent with /session submit


class EntryStatus(StrEnum):
    ENTERED = "entered"
    WITHDRAWN = "withdrawn"  # by its author, while submissions were open
    FAILED = "failed"  # could not be posted for the vote: it never reaches the ballot


class SessionFields(BaseModel):
    guild_id: int
    channel_id: int
    host_id: int
    title: str
    provider: str | None = None
    entries_per_member: int = Field(ENTRIES_PER_MEMBER_DEFAULT, ge=1, le=ENTRIES_PER_MEMBER_MAX)
    # Only members who joined the server before the session started may vote (a /config setting).
    voters_joined_before: bool = True
    source_message_id: int | None = None
    source_filename: str | None = None
    forum_channel_id: int | None = None  # set when the session lives in a forum post
    # The catalogue its public messages speak (card, thread, results): /config language, else the
    # server's Discord language, as it was at the start. None (a session from before languages): English.
    public_locale: str | None = None


class SessionPlan(SessionFields):
    """What /session start asks for: how long each phase lasts, counted from the start."""

    submissions: timedelta = DEFAULT_SUBMISSIONS
    voting: timedelta = DEFAULT_VOTING


class NewSession(SessionFields):
    """A plan made absolute: the deadlines are fixed at the start and survive restarts as they are."""

    submissions_end: datetime
    voting_end: datetime

    @classmethod
    def from_plan(cls, plan: SessionPlan, start: datetime) -> NewSession:
        fields = plan.model_dump(exclude={"submissions", "voting"})
        submissions_end = start + plan.submissions
        return cls(**fields, submissions_end=submissions_end, voting_end=submissions_end + plan.voting)


class Session(NewSession):
    id: int
    phase: SessionPhase
    thread_id: int | None = None  # the thread, or the forum post (a thread too)
    card_message_id: int | None = None
    results_message_id: int | None = None
    created_at: datetime
    voting_opened_at: datetime | None = None
    finished_at: datetime | None = None
    # The thread was locked and archived: nothing is left to do for a finished session.
    archived_at: datetime | None = None
    lease_until: datetime | None = None  # a scheduler is doing the follow-up until then

    @property
    def next_deadline(self) -> datetime | None:
        if self.phase is P.SUBMISSIONS:
            return self.submissions_end
        if self.phase is P.VOTING:
            return self.voting_end
        return None


class Entry(BaseModel):
    id: int
    session_id: int
    member_id: int
    kind: EntryKind
    job_id: int | None = None
    take_index: int | None = None
    upload_filename: str | None = None
    file_path: Path
    status: EntryStatus
    number: int | None = None  # "Entry N", given in shuffled order when voting opens
    message_id: int | None = None  # the anonymous post with its Vote button
    created_at: datetime

    @property
    def on_ballot(self) -> bool:
        return self.status is EntryStatus.ENTERED and self.message_id is not None


class Ballot(BaseModel):
    session_id: int
    voter_id: int
    entry_id: int
    cast_at: datetime


class SessionStats(BaseModel):
    """What the card may show: counts only, never tallies before the end."""

    entries: int
    ballots: int


class Placing(BaseModel):
    place: int
    entry: Entry
    votes: int


class Results(BaseModel):
    session: Session
    placings: list[Placing]
    ballots: int

    @property
    def no_winner(self) -> bool:
        return self.ballots == 0

    @property
    def winners(self) -> list[Placing]:
        return [] if self.no_winner else [p for p in self.placings if p.place == 1]


def rank(entries: list[Entry], tallies: dict[int, int]) -> list[Placing]:
    """Most votes first; equal counts share a place and the next place skips (1, 1, 3).

    Within a place, entries keep their anonymous order so the listing is stable.
    """
    ordered = sorted(entries, key=lambda e: (-tallies.get(e.id, 0), e.number or 0, e.id))
    placings: list[Placing] = []
    for position, entry in enumerate(ordered, start=1):
        votes = tallies.get(entry.id, 0)
        tied = placings and placings[-1].votes == votes
        placings.append(Placing(place=placings[-1].place if tied else position, entry=entry, votes=votes))
    return placings
