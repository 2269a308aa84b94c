"""The storage backends the repository tests run on: a SQLite file, and a fresh schema on a real
PostgreSQL (TEST_DATABASE_URL, by default the local server). Without a reachable PostgreSQL the
PostgreSQL cases are skipped with the reason, except under CI (CI=true), where they fail."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg
import pytest

from storage.db import Database

DEFAULT_TEST_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/test"
BACKENDS = ["sqlite", "postgres"]


def postgres_test_url() -> str:
    return os.environ.get("TEST_DATABASE_URL") or DEFAULT_TEST_DATABASE_URL


def with_search_path(url: str, schema: str) -> str:
    """The URL with its tables in `schema` (asyncpg passes unknown query parameters as settings)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "search_path"] + [("search_path", schema)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _where(url: str) -> str:
    """The server and database, without a password, for a skip reason."""
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or 5432}{parts.path}"


async def admin_connection() -> asyncpg.Connection:
    """A connection to the test server, or a skip (a failure under CI) saying why there is none."""
    url = postgres_test_url()
    try:
        return await asyncpg.connect(url, timeout=5)
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        reason = f"no PostgreSQL at {_where(url)} ({type(exc).__name__}: {exc}); set TEST_DATABASE_URL"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs PostgreSQL: {reason}")
        pytest.skip(reason)


@dataclass
class Backend:
    """Where one test's database lives: open() gives another connection (pool) to the same data,
    as a second process would have."""

    name: str
    target: str | Path

    async def open(self) -> Database:
        return await Database.open(self.target)


async def fresh_schema() -> tuple[str, str]:
    """(schema, URL using it): a uniquely named, empty schema on the test server."""
    schema = f"test_{uuid.uuid4().hex[:12]}"
    conn = await admin_connection()
    try:
        await conn.execute(f"CREATE SCHEMA {schema}")
    finally:
        await conn.close()
    return schema, with_search_path(postgres_test_url(), schema)


async def drop_schema(schema: str) -> None:
    conn = await admin_connection()
    try:
        await conn.execute(f"DROP SCHEMA {schema} CASCADE")
    finally:
        await conn.close()
