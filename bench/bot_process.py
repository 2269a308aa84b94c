"""The bot as its own process, for the benchmarks: `python bench/bot_process.py`, settings from the
environment exactly as `python bot.py` reads them (bench/common.py sets them).

It is bot.py's main() with one optional change for a baseline: with BENCH_FRESH_TASKS naming a file
of MusicGPT task ids (one a line), the restarted provider believes it submitted those tasks itself
(bench/bench_restart.py's baseline, the first-poll rule before resumed jobs were polled at once).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import bot
from providers import musicgpt


def treat_as_fresh(task_ids: set[str]) -> None:
    original = musicgpt.MusicGPTProvider.__init__

    def init(self: musicgpt.MusicGPTProvider, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self._submitted |= task_ids

    musicgpt.MusicGPTProvider.__init__ = init  # type: ignore[method-assign]  # the baseline's old rule


if __name__ == "__main__":
    fresh = os.environ.get("BENCH_FRESH_TASKS")
    if fresh:
        treat_as_fresh(set(Path(fresh).read_text().split()))
    bot.main(["--verbose"])
