"""Sentence vectors embedded once at ingest: a question costs one embedding, whatever the
passages it finds, and the stored vectors follow the passages as documents change."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from assistant.embedding import Embedder
from assistant.pipeline import Assistant
from assistant.sentence_store import blobs_name, legacy_name
from assistant.sentences import UNITS_VERSION, answer_units
from assistant.store import ChunkStore, open_client
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


def _with_sentences(store: ChunkStore) -> set[str]:
    """The passages whose sentence vectors are stored, split as this version splits them."""
    assert store.sentences is not None
    return store.sentences.stored(UNITS_VERSION)


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
    assert _with_sentences(store) == set(store.ids_by_document()["scic"]) | set(
        store.ids_by_document()["clauses"]
    )
    (docs / "clauses.md").unlink()
    (docs / "scic.md").write_text(NOTE.replace("50 %", "la moitié"), encoding="utf-8")
    _, store = _ingest(settings, embedder)
    assert set(store.ids_by_document()) == {"scic"}
    assert _with_sentences(store) == store.ids_by_document()["scic"]
    assert store.sentences is not None  # and nothing left of the deleted document's sentences
    assert store.sentences.collection.count() == len(store.ids_by_document()["scic"])


def test_sentence_vectors_are_stored_with_their_passage_and_the_old_layout_is_replaced(
    tmp_path: Path, embedder: Embedder, caplog: pytest.LogCaptureFixture
) -> None:
    """Sentences are read by their passage's id, never searched: one record per passage holds
    them all, not one vector-index record per sentence (which made Chroma's writes 95 % of a
    cold ingest at 100× the corpus). An index left with the old layout is replaced by the next
    ingest, which says so, and answers stop embedding sentences."""
    settings = make_settings(tmp_path, _folder(tmp_path))
    legacy = open_client(settings).create_collection(
        legacy_name(settings.collection),
        embedding_function=None,
        metadata={"embedding_model": embedder.name, "dimension": embedder.dimension},
    )
    legacy.add(ids=["old:0"], embeddings=[[0.1] * embedder.dimension], documents=["Phrase."])
    with caplog.at_level(logging.WARNING):
        summary, store = _ingest(settings, embedder)
    names = {c.name for c in open_client(settings).list_collections()}
    assert legacy_name(settings.collection) not in names and "old layout" in caplog.text
    passages = store.get(sorted(cid for cid, _, _ in store.records(False)))
    assert store.sentences is not None and store.sentences.collection.count() == len(passages)
    assert summary.sentences_added == sum(len(answer_units(h.text)) for h in passages) > 0

    counting = CountingEmbedder(embedder)
    assistant = Assistant.open(settings, counting)
    warm = counting.texts
    assistant.ask("Combien de catégories d'associés faut-il dans une SCIC ?")
    assert counting.texts == warm + 1  # the question only


def test_an_index_without_sentence_vectors_answers_the_same_and_is_filled_by_the_next_ingest(
    tmp_path: Path, embedder: Embedder
) -> None:
    """An index built before sentences were stored still answers (embedding them on the fly),
    and the next ingest stores them without re-embedding a single passage."""
    settings = make_settings(tmp_path, _folder(tmp_path))
    _, store = _ingest(settings, embedder)
    question = "Combien de catégories d'associés faut-il dans une SCIC ?"
    stored = Assistant.open(settings, embedder).ask(question)
    open_client(settings).delete_collection(blobs_name(settings.collection))

    counting = CountingEmbedder(embedder)
    on_the_fly = Assistant.open(settings, counting).ask(question)
    assert on_the_fly.answer == stored.answer
    assert counting.texts > 1  # the sentences had to be embedded while answering

    summary, store = _ingest(settings, embedder)
    assert summary.chunks_added == 0
    assert _with_sentences(store) == {cid for cid, _, _ in store.records(False)}


def test_sentences_split_by_an_older_version_are_recomputed(
    tmp_path: Path, embedder: Embedder
) -> None:
    """After an upgrade that splits sentences differently, the next ingest replaces the stored
    sentence vectors, so answers stop embedding sentences on the fly."""
    settings = make_settings(tmp_path, _folder(tmp_path))
    _, store = _ingest(settings, embedder)
    assert store.sentences is not None
    rows = store.sentences.collection.get(include=["metadatas"])
    store.sentences.collection.update(
        ids=rows["ids"],
        metadatas=[{**(m or {}), "units": UNITS_VERSION - 1} for m in rows["metadatas"] or []],
    )
    sentences = sum(len(answer_units(h.text)) for h in store.get(rows["ids"]))
    assert _with_sentences(store) == set()

    counting = CountingEmbedder(embedder)
    summary, store = _ingest(settings, counting)
    assert summary.chunks_added == 0 and counting.texts == sentences
    assert _with_sentences(store) == {cid for cid, _, _ in store.records(False)}
