"""/metrics on a running bot: a member's /remix shows up in the figures an operator watches."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from tests.e2e.harness import free_port, harness, song
from tests.scrape import scrape, total

pytestmark = pytest.mark.slow


async def test_a_remix_moves_the_metrics(tmp_path: Path, session: aiohttp.ClientSession):
    port = free_port()
    async with harness(tmp_path, default_provider="local", metrics_enabled=True, webhook_port=port) as h:
        await h.start()
        url = f"http://127.0.0.1:{port}/metrics"
        before = await scrape(session, url)
        ix = await h.discord.run_slash_command(
            "remix", {"prompt": "slowed"}, attachments=[("song.mp3", song(h.tmp), "audio/mpeg")]
        )
        await ix.wait_response()
        await h.wait_for(lambda: h.result_messages())
        await h.wait_for_job(1, lambda job: job.state.value == "delivered")
        after = await scrape(session, url)

    def grew(name: str, **labels: str) -> float:
        return total(after, name, **labels) - total(before, name, **labels)

    assert total(after, "remixbot_jobs", provider="local", state="delivered") == 1
    assert total(after, "remixbot_queue_length") == 0
    assert grew("remixbot_ack_latency_seconds_count") == 1, "one interaction, acknowledged once"
    # The result and the status message went to the channel route, labelled by template, not by id.
    posts = grew("remixbot_discord_requests_total", method="POST", route="/channels/{id}/messages")
    assert posts >= 2
    assert grew("remixbot_status_freshness_seconds_count") >= 1
    assert grew("remixbot_provider_call_seconds_count", provider="local", call="submit") == 1
    assert ("remixbot_event_loop_lag_seconds_count", frozenset()) in after
