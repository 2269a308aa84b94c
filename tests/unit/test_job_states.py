import pytest

from domain.jobs import ACTIVE, AT_PROVIDER, TERMINAL, TRANSITIONS, IllegalTransition, JobState

S = JobState


def check_transition(job_id: int, current: JobState, wanted: JobState) -> None:
    """The table's verdict; storage enforces the same table with a compare-and-set UPDATE."""
    if wanted not in TRANSITIONS[current]:
        raise IllegalTransition(job_id, current, wanted)


def test_every_state_has_a_row():
    assert set(TRANSITIONS) == set(JobState)


def test_terminal_states_lead_nowhere():
    assert {S.DELIVERED, S.FAILED, S.REJECTED, S.CANCELLED} == TERMINAL
    for state in TERMINAL:
        for other in JobState:
            with pytest.raises(IllegalTransition):
                check_transition(1, state, other)


@pytest.mark.parametrize(
    ("path"),
    [
        [S.RECEIVED, S.QUEUED, S.SUBMITTING, S.SUBMITTED, S.RUNNING, S.RUNNING, S.DELIVERING, S.DELIVERED],
        [S.RECEIVED, S.REJECTED],
        [S.RECEIVED, S.QUEUED, S.SUBMITTING, S.QUEUED, S.SUBMITTING, S.SUBMITTED, S.DELIVERING, S.DELIVERED],
        [S.RECEIVED, S.QUEUED, S.CANCELLED],
        [S.RECEIVED, S.QUEUED, S.SUBMITTING, S.SUBMITTED, S.RUNNING, S.FAILED],
    ],
)
def test_the_journeys_a_job_takes_are_allowed(path):
    for current, wanted in zip(path, path[1:]):
        check_transition(1, current, wanted)


@pytest.mark.parametrize(
    ("current", "wanted"),
    [
        (S.RECEIVED, S.SUBMITTING),  # input must be checked before anything is sent
        (S.QUEUED, S.SUBMITTED),  # no handle without a submit
        (S.SUBMITTED, S.QUEUED),  # an accepted job is never sent again
        (S.RUNNING, S.SUBMITTING),
        (S.DELIVERING, S.CANCELLED),  # paid takes are posted, not hidden
        (S.DELIVERED, S.DELIVERING),  # never posted twice
    ],
)
def test_forbidden_moves(current, wanted):
    with pytest.raises(IllegalTransition):
        check_transition(7, current, wanted)


def test_state_groups():
    assert ACTIVE.isdisjoint(TERMINAL)
    assert AT_PROVIDER <= ACTIVE
