"""Shared fixtures: the real embedding model and a real Chroma index of the starter corpus,
each built once per test session. Fixtures only: what test files import is in tests/fixtures.py."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant.config import Settings
from assistant.embedding import Embedder, UseEmbedder
from assistant.pipeline import Assistant
from assistant.store import ChunkStore, open_client
from ingest.index import IngestSummary, ingest
from tests.fixtures import ROOT

SHARED_CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return UseEmbedder()


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    if not SHARED_CORPUS.is_dir():
        pytest.skip("../shared/corpus is not beside the project")
    return SHARED_CORPUS


@pytest.fixture(scope="session")
def indexed(
    tmp_path_factory: pytest.TempPathFactory, embedder: Embedder, shared_corpus: Path
) -> Iterator[tuple[Settings, IngestSummary]]:
    """The default document folders (our practice notes and the starter corpus) ingested into a
    temporary data folder."""
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("data"), corpus_dirs=[ROOT / "corpus", shared_corpus]
    )
    store, _ = ChunkStore.for_ingest(open_client(settings), settings.collection, embedder)
    yield settings, ingest(settings, store)


@pytest.fixture(scope="session")
def assistant(indexed: tuple[Settings, IngestSummary], embedder: Embedder) -> Assistant:
    return Assistant.open(indexed[0], embedder)
