"""The naive LangChain pipeline behind the same HTTP stack as the product, for the benchmark.

`uvicorn evals.speed.naive_server:app_from_env --factory` serves `POST /ask` with the same request
and answer shapes as the product, built over the folders of `ESS_CORPUS_DIRS` with the same
embedding model, so latency and memory compare the pipelines and nothing else.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from pydantic import BaseModel, Field

from assistant.config import Settings
from assistant.embedding import build_embedder
from assistant.types import Answer
from evals.baselines import NaiveRag, split_corpus


class NaiveAsk(BaseModel):
    question: str = Field(min_length=1, max_length=2000)
    k: int = Field(default=5, ge=1, le=20)


def create_naive_app(settings: Settings) -> FastAPI:
    """The naive pipeline, indexed in memory once at start-up (it has no persistent index)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        passages = split_corpus(settings.corpus_dirs)
        app.state.rag = NaiveRag.build(passages, build_embedder(settings))
        yield

    app = FastAPI(title="naive baseline", lifespan=lifespan)

    @app.post("/ask", response_model=Answer)
    def ask(body: NaiveAsk, request: Request) -> Answer:
        rag: NaiveRag = request.app.state.rag
        return rag.ask(body.question, body.k, [])[0]

    @app.get("/health")
    def health(request: Request) -> dict[str, object]:
        return {"status": "ok", "chunks": len(request.app.state.rag.store.store)}

    return app


def app_from_env() -> FastAPI:
    """Settings from `ESS_*`, for `uvicorn --factory`."""
    return create_naive_app(Settings())
