"""Takes the provider flagged: posted behind a spoiler or withheld, as the server's admins chose."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from domain.admin import AdminEvent, AdminEventKind, FlaggedMode
from domain.errors import Reason
from domain.jobs import Failure, Job
from domain.tracking import Completed, Note
from engine.admin import AdminLog
from engine.moderation import split_flagged
from engine.ports import PostRefused
from engine.takes import Take
from face import texts

SPOILER_PREFIX = "SPOILER_"  # Discord blurs an attachment whose name starts with this

ModeFor = Callable[[int | None], Awaitable[FlaggedMode]]


class MemberLog(AdminLog, Protocol):
    """The admin log, which can also tell a member something privately (face/admin_log.py)."""

    def tell_member(self, member_id: int, text: str) -> None: ...


class FlaggedPolicy:
    def __init__(self, mode_for: ModeFor, admin_log: MemberLog | None = None) -> None:
        self.mode_for = mode_for
        self.admin_log = admin_log

    async def apply(self, job: Job, takes: list[Take], completed: Completed) -> list[Take]:
        """The takes to post; a note on the result, the admins and (if withheld) the member are told.

        Raises PostRefused when every take is withheld: the job's status then says so.
        """
        numbers = [n for n, take in enumerate(takes, start=1) if take.flagged]
        if not numbers:
            return takes
        kept, flagged, withheld = split_flagged(takes, await self.mode_for(job.guild_id))
        # On the public result: the server's language.
        note = texts.flagged_note(numbers, withheld=bool(withheld), locale=job.public_locale)
        completed.notes.append(Note(text=note))
        if self.admin_log is not None:
            if job.guild_id is not None:
                self.admin_log.post(
                    AdminEvent(
                        AdminEventKind.FLAGGED_OUTPUT,
                        job.guild_id,
                        {
                            "job_id": job.id,
                            "provider": job.provider,
                            "takes": flagged,
                            "withheld": bool(withheld),
                        },
                    )
                )
            if withheld:
                # A direct message to the member: their language.
                told = texts.flagged_withheld_dm(job.id, job.channel_id, locale=job.member_locale)
                self.admin_log.tell_member(job.member_id, told)
        if not kept:
            raise PostRefused(
                Failure(reason=Reason.FLAGGED_WITHHELD),
                detail=f"{flagged} flagged take(s) withheld",
                keep=False,
                tell=False,  # the member was told above
            )
        return kept


def spoiler_name(name: str, take: Take) -> str:
    return SPOILER_PREFIX + name if take.flagged else name
