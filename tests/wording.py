"""What a member would read about a typed failure, for tests that assert on the words."""

from __future__ import annotations

from domain.errors import ProviderError
from domain.jobs import Refusal
from face import texts


def spoken(error: ProviderError, provider: str) -> str:
    """The sentence face/texts.py makes of a provider's error, naming the provider by `provider`."""
    return texts.words(error.reason, error.kind, error.params, provider)


def refused(refusal: Refusal | None) -> str:
    """The sentence of a refusal before anything started (empty for none)."""
    return texts.words(refusal.reason, None, refusal.params, "") if refusal else ""
