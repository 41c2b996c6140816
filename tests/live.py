"""A real service on loopback for the access and fuzzing tests: our practice notes indexed in a
temporary data folder, administration on with a known token."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.config import Settings
from assistant.embedding import Embedder
from assistant.llm import ChatModel
from assistant.store import ChunkStore, open_client
from evals.speed.measures import HOST, free_port, wait_ready
from ingest.index import ingest
from tests.fixtures import ROOT

TOKEN = "jeton-de-test-admin"


def indexed_notes(data: Path, embedder: Embedder, **overrides: object) -> Settings:
    """Settings on `data` with the ten practice notes ingested."""
    settings = Settings(data_dir=data, corpus_dirs=[ROOT / "corpus"], **overrides)  # type: ignore[arg-type]
    store, _ = ChunkStore.for_ingest(open_client(settings), settings.collection, embedder)
    ingest(settings, store)
    return settings


@contextmanager
def serve(settings: Settings, embedder: Embedder, llm: ChatModel | None = None) -> Iterator[str]:
    """uvicorn in a thread on 127.0.0.1 (with `llm` writing the answers, if given); yields the
    base URL."""
    import uvicorn

    from assistant.server.app import create_app

    port = free_port()
    config = uvicorn.Config(
        create_app(settings, embedder, llm), host=HOST, port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://{HOST}:{port}"
    try:
        wait_ready(url + "/health", thread.is_alive, 60, every=0.05)
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
