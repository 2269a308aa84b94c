import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

# Tests import the project's top-level packages (domain, providers, ...) from the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """An HTTP client for the test, closed after it (the bot's code under test receives one too)."""
    async with aiohttp.ClientSession() as client:
        yield client
