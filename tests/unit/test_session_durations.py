from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.durations import MAX_DURATION, MIN_DURATION, DurationProblem, DurationRefused, parse_duration


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("90m", timedelta(minutes=90)),
        ("2h", timedelta(hours=2)),
        ("3d", timedelta(days=3)),
        ("1d12h", timedelta(days=1, hours=12)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("1h 30m", timedelta(hours=1, minutes=30)),
        ("  1 d 2 h 3 m ", timedelta(days=1, hours=2, minutes=3)),
        ("2H", timedelta(hours=2)),
        ("45 min", timedelta(minutes=45)),
        ("2 hours", timedelta(hours=2)),
        ("1 day", timedelta(days=1)),
        ("1m", MIN_DURATION),
    ],
)
def test_durations_people_write_are_read(text: str, span: timedelta) -> None:
    assert parse_duration(text) == span


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", DurationProblem.EMPTY),
        ("   ", DurationProblem.EMPTY),
        ("90", DurationProblem.UNREADABLE),  # minutes or hours? nobody can tell
        ("soon", DurationProblem.UNREADABLE),
        ("30m1h", DurationProblem.UNREADABLE),  # largest unit first
        ("1h1h", DurationProblem.UNREADABLE),
        ("-5m", DurationProblem.UNREADABLE),
        ("1.5h", DurationProblem.UNREADABLE),
        ("30s", DurationProblem.UNREADABLE),
        ("0m", DurationProblem.TOO_SHORT),
        ("0d0h0m", DurationProblem.TOO_SHORT),
        ("61d", DurationProblem.TOO_LONG),
        ("99999999999999999999d", DurationProblem.TOO_LONG),
    ],
)
def test_anything_else_is_refused_with_a_reason(text: str, problem: DurationProblem) -> None:
    with pytest.raises(DurationRefused) as refused:
        parse_duration(text)
    assert refused.value.problem is problem
    assert refused.value.text == text


@given(
    days=st.integers(0, 59),
    hours=st.integers(0, 23),
    minutes=st.integers(0, 59),
    spaced=st.booleans(),
)
def test_any_written_span_reads_back_as_itself(days: int, hours: int, minutes: int, spaced: bool) -> None:
    parts = [f"{n}{unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "m")) if n]
    span = timedelta(days=days, hours=hours, minutes=minutes)
    if not parts:
        return
    text = (" " if spaced else "").join(parts)
    assert parse_duration(text) == span


@given(st.text(max_size=20))
def test_no_text_breaks_the_parser(text: str) -> None:
    try:
        span = parse_duration(text)
    except DurationRefused:
        return
    assert MIN_DURATION <= span <= MAX_DURATION
