import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

# Tests import the project's top-level packages (domain, providers, ...) from the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from storage.db import Database
from tests.backends import BACKENDS, Backend, drop_schema, fresh_schema


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """An HTTP client for the test, closed after it (the bot's code under test receives one too)."""
    async with aiohttp.ClientSession() as client:
        yield client


@pytest.fixture(params=BACKENDS)
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    """Each storage backend in turn: a new SQLite file, or a new schema on PostgreSQL."""
    if request.param == "sqlite":
        yield Backend("sqlite", tmp_path / "bot.sqlite3")
        return
    schema, url = await fresh_schema()
    try:
        yield Backend("postgres", url)
    finally:
        await drop_schema(schema)


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """A DATABASE_URL for a new, empty schema on the test PostgreSQL (skipped without one)."""
    schema, url = await fresh_schema()
    try:
        yield url
    finally:
        await drop_schema(schema)


@pytest.fixture
async def db(backend: Backend) -> AsyncIterator[Database]:
    """The database of `backend`, migrated."""
    database = await backend.open()
    yield database
    await database.close()
