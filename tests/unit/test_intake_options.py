"""Options that only some providers honour are refused clearly, naming the option."""

from __future__ import annotations

import pytest

from domain.kinds import JobKind
from engine.intake import Draft, check_options
from providers.soundpiece import SoundpieceProvider
from providers.soundverse import CAPABILITIES as SOUNDVERSE
from tests.wording import refused


def draft(**options: object) -> Draft:
    return Draft(kind=JobKind.REMIX, channel_id=1, member_id=2, guild_id=3, upload_limit=10, options=options)


@pytest.fixture
def soundpiece() -> SoundpieceProvider:
    return SoundpieceProvider(None, api_key="spk_x", base_url="http://127.0.0.1:9")  # type: ignore[arg-type]


def test_no_variations_asked_is_fine_everywhere(soundpiece: SoundpieceProvider) -> None:
    assert check_options(draft(), SOUNDVERSE, "Soundverse", ["Soundpiece"]) is None
    assert check_options(draft(), soundpiece.capabilities, "Soundpiece", ["Soundpiece"]) is None


@pytest.mark.parametrize("n", [1, 2, 3])
def test_soundpiece_takes_one_to_three(soundpiece: SoundpieceProvider, n: int) -> None:
    assert check_options(draft(variations=n), soundpiece.capabilities, "Soundpiece", ["Soundpiece"]) is None


def test_out_of_range_names_the_option_and_the_limit(soundpiece: SoundpieceProvider) -> None:
    reason = refused(
        check_options(draft(variations=4), soundpiece.capabilities, "Soundpiece", ["Soundpiece"])
    )
    assert reason == "Soundpiece makes 1 to 3 variations, not 4. Change the `variations` option."


def test_provider_without_a_choice_refuses_and_points_elsewhere() -> None:
    reason = refused(check_options(draft(variations=2), SOUNDVERSE, "Soundverse", ["Soundpiece"]))
    assert reason == (
        "Soundverse can't make a chosen number of variations. "
        "Leave out the `variations` option, or use Soundpiece."
    )
