"""One ingest in its own process, as `ess-assistant ingest` runs it, printing its figures as JSON.

The scale benchmark runs it as a subprocess so that the peak memory it reports (VmHWM) is the
ingest's own, model included, and not the benchmark's. Settings come from `ESS_*` variables.
`--random-vectors` stores random unit vectors under the model's name instead of running it:
everything but the model is measured (see `evals.speed.scale_profile.RandomVectors`).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections.abc import Callable
from functools import partial

from evals.speed.measures import memory_mb, own_cpu_seconds


def pool_mb(setting: int) -> float:
    """Peak memory of the embedding processes an ingest started: the largest one's peak
    (what the kernel keeps of finished children) times their number; 0 without them."""
    from ingest.embed_pool import processes_for

    largest_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return largest_kb / 1024 * processes_for(setting) if largest_kb else 0.0


def main() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    started = time.perf_counter()
    from assistant.config import Settings
    from assistant.embedding import Embedder, build_embedder
    from assistant.store import ChunkStore, open_client
    from ingest.index import ingest

    settings = Settings()
    factory: Callable[[], Embedder] = partial(build_embedder, settings)
    if "--random-vectors" in sys.argv:
        from evals.speed.scale_profile import RandomVectors

        factory = RandomVectors
    embedder = factory()
    model_s = time.perf_counter() - started
    store, _ = ChunkStore.for_ingest(open_client(settings), settings.collection, embedder)
    summary = ingest(settings, store, progress="--progress" in sys.argv, embedder_factory=factory)
    figures = {
        "wall_s": round(time.perf_counter() - started, 3),
        "model_s": round(model_s, 3),
        "ingest_s": round(summary.seconds, 3),
        "chunks_added": summary.chunks_added,
        "sentences_added": summary.sentences_added,
        "chunks_total": summary.chunks_total,
        "documents": len(summary.added) + len(summary.kept) + len(summary.replaced),
        "skipped": len(summary.skipped),
        "stages": summary.stages,
        # the embedding processes too (`ingest.embed_pool`), each counted at the largest's peak
        "peak_rss_mb": round(memory_mb("VmHWM") + pool_mb(settings.ingest_processes), 1),
        "cpu_s": round(own_cpu_seconds(), 2),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
