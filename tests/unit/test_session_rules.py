"""The pure session rules: which phase may follow which, and how entries rank."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from domain.sessions import (
    FINISHED,
    OPEN,
    TRANSITIONS,
    Entry,
    EntryKind,
    EntryStatus,
    NewSession,
    Results,
    Session,
    SessionPhase,
    SessionPlan,
    predecessors,
    rank,
)

P = SessionPhase
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_phases_move_forward_only() -> None:
    assert TRANSITIONS[P.SUBMISSIONS] == {P.VOTING, P.CANCELLED}
    assert TRANSITIONS[P.VOTING] == {P.CLOSED, P.CANCELLED}
    assert {P.CLOSED, P.CANCELLED} == FINISHED and {P.SUBMISSIONS, P.VOTING} == OPEN
    assert predecessors(P.VOTING) == {P.SUBMISSIONS}
    assert predecessors(P.CLOSED) == {P.VOTING}
    assert predecessors(P.CANCELLED) == {P.SUBMISSIONS, P.VOTING}
    assert not predecessors(P.SUBMISSIONS)


def test_a_plan_becomes_absolute_deadlines_one_after_the_other() -> None:
    plan = SessionPlan(guild_id=1, channel_id=2, host_id=3, title="t", submissions=timedelta(hours=2))
    new = NewSession.from_plan(plan, T0)
    assert new.submissions_end == T0 + timedelta(hours=2)
    assert new.voting_end == T0 + timedelta(hours=2, days=1)  # voting defaults to a day
    assert new.entries_per_member == 2


@pytest.mark.parametrize("cap", [0, 6])
def test_entries_per_member_stays_between_one_and_five(cap: int) -> None:
    with pytest.raises(ValidationError):
        SessionPlan(guild_id=1, channel_id=2, host_id=3, title="t", entries_per_member=cap)


def test_next_deadline_follows_the_phase() -> None:
    session = Session(
        id=1,
        guild_id=1,
        channel_id=2,
        host_id=3,
        title="t",
        phase=P.SUBMISSIONS,
        submissions_end=T0,
        voting_end=T0 + timedelta(days=1),
        created_at=T0,
    )
    assert session.next_deadline == T0
    assert session.model_copy(update={"phase": P.VOTING}).next_deadline == T0 + timedelta(days=1)
    assert session.model_copy(update={"phase": P.CLOSED}).next_deadline is None


def entry(entry_id: int, number: int) -> Entry:
    return Entry(
        id=entry_id,
        session_id=1,
        member_id=100 + entry_id,
        kind=EntryKind.UPLOAD,
        upload_filename="a.mp3",
        file_path=Path("a.mp3"),
        status=EntryStatus.ENTERED,
        number=number,
        message_id=entry_id,
        created_at=T0,
    )


def places(entries: list[Entry], tallies: dict[int, int]) -> list[tuple[int, int, int]]:
    return [(p.place, p.entry.number or 0, p.votes) for p in rank(entries, tallies)]


def test_most_votes_first() -> None:
    entries = [entry(1, 1), entry(2, 2), entry(3, 3)]
    assert places(entries, {1: 1, 2: 5, 3: 3}) == [(1, 2, 5), (2, 3, 3), (3, 1, 1)]


def test_ties_share_a_place_and_the_next_place_skips() -> None:
    entries = [entry(1, 1), entry(2, 2), entry(3, 3), entry(4, 4)]
    assert places(entries, {1: 2, 2: 4, 3: 4}) == [(1, 2, 4), (1, 3, 4), (3, 1, 2), (4, 4, 0)]


def test_a_tie_for_first_makes_two_winners(session: Session) -> None:
    entries = [entry(1, 1), entry(2, 2), entry(3, 3)]
    results = Results(session=session, placings=rank(entries, {1: 2, 3: 2}), ballots=4)
    assert [p.entry.number for p in results.winners] == [1, 3]
    assert not results.no_winner


def test_no_ballots_means_no_winner_and_every_entry_listed(session: Session) -> None:
    entries = [entry(2, 2), entry(1, 1)]
    results = Results(session=session, placings=rank(entries, {}), ballots=0)
    assert results.no_winner and results.winners == []
    assert [p.entry.number for p in results.placings] == [1, 2]


@pytest.fixture
def session() -> Session:
    return Session(
        id=1,
        guild_id=1,
        channel_id=2,
        host_id=3,
        title="t",
        phase=P.CLOSED,
        submissions_end=T0,
        voting_end=T0,
        created_at=T0,
    )
