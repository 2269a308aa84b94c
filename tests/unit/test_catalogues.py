"""The message catalogues (locales/<locale>/*.ftl): every one parses, and every translation has every
English message with the same placeholders, so a missing key or a misspelt `{ $name }` fails here."""

from __future__ import annotations

from pathlib import Path

import pytest
from fluent.syntax import FluentParser, ast, visitor

from face import texts
from face.i18n import LOCALES_DIR, SOURCE, Catalogue

LOCALES = sorted(p.name for p in LOCALES_DIR.iterdir() if p.is_dir())
TRANSLATIONS = [locale for locale in LOCALES if locale != SOURCE]
SHIPPED = {"en-US", "de", "es-ES", "fr", "pt-BR"}


class _Placeholders(visitor.Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def visit_VariableReference(self, node: ast.VariableReference) -> None:
        self.names.add(node.id.name)


def messages(locale: str) -> dict[str, set[str]]:
    """Message id -> the placeholders it uses, over every file of one catalogue."""
    found: dict[str, set[str]] = {}
    for path in sorted((LOCALES_DIR / locale).glob("*.ftl")):
        resource = FluentParser().parse(path.read_text(encoding="utf-8"))
        for entry in resource.body:
            if isinstance(entry, ast.Message):
                assert entry.id.name not in found, f"{locale}: {entry.id.name} defined twice"
                names = _Placeholders()
                names.visit(entry)
                found[entry.id.name] = names.names
    return found


def test_the_shipped_languages_are_there() -> None:
    assert set(LOCALES) >= SHIPPED


@pytest.mark.parametrize("locale", LOCALES)
def test_every_catalogue_parses(locale: str) -> None:
    for path in sorted((LOCALES_DIR / locale).glob("*.ftl")):
        resource = FluentParser().parse(path.read_text(encoding="utf-8"))
        junk = [entry for entry in resource.body if isinstance(entry, ast.Junk)]
        assert not junk, f"{path.relative_to(LOCALES_DIR)}: cannot parse\n" + "\n".join(
            j.content for j in junk
        )


@pytest.mark.parametrize("locale", TRANSLATIONS)
def test_every_english_message_is_translated_with_the_same_placeholders(locale: str) -> None:
    english, translated = messages(SOURCE), messages(locale)
    missing = sorted(set(english) - set(translated))
    assert not missing, f"{locale} lacks: {', '.join(missing)}"
    unknown = sorted(set(translated) - set(english))
    assert not unknown, f"{locale} has messages English does not: {', '.join(unknown)}"
    different = {
        key: (sorted(english[key]), sorted(translated[key]))
        for key in english
        if english[key] != translated[key]
    }
    assert not different, f"{locale}: placeholders differ (English, {locale}): {different}"


def test_a_misspelt_placeholder_or_a_missing_key_is_caught(tmp_path: Path) -> None:
    (tmp_path / SOURCE).mkdir()
    (tmp_path / SOURCE / "a.ftl").write_text("hello = Hi { $name }!\nbye = Bye\n", encoding="utf-8")
    (tmp_path / "de").mkdir()
    (tmp_path / "de" / "a.ftl").write_text("hello = Hallo { $nmae }!\n", encoding="utf-8")
    catalogue = Catalogue(tmp_path)
    # A missing message falls back to English; a misspelt placeholder still speaks (and is logged).
    assert catalogue.format("de", "bye") == "Bye"
    assert "Hallo" in catalogue.format("de", "hello", {"name": "Ana"})
    names = _Placeholders()
    names.visit(FluentParser().parse((tmp_path / "de" / "a.ftl").read_text()))
    assert names.names == {"nmae"} != {"name"}


@pytest.mark.parametrize(
    ("discord_locale", "catalogue"),
    [
        ("de", "de"),
        ("es-ES", "es-ES"),
        ("es-419", "es-ES"),
        ("fr", "fr"),
        ("pt-BR", "pt-BR"),
        ("en-GB", "en-US"),
        ("ja", "en-US"),
        (None, "en-US"),
    ],
)
def test_a_discord_locale_finds_its_catalogue(discord_locale: str | None, catalogue: str) -> None:
    assert texts.public_locale(None, discord_locale) == catalogue


def test_the_server_setting_wins_over_its_discord_language() -> None:
    assert texts.public_locale("fr", "de") == "fr"
    assert texts.public_locale(None, "de") == "de"


@pytest.mark.parametrize("locale", TRANSLATIONS)
def test_plurals_follow_the_count(locale: str) -> None:
    one, many = texts.result_ready(5, 1, locale=locale), texts.result_ready(5, 3, locale=locale)
    assert "3" in many and "1" not in one.replace("<@5>", "") and one != many


def test_english_stays_as_it_was() -> None:
    assert texts.result_ready(5, 1) == "<@5> your take is ready!"
    assert texts.result_ready(5, 2) == "<@5> your 2 takes are ready!"
    assert (
        texts.accepted(2) == "Your job is in. Progress shows in this channel. You're number 2 in the queue."
    )


@pytest.mark.parametrize(
    ("locale", "jobs", "credits", "line"),
    [
        ("en-US", 1, 1.0, "1 job · 1 credit"),
        ("en-US", 2, 2.5, "2 jobs · 2.5 credits"),
        ("de", 2, 2.5, "2 Jobs · 2,5 Credits"),  # the reader's decimal comma
        ("es-ES", 1, 1.0, "1 trabajo · 1 crédito"),
        ("fr", 1, 0.5, "1 job · 0,5 crédit"),  # French: under two is singular
        ("pt-BR", 3, 1234.5, "3 jobs · 1234,5 créditos"),
    ],
)
def test_admin_figures_take_plural_forms_and_the_readers_numbers(
    locale: str, jobs: int, credits: float, line: str
) -> None:
    assert texts.usage_provider_line(jobs, credits, locale=locale) == line


def test_admin_words_follow_the_locale_they_are_given() -> None:
    assert texts.reachability(False, locale="fr") == " · **injoignable**"
    assert texts.reachability(None, locale="fr") == ""
    assert texts.budget_saved("local", 15, None, locale="es-ES") == (
        "Guardado: `local` puede gastar 15 créditos al día (días en UTC)."
    )
    assert texts.budget_saved("local", 0, None) == "Saved: `local` may use 0 credits a day (UTC days)."
    assert texts.budget_saved("local", None, None) == "Saved: no budget for `local`."
    assert texts.roles_summary([], [7], locale="pt-BR") == (
        "Quem pode iniciar jobs: todo mundo\nSem limites nem espera: <@&7>"
    )
    assert texts.permission_name("create_public_threads", locale="de") == "Öffentliche Threads erstellen"
    assert texts.permission_name("use_soundboard") == "Use Soundboard"  # no catalogue names it: English
