"""The speed benchmark: ingest, `/ask` latency at 1 and 16 users, memory and index size, for
the product (1 and 2 workers) and the naive LangChain pipeline, served by the same uvicorn.

`python -m evals.speed.bench [--json OUT] [--report evals/BENCH.md]` or `ess-assistant bench`.
Figures are printed, never asserted: the machine is shared and its load varies.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.embedding import Embedder, build_embedder
from assistant.store import ChunkStore, open_client
from evals.baselines import NaiveRag, split_corpus
from evals.questions import QUESTIONS, question_texts
from evals.speed.load import LoadResult, concurrent_users, one_user, serve
from evals.speed.measures import folder_mb, machine
from ingest.index import ingest

OURS_APP = "assistant.server.app:app_from_env"
NAIVE_APP = "evals.speed.naive_server:app_from_env"


@dataclass
class BenchConfig:
    corpus_dirs: list[Path]
    questions: Path = QUESTIONS
    max_questions: int = 0  # 0 = all
    users: int = 16
    load_seconds: float = 20.0
    single_seconds: float = 90.0  # a bound on the one-user pass on a slow or busy machine
    hot_questions: int = 32  # what the 16 users ask, over and over: the frequent questions
    warm_rounds: int = 6  # unmeasured asks of each hot question first, so every worker has
    # seen each one (its caches are per worker) whatever the number of workers
    workers: Sequence[int] = (1, 2)
    work_dir: Path | None = None  # data folders and server logs; a temporary folder if None
    extra_env: dict[str, str] = field(default_factory=dict)


def measure_ingest(settings: Settings, embedder: Embedder) -> dict[str, Any]:
    """Cold ingest into an empty data folder, then again with nothing changed."""
    out: dict[str, Any] = {}
    for run in ("cold", "noop"):
        started = time.perf_counter()
        store, _ = ChunkStore.for_ingest(open_client(settings), settings.collection, embedder)
        summary = ingest(settings, store)
        out[f"ingest_{run}_s"] = round(time.perf_counter() - started, 3)
        out[f"{run}_chunks_embedded"] = summary.chunks_added
    out["documents"] = len(summary.kept) + len(summary.added) + len(summary.replaced)
    out["chunks"] = summary.chunks_total
    out["index_mb"] = round(folder_mb(settings.data_dir), 2)
    return out


def measure_naive_ingest(corpus_dirs: list[Path], embedder: Embedder) -> dict[str, Any]:
    """The naive pipeline keeps nothing between runs: its 'no-op' ingest redoes everything."""
    out: dict[str, Any] = {}
    for run in ("cold", "noop"):
        started = time.perf_counter()
        passages = split_corpus(corpus_dirs)
        NaiveRag.build(passages, embedder)
        out[f"ingest_{run}_s"] = round(time.perf_counter() - started, 3)
        out[f"{run}_chunks_embedded"] = len(passages)
    out["chunks"] = len(passages)
    out["index_mb"] = 0.0  # in memory only: counted in its server's RSS
    return out


def latency_figures(
    single: LoadResult, again: LoadResult, loaded: LoadResult, users: int
) -> dict[str, Any]:
    prefix = f"c{users}"
    return {
        "ask_n": len(single.latencies_ms),
        **single.percentiles("ask"),
        **again.percentiles("ask_repeat", (50, 95)),
        f"{prefix}_answers": len(loaded.latencies_ms),
        f"{prefix}_seconds": round(loaded.seconds, 1),
        f"{prefix}_answers_per_s": round(loaded.per_second, 1),
        **loaded.percentiles(prefix),
        "errors": single.errors + again.errors + loaded.errors,
    }


def measure_served(
    app: str,
    env: dict[str, str],
    workers: int,
    questions: list[str],
    config: BenchConfig,
    log: Path,
) -> dict[str, Any]:
    """One user through every question (each new to the server), the same user asking the
    frequent questions again, then `users` at once asking the frequent questions."""
    hot = questions[: config.hot_questions] or questions
    with serve(app, env, workers=workers, log=log) as server:
        one_user(server.url, ["Qu'est-ce qu'une SCOP ?"])  # pays for lazy imports: not measured
        single = one_user(server.url, questions, config.single_seconds)
        warm = len(hot) * config.warm_rounds
        concurrent_users(server.url, hot, config.users, config.single_seconds, warm)
        again = one_user(server.url, hot, config.single_seconds)
        loaded = concurrent_users(server.url, hot, config.users, config.load_seconds)
        figures = latency_figures(single, again, loaded, config.users)
        figures["peak_rss_mb"] = round(server.peak_rss_mb(), 1)
    figures["workers"] = workers
    return figures


def run_bench(config: BenchConfig) -> dict[str, Any]:
    """Every figure of the benchmark, ours at the top level and the naive pipeline's under
    "naive"; ours with more workers under "workers_N"."""
    questions = question_texts(config.questions, config.max_questions)
    result: dict[str, Any] = {"machine": machine(), "questions": len(questions)}
    result["hot_questions"] = min(config.hot_questions, len(questions))
    with tempfile.TemporaryDirectory(prefix="ess-bench-") as tmp:
        work = config.work_dir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        dirs = [d.resolve() for d in config.corpus_dirs]
        settings = Settings(data_dir=work / "data", corpus_dirs=dirs)
        embedder = build_embedder(settings)
        result["embedding"] = embedder.name
        result["corpus_dirs"] = [str(d) for d in config.corpus_dirs]
        result |= measure_ingest(settings, embedder)
        env = {
            "ESS_DATA_DIR": str(settings.data_dir),
            "ESS_CORPUS_DIRS": json.dumps([str(d) for d in dirs]),
            "HF_HUB_OFFLINE": "1",
            **config.extra_env,
        }
        for workers in config.workers:
            figures = measure_served(
                OURS_APP, env, workers, questions, config, work / f"ours-{workers}.log"
            )
            if workers == config.workers[0]:
                result |= figures
            else:
                result[f"workers_{workers}"] = figures
        naive = measure_naive_ingest(dirs, embedder)
        naive |= measure_served(NAIVE_APP, env, 1, questions, config, work / "naive.log")
        result["naive"] = naive
    result["errors_total"] = (
        result["errors"]
        + naive["errors"]
        + sum(result[f"workers_{w}"]["errors"] for w in config.workers[1:])
    )
    result["machine"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    return result


def summary_lines(result: dict[str, Any]) -> list[str]:
    """The figures as `ours / naive`, one line each, as the CLI prints them."""
    from evals.speed.report import ROWS

    naive = result["naive"]
    return [f"{label} : {result.get(key, '-')} / {naive.get(key, '-')}" for key, label in ROWS]


def write_outputs(result: dict[str, Any], json_out: Path | None, report: Path | None) -> list[Path]:
    from evals.speed.report import write_report

    written = []
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
        written.append(json_out)
    if report:
        written += write_report(result, report)
    return written


def main(argv: Sequence[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Benchmark ess-assistant against the naive RAG")
    parser.add_argument("--json", type=Path, dest="json_out")
    parser.add_argument("--report", type=Path, default=Path("evals/BENCH.md"))
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    settings = Settings()
    config = BenchConfig(
        corpus_dirs=list(settings.corpus_dirs), questions=args.questions, load_seconds=args.seconds
    )
    result = run_bench(config)
    for line in summary_lines(result):
        print(line)
    for path in write_outputs(result, args.json_out, args.report):
        print(f"written: {path}")


if __name__ == "__main__":
    main()
