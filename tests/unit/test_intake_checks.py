import pytest

from domain.kinds import JobKind
from engine.intake import Draft, check_duration, check_text
from providers.base import Capabilities
from tests.wording import refused

CAPS = Capabilities(
    kinds=frozenset({JobKind.REMIX, JobKind.SING, JobKind.GENERATE}),
    max_prompt_chars=280,
    max_lyrics_chars=2000,
    min_input_seconds=10,
    max_input_seconds=350,
    requires_prompt=frozenset({JobKind.REMIX}),
    requires_lyrics=frozenset({JobKind.SING}),
)


def draft(kind=JobKind.REMIX, prompt="lofi", lyrics=None) -> Draft:
    return Draft(
        kind=kind, channel_id=1, member_id=2, guild_id=3, upload_limit=10, prompt=prompt, lyrics=lyrics
    )


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (draft(prompt=""), "needs a prompt"),
        (draft(kind=JobKind.SING, lyrics=None), "needs lyrics"),
        (draft(kind=JobKind.GENERATE, prompt="  ", lyrics=""), "prompt, lyrics, or both"),
        (draft(prompt="x" * 281), "Your prompt has 281 characters; Prov takes at most 280"),
        (draft(lyrics="y" * 2001), "Your lyrics has 2001 characters"),
    ],
)
def test_text_refusals_are_specific(d, expected):
    assert expected in refused(check_text(d, CAPS, "Prov"))


def test_text_within_limits_passes():
    assert check_text(draft(prompt="x" * 280, lyrics="y" * 2000), CAPS, "Prov") is None


def test_duration_limits_name_the_limit():
    assert "9 s long; Prov needs at least 10 s" in refused(check_duration(9.2, CAPS, "Prov"))
    assert "6:00 long; Prov takes up to 5:50" in refused(check_duration(360, CAPS, "Prov"))
    assert check_duration(200, CAPS, "Prov") is None
    assert check_duration(None, CAPS, "Prov") is None


def test_a_provider_that_needs_words_refuses_a_remix_without_any():
    from providers.soundverse import CAPABILITIES as SOUNDVERSE

    blank = draft(prompt="   ", lyrics="")
    assert "prompt, lyrics, or both" in refused(check_text(blank, SOUNDVERSE, "Soundverse"))
    assert check_text(draft(prompt="", lyrics="la la"), SOUNDVERSE, "Soundverse") is None
