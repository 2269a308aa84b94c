"""The channel board: when a channel has more active jobs than its write budget keeps fresh, their
statuses fold into one message, one line per job, edited as a whole.

With 5 writes per 5 s a channel keeps about that many status messages fresh; past the threshold
(CHANNEL_BOARD_THRESHOLD) one board edit carries every job's newest state at once. A folded job keeps
its own status message only if its member asked for it (the board's "Show my status" button); a job
that had a message before the fold still gets its final state written there. When the board's last
job finishes, the board is written once more (every line final) and the channel unfolds: new jobs
get their own status messages again.

The board is a public post: it speaks the server's public language, as its newest job remembers it
(`Job.public_locale`), so a /config language change shows on the next board edit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import discord

from domain.jobs import Job, JobState
from face import texts

S = JobState
# An embed description holds 4096 characters; a line is clipped well below that.
DESCRIPTION_LIMIT = 4096
MORE_ROOM = 256  # characters kept free for "... and N more" in any language
EXCERPT = 24  # characters of the prompt on a board line: 50 lines must fit one embed


@dataclass
class Line:
    job: Job
    position: int | None = None
    # Its words, formatted once per language: a board of a hundred jobs is rendered again at every
    # edit, and a line is replaced (not changed) when its job moves on.
    text: tuple[str | None, str] | None = field(default=None, compare=False)


@dataclass
class Board:
    """One channel's fold: the lines it shows, and the message it is written to."""

    channel_id: int
    lines: dict[int, Line] = field(default_factory=dict)  # job id -> newest state, in order of arrival
    message_id: int | None = None
    shown: set[int] = field(default_factory=set)  # jobs whose own status message is kept live
    locale: str | None = None  # the server's public language, from the newest job placed

    @property
    def active(self) -> int:
        return sum(1 for line in self.lines.values() if not line.job.finished)

    @property
    def settled(self) -> bool:
        """Every line final: the board's last write ends the fold."""
        return self.active == 0


class Boards:
    """Which jobs of which channel are folded into a board; decides fold and unfold."""

    def __init__(self, threshold: int) -> None:
        self.threshold = threshold
        self._active: dict[int, dict[int, Line]] = {}  # channel -> unfinished jobs not on a board
        self._boards: dict[int, Board] = {}

    def board(self, channel_id: int) -> Board | None:
        return self._boards.get(channel_id)

    def place(self, job: Job, position: int | None) -> tuple[Board | None, list[Job]]:
        """Record the job's newest state: (the board it shows on, or None; jobs folded by this state).

        The second item lists the jobs that just moved onto a new board (the fold happened now).
        """
        board = self._boards.get(job.channel_id)
        if board is not None:
            board.lines[job.id] = Line(job, position)
            board.locale = job.public_locale
            return board, []
        active = self._active.setdefault(job.channel_id, {})
        if job.finished:
            active.pop(job.id, None)
            return None, []
        active[job.id] = Line(job, position)
        if len(active) <= self.threshold:
            return None, []
        board = self._boards[job.channel_id] = Board(
            job.channel_id, lines=dict(active), locale=job.public_locale
        )
        active.clear()
        return board, [line.job for line in board.lines.values()]

    def unfold(self, channel_id: int) -> None:
        """The board's final write landed and nothing is active: the channel is quiet again."""
        board = self._boards.get(channel_id)
        if board is not None and board.settled:
            del self._boards[channel_id]

    def show(self, channel_id: int, member_id: int) -> list[Job]:
        """A member asked for their own status messages while folded: the jobs that get one back."""
        board = self._boards.get(channel_id)
        if board is None:
            return []
        jobs = [line.job for line in board.lines.values() if line.job.member_id == member_id]
        unfolded = [job for job in jobs if not job.finished and job.id not in board.shown]
        board.shown.update(job.id for job in unfolded)
        return unfolded


def board_line(line: Line, *, locale: str | None = None) -> str:
    """One job on the board: member, prompt excerpt (escaped, mentions defused), stage, %, position."""
    job = line.job
    excerpt = texts.quoted(job.prompt, EXCERPT) if job.prompt else None
    stage = texts.provider_stage(job.stage) if job.state is S.RUNNING and job.stage else None
    percent = job.percent if job.state is S.RUNNING else None
    position = line.position if job.state is S.QUEUED else None
    return texts.board_line(
        job.id, job.member_id, excerpt, job.state.value, stage, percent, position, locale=locale
    )


def render_board(board: Board) -> discord.Embed:
    """The board message: active jobs first (oldest first), then finished ones; clipped to fit one embed."""
    lines = sorted(board.lines.values(), key=lambda line: line.job.finished)
    rendered: list[str] = []
    size = 0
    for number, line in enumerate(lines):
        if line.text is None or line.text[0] != board.locale:
            line.text = (board.locale, board_line(line, locale=board.locale))
        text = line.text[1]
        # "... and N more" is only worded when the embed is nearly full.
        if size + len(text) + 1 + MORE_ROOM > DESCRIPTION_LIMIT:
            more = texts.board_more(len(lines) - number, locale=board.locale)
            if size + len(text) + 1 + len(more) > DESCRIPTION_LIMIT:
                rendered.append(more)
                break
        rendered.append(text)
        size += len(text) + 1
    embed = discord.Embed(
        title=texts.board_title(board.active, len(board.lines), locale=board.locale),
        description="\n".join(rendered),
        colour=discord.Colour.green() if board.settled else discord.Colour.blurple(),
    )
    embed.set_footer(text=texts.board_footer(locale=board.locale))
    return embed
