"""Chroma in client/server mode (`ESS_CHROMA_URL`): a real `chroma run` on loopback, real ingest,
real answers; BM25 loaded from the ingest's data folder when it is the server's corpus, rebuilt
from the server otherwise, and again when another ingest changes the corpus."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.config import Settings
from assistant.embedding import Embedder
from assistant.errors import ChromaUnavailableError
from assistant.pipeline import Assistant
from assistant.server.app import create_app
from assistant.store import ChunkStore, open_client
from evals.speed.load import serve_chroma
from evals.speed.measures import free_port
from ingest.index import ingest
from tests.fixtures import CountingEmbedder, copy_corpus

TINY = ["loi-1947-1775-art-19-septies-scic.txt", "code-travail-L3332-17-1-agrement-esus-2014.txt"]
SCIC_QUESTION = "Jusqu'à quelle part du capital d'une SCIC une commune peut-elle monter ?"


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Chroma server on a free loopback port, stopped at teardown."""
    folder = tmp_path_factory.mktemp("chroma-server")
    with serve_chroma(folder / "db", folder / "chroma.log", wait_s=60) as server:
        yield server.url


@pytest.fixture(scope="module")
def tiny_corpus(tmp_path_factory: pytest.TempPathFactory, shared_corpus: Path) -> Path:
    return copy_corpus(shared_corpus, tmp_path_factory.mktemp("tiny-corpus"), TINY)


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, chroma_url: str, tiny_corpus: Path, embedder: Embedder
) -> Settings:
    """The tiny corpus ingested into the Chroma server; the data folder keeps only the manifest
    and the BM25 index."""
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("data"),
        corpus_dirs=[tiny_corpus],
        chroma_url=chroma_url,
        collection="served-passages",
    )
    store, _ = ChunkStore.for_ingest(open_client(settings), settings.collection, embedder)
    summary = ingest(settings, store)
    assert summary.chunks_added > 0 and summary.chunks_total == summary.chunks_added
    return settings


def test_second_ingest_into_the_server_embeds_nothing(served: Settings, embedder: Embedder) -> None:
    counting = CountingEmbedder(embedder)
    store, reset = ChunkStore.for_ingest(open_client(served), served.collection, counting)
    before = store.count()
    summary = ingest(served, store)
    assert not reset
    assert counting.texts == 0
    assert summary.chunks_added == 0 and summary.chunks_removed == 0
    assert len(summary.kept) == len(TINY) and not summary.added
    assert store.count() == before


def test_api_answers_with_citations_from_the_server(served: Settings, embedder: Embedder) -> None:
    with TestClient(create_app(served, embedder)) as client:
        response = client.post("/ask", json={"question": SCIC_QUESTION})
        health = client.get("/health").json()
    assert response.status_code == 200, response.text
    body = response.json()
    assert not body["refused"]
    assert "50 %" in body["answer"]
    assert any(c["doc_id"] == "loi-1947-scic" for c in body["citations"])
    assert health["status"] == "ok" and health["chunks"] > 0
    # The passages are on the server only; the ingest kept its BM25 index beside it, for the
    # workers that share its data folder.
    assert not served.chroma_dir.exists() and served.lexical_dir.is_dir()


def test_workers_rebuild_bm25_when_another_ingest_changes_the_corpus(
    served: Settings, embedder: Embedder, tmp_path: Path
) -> None:
    settings = served.model_copy(update={"lexical_refresh_s": 0.0, "collection": "refresh-test"})
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("# Coopératives\n\nLes SCIC associent salariés et usagers.\n")
    store, _ = ChunkStore.for_ingest(open_client(settings), settings.collection, embedder)
    ingest(settings, store, [corpus])
    worker = Assistant.open(settings, embedder)  # a worker beside the ingest (same data folder)
    assert worker.retriever.lexical is not None
    assert worker.retriever.lexical.search("zéphyrin", 5) == []

    (corpus / "b.md").write_text("# Zéphyrin\n\nLe dispositif Zéphyrin finance les tiers-lieux.\n")
    ingest(settings, store, [corpus])
    hits = worker.search("dispositif Zéphyrin", 3)
    assert hits and hits[0].doc_id == "b"
    assert hits[0].lexical > 0


def test_unreachable_server_is_a_french_503(tmp_path: Path, embedder: Embedder) -> None:
    settings = Settings(data_dir=tmp_path, chroma_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(ChromaUnavailableError, match="ne répond pas"):
        open_client(settings)
    with TestClient(create_app(settings, embedder)) as client:
        response = client.post("/ask", json={"question": SCIC_QUESTION})
    assert response.status_code == 503
    assert "serveur Chroma" in response.json()["detail"]


def test_a_worker_with_an_older_bm25_copy_rebuilds_it_from_the_server(
    served: Settings, embedder: Embedder, tmp_path: Path
) -> None:
    """A worker elsewhere whose data folder holds the BM25 index of an older corpus (a copy
    made before the last ingest) does not serve it: the server's fingerprint differs, so it
    rebuilds the index from the server and finds what the last ingest added."""
    settings = served.model_copy(update={"collection": "stale-copy-test"})
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("# Coopératives\n\nLes SCIC associent salariés et usagers.\n")
    store, _ = ChunkStore.for_ingest(open_client(settings), settings.collection, embedder)
    ingest(settings, store, [corpus])
    elsewhere = settings.model_copy(update={"data_dir": tmp_path / "elsewhere"})
    shutil.copytree(settings.lexical_dir, elsewhere.lexical_dir)  # the older corpus's BM25

    (corpus / "b.md").write_text("# Zéphyrin\n\nLe dispositif Zéphyrin finance les tiers-lieux.\n")
    ingest(settings, store, [corpus])
    worker = Assistant.open(elsewhere, embedder)
    assert worker.retriever.lexical is not None
    hits = worker.retriever.lexical.search("dispositif Zéphyrin", 3)
    assert hits, "the stale copy was served"
