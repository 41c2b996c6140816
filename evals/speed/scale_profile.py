"""Where the time and memory go at a large size, for every stage that does not run the model.

Embedding costs the same per text at any size (the scale benchmark measures its rate); what grows
with the index is the rest: reading and chunking, the French analysis and the BM25 build, its
file, its loading by each worker and its search, Chroma's writes, and the full scans an ingest
makes (the list of stored passages, the passages that have sentence vectors, the BM25 rebuild
from Chroma). This measures them on the synthetic corpus with our own code and a real Chroma,
random unit vectors standing in for the model's (HNSW costs depend on the number of vectors and
their dimension, not on what they mean).

`python -m evals.speed.scale_profile --factor 100 [--json evals/scale-profile.json]`.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from assistant.config import Settings
from assistant.lexical import LexicalIndex
from assistant.sentences import UNITS_VERSION, answer_units, sentence_id
from assistant.store import ChunkStore, open_client
from assistant.types import Chunk
from evals.metrics import percentile
from evals.questions import QUESTIONS, question_texts
from evals.speed.measures import folder_mb, memory_mb, own_cpu_seconds
from evals.speed.scale_corpus import build
from ingest.catalog import load_catalog
from ingest.chunk import chunk_document
from ingest.read import read_document


class RandomVectors:
    """Stands in for the model where only the vectors' number and size matter."""

    name = "use-multilingual-v3"
    dimension = 512

    def __init__(self, seed: int = 0) -> None:
        self.rng = np.random.default_rng(seed)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        v = self.rng.standard_normal((len(texts), self.dimension)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)


@contextmanager
def timed(out: dict[str, Any], key: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    out[key] = round(time.perf_counter() - started, 3)


def latencies_ms(call: Callable[[Any], object], inputs: list[Any]) -> dict[str, float]:
    spent = []
    for item in inputs:
        started = time.perf_counter()
        call(item)
        spent.append((time.perf_counter() - started) * 1000)
    return {
        "p50": round(percentile(spent, 50), 2),
        "p95": round(percentile(spent, 95), 2),
    }


def read_and_chunk(dirs: list[Path], settings: Settings) -> list[Chunk]:
    chunks: list[Chunk] = []
    for folder in dirs:
        catalog = load_catalog(folder)
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() not in {".md", ".txt", ".pdf"}:
                continue
            read = read_document(path)
            meta = catalog.meta_for(path, read.title)
            chunks += chunk_document(meta, read.pages, settings.chunk_size, settings.chunk_overlap)
    return chunks


def profile(
    factor: int, starter_dirs: list[Path], work: Path, questions: list[str], chroma: bool = True
) -> dict[str, Any]:
    out: dict[str, Any] = {"factor": factor}
    corpus = build(starter_dirs, work / "corpus", factor)
    settings = Settings(data_dir=work / "data", corpus_dirs=corpus.dirs)
    with timed(out, "read_chunk_s"):
        chunks = read_and_chunk(corpus.dirs, settings)
    out["passages"] = len(chunks)
    with timed(out, "sentence_split_s"):
        rows = [
            (sentence_id(c.id, j), c.id, u)
            for c in chunks
            for j, u in enumerate(answer_units(c.text))
        ]
    out["sentences"] = len(rows)

    before = memory_mb("VmRSS")
    with timed(out, "bm25_build_s"):
        lexical = LexicalIndex.build((c.id, f"{c.context}\n{c.text}") for c in chunks)
    out["bm25_build_rss_mb"] = round(memory_mb("VmRSS") - before, 1)
    with timed(out, "bm25_save_s"):
        lexical.save(settings.lexical_dir)
    out["bm25_file_mb"] = round(folder_mb(settings.lexical_dir), 1)
    del lexical
    before = memory_mb("VmRSS")
    with timed(out, "bm25_load_s"):
        loaded = LexicalIndex.load(settings.lexical_dir)
    out["bm25_loaded_rss_mb"] = round(memory_mb("VmRSS") - before, 1)
    assert loaded is not None
    out["bm25_search_ms"] = latencies_ms(lambda q: loaded.search(q, settings.candidates), questions)

    if not chroma:
        out["rss_end_mb"] = round(memory_mb("VmRSS"), 1)
        return out
    vectors = RandomVectors()
    store, _ = ChunkStore.for_ingest(open_client(settings), settings.collection, vectors)
    with timed(out, "chroma_upsert_passages_s"):
        for start in range(0, len(chunks), 2000):
            part = chunks[start : start + 2000]
            store.upsert(part, vectors.embed([c.text for c in part]))
    assert store.sentences is not None
    with timed(out, "chroma_upsert_sentences_s"):
        for start in range(0, len(chunks), 500):
            units = [(c.id, answer_units(c.text)) for c in chunks[start : start + 500]]
            texts = [t for _, texts in units for t in texts]
            store.sentences.put(units, vectors.embed(texts), UNITS_VERSION)
    out["chroma_mb"] = round(folder_mb(settings.chroma_dir), 1)
    with timed(out, "scan_passages_s"):
        sum(1 for _ in store.records(include_text=False))
    with timed(out, "scan_sentences_s"):
        store.sentences.stored(UNITS_VERSION)
    with timed(out, "sentences_by_id_s"):  # what the ingest does
        store.sentences.stored(UNITS_VERSION, [c.id for c in chunks])
    before = memory_mb("VmRSS")
    with timed(out, "bm25_from_chroma_s"):
        LexicalIndex.from_store(store)
    out["bm25_from_chroma_rss_mb"] = round(memory_mb("VmRSS") - before, 1)
    queries = list(vectors.embed(questions))
    out["chroma_nearest_ms"] = latencies_ms(
        lambda v: store.nearest(v, settings.candidates), queries
    )
    rng = np.random.default_rng(1)  # 40 sentences of a question's passages, as an answer reads
    picks = [rng.integers(0, len(rows), 40) for _ in questions]
    groups = [[(rows[int(i)][0], rows[int(i)][2]) for i in pick] for pick in picks]
    out["chroma_sentence_get_ms"] = latencies_ms(store.sentences.vectors, groups)
    out["rss_end_mb"] = round(memory_mb("VmRSS"), 1)
    return out


def model_cost(dirs: list[Path], sample: int) -> dict[str, Any]:
    """CPU and wall seconds the real model spends per passage, its sentences included, on the
    first `sample` passages of the starter corpus: the part of an ingest that does not grow
    with the index, to be multiplied by the number of passages."""
    from assistant.embedding import build_embedder

    settings = Settings(corpus_dirs=dirs)
    chunks = read_and_chunk(dirs, settings)[:sample]
    units = [u for c in chunks for u in answer_units(c.text)]
    model = build_embedder(settings)
    model.embed(["échauffement"])

    cpu0, wall0 = own_cpu_seconds(), time.perf_counter()
    for start in range(0, len(chunks), settings.embedding_batch):
        model.embed([c.index_text for c in chunks[start : start + settings.embedding_batch]])
    for start in range(0, len(units), settings.embedding_batch):
        model.embed(units[start : start + settings.embedding_batch])
    cpu1, wall1 = own_cpu_seconds(), time.perf_counter()
    return {
        "passages": len(chunks),
        "sentences": len(units),
        "cpu_s_per_passage": round((cpu1 - cpu0) / len(chunks), 4),
        "wall_s_per_passage": round((wall1 - wall0) / len(chunks), 4),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
    }


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--factor", type=int, default=100)
    parser.add_argument("--json", type=Path, default=Path("evals/scale-profile.json"))
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--model-sample", type=int, default=0, help="only the model's cost")
    parser.add_argument("--no-chroma", action="store_true", help="reading, chunking, BM25 only")
    args = parser.parse_args(argv)
    dirs = [d.resolve() for d in Settings().corpus_dirs if d.is_dir()]
    if args.model_sample:
        cost = model_cost(dirs, args.model_sample)
        saved = json.loads(args.json.read_text()) if args.json.is_file() else {}
        saved["model"] = cost
        args.json.write_text(json.dumps(saved, ensure_ascii=False, indent=2), encoding="utf-8")
        print(json.dumps(cost))
        return
    questions = question_texts(args.questions, 100)
    with tempfile.TemporaryDirectory(prefix="ess-profile-") as tmp:
        result = profile(args.factor, dirs, Path(tmp), questions, not args.no_chroma)
    saved = json.loads(args.json.read_text()) if args.json.is_file() else {}
    saved[str(args.factor)] = result
    args.json.write_text(json.dumps(saved, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
