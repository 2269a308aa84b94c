"""With only DISCORD_TOKEN set, /remix works out of the box through the offline provider."""

from __future__ import annotations

from pathlib import Path

import pytest

from audio.probe import probe
from domain.jobs import JobState
from tests.e2e.harness import harness, song
from tests.tones import dominant_frequency

pytestmark = pytest.mark.slow


async def test_remix_without_any_provider_key_uses_the_offline_effects(tmp_path: Path):
    async with harness(tmp_path) as h:  # no provider settings at all
        await h.start()
        ix = await h.discord.run_slash_command(
            "remix",
            {"prompt": "nightcore please"},
            attachments=[("tune.wav", song(tmp_path, fmt="wav"), "audio/wav")],
        )
        await ix.wait_response()
        [result] = await h.wait_for(lambda: h.result_messages(), timeout=30)
        job = await h.wait_for_job(1, lambda j: j.finished)

        assert job.state is JobState.DELIVERED and job.provider == "local"
        embed = result.embeds[0]
        assert "effects remix, no AI" in embed["title"]
        assert any(f["value"] == "Offline effects" for f in embed["fields"])
        audio = [a for a in result.attachments if a.content_type.startswith("audio/")]
        assert len(audio) == 2
        assert [a.filename for a in result.attachments if a.filename.endswith(".png")] == ["waveform.png"], (
            "no cover art from the offline provider: a waveform instead"
        )
        pitches = []
        for attachment in audio:
            path = tmp_path / attachment.filename
            path.write_bytes(attachment.data)
            assert probe(path).duration < 3.0, "nightcore is faster than the 3 s original"
            pitches.append(dominant_frequency(path))
        assert all(p > 440 * 1.1 for p in pitches), "and higher"
        assert pitches[0] != pytest.approx(pitches[1], rel=0.02), "two takes of different strength"
