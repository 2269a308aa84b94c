"""No Docker engine runs here, so the deployment files' invariants are checked as text."""

import fnmatch
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def instructions() -> list[tuple[str, str]]:
    lines = (ROOT / "Dockerfile").read_text().replace("\\\n", " ").splitlines()
    return [
        (l.split(None, 1)[0].upper(), l.split(None, 1)[1] if " " in l.strip() else "")
        for l in lines
        if l.strip() and not l.lstrip().startswith("#")
    ]


def test_image_is_slim_python_runs_as_a_user_and_keeps_data_in_a_volume():
    steps = instructions()
    assert steps[0] == ("FROM", "python:3.11-slim")
    users = [arg for op, arg in steps if op == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert ("VOLUME", '["/data"]') in steps
    env = " ".join(arg for op, arg in steps if op == "ENV")
    assert "DATABASE_PATH=/data/" in env and "WORK_DIR=/data/" in env
    assert steps[-1] == ("CMD", '["python", "bot.py"]')


def test_dockerignore_keeps_what_the_image_needs_and_drops_secrets():
    patterns = [p.strip() for p in (ROOT / ".dockerignore").read_text().splitlines() if p.strip()]

    def ignored(path: str) -> bool:
        return any(fnmatch.fnmatch(path, p) or path.startswith(p.rstrip("/") + "/") for p in patterns)

    for needed in (
        "bot.py",
        "config.py",
        "requirements.txt",
        "face/bot.py",
        "cogs/create.py",
        "providers/base.py",
        "storage/migrations/sqlite/0001_init.sql",
        "storage/migrations/postgres/0001_init.sql",
        "web/server.py",
        "audio/probe.py",
    ):
        assert not ignored(needed), needed
    for secret in (".env", ".venv/bin/python", "data/bot.sqlite3"):
        assert ignored(secret), secret


def test_compose_reads_env_and_pins_what_the_healthcheck_relies_on():
    compose = (ROOT / "docker-compose.yml").read_text()
    assert "env_file: .env" in compose
    assert "bot-data:/data" in compose
    assert 'WEBHOOK_PORT: "8080"' in compose and "8080:8080" in compose


def services(compose: str) -> dict[str, str]:
    """Each service's block of the compose file, by name (two-space indented keys under services:)."""
    body = ("\n" + compose).split("\nservices:\n", 1)[1].split("\nvolumes:\n", 1)[0]
    blocks: dict[str, str] = {}
    name = None
    for line in body.splitlines():
        header = re.fullmatch(r"  ([\w-]+):\s*", line)
        if header:
            name = header.group(1)
            blocks[name] = ""
        elif name is not None:
            blocks[name] += line + "\n"
    return blocks


def test_the_scale_profile_runs_postgresql_and_two_shards_on_one_work_volume():
    compose = (ROOT / "docker-compose.yml").read_text()
    blocks = services(compose)
    assert "profiles:" not in blocks["bot"], "the single bot stays the default"
    postgres = blocks["postgres"]
    assert "profiles: [scale]" in postgres and "image: postgres:" in postgres
    assert "pg-data:/var/lib/postgresql/data" in postgres and "pg_isready" in postgres
    shards = [blocks["bot-shard-0"], blocks["bot-shard-1"]]
    for shard_id, block in enumerate(shards):
        assert "profiles: [scale]" in block and "env_file: .env" in block
        assert "DATABASE_URL: postgresql://" in block and "@postgres:5432/" in block
        assert 'SHARD_COUNT: "2"' in block and f'SHARD_IDS: "{shard_id}"' in block
        assert "WORK_DIR: /data/work" in block and "shared-work:/data/work" in block
        assert "condition: service_healthy" in block
    top_volumes = compose.split("\nvolumes:\n", 1)[1]
    assert "pg-data:" in top_volumes and "shared-work:" in top_volumes
    assert "--profile scale up" in compose and "--scale bot=0" in compose
