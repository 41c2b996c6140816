"""An ingest run in another process while the service answers: no request fails during the
swap, and the new document is cited afterwards (issue 16, item 1). Damaged data files are
said in one French line and repaired by the next ingest (item 3)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from assistant.config import Settings
from assistant.embedding import Embedder
from assistant.pipeline import Assistant
from assistant.server.app import create_app
from assistant.store import ChunkStore, open_client
from ingest.index import ingest
from tests.fixtures import ROOT
from tests.live import serve

CLIENTS = 16
NEW_DOC = (
    "# Règlement du dispositif Zéphyrin\n\n"
    "## Article 1\n\n"
    "Le dispositif Zéphyrin finance les ressourceries communales à hauteur de 37 % des "
    "dépenses d'investissement, sur décision du conseil municipal.\n\n"
    "## Article 2\n\n"
    "Le dispositif Zéphyrin est ouvert aux communes de moins de 5 000 habitants qui "
    "contractualisent avec une entreprise de l'économie sociale et solidaire.\n"
)
NEW_QUESTION = "Quelle part des dépenses le dispositif Zéphyrin finance-t-il ?"
QUESTIONS = [
    "Une commune peut-elle entrer au capital d'une SCIC ?",
    "Qu'est-ce que l'agrément ESUS ?",
    "Comment réserver un marché public à une entreprise d'insertion ?",
    NEW_QUESTION,
]


def guide(version: int) -> str:
    body = "\n\n".join(
        f"## Étape {i}\n\nVersion {version} : le guide des tiers-lieux décrit l'étape {i} d'un "
        f"projet porté par une commune et une association de l'économie sociale et solidaire."
        for i in range(1, 12)
    )
    return f"# Guide des tiers-lieux\n\n{body}\n"


def _ingest_elsewhere(settings: Settings) -> subprocess.CompletedProcess[str]:
    """`python3 -m assistant.cli ingest` in its own process, as an operator would run it."""
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "PYTHONPATH": str(ROOT),
        "ESS_DATA_DIR": str(settings.data_dir),
        "ESS_CORPUS_DIRS": json.dumps([str(p) for p in settings.corpus_dirs]),
    }
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ingest"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )


def _setup(tmp_path: Path, embedder: Embedder) -> tuple[Settings, Path]:
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "guide-tiers-lieux.md").write_text(guide(1), encoding="utf-8")
    settings = Settings(
        data_dir=tmp_path / "data", corpus_dirs=[ROOT / "corpus", extra], rate_limit_ask=""
    )
    store, _ = ChunkStore.for_ingest(open_client(settings), settings.collection, embedder)
    ingest(settings, store)
    return settings, extra


def test_an_ingest_in_another_process_is_served_without_a_failed_request(
    tmp_path: Path, embedder: Embedder
) -> None:
    settings, extra = _setup(tmp_path, embedder)
    failures: list[str] = []
    counts = {"before": 0, "after": 0}
    done = threading.Event()
    stop = threading.Event()

    def client(url: str, n: int) -> None:
        with httpx.Client(base_url=url, timeout=300) as http:
            i = n
            while not stop.is_set():
                question = QUESTIONS[i % len(QUESTIONS)]
                i += 1
                try:
                    if i % 3:
                        response = http.post("/ask", json={"question": question})
                    else:
                        response = http.get("/search", params={"q": question, "k": 8})
                except httpx.HTTPError as exc:
                    failures.append(f"{type(exc).__name__}: {exc}")
                    continue
                if response.status_code != 200:
                    failures.append(f"{response.status_code}: {response.text[:300]}")
                counts["after" if done.is_set() else "before"] += 1

    with serve(settings, embedder) as url:
        threads = [threading.Thread(target=client, args=(url, n)) for n in range(CLIENTS)]
        for t in threads:
            t.start()
        (extra / "zephyrin.md").write_text(NEW_DOC, encoding="utf-8")
        (extra / "guide-tiers-lieux.md").write_text(guide(2), encoding="utf-8")  # replaced
        result = _ingest_elsewhere(settings)
        done.set()
        deadline = time.monotonic() + 600
        while counts["after"] < 3 * CLIENTS and time.monotonic() < deadline:
            time.sleep(0.2)  # every client keeps asking across the swap
        stop.set()
        for t in threads:
            t.join(timeout=600)
        with httpx.Client(base_url=url, timeout=300) as http:
            answer = http.post("/ask", json={"question": NEW_QUESTION}).json()
            hits = http.get("/search", params={"q": "tiers-lieux étape commune", "k": 10}).json()
            documents = {d["doc_id"] for d in http.get("/documents").json()}
            health = http.get("/health").json()

    print(f"\nrequests: {counts}; failures: {len(failures)}")
    assert result.returncode == 0, result.stderr[-2000:]
    assert not failures, failures[:5]
    assert counts["before"] > 0 and counts["after"] >= 3 * CLIENTS
    assert "zephyrin" in documents
    cited = {c["doc_id"] for c in answer["citations"]}
    assert "zephyrin" in cited, answer
    assert "37 %" in answer["answer"]
    versions = {h["text"].split(" :", 1)[0] for h in hits if h["doc_id"] == "guide-tiers-lieux"}
    assert versions == {"Version 2"}, versions  # the replaced guide, only its new version
    assert health["status"] == "ok", health


def test_a_damaged_manifest_is_one_french_line_and_ingest_repairs(
    tmp_path: Path, embedder: Embedder
) -> None:
    settings, _ = _setup(tmp_path, embedder)
    manifest = settings.data_dir / "manifest.json"
    whole = manifest.read_bytes()
    manifest.write_bytes(whole[: len(whole) // 2])  # truncated, as a full disk leaves it
    with TestClient(create_app(settings, embedder)) as client:
        health = client.get("/health").json()
        assert health["status"] == "indisponible"
        assert "manifest.json" in health["detail"] and "ess-assistant ingest" in health["detail"]
        asked = client.post("/ask", json={"question": QUESTIONS[0]})
        assert asked.status_code == 503 and "endommagé" in asked.json()["detail"]

    env = {**os.environ, "ESS_DATA_DIR": str(settings.data_dir), "PYTHONPATH": str(ROOT)}
    listed = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "documents"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert listed.returncode == 1 and "Traceback" not in listed.stderr
    assert len(listed.stderr.strip().splitlines()) == 1, listed.stderr
    assert "manifest.json" in listed.stderr

    repaired = _ingest_elsewhere(settings)
    assert repaired.returncode == 0, repaired.stderr[-2000:]
    assert Assistant.open(settings, embedder).ask(QUESTIONS[0]).citations


def test_an_empty_manifest_is_not_ok(tmp_path: Path, embedder: Embedder) -> None:
    settings, _ = _setup(tmp_path, embedder)
    (settings.data_dir / "manifest.json").write_text('{"documents": {}}', encoding="utf-8")
    with TestClient(create_app(settings, embedder)) as client:
        health = client.get("/health").json()
        assert health["status"] == "indisponible" and "aucun document" in health["detail"]
    store, _ = ChunkStore.for_ingest(open_client(settings), settings.collection, embedder)
    ingest(settings, store)
    with TestClient(create_app(settings, embedder)) as client:
        assert client.get("/health").json()["status"] == "ok"


def test_a_missing_lexical_folder_is_said_and_keyword_search_kept(
    tmp_path: Path, embedder: Embedder
) -> None:
    settings, _ = _setup(tmp_path, embedder)
    for path in sorted(settings.lexical_dir.iterdir()):
        path.unlink()
    settings.lexical_dir.rmdir()
    with TestClient(create_app(settings, embedder)) as client:
        health = client.get("/health").json()
        assert health["status"] == "dégradé" and "lexical" in health["detail"]
        hits = client.get("/search", params={"q": "guide des tiers-lieux étape", "k": 5}).json()
        assert any(h["lexical"] > 0 for h in hits), hits  # keyword search still answers
    store, _ = ChunkStore.for_ingest(open_client(settings), settings.collection, embedder)
    ingest(settings, store)
    with TestClient(create_app(settings, embedder)) as client:
        assert client.get("/health").json()["status"] == "ok"


def test_killed_after_the_manifest_switch_keyword_search_serves_the_new_version(
    tmp_path: Path, embedder: Embedder
) -> None:
    """The state an ingest killed just after its manifest switch leaves: BM25 on disk still
    knows only the old version (item 2). The service rebuilds it rather than lose the doc."""
    settings, extra = _setup(tmp_path, embedder)
    from assistant.lexical import LexicalIndex
    from assistant.manifest import Manifest

    old_lexical = LexicalIndex.load(settings.lexical_dir)
    assert old_lexical is not None
    (extra / "guide-tiers-lieux.md").write_text(guide(2), encoding="utf-8")
    store, _ = ChunkStore.for_ingest(open_client(settings), settings.collection, embedder)
    ingest(settings, store)
    current = Manifest.load(settings.data_dir)
    old_lexical.save(settings.lexical_dir)  # as if killed before the BM25 rebuild
    assert not set().union(*(current.docs or {}).values()) <= set(old_lexical.ids)
    with TestClient(create_app(settings, embedder)) as client:
        hits = client.get("/search", params={"q": "guide des tiers-lieux étape", "k": 5}).json()
        ours = [h for h in hits if h["doc_id"] == "guide-tiers-lieux"]
        assert ours and all(h["text"].startswith("Version 2") for h in ours)
        assert any(h["lexical"] > 0 for h in ours), ours
        assert client.get("/health").json()["status"] == "dégradé"
