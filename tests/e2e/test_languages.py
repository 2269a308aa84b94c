"""The bot speaks the member's language in private and the server's in public (locales/*.ftl): an
admin's /config and /usage answers in theirs, the admin log and the channel board in the server's."""

from __future__ import annotations

from pathlib import Path

import pytest

from face import texts
from tests.e2e.harness import Harness, harness, song, status_message_of, title_of
from tests.fakes.discord import DEFAULT_MEMBERS, FakeInteraction, FakeMessage
from tests.fakes.musicgpt import FakeMusicGPT

pytestmark = pytest.mark.slow


def private_text(ix: FakeInteraction) -> str:
    """What the member was told privately: the edit of the first response, else the response."""
    if ix.original is not None:
        return ix.original.content
    assert ix.response is not None
    return str(ix.response.data.get("content", ""))


def results(h: Harness) -> list[FakeMessage]:
    """The result messages in any language: the bot's messages carrying takes."""
    return [m for m in h.bot_messages() if any(a.content_type.startswith("audio/") for a in m.attachments)]


def labels(message: FakeMessage) -> list[str]:
    return [c.get("label", "") for row in message.components for c in row["components"]]


async def test_a_german_member_hears_german_and_a_french_server_reads_french(tmp_path: Path) -> None:
    async with harness(tmp_path, preferred_locale="fr") as h:
        await h.start()
        ix = await h.discord.run_slash_command(
            "remix",
            {"prompt": "nightcore"},
            attachments=[("tune.wav", song(tmp_path, fmt="wav"), "audio/wav")],
            locale="de",
        )
        response = await ix.wait_response()
        assert response.ephemeral
        assert response.data["content"] == "Alles klar! Ich prüfe dein Audio …"
        # Then the acknowledgement is edited once the audio checks out.
        await h.wait_for(lambda: ix.original is not None and private_text(ix) != response.data["content"])
        assert private_text(ix).startswith("Dein Job läuft. Den Fortschritt siehst du in diesem Kanal.")

        [result] = await h.wait_for(lambda: results(h), timeout=30)
        job = await h.wait_for_job(1, lambda j: j.finished)
        assert (job.member_locale, job.public_locale) == ("de", "fr"), "a restart keeps both languages"
        # The status's final edit may land just after the result.
        status = await h.wait_for(
            lambda: (m := status_message_of(h, 1)) is not None and title_of(m) == "Remix · Terminé" and m
        )
        assert status.embeds[0]["fields"][0]["name"] == "Statut"
        assert result.content == f"<@{job.member_id}> tes 2 prises sont prêtes !"
        embed = result.embeds[0]
        assert [f["name"] for f in embed["fields"]][:3] == ["Service", "Prise 1", "Prise 2"]
        assert {"Relancer", "Modifier et relancer", "Supprimer", "Remixer la prise 1"} <= set(labels(result))


async def test_config_language_sets_the_public_language_and_server_clears_it(tmp_path: Path) -> None:
    async with harness(tmp_path, preferred_locale="de") as h:
        await h.start()
        ix = await h.discord.run_slash_command(
            "config", {"locale": "es-ES"}, subcommand="language", locale="fr"
        )
        assert (await ix.wait_response()).data["content"] == (
            "Enregistré : en public, je parle maintenant Español (España)."
        )
        ix = await h.discord.run_slash_command(
            "remix", {"prompt": "slowed"}, attachments=[("tune.wav", song(tmp_path, fmt="wav"), "audio/wav")]
        )
        await ix.wait_response()
        assert private_text(ix).startswith("Got it!") or private_text(ix).startswith("Your job is in.")
        [result] = await h.wait_for(lambda: results(h), timeout=30)
        assert "tus 2 tomas están listas" in result.content

        ix = await h.discord.run_slash_command("config", {"locale": "server"}, subcommand="language")
        assert "(Deutsch)" in (await ix.wait_response()).data["content"]
        job = await h.job(1)
        assert job.public_locale == "es-ES", "a job keeps the language it started with"


async def test_the_commands_are_registered_with_four_translations(tmp_path: Path) -> None:
    async with harness(tmp_path) as h:
        await h.start()
        remix = h.discord.command("remix")
        assert remix["name"] == "remix" and not remix.get("name_localizations"), "/remix stays /remix"
        described = remix["description_localizations"]
        assert described["de"] == "Remixe einen Song: Audio anhängen und den neuen Sound beschreiben."
        assert {"de", "es-ES", "fr", "pt-BR"} <= set(described)
        prompt = next(o for o in remix["options"] if o["name"] == "prompt")
        assert (
            prompt["description_localizations"]["pt-BR"] == "Como deve soar, ex.: 'lo-fi com batidas chill'"
        )
        gender = next(o for o in remix["options"] if o["name"] == "gender")
        female = next(c for c in gender["choices"] if c["value"] == "female")
        assert female["name_localizations"]["es-ES"] == "Femenina"
        for name in ("jobs", "show", "cancel", "generate", "sing", "config", "usage", "session"):
            assert {"de", "es-ES", "fr", "pt-BR"} <= set(h.discord.command(name)["description_localizations"])
        config = h.discord.command("config")
        language = next(o for o in config["options"] if o["name"] == "language")
        assert language["description_localizations"]["fr"].startswith("La langue que le bot parle en public")


async def admin_answer(h: Harness, sub: str, client_locale: str, /, **options: object) -> str:
    """An admin's /config answer, their Discord client set to `client_locale`."""
    ix = await h.discord.run_slash_command("config", options, subcommand=sub, locale=client_locale)
    response = await ix.wait_response()
    assert response.ephemeral
    return str(response.data["content"])


async def test_an_admin_with_a_german_client_reads_config_and_usage_in_german(tmp_path: Path) -> None:
    async with harness(tmp_path) as h:  # an English server: the answers are private, so the admin's language
        await h.start()
        saved = await admin_answer(h, "budget", "de", provider="local", daily=15)
        assert saved == "Gespeichert: `local` darf 15 Credits pro Tag verbrauchen (Tage in UTC)."
        assert (
            await admin_answer(h, "blocklist add", "de", word="verboten") == "Steht jetzt auf der Sperrliste."
        )
        shown = (await admin_answer(h, "show", "de")).splitlines()
        assert "Budget `local`: heute 0 von 15" in shown
        assert {"Pause zwischen Jobs: keine", "Admin-Log: aus", "Wer Jobs starten darf: alle"} <= set(shown)
        assert "Sperrliste: 1 Eintrag (`/config blocklist show`)" in shown
        assert any(line.startswith("Verfügbare Anbieter: Offline effects (`local`)") for line in shown)

        empty = await h.discord.run_slash_command("usage", {"days": 7}, subcommand="show", locale="de")
        await empty.wait_response()
        [nothing] = await h.wait_for(lambda: empty.followups)
        assert nothing.content == "Keine Jobs in den letzten 7 Tagen."

        ix = await h.discord.run_slash_command(
            "remix",
            {"prompt": "slowed", "provider": "local"},
            attachments=[("tune.wav", song(tmp_path, fmt="wav"), "audio/wav")],
        )
        await ix.wait_response()
        await h.wait_for_job(1, lambda j: j.finished, timeout=30)
        usage = await h.discord.run_slash_command("usage", {"days": 7}, subcommand="show", locale="de")
        await usage.wait_response()
        [answer] = await h.wait_for(lambda: usage.followups)
        embed = answer.embeds[0]
        assert embed["title"] == "Letzte 7 Tage"
        fields = {f["name"]: f["value"] for f in embed["fields"]}
        assert fields["Offline effects"] == "1 Job · 0 Credits"
        assert fields["Aktivste Mitglieder"] == f"<@{h.discord.default_user_id}> · 1 Job · 0 Credits"
        export = await h.discord.run_slash_command("usage", {"days": 7}, subcommand="export", locale="de")
        await export.wait_response()
        assert export.original is not None and export.original.content == "1 Job in den letzten 7 Tagen."


async def test_a_french_server_reads_its_admin_log_and_channel_board_in_french(tmp_path: Path) -> None:
    alice, bob = (member_id for member_id, _ in DEFAULT_MEMBERS)
    async with (
        FakeMusicGPT(polls_to_complete=10_000) as musicgpt,  # the jobs stay in progress: the board stays up
        harness(
            tmp_path,
            preferred_locale="fr",
            musicgpt_api_key="test-key",
            musicgpt_base_url=musicgpt.base_url,
            channel_board_threshold=1,
        ) as h,
    ):
        await h.start()
        _general, admin_room = list(h.discord.channels)
        # The admin's own client is English: the private answers are English, the log channel French.
        saved = await admin_answer(h, "log-channel", "en-US", channel=str(admin_room))
        assert saved == f"Saved: admin events go to <#{admin_room}>."
        assert await admin_answer(h, "blocklist add", "en-US", word="interdit") == "Added to the blocklist."
        refused = await h.discord.run_slash_command(
            "remix",
            {"prompt": "un son interdit"},
            attachments=[("tune.wav", song(tmp_path, fmt="wav"), "audio/wav")],
            user_id=alice,
        )
        await refused.wait_response()
        [logged] = await h.wait_for(lambda: [m.content for m in h.bot_messages(admin_room)])
        assert logged == f"Mot bloqué : une demande de <@{alice}> a été refusée (1 dans la dernière heure)."

        for n, member in enumerate((alice, bob)):
            ix = await h.discord.run_slash_command(
                "remix",
                {"prompt": f"morceau {n}"},
                attachments=[("tune.wav", song(tmp_path, fmt="wav"), "audio/wav")],
                user_id=member,
            )
            await ix.wait_response()
        [board] = await h.wait_for(
            lambda: [m for m in h.bot_messages() if m.embeds and title_of(m).startswith("Tableau du salon")]
        )
        assert board.embeds[0]["footer"]["text"].startswith("Ça bouge beaucoup ici")
        assert labels(board) == ["Mon statut"]
        french = {f"**{texts.stage_name(state, locale='fr')}**" for state in texts.STAGES}
        lines = board.embeds[0]["description"].splitlines()
        assert len(lines) == 2 and all(any(stage in line for stage in french) for line in lines)

        # /config language wins over the server's Discord language, for the admin log too.
        await admin_answer(h, "language", "en-US", locale="de")
        again = await h.discord.run_slash_command(
            "remix",
            {"prompt": "noch was interdit"},
            attachments=[("tune.wav", song(tmp_path, fmt="wav"), "audio/wav")],
            user_id=bob,
        )
        await again.wait_response()
        german = f"Gesperrtes Wort: Eine Anfrage von <@{bob}> wurde abgelehnt (1 in der letzten Stunde)."
        await h.wait_for(lambda: german in [m.content for m in h.bot_messages(admin_room)])
