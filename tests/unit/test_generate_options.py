"""The provider-neutral /generate option checks that refuse a request before anything starts."""

from __future__ import annotations

import pytest

from domain.kinds import JobKind
from engine.intake import MAX_LENGTH, MIN_LENGTH, Draft, check_generate_options
from tests.wording import refused


def draft(**options: object) -> Draft:
    return Draft(
        kind=JobKind.GENERATE,
        channel_id=1,
        member_id=2,
        guild_id=3,
        upload_limit=10,
        prompt="x",
        options=dict(options),
    )


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"length": MIN_LENGTH},
        {"length": MAX_LENGTH},
        {"instrumental": True},
        {"vocal_only": True, "length": 95},
    ],
)
def test_sane_options_pass(options: dict) -> None:
    assert check_generate_options(draft(**options)) is None


@pytest.mark.parametrize("length", [0, MIN_LENGTH - 1, MAX_LENGTH + 1, -30])
def test_length_out_of_range_names_the_range(length: int) -> None:
    message = refused(check_generate_options(draft(length=length)))
    assert message and f"{length} s" in message and "between 10 s and 8:00" in message


def test_instrumental_and_vocal_only_contradict() -> None:
    message = refused(check_generate_options(draft(instrumental=True, vocal_only=True)))
    assert message and "instrumental" in message and "vocals only" in message
