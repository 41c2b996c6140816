"""Sentence vectors embedded once at ingest: a question costs one embedding, whatever the
passages it finds, and the stored vectors follow the passages as documents change."""

from __future__ import annotations

from pathlib import Path

from assistant.embedding import Embedder
from assistant.pipeline import Assistant
from assistant.sentences import UNITS_VERSION
from assistant.store import ChunkStore, open_client, sentences_name
from ingest.index import ingest
from tests.fixtures import CountingEmbedder, make_settings

NOTE = """# SCIC et collectivités
## Capital
Une commune peut détenir jusqu'à 50 % du capital d'une SCIC. Cette limite vaut pour
l'ensemble des collectivités territoriales et de leurs groupements associés.
## Associés
La SCIC réunit au moins trois catégories d'associés, dont les salariés et les bénéficiaires.
Les collectivités peuvent en être associées.
"""
CLAUSES = """# Clauses sociales
## Principe
Une clause sociale réserve des heures de travail à des personnes éloignées de l'emploi.
Le titulaire du marché peut embaucher directement ou recourir à une structure d'insertion.
"""


def _folder(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "scic.md").write_text(NOTE, encoding="utf-8")
    (docs / "clauses.md").write_text(CLAUSES, encoding="utf-8")
    return docs


def _ingest(settings, embedder: Embedder):  # type: ignore[no-untyped-def]
    store, _ = ChunkStore.for_ingest(open_client(settings), settings.collection, embedder)
    return ingest(settings, store), store


def test_a_question_costs_one_embedding(tmp_path: Path, embedder: Embedder) -> None:
    settings = make_settings(tmp_path, _folder(tmp_path))
    _ingest(settings, embedder)
    counting = CountingEmbedder(embedder)
    assistant = Assistant.open(settings, counting)
    warm = counting.texts  # the warm-up answer each index generation gives before it serves
    first = assistant.ask("Quelle part du capital d'une SCIC une commune peut-elle détenir ?")
    assert not first.refused and "50 %" in first.answer
    assert counting.texts == warm + 1  # the question; every sentence's vector from the index
    assistant.ask("À quoi sert une clause sociale dans un marché ?")
    assert counting.texts == warm + 2


def test_sentence_vectors_follow_the_passages(tmp_path: Path, embedder: Embedder) -> None:
    docs = _folder(tmp_path)
    settings = make_settings(tmp_path, docs)
    _, store = _ingest(settings, embedder)
    assert store.passages_with_sentences(UNITS_VERSION) == set(
        store.ids_by_document()["scic"]
    ) | set(store.ids_by_document()["clauses"])
    (docs / "clauses.md").unlink()
    (docs / "scic.md").write_text(NOTE.replace("50 %", "la moitié"), encoding="utf-8")
    _, store = _ingest(settings, embedder)
    assert set(store.ids_by_document()) == {"scic"}
    assert store.passages_with_sentences(UNITS_VERSION) == store.ids_by_document()["scic"]


def test_an_index_without_sentence_vectors_answers_the_same_and_is_filled_by_the_next_ingest(
    tmp_path: Path, embedder: Embedder
) -> None:
    """An index built before sentences were stored still answers (embedding them on the fly),
    and the next ingest stores them without re-embedding a single passage."""
    settings = make_settings(tmp_path, _folder(tmp_path))
    _, store = _ingest(settings, embedder)
    question = "Combien de catégories d'associés faut-il dans une SCIC ?"
    stored = Assistant.open(settings, embedder).ask(question)
    open_client(settings).delete_collection(sentences_name(settings.collection))

    counting = CountingEmbedder(embedder)
    on_the_fly = Assistant.open(settings, counting).ask(question)
    assert on_the_fly.answer == stored.answer
    assert counting.texts > 1  # the sentences had to be embedded while answering

    summary, store = _ingest(settings, embedder)
    assert summary.chunks_added == 0
    assert store.passages_with_sentences(UNITS_VERSION) == {
        cid for cid, _, _ in store.records(False)
    }


def test_sentences_split_by_an_older_version_are_recomputed(
    tmp_path: Path, embedder: Embedder
) -> None:
    """After an upgrade that splits sentences differently, the next ingest replaces the stored
    sentence vectors, so answers stop embedding sentences on the fly."""
    settings = make_settings(tmp_path, _folder(tmp_path))
    _, store = _ingest(settings, embedder)
    assert store.sentences is not None
    rows = store.sentences.get(include=["metadatas"])
    store.sentences.update(
        ids=rows["ids"],
        metadatas=[{**(m or {}), "units": UNITS_VERSION - 1} for m in rows["metadatas"] or []],
    )
    assert store.passages_with_sentences(UNITS_VERSION) == set()

    counting = CountingEmbedder(embedder)
    summary, store = _ingest(settings, counting)
    assert summary.chunks_added == 0 and counting.texts == len(rows["ids"])
    assert store.passages_with_sentences(UNITS_VERSION) == {
        cid for cid, _, _ in store.records(False)
    }
