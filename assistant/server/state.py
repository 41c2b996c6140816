"""What the routes share, built once in the app's lifespan, and the dependencies that hand it
to them (`StateDep`) or spend a client's request budget (`limited`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from assistant.config import Settings
from assistant.embedding import Embedder
from assistant.pipeline import Assistant
from assistant.server.feedback import FeedbackStore
from assistant.server.ratelimit import RateLimits
from assistant.snapshot import Generations
from assistant.writer import Writer


class AppState:
    """What the routes share: settings, the embedder, and the assistant once an index exists."""

    def __init__(
        self, settings: Settings, embedder: Embedder, writer: Writer | None = None
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.writer = writer  # an LLM that writes answers, when one is configured
        self.feedback = FeedbackStore(settings.feedback_db)
        self.limits = RateLimits(
            {"ask": settings.rate_limit_ask, "feedback": settings.rate_limit_feedback}
        )
        self.generations = Generations(settings, embedder)
        self._assistant = Assistant(settings, self.generations)

    def assistant(self) -> Assistant:
        """The assistant over the newest index generation; each of its calls checks once
        whether an ingest (here or in another process) finished since, and swaps it in."""
        return self._assistant


def get_state(request: Request) -> AppState:
    return request.app.state.ess


StateDep = Annotated[AppState, Depends(get_state)]


def limited(group: str) -> Any:
    """A dependency that spends one request of the client's `group` budget (429 when spent)."""

    def check(request: Request, state: StateDep) -> None:
        state.limits.check(group, client_of(request) or "?")

    return Depends(check)


def client_of(request: Request) -> str | None:
    return request.client.host if request.client else None
