"""No Docker engine runs here, so the deployment files' invariants are checked as text."""

import fnmatch
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
