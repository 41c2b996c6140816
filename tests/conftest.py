"""Shared fixtures: the real embedding model and a real Chroma index of the starter corpus,
each built once per test session."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant.config import Settings
from assistant.embedding import Embedder, UseEmbedder
from assistant.pipeline import Assistant
from assistant.store import ChunkStore, open_client
from ingest.index import IngestSummary, ingest

ROOT = Path(__file__).resolve().parents[1]
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


class CountingEmbedder:
    """The real embedder, counting the texts it is asked to embed."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self.texts = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.texts += len(texts)
        return self.inner.embed(texts)


def make_settings(tmp_path: Path, *dirs: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", corpus_dirs=list(dirs))


def make_pdf(path: Path, pages: list[list[str]], header: str = "", footer: bool = True) -> Path:
    """A real PDF with one text line per entry, a running header and a "Page n / N" footer."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    _, height = A4
    for number, lines in enumerate(pages, 1):
        if header:
            c.drawString(50, height - 40, header)
        y = height - 80
        for line in lines:
            c.drawString(50, y, line)
            y -= 16
        if footer:
            c.drawString(270, 30, f"Page {number} / {len(pages)}")
        c.showPage()
    c.save()
    return path
