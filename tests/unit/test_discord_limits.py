"""Discord's limits hold in every language: every message rendered with long placeholder values, the
status and result embeds with long member text, the channel board, the /usage answer, the admin log,
the command texts Discord registers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache

import discord
import pytest

from domain.admin import AdminEvent, AdminEventKind
from domain.errors import ErrorKind, Reason
from domain.jobs import Failure, Job, JobResult, JobState, TakeInfo
from domain.kinds import JobKind
from domain.sessions import Session, SessionPhase, SessionStats
from domain.tracking import Note
from engine.usage import UsageReport
from face import texts
from face.channel_board import Board, Line, render_board
from face.i18n import catalogue
from face.results import result_embed
from face.session_card import card_view, render_card
from face.session_views import session_result_view
from face.status import render_status
from face.usage import usage_embed
from face.views import board_view, result_view, status_view
from storage.budgets import MemberUsage, UsageDay
from tests.unit.test_catalogues import LOCALES, messages

LONG = "ü" * 500  # member text, a vendor's words, a provider label: longer than any of them should be
# Discord's limits (characters).
TITLE, DESCRIPTION, FIELD_NAME, FIELD_VALUE, FOOTER = 256, 4096, 256, 1024, 2048
EMBED_TOTAL, CONTENT, BUTTON_LABEL, CHOICE_NAME, COMMAND_DESCRIPTION, MENU_NAME = 6000, 2000, 80, 100, 100, 32
MODAL_TITLE, FORM_LABEL, FORM_DESCRIPTION = 45, 45, 100
# Placeholders that count something: a catalogue may pick a plural form by them.
COUNTS = {"count", "limit", "number", "position", "entries", "ballots", "votes", "cap", "place", "previous"}


@cache
def _messages(locale: str) -> dict[str, set[str]]:
    return messages(locale)


def _ids(locale: str, prefix: str) -> list[str]:
    return [key for key in _messages(locale) if key.startswith(prefix)]


def _long_args(message_id: str, locale: str) -> dict[str, str | int]:
    """Every placeholder of a message: a count where it may select a plural, else long text."""
    return {name: 25 if name in COUNTS else LONG[:100] for name in _messages(locale)[message_id]}


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_fits_in_a_message_with_long_values(locale: str) -> None:
    for key in _messages(locale):
        text = catalogue().format(locale, key, _long_args(key, locale))
        assert len(text) <= CONTENT, f"{locale} {key}: {len(text)} characters"


@pytest.mark.parametrize("locale", LOCALES)
def test_command_texts_fit_discords_limits(locale: str) -> None:
    for key in _ids(locale, "describe-") + _ids(locale, "option-"):
        text = catalogue().format(locale, key, {"low": 10, "high": 480})
        assert 1 <= len(text) <= COMMAND_DESCRIPTION, f"{locale} {key}: {len(text)} characters"
    for key in _ids(locale, "choice-"):
        assert len(catalogue().format(locale, key)) <= CHOICE_NAME, f"{locale} {key}"
    assert len(catalogue().format(locale, "button-remix-this-audio")) <= MENU_NAME


@pytest.mark.parametrize("locale", LOCALES)
def test_buttons_and_forms_fit(locale: str) -> None:
    for key in _ids(locale, "button-"):
        label = catalogue().format(locale, key, {"number": 25, "position": 25})
        assert len(label) <= BUTTON_LABEL, f"{locale} {key}"
    job = _job(JobState.RUNNING, locale)
    views = [status_view(job), result_view(job, _result())]
    labels = [
        getattr(item, "item", item).label  # a DynamicItem wraps its button
        for view in views
        if view
        for item in view.children
    ]
    assert labels and all(label and len(label) <= BUTTON_LABEL for label in labels)


def _job(state: JobState, locale: str, **fields: object) -> Job:
    now = datetime.now(UTC)
    values: dict[str, object] = dict(
        id=987654321,
        guild_id=1,
        channel_id=2,
        member_id=123456789012345678,
        kind=JobKind.REMIX,
        provider="musicgpt",
        prompt=LONG * 10,
        upload_limit=1,
        idempotency_key="k",
        webhook_token="t",
        state=state,
        created_at=now - timedelta(seconds=30),
        updated_at=now,
        queued_at=now,
        submitted_at=now,
        eta_seconds=60,
        listen_url="https://example.com/" + "a" * 300,
        public_locale=locale,
        member_locale=locale,
    )
    values.update(fields)
    return Job.model_validate(values)


def _result() -> JobResult:
    takes = [
        TakeInfo(
            index=i, filename=f"t{i}.mp3", duration=3600, title=LONG, label=LONG, url="https://x/" + "y" * 900
        )
        for i in range(3)
    ]
    notes = [Note(reason=Reason.TAKE_LEFT_OUT, params={"index": 2, "flagged": True, "said": LONG})] * 5
    return JobResult(title=LONG, lyrics=LONG * 20, takes=takes, notes=notes)


def _assert_fits(embed: discord.Embed) -> None:
    assert len(embed.title or "") <= TITLE
    assert len(embed.description or "") <= DESCRIPTION
    for field in embed.fields:
        assert 1 <= len(field.name or "") <= FIELD_NAME
        assert 1 <= len(field.value or "") <= FIELD_VALUE, field.name
    assert len(embed.footer.text or "") <= FOOTER
    assert len(embed) <= EMBED_TOTAL


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("state", list(JobState))
def test_the_status_message_fits_with_long_member_text(locale: str, state: JobState) -> None:
    error = Failure(reason=Reason.REFUSED, kind=ErrorKind.INVALID_INPUT, params={"said": LONG})
    job = _job(state, locale, stage="processing", percent=50.0, error=error)
    _assert_fits(render_status(job, 99, LONG, "https://discord.com/channels/1/2/3"))


@pytest.mark.parametrize("locale", LOCALES)
def test_the_result_fits_with_long_member_text(locale: str) -> None:
    _assert_fits(result_embed(_job(JobState.DELIVERED, locale), _result(), LONG[:100]))
    assert len(texts.result_ready(123456789012345678, 3, locale=locale)) <= CONTENT


def _session(phase: SessionPhase, locale: str) -> Session:
    now = datetime.now(UTC)
    return Session(
        id=987654321,
        guild_id=1,
        channel_id=2,
        host_id=123456789012345678,
        title=LONG,
        entries_per_member=5,
        submissions_end=now,
        voting_end=now,
        phase=phase,
        created_at=now,
        public_locale=locale,
    )


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("phase", list(SessionPhase))
def test_the_session_card_fits_with_long_member_text(locale: str, phase: SessionPhase) -> None:
    session = _session(phase, locale)
    url = "https://discord.com/channels/" + "1" * 60
    _assert_fits(
        render_card(session, SessionStats(entries=1234, ballots=5678), source_url=url, results_url=url)
    )
    view = card_view(session)
    labels = [getattr(item, "item", item).label for item in view.children] if view else []
    assert all(label and len(label) <= BUTTON_LABEL for label in labels)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_session_form_and_enter_buttons_fit(locale: str) -> None:
    assert len(texts.session_form_words("title", locale=locale)) <= MODAL_TITLE
    assert len(texts.session_form_words("provider", locale=locale)) <= FORM_LABEL
    assert len(texts.session_form_words("provider-hint", locale=locale)) <= FORM_DESCRIPTION
    job = _job(JobState.DELIVERED, locale, session_id=5)
    view = session_result_view(job, _result())
    labels = [getattr(item, "item", item).label for item in view.children] if view else []
    assert len(labels) == 4 and all(label and len(label) <= BUTTON_LABEL for label in labels)
    assert len(texts.session_choice(987654321, LONG, "submissions", locale=locale)) <= CHOICE_NAME


@pytest.mark.parametrize("locale", LOCALES)
def test_the_usage_answer_fits_with_long_provider_labels(locale: str) -> None:
    providers = [f"provider{n}" for n in range(6)]
    per_day = [UsageDay(day="2026-03-01", provider=p, jobs=999999, credits=123456.125) for p in providers]
    top = [MemberUsage(member_id=123456789012345678 + n, jobs=999999, credits=123456.125) for n in range(5)]
    report = UsageReport(days=365, since=datetime.now(UTC), per_day=per_day, top=top)
    embed = usage_embed(report, {p: LONG for p in providers}, LONG[:100], locale=locale)
    _assert_fits(embed)
    assert len(texts.usage_export_ready(365, 999999, locale=locale)) <= CONTENT


@pytest.mark.parametrize("locale", LOCALES)
def test_the_channel_board_fits_with_long_prompts(locale: str) -> None:
    jobs = [_job(JobState.RUNNING, locale, id=n, stage=LONG, percent=99.0) for n in range(1, 80)]
    embed = render_board(Board(2, lines={job.id: Line(job) for job in jobs}, locale=locale))
    _assert_fits(embed)
    [button] = board_view(2, locale).children
    assert 1 <= len(getattr(button, "item", button).label or "") <= BUTTON_LABEL


@pytest.mark.parametrize("locale", LOCALES)
def test_admin_log_lines_fit_in_a_message(locale: str) -> None:
    params = {
        "provider": LONG[:100],
        "member_id": 123456789012345678,
        "job_id": 987654321,
        "strikes": 25,
        "until": datetime.now(UTC),
        "period": "month",
        "takes": 25,
        "withheld": True,
    }
    for kind in AdminEventKind:
        line = texts.admin_event(AdminEvent(kind, 1, params), locale=locale)
        assert line and len(line) <= CONTENT, kind
