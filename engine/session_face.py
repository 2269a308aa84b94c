"""What the session engine needs from a face: the card, the anonymous entries, the results, the thread."""

from __future__ import annotations

from typing import Protocol

from domain.sessions import Entry, Results, Session, SessionStats


class SessionFace(Protocol):
    def card_changed(self, session: Session, stats: SessionStats) -> None:
        """Show the session's latest state on its card. Called often; the face coalesces edits."""
        ...

    async def post_entry(self, session: Session, entry: Entry) -> int | None:
        """Post one entry anonymously ("Entry N", neutral file name, Vote button) in the thread.

        The message id, or None when Discord refused it for good: the entry then stays off the
        ballot. Raise for a failure worth retrying; the scheduler tries again later.
        """
        ...

    async def post_results(self, session: Session, results: Results) -> int:
        """Post the results in the thread and the announcement in the start channel; the id of the
        results message (the card links to it)."""
        ...

    async def close_thread(self, session: Session, entries: list[Entry]) -> None:
        """Remove the card's and the posted entries' buttons, then lock and archive the thread."""
        ...
