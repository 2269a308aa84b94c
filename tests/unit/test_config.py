import re
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from config import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_is_documented_in_env_example():
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert {name.upper() for name in Settings.model_fields} == documented


def test_secrets_never_show_in_reprs():
    settings = Settings(_env_file=None, discord_token="abc.def", musicgpt_api_key="mg-secret")
    assert "abc.def" not in repr(settings) and "mg-secret" not in str(settings)


def test_blank_values_mean_unset():
    settings = Settings(_env_file=None, dev_guild_id="", public_base_url=" ", musicgpt_api_key="")
    assert (
        settings.dev_guild_id is None
        and settings.public_base_url is None
        and settings.musicgpt_api_key is None
    )


def test_database_url_selects_postgresql_and_stays_secret():
    sqlite = Settings(_env_file=None, database_path="x/bot.sqlite3", database_url=" ")
    assert sqlite.database_target() == Path("x/bot.sqlite3")
    url = "postgresql://bot:hunter2@db:5432/bot"
    pg = Settings(_env_file=None, database_url=url)
    assert pg.database_target() == url and "hunter2" not in repr(pg)


def test_a_database_url_that_is_not_postgresql_is_refused():
    with pytest.raises(ValidationError, match="postgresql://"):
        Settings(_env_file=None, database_url="mysql://db/bot")


def run_bot(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "bot.py")],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_bot_without_a_token_explains_in_one_line(tmp_path: Path):
    result = run_bot(tmp_path)
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0
    assert "DISCORD_TOKEN is not set" in result.stderr and "Traceback" not in result.stderr


def test_bad_setting_explains_in_one_line(tmp_path: Path):
    result = run_bot(tmp_path, DISCORD_TOKEN="x", MUSICGPT_MAX_PARALLEL="lots")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "MUSICGPT_MAX_PARALLEL" in result.stderr and result.stderr.strip().count("\n") == 0


def test_unreachable_postgresql_explains_in_one_line_without_the_password(tmp_path: Path):
    result = run_bot(tmp_path, DISCORD_TOKEN="x", DATABASE_URL="postgresql://bot:hunter2@127.0.0.1:1/bot")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "DATABASE_URL" in result.stderr and result.stderr.strip().count("\n") == 0
    assert "hunter2" not in result.stderr


def test_the_soundverse_status_path_must_name_the_job():
    import pydantic
    import pytest

    assert Settings(_env_file=None, soundverse_status_path="/v7/status/{message_id}").soundverse_status_path
    for bad in ("/status/generation/", "/status/{job}", "status/{message_id}"):
        with pytest.raises(pydantic.ValidationError):
            Settings(_env_file=None, soundverse_status_path=bad)


def test_download_allowed_hosts_must_be_host_port_pairs():
    import pydantic
    import pytest

    assert Settings(_env_file=None, download_allowed_hosts="127.0.0.1:8081, localhost:9000")
    for bad in ("127.0.0.1", "127.0.0.1:http", ":80"):
        with pytest.raises(pydantic.ValidationError):
            Settings(_env_file=None, download_allowed_hosts=bad)


@pytest.mark.parametrize(
    ("ids", "expected"), [("0-3", (0, 1, 2, 3)), ("0,2", (0, 2)), (" 3, 0-1 ", (0, 1, 3)), ("", None)]
)
def test_shard_ids_take_ranges_and_lists(ids: str, expected: tuple[int, ...] | None):
    assert Settings(_env_file=None, shard_count="4", shard_ids=ids).shards() == expected


def test_no_sharding_settings_means_every_shard_in_this_process():
    settings = Settings(_env_file=None, shard_count="", shard_ids="")
    assert settings.shard_count is None and settings.shards() is None


@pytest.mark.parametrize(
    ("count", "ids", "said"),
    [
        ("2", "0-2", "shard 2 does not exist with SHARD_COUNT=2"),
        ("4", "1-x", "is not a shard id or range"),
        ("4", "3-1", "runs backwards"),
        ("", "0", "needs SHARD_COUNT"),
    ],
)
def test_shard_ids_outside_the_count_are_refused_in_one_line(tmp_path: Path, count: str, ids: str, said: str):
    result = run_bot(tmp_path, DISCORD_TOKEN="x", SHARD_COUNT=count, SHARD_IDS=ids)
    assert result.returncode != 0
    line = result.stderr.strip()
    assert "\n" not in line and "SHARD_IDS" in line and said in line
