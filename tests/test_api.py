import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.config import Settings
from assistant.embedding import Embedder
from assistant.server.app import create_app
from tests.fixtures import ANSWER_KEYS, CountingEmbedder


@pytest.fixture(scope="module")
def client(indexed: tuple[Settings, object], embedder: Embedder):  # type: ignore[no-untyped-def]
    with TestClient(create_app(indexed[0], embedder)) as c:
        yield c


def test_ask_returns_an_answer_with_citations(client: TestClient) -> None:
    r = client.post("/ask", json={"question": "Qu'est-ce que l'innovation sociale ?", "k": 5})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == ANSWER_KEYS
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
    ("payload", "said"),
    [
        ({"question": ""}, "question : texte vide"),
        ({"question": "   \n "}, "question : texte vide"),
        ({"question": "x" * 2001}, "question : texte trop long (2000 caractères au plus)"),
        ({"question": 42}, "question : doit être un texte"),
        ({"question": ["a"]}, "question : doit être un texte"),
        ({}, "question : champ obligatoire manquant"),
        ({"question": "SCIC ?", "k": 0}, "k : valeur trop petite"),
    ],
)
def test_bad_questions_get_422_saying_what_is_wrong(
    client: TestClient, payload: dict, said: str
) -> None:
    r = client.post("/ask", json=payload)
    assert r.status_code == 422
    assert r.json()["detail"] == f"requête invalide : {said}"


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


def test_a_document_opens_passage_by_passage_with_its_file(client: TestClient) -> None:
    docs = {d["doc_id"]: d for d in client.get("/documents").json()}
    pdf = docs["loi-2014-856"]  # the starter corpus's PDF
    r = client.get(f"/documents/{pdf['doc_id']}")
    assert r.status_code == 200
    body = r.json()
    assert body["title"] == pdf["title"] and body["status"] == pdf["status"]
    assert len(body["passages"]) == pdf["chunks"]
    assert any(p["page"] for p in body["passages"]), "a PDF's passages say their page"
    pages = [p["page"] or 0 for p in body["passages"]]
    assert pages == sorted(pages), "passages come in reading order"
    assert body["file"] == f"documents/{pdf['doc_id']}/file"
    f = client.get("/" + body["file"])
    assert f.status_code == 200 and f.headers["content-type"] == "application/pdf"
    assert f.content.startswith(b"%PDF")
    missing = client.get("/documents/pas-de-tel-document")
    assert missing.status_code == 404 and "introuvable" in missing.json()["detail"]
    # A number beyond what SQLite stores is a bad request, not an internal error.
    huge = client.patch(f"/feedback/{2**70}", json={"comment": "x"})
    assert huge.status_code == 422 and isinstance(huge.json()["detail"], str)
    assert client.get("/documents/pas-de-tel-document/file").status_code == 404


def test_a_vote_is_one_row_completed_later(client: TestClient) -> None:
    row = client.post("/feedback", json={"question": "Qu'est-ce qu'un PTCE ?", "useful": False})
    assert row.status_code == 201
    row_id = row.json()["id"]
    done = client.patch(
        f"/feedback/{row_id}", json={"comment": " trop court ", "tags": ["incomplet"]}
    )
    assert done.status_code == 200
    assert done.json() | {"created_at": ""} == row.json() | {
        "created_at": "",
        "comment": "trop court",
        "tags": ["incomplet"],
    }
    assert client.patch(f"/feedback/{row_id}", json={"useful": True}).json()["useful"] is True
    bad = client.patch(f"/feedback/{row_id}", json={"tags": ["faux"]})
    assert bad.status_code == 422 and "tags" in bad.json()["detail"]
    missing = client.patch("/feedback/999999", json={"comment": "x"})
    assert missing.status_code == 404 and "introuvable" in missing.json()["detail"]


PERSONAL = "Je suis marie.durand@mairie.fr, SCIC"


@pytest.mark.parametrize("path", ["/ask", "/ask/stream", "/feedback"])
@pytest.mark.parametrize(
    "body",
    [
        '{"question": NaN, "useful": true}',
        '{"question": "' + PERSONAL + '", "k": Infinity, "useful": true}',
        '{"question": "' + PERSONAL + ' \\ud800 ?", "useful": true}',
        '{"question": "' + PERSONAL + '", "useful": true, "comment": "\\udc00"}',
    ],
)
def test_json_that_python_accepts_but_json_forbids_is_a_french_422(
    client: TestClient, caplog: pytest.LogCaptureFixture, path: str, body: str
) -> None:
    caplog.set_level(logging.DEBUG)
    r = client.post(path, content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    assert r.json()["detail"].startswith("requête invalide")
    assert not any("marie.durand" in rec.getMessage() for rec in caplog.records)


@pytest.mark.parametrize("k", ["5", True, 5.5])
def test_k_is_strictly_an_integer(client: TestClient, k: object) -> None:
    r = client.post("/ask", json={"question": "Qu'est-ce qu'une SCIC ?", "k": k})
    assert r.status_code == 422 and "k : doit être un nombre entier" in r.json()["detail"]


def test_validation_errors_do_not_echo_the_input(client: TestClient) -> None:
    r = client.post("/ask", json={"question": {"texte": PERSONAL}, "k": "cinq"})
    assert r.status_code == 422 and "marie.durand" not in r.text


def test_a_big_chunked_body_is_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:  # no Content-Length: sent chunked
        yield b'{"question": "'
        for _ in range(100):
            yield b"a" * 100_000
        yield b'"}'

    r = client.post("/ask", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["detail"].startswith("requête trop volumineuse")


def test_the_page_carries_a_content_security_policy(client: TestClient) -> None:
    page = client.get("/")
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert page.headers["x-content-type-options"] == "nosniff"


def test_after_a_restart_the_first_answers_find_everything_loaded(
    indexed: tuple[Settings, object], embedder: Embedder
) -> None:
    """Issue 16, item 7: the service answers once (its warm-up) before /health says ready, so
    the first 16 users after a restart, asking at once, share the index it opened: nobody
    opens it again, and each question costs one embedding, its own."""
    counting = CountingEmbedder(embedder)
    with TestClient(create_app(indexed[0], counting)) as client:
        assert counting.texts >= 1, "no answer was computed before serving"
        assert client.get("/health").json()["status"] == "ok"
        state = client.app.state.ess  # type: ignore[attr-defined]
        opened = state.generations.current()
        before = counting.texts
        questions = [
            f"Question {n} : {q}"  # in the sentence that asks, so that it is embedded once
            for n, q in enumerate(
                [
                    "Qu'est-ce qu'une SCIC ?",
                    "Comment une commune peut-elle utiliser les clauses sociales ?",
                    "Qu'est-ce que l'agrément ESUS ?",
                    "À quoi sert un SPASER ?",
                ]
                * 4
            )
        ]
        with ThreadPoolExecutor(16) as pool:
            answers = list(pool.map(lambda q: client.post("/ask", json={"question": q}), questions))
        assert [a.status_code for a in answers] == [200] * 16
        assert state.generations.current() is opened
        assert counting.texts == before + 16
