"""Ingest against a real Chroma PersistentClient and the real embedding model."""

import json
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.embedding import Embedder
from assistant.errors import EmptyIndexError, ModelMismatchError
from assistant.pipeline import Assistant
from assistant.store import ChunkStore, open_client
from ingest.index import ingest
from ingest.read import ReadLimits
from tests.fixtures import CountingEmbedder, make_pdf, make_settings
from tests.hostile_files import shared_stream_pdf

CATALOG = """
[[document]]
id = "note-scic"
file = "note.md"
title = "Note SCIC"
kind = "fiche"
date = "2024-01-01"
status = "en vigueur"
"""


def run(settings: Settings, embedder: Embedder, *paths: Path):  # type: ignore[no-untyped-def]
    store, _ = ChunkStore.for_ingest(open_client(settings), settings.collection, embedder)
    return ingest(settings, store, list(paths) or None), store


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "catalog.toml").write_text(CATALOG, encoding="utf-8")
    (docs / "note.md").write_text(
        "# SCIC\n## Capital\nUne commune peut détenir jusqu'à 50 % du capital d'une SCIC.\n"
        "## Associés\nLa SCIC réunit au moins trois catégories d'associés.\n",
        encoding="utf-8",
    )
    (docs / "clauses.txt").write_text(
        "Article 1\nLes clauses sociales favorisent l'insertion des personnes éloignées de l'emploi.\n",
        encoding="utf-8",
    )
    return docs


def test_ingest_twice_adds_nothing(tmp_path: Path, folder: Path, embedder: Embedder) -> None:
    settings = make_settings(tmp_path, folder)
    first, store = run(settings, embedder)
    assert sorted(first.added) == ["clauses", "note-scic"]
    count = store.count()
    second, store = run(settings, embedder)
    assert second.chunks_added == 0 and second.chunks_removed == 0
    assert sorted(second.kept) == ["clauses", "note-scic"]
    assert store.count() == count


def test_an_unchanged_file_is_not_read_again(
    tmp_path: Path, folder: Path, embedder: Embedder
) -> None:
    """Issue 16, item 5: a no-change ingest reads no file (a PDF that costs minutes to parse
    is parsed once); a changed file, a changed catalog entry are read again."""
    pdf = make_pdf(folder / "guide.pdf", [["Le guide des achats responsables."]])
    settings = make_settings(tmp_path, folder)
    first, _ = run(settings, embedder)
    assert first.read == 3
    second, store = run(settings, embedder)
    assert second.read == 0 and sorted(second.kept) == ["clauses", "guide", "note-scic"]
    assert second.chunks_kept == first.chunks_added and second.chunks_added == 0
    assert "0 fichiers lus" in second.lines()[1]
    (folder / "clauses.txt").write_text("Article 1\nLes clauses environnementales.\n")
    (folder / "catalog.toml").write_text(CATALOG.replace("Note SCIC", "Note sur les SCIC"))
    third, store = run(settings, embedder)
    assert third.read == 2 and sorted(third.replaced) == ["clauses", "note-scic"]
    titles = {m["title"] for _, _, m in store.records(include_text=False)}
    assert "Note sur les SCIC" in titles and pdf.exists()


def test_a_new_reader_reads_every_file_again_and_embeds_only_what_changed(
    tmp_path: Path, folder: Path, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an upgrade that reads files differently (READ_VERSION), the next ingest reads
    every file again, though their bytes did not change; passages whose text is the same keep
    their ids and vectors: nothing is embedded again when the new reader gives the same text."""
    import ingest.signatures

    settings = make_settings(tmp_path, folder)
    first, _ = run(settings, embedder)
    monkeypatch.setattr(ingest.signatures, "READ_VERSION", ingest.signatures.READ_VERSION + 1)
    counting = CountingEmbedder(embedder)
    again, _ = run(settings, counting)
    assert again.read == first.read == 2
    assert again.chunks_added == 0 and again.chunks_kept == first.chunks_added
    assert counting.texts == 0


def test_changed_document_is_replaced_and_removed_one_disappears(
    tmp_path: Path, folder: Path, embedder: Embedder
) -> None:
    settings = make_settings(tmp_path, folder)
    run(settings, embedder)
    (folder / "note.md").write_text(
        "# SCIC\n## Capital\nLa part publique est plafonnée à la moitié du capital.\n",
        encoding="utf-8",
    )
    (folder / "clauses.txt").unlink()
    summary, store = run(settings, embedder)
    assert summary.replaced == ["note-scic"] and summary.removed == ["clauses"]
    texts = [text for _, text, _ in store.records()]
    assert any("plafonnée à la moitié" in t for t in texts)
    assert not any("50 %" in t or "clauses sociales" in t for t in texts)
    hits = Assistant.open(settings, embedder).search("clauses sociales insertion", 5)
    assert all(h.doc_id != "clauses" for h in hits)


def test_broken_files_are_reported_and_the_rest_indexed(
    tmp_path: Path, folder: Path, embedder: Embedder
) -> None:
    (folder / "corrompu.pdf").write_bytes(
        b"%PDF-1.7\n%\xe2\xe3\n1 0 obj <<>> stream\x00\x01 broken"
    )
    (folder / "vide.txt").write_bytes(b"")
    make_pdf(folder / "bon.pdf", [["Article 1", "Les PTCE regroupent des entreprises de l'ESS."]])
    summary, _ = run(make_settings(tmp_path, folder), embedder)
    reasons = {Path(s.path).name: s.reason for s in summary.skipped}
    assert "corrompu.pdf" in reasons and "PDF" in reasons["corrompu.pdf"]
    assert reasons.get("vide.txt") == "fichier vide"
    assert sorted(summary.added) == ["bon", "clauses", "note-scic"]
    assert any("Ignoré" in line and "vide.txt" in line for line in summary.lines())


def test_a_pdf_that_costs_too_much_is_refused_once_and_not_read_again(
    tmp_path: Path, folder: Path, embedder: Embedder
) -> None:
    """Issue 16, item 5: a 50 KB PDF whose one stream, shared by 30 pages, decompresses to
    megabytes of text operators (minutes of parsing) is refused like any other bad file, the
    rest is indexed, and the next ingest does not read it again until it changes."""
    (folder / "flux-partage.pdf").write_bytes(shared_stream_pdf())
    settings = make_settings(tmp_path, folder)
    first, _ = run(settings, embedder)
    reasons = {Path(s.path).name: s.reason for s in first.skipped}
    assert "contenu démesuré" in reasons["flux-partage.pdf"], reasons
    assert sorted(first.added) == ["clauses", "note-scic"] and first.read == 3
    second, _ = run(settings, embedder)
    assert second.read == 0, "an unchanged refused file was read again"
    assert {Path(s.path).name: s.reason for s in second.skipped} == reasons
    # Other limits, and it is read again (they are part of every file's signature): past the
    # content bound, the time bound stops it, inside its first page.
    looser = {"max_pdf_content_bytes": 10**10, "max_pdf_seconds": 0.5}
    third, _ = run(settings.model_copy(update=looser), embedder)
    reasons = {Path(s.path).name: s.reason for s in third.skipped}
    assert third.read == 3 and "trop long à lire" in reasons["flux-partage.pdf"], reasons


def test_folder_without_catalog_still_ingests_and_says_so(
    tmp_path: Path, embedder: Embedder
) -> None:
    docs = tmp_path / "sans-catalogue"
    docs.mkdir()
    (docs / "Guide ESS.md").write_text(
        "# Guide de l'ESS locale\nLa CRESS accompagne les communes.\n", encoding="utf-8"
    )
    summary, store = run(make_settings(tmp_path, docs), embedder)
    assert summary.added == ["guide-ess"]
    assert any("catalog.toml" in note for note in summary.notes)
    _, _, meta = next(store.records())
    assert meta["title"] == "Guide de l'ESS locale"


def test_index_refuses_another_model(tmp_path: Path, folder: Path, embedder: Embedder) -> None:
    settings = make_settings(tmp_path, folder)
    run(settings, embedder)

    class OtherModel:
        name, dimension = "autre-modele", 512

        def embed(self, texts):  # type: ignore[no-untyped-def]
            return embedder.embed(texts)

    with pytest.raises(ModelMismatchError, match="ingest"):
        Assistant.open(settings, OtherModel())


def test_empty_index_is_a_clear_error(tmp_path: Path, embedder: Embedder) -> None:
    with pytest.raises(EmptyIndexError, match="ess-assistant ingest"):
        Assistant.open(make_settings(tmp_path), embedder)


def test_lexical_index_follows_chroma_and_analyses_only_what_changed(
    tmp_path: Path, folder: Path, embedder: Embedder
) -> None:
    """The BM25 index holds exactly the stored passages, in Chroma's order, after every kind of
    ingest; an ingest that changes nothing keeps its file; one more document is analysed alone
    (the others' terms come from the saved ones) and is found at once."""
    from assistant.lexical import TERMS_FILE, LexicalIndex

    settings = make_settings(tmp_path, folder)

    def stored(store: ChunkStore) -> list[str]:
        return [cid for cid, _, _ in store.records(include_text=False)]

    _, store = run(settings, embedder)
    assert LexicalIndex.saved_ids(settings.lexical_dir) == stored(store)
    terms_file = settings.lexical_dir / TERMS_FILE
    before = terms_file.stat().st_mtime_ns
    summary, store = run(settings, embedder)
    assert summary.chunks_added == 0 and terms_file.stat().st_mtime_ns == before  # kept as is

    saved = LexicalIndex.saved_postings(settings.lexical_dir)
    assert saved is not None
    marker = saved.ids[0]  # given a term only the saved analysis holds
    planted = saved.select(saved.ids[1:]).extended([(marker, ["motdetest"])])
    planted.save(settings.lexical_dir, TERMS_FILE)
    (folder / "recyclerie.md").write_text(
        "# Recyclerie\nUne ressourcerie collecte les objets et les remet en état.\n",
        encoding="utf-8",
    )
    summary, store = run(settings, embedder)
    assert summary.added == ["recyclerie"]
    lexical = LexicalIndex.load(settings.lexical_dir)
    assert lexical is not None and lexical.ids == stored(store)
    assert [cid for cid, _ in lexical.search("motdetest", 3)] == [marker]  # not re-analysed
    found = [cid for cid, _ in lexical.search("ressourcerie recyclerie", 3)]
    assert found and found[0] in store.ids_by_document()["recyclerie"]

    (folder / "clauses.txt").unlink()
    _, store = run(settings, embedder)
    assert LexicalIndex.saved_ids(settings.lexical_dir) == stored(store)


def test_an_index_saved_by_another_analysis_is_analysed_again(
    tmp_path: Path, folder: Path, embedder: Embedder
) -> None:
    """An index saved by an older version (other word lists: its terms would not meet the
    questions') is not read: the service rebuilds it in memory and says so, and the next
    ingest analyses every passage again, even with no document changed."""
    from assistant.lexical import ANALYSER_FILE, TERMS_FILE, LexicalIndex

    settings = make_settings(tmp_path, folder)
    run(settings, embedder)
    saved = LexicalIndex.saved_postings(settings.lexical_dir)
    assert saved is not None
    marker = saved.ids[0]  # the older analysis gave it a term today's never makes
    saved.select(saved.ids[1:]).extended([(marker, ["motdetest"])]).save(
        settings.lexical_dir, TERMS_FILE
    )
    (settings.lexical_dir / ANALYSER_FILE).write_text("ancienne-analyse", encoding="utf-8")

    snapshot = Assistant.open(settings, embedder).snapshot()
    assert any("autre version de l'analyse" in p for p in snapshot.problems)
    assert snapshot.retriever.search("capital d'une SCIC", 3)  # served all the same

    summary, _ = run(settings, embedder)
    assert summary.chunks_added == 0  # nothing new to embed: only the terms are redone
    lexical = LexicalIndex.load(settings.lexical_dir)
    assert lexical is not None and not lexical.search("motdetest", 3)
    assert not Assistant.open(settings, embedder).snapshot().problems


def test_reingest_reads_only_changed_files_and_catalog_changes_count(
    tmp_path: Path, folder: Path, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 100× the corpus, re-reading every file cost more than adding one document: an ingest
    reads a file again only when its bytes, its catalog entry or the chunking settings changed."""
    import ingest.index as index_module

    settings = make_settings(tmp_path, folder)
    run(settings, embedder)
    read: list[str] = []
    real = index_module.read_document

    def counting(path: Path, limits: ReadLimits) -> object:
        read.append(path.name)
        return real(path, limits)

    monkeypatch.setattr(index_module, "read_document", counting)
    summary, _ = run(settings, embedder)
    assert read == [] and sorted(summary.kept) == ["clauses", "note-scic"]

    (folder / "clauses.txt").write_text(
        "Article 1\nLes clauses sociales favorisent l'insertion par l'activité économique.\n",
        encoding="utf-8",
    )
    summary, _ = run(settings, embedder)
    assert read == ["clauses.txt"] and summary.replaced == ["clauses"]

    read.clear()
    catalog = (folder / "catalog.toml").read_text(encoding="utf-8")
    (folder / "catalog.toml").write_text(catalog.replace("Note SCIC", "Note sur la SCIC"), "utf-8")
    summary, store = run(settings, embedder)
    assert read == ["note.md"] and summary.replaced == ["note-scic"]
    titles = {m["title"] for _, _, m in store.records(include_text=False)}
    assert "Note sur la SCIC" in titles and "Note SCIC" not in titles


def test_adding_a_document_takes_the_stored_passages_from_the_manifest(
    tmp_path: Path, folder: Path, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 100× the corpus, listing every stored passage took half the time of adding one
    document: after an ingest that finished, the next takes that list from the manifest. After
    one killed while writing, it lists Chroma, and deletes what the killed one left behind."""
    from ingest.catalog import load_catalog
    from ingest.chunk import chunk_document
    from ingest.read import read_document
    from ingest.stored import RUNNING_FILE
    from ingest.vectors import embed_chunks

    settings = make_settings(tmp_path, folder)
    run(settings, embedder)
    listed: list[bool] = []
    real = ChunkStore.records

    def counting(self: ChunkStore, include_text: bool = True):  # type: ignore[no-untyped-def]
        listed.append(include_text)
        return real(self, include_text)

    monkeypatch.setattr(ChunkStore, "records", counting)
    (folder / "recyclerie.md").write_text(
        "# Recyclerie\nUne ressourcerie collecte les objets et les remet en état.\n",
        encoding="utf-8",
    )
    summary, store = run(settings, embedder)
    assert summary.added == ["recyclerie"] and listed == []
    hits = Assistant.open(settings, embedder).search("Que fait une ressourcerie ?", 3)
    assert hits and hits[0].doc_id == "recyclerie"

    # Killed after writing another version of the note into Chroma, before its manifest.
    note = folder / "note.md"
    read = read_document(note)
    meta = load_catalog(folder).meta_for(note, read.title)
    changed = [replace(p, text=p.text.replace("50 %", "40 %")) for p in read.pages]
    stale = chunk_document(meta, changed, settings.chunk_size, settings.chunk_overlap)
    extra = {c.id for c in stale} - store.ids_by_document()["note-scic"]
    store.upsert(stale, embed_chunks(store, stale, settings.embedding_batch, False))
    (settings.data_dir / RUNNING_FILE).touch()
    listed.clear()
    summary, store = run(settings, embedder)
    assert listed and extra and summary.chunks_removed == len(extra)
    texts = [text for _, text, _ in store.records()]
    assert not any("40 %" in t for t in texts) and any("50 %" in t for t in texts)


def test_a_large_ingest_embeds_in_processes_and_stores_the_same_vectors(
    tmp_path: Path, folder: Path, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cold ingest of 100× the corpus spends most of its time in the model: a large one
    embeds in one process per core, and stores the vectors one process would have."""
    import numpy as np

    import ingest.embed_pool as embed_pool
    from assistant.embedding import UseEmbedder
    from assistant.sentence_store import decode

    alone = make_settings(tmp_path / "alone", folder)
    _, one = run(alone, embedder)
    monkeypatch.setattr(embed_pool, "MIN_TEXTS", 0)
    started: list[int] = []
    real = embed_pool.EmbedPool.__init__

    def counting(self: embed_pool.EmbedPool, factory, processes: int) -> None:  # type: ignore[no-untyped-def]
        started.append(processes)
        real(self, factory, processes)

    monkeypatch.setattr(embed_pool.EmbedPool, "__init__", counting)
    pooled = make_settings(tmp_path / "pooled", folder).model_copy(update={"ingest_processes": 2})
    store, _ = ChunkStore.for_ingest(open_client(pooled), pooled.collection, embedder)
    summary = ingest(pooled, store, embedder_factory=UseEmbedder)
    assert started == [2] and summary.chunks_added == one.count() > 0

    ids = sorted(cid for cid, _, _ in one.records(False))
    assert one.sentences is not None and store.sentences is not None
    for a, b in (
        (one.collection, store.collection),
        (one.sentences.collection, store.sentences.collection),
    ):
        first = a.get(ids=ids, include=["embeddings", "metadatas"])
        second = b.get(ids=ids, include=["embeddings", "metadatas"])
        assert np.allclose(
            np.asarray(first["embeddings"]), np.asarray(second["embeddings"]), atol=1e-5
        )
        for m1, m2 in zip(first["metadatas"] or [], second["metadatas"] or [], strict=True):
            if "vectors" in m1:  # the same sentences, the same vectors
                assert m1["hashes"] == m2["hashes"]
                v1, v2 = (decode(str(m["vectors"]), embedder.dimension) for m in (m1, m2))
                assert np.allclose(v1, v2, atol=1e-3)


def test_the_article_keys_of_each_text_are_recorded_at_ingest(
    tmp_path: Path, folder: Path, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A question naming an article its text lacks is shown the articles around it: at 100×
    the corpus, listing every article's passages for that took 3.7 s and 900 MB per question.
    Each ingest records each text's article keys; a worker reads them without a listing."""
    from chromadb.api.models.Collection import Collection

    from assistant.store import ARTICLES

    (folder / "reglement.txt").write_text(
        "".join(
            f"Article {i}\nLe fonds territorial finance les recycleries à hauteur de {i} %.\n"
            for i in (1, 2, 3, 5)
        ),
        encoding="utf-8",
    )
    settings = make_settings(tmp_path, folder)
    _, store = run(settings, embedder)
    scanned = {str(m["article_key"]) for _, _, m in store.records(False) if m.get("article_key")}
    assert scanned == {"1", "2", "3", "5"}
    served = Assistant.open(settings, embedder).snapshot().store
    listed: list[object] = []
    real = Collection.get

    def counting(self: Collection, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        listed.append(kwargs)
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Collection, "get", counting)
    assert served.article_keys(None) == scanned and listed == []
    monkeypatch.undo()

    (folder / "reglement.txt").unlink()  # its articles go with it
    _, store = run(settings, embedder)
    left = {str(m["article_key"]) for _, _, m in store.records(False) if m.get("article_key")}
    assert Assistant.open(settings, embedder).snapshot().store.article_keys(None) == left != scanned

    meta = dict(store.collection.metadata or {})  # an index built before they were recorded
    store.collection.modify(metadata={k: v for k, v in meta.items() if k != ARTICLES})
    assert Assistant.open(settings, embedder).snapshot().store.article_keys(None) == left


def test_the_neighbours_of_a_passage_come_from_the_manifest(
    tmp_path: Path, folder: Path, embedder: Embedder
) -> None:
    """A retrieved passage's neighbours in its document were found by a Chroma metadata filter:
    46 ms of CPU per answer at 100× the corpus. Each ingest records every document's passages
    in reading order in the manifest; neighbours are then read by id, the same passages in the
    same order; a manifest written before falls back to the filter, and the next ingest
    records the order of documents it does not read again."""
    from assistant.manifest import MANIFEST_FILE, Manifest

    (folder / "guide.md").write_text(
        "# Guide\n"
        + "".join(
            f"## Étape {i}\n{'La commune réunit les acteurs de la recyclerie. ' * 12}\n"
            for i in range(1, 7)
        ),
        encoding="utf-8",
    )
    settings = make_settings(tmp_path, folder)
    _, store = run(settings, embedder)
    manifest = Manifest.load(settings.data_dir)
    guide = store.passages_of("guide")
    assert len(guide) > 3 and manifest.order["guide"] == [h.chunk_id for h in guide]
    for picked in ([guide[1]], [guide[0], guide[2]], [guide[-1]]):
        around = manifest.neighbours([h.chunk_id for h in picked]) or []
        by_id = [h.chunk_id for h in store.get(around)]
        assert by_id and by_id == [h.chunk_id for h in store.adjacent(picked)]

    path = settings.data_dir / MANIFEST_FILE
    old = json.loads(path.read_text("utf-8"))
    del old["order"]  # a manifest from before
    path.write_text(json.dumps(old), encoding="utf-8")
    assert Manifest.load(settings.data_dir).neighbours([guide[1].chunk_id]) is None
    run(settings, embedder)  # reads nothing again, yet records the order
    assert Manifest.load(settings.data_dir).order == manifest.order
