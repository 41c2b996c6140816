from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.api import create_app
from assistant.config import Settings
from assistant.embedding import Embedder


@pytest.fixture(scope="module")
def client(indexed: tuple[Settings, object], embedder: Embedder):  # type: ignore[no-untyped-def]
    with TestClient(create_app(indexed[0], embedder)) as c:
        yield c


def test_ask_returns_an_answer_with_citations(client: TestClient) -> None:
    r = client.post("/ask", json={"question": "Qu'est-ce que l'innovation sociale ?", "k": 5})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"answer", "refused", "citations", "warnings", "question"}
    assert not body["refused"] and "[1]" in body["answer"]
    assert {
        "n",
        "doc_id",
        "title",
        "date",
        "status",
        "locator",
        "excerpt",
        "source",
        "link",
    } <= set(body["citations"][0])


@pytest.mark.parametrize(
    "payload",
    [
        {"question": ""},
        {"question": "   \n "},
        {"question": "x" * 2001},
        {"question": 42},
        {"question": ["a"]},
        {},
        {"question": "SCIC ?", "k": 0},
    ],
)
def test_bad_questions_get_422_in_french(client: TestClient, payload: dict) -> None:
    r = client.post("/ask", json=payload)
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert isinstance(detail, str) and any(
        w in detail for w in ("question", "requête", "vide", "longue", "texte")
    )


def test_search_documents_and_health(client: TestClient) -> None:
    hits = client.get("/search", params={"q": "marchés réservés", "k": 3}).json()
    assert len(hits) == 3 and all("score" in h and h["doc_id"] for h in hits)
    docs = client.get("/documents").json()
    assert {"loi-2014-856", "loi-1947-scic"} <= {d["doc_id"] for d in docs}
    assert all(d["chunks"] > 0 for d in docs)
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["chunks"] > 0 and health["model"]


def test_before_any_ingest_the_api_answers_503(tmp_path: Path, embedder: Embedder) -> None:
    with TestClient(create_app(Settings(data_dir=tmp_path), embedder)) as c:
        r = c.post("/ask", json={"question": "Qu'est-ce qu'une SCIC ?"})
    assert r.status_code == 503
    assert "index vide : lancez `ess-assistant ingest`" in r.json()["detail"]
