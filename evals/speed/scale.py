"""The scale benchmark: the same measures at 1×, 10×, 100× the starter corpus, side by side.

At each size (see `evals/speed/scale_corpus.py`, which builds the corpus): cold ingest (time,
passages per second, peak memory), re-ingest with nothing changed, adding one document, index size on
disk, worker start-up (model and index ready), memory per worker, `/ask` latency for one user
asking new questions, and 16 users asking questions that are mostly new to the server; in
embedded Chroma and, optionally, with a `chroma run` server (`ESS_CHROMA_URL`).

`ess-assistant bench --scale 1,10,100 [--chroma-server]`. Each size's figures are written as soon
as they are measured (`evals/scale.json`, the scale section of `evals/BENCH.md`), so a long run
that is stopped keeps what it measured. Figures are printed, never asserted.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.questions import QUESTIONS, question_texts
from evals.speed.load import LoadResult, Server, concurrent_users, one_user, serve, serve_chroma
from evals.speed.measures import folder_mb, machine
from evals.speed.scale_corpus import ScaleCorpus, build, extra_document

OURS_APP = "assistant.server.app:app_from_env"
# Openings that make a known question new to a server's caches without changing what it asks.
PREFIXES = (
    "Pour une commune, ",
    "Concrètement, ",
    "Dans une intercommunalité, ",
    "Pour un département, ",
    "",
)


@dataclass
class ScaleConfig:
    factors: Sequence[int]
    starter_dirs: list[Path]
    # "embedded" (Chroma in the data folder) and/or "server" (a `chroma run` started here)
    modes: Sequence[str] = ("embedded",)
    seed: int = 1
    questions: Path = QUESTIONS
    single_questions: int = 80  # asked once each, one after the other, by one user
    users: int = 16
    # uvicorn workers of the server the 16 users load: a deployment runs one per core (start-up,
    # one user and a worker's memory are always measured on a one-worker server); 0 = one per core
    load_workers: int = 1
    load_seconds: float = 15.0
    single_seconds: float = 120.0  # a bound on the one-user pass on a slow machine
    work_dir: Path | None = None  # corpora, data folders, logs; a temporary folder if None
    progress: bool = False  # the ingest's progress bar on stderr
    # Random vectors stored under the model's name at ingest (the model runs only to answer):
    # measures everything that grows with the corpus when the model cannot be run at that size
    # in the time available. Its ingest figures then leave the model out; said in the report.
    random_vectors: bool = False
    # Measure only the server again (start-up, 1 and 16 users) on the index a previous run left
    # in `work_dir`: a change to query time is measured without a 15-minute ingest; the row keeps
    # that run's ingest figures (see `run_and_report`).
    serve_only: bool = False
    extra_env: dict[str, str] = field(default_factory=dict)


def variants(questions: Sequence[str]) -> list[str]:
    """Every question under each opening, the bare ones last: the load asks new questions
    first, as many as there are, and only then questions a worker has seen."""
    out = []
    for prefix in PREFIXES:
        for q in questions:
            out.append(prefix + (q[0].lower() + q[1:] if prefix and q else q))
    return out


def run_ingest(
    env: dict[str, str], log: Path, progress: bool, random_vectors: bool = False
) -> dict[str, Any]:
    """`evals.speed.scale_ingest` in a subprocess; its figures."""
    command = [
        sys.executable,
        "-m",
        "evals.speed.scale_ingest",
        *(["--progress"] if progress else []),
    ]
    command += ["--random-vectors"] if random_vectors else []
    with log.open("ab") as err:
        done = subprocess.run(
            command,
            env={**os.environ, **env},
            stdout=subprocess.PIPE,
            stderr=None if progress else err,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"ingest failed ({done.returncode}); see {log}")
    return dict(json.loads(done.stdout.decode().strip().splitlines()[-1]))


def measure_ingests(
    corpus: ScaleCorpus,
    env: dict[str, str],
    mode: str,
    work: Path,
    progress: bool,
    random_vectors: bool = False,
) -> dict[str, Any]:
    """Cold ingest, the same again with nothing changed, then one more document."""
    log = work / f"ingest-{mode}-{corpus.factor}.log"
    cold = run_ingest(env, log, progress, random_vectors)
    noop = run_ingest(env, log, False, random_vectors)
    extra = extra_document(corpus, f"ajout-{mode}")
    try:
        added = run_ingest(env, log, False, random_vectors)
    finally:
        extra.unlink()
    core = max(cold["ingest_s"], 1e-6)
    return {
        "documents": cold["documents"],
        "passages": cold["chunks_total"],
        "sentences": cold["sentences_added"],
        "ingest_cold_s": cold["wall_s"],
        "ingest_cold_cpu_s": cold["cpu_s"],
        "passages_per_s": round(cold["chunks_added"] / core, 1),
        "ingest_peak_mb": cold["peak_rss_mb"],
        "ingest_noop_s": noop["ingest_s"],
        "noop_passages_embedded": noop["chunks_added"],
        "add_one_s": added["ingest_s"],
        "add_one_cpu_s": added["cpu_s"],
        "add_one_passages": added["chunks_added"],
        "model_load_s": cold["model_s"],
        "stages_cold": cold["stages"],
        "stages_noop": noop["stages"],
        "stages_add_one": added["stages"],
    }


def latency(single: LoadResult, loaded: LoadResult, users: int, distinct: int) -> dict[str, Any]:
    asked = len(loaded.latencies_ms) + loaded.errors
    return {
        "ask_n": len(single.latencies_ms),
        **single.percentiles("ask"),
        f"c{users}_answers_per_s": round(loaded.per_second, 1),
        **loaded.percentiles(f"c{users}", (50, 95)),
        f"c{users}_new_share": round(min(distinct, asked) / asked, 2) if asked else 0.0,
        "errors": single.errors + loaded.errors,
    }


def measure_served(
    env: dict[str, str],
    questions: list[str],
    config: ScaleConfig,
    log: Path,
    chroma: Server | None = None,
) -> dict[str, Any]:
    """A fresh one-worker server: start-up, one user with new questions, then 16 users; the
    CPU time each costs the worker (and the Chroma server), which a busy machine distorts far
    less than wall time."""
    asked = variants(questions)

    def cpu() -> float:
        return server.cpu_seconds() + (chroma.cpu_seconds() if chroma else 0.0)

    workers = config.load_workers or os.cpu_count() or 1
    with serve(OURS_APP, env, workers=1, log=log, wait_s=900) as server:
        startup_s, startup_cpu = server.ready_s, server.cpu_seconds()
        before = cpu()
        single = one_user(server.url, questions[: config.single_questions], config.single_seconds)
        after = cpu()
        figures = {"worker_rss_mb": round(server.peak_rss_mb(), 1)}
        if workers == 1:
            loaded, load_cpu = load(server, asked, config, cpu)
    if workers > 1:
        with serve(OURS_APP, env, workers=workers, log=log, wait_s=900) as server:
            # each worker's first answer opens the HNSW index: not part of the load
            warm = [f"Question d'échauffement {i} : {q}" for i, q in enumerate(questions[:32])]
            concurrent_users(server.url, warm, 8, 60.0, requests=len(warm), stride=4)
            loaded, load_cpu = load(server, asked, config, cpu)
    figures |= latency(single, loaded, config.users, len(asked))
    figures["c16_workers"] = workers
    figures["startup_s"] = round(startup_s, 2)
    figures["startup_cpu_s"] = round(startup_cpu, 2)
    answered = len(single.latencies_ms)
    figures["ask_cpu_ms"] = round(1000 * (after - before) / answered, 1) if answered else 0.0
    answered = len(loaded.latencies_ms)
    figures["c16_cpu_ms"] = round(1000 * load_cpu / answered, 1) if answered else 0.0
    return figures


def load(
    server: Server, asked: list[str], config: ScaleConfig, cpu: Callable[[], float]
) -> tuple[LoadResult, float]:
    """`config.users` users asking `asked`, each from its own part; the CPU seconds it cost."""
    before = cpu()
    stride = max(len(asked) // config.users, 1)
    loaded = concurrent_users(server.url, asked, config.users, config.load_seconds, stride=stride)
    return loaded, cpu() - before


@contextlib.contextmanager
def chroma_for(mode: str, path: Path, log: Path) -> Iterator[Server | None]:
    if mode != "server":
        yield None
        return
    with serve_chroma(path, log) as server:
        yield server


def measure_size(
    corpus: ScaleCorpus, mode: str, questions: list[str], config: ScaleConfig, work: Path
) -> dict[str, Any]:
    """Every figure of one size in one mode ("embedded" or "server")."""
    data = work / f"data-{mode}-{corpus.factor}"
    chroma_path = work / f"chroma-server-{corpus.factor}"
    env = {
        "ESS_DATA_DIR": str(data),
        "ESS_CORPUS_DIRS": json.dumps([str(d) for d in corpus.dirs]),
        "HF_HUB_OFFLINE": "1",
        **config.extra_env,
    }
    row: dict[str, Any] = {"factor": corpus.factor, "mode": mode, "seed": corpus.seed}
    row["vectors"] = "random" if config.random_vectors else "model"
    row["measured"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    row["loadavg_start"] = [round(x, 2) for x in os.getloadavg()]
    started = time.perf_counter()
    with chroma_for(mode, chroma_path, work / f"chroma-{corpus.factor}.log") as chroma:
        if chroma is not None:
            env["ESS_CHROMA_URL"] = chroma.url
        if config.serve_only:
            if not data.is_dir():
                raise RuntimeError(f"--serve-only: no index in {data}")
            row["served_only"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
            # An ingest first, nothing changed in the corpus: the index then has what this
            # code's ingest writes (sentences split anew, files a worker loads), as a deployment
            # would after upgrading. Its time is kept apart from the cold-ingest figures.
            log = work / f"ingest-{mode}-{corpus.factor}.log"
            again = run_ingest(env, log, config.progress, config.random_vectors)
            row["serve_only_ingest_s"] = again["wall_s"]
        else:
            row |= measure_ingests(corpus, env, mode, work, config.progress, config.random_vectors)
        row["index_mb"] = round(folder_mb(data) + (folder_mb(chroma_path) if chroma else 0), 1)
        log = work / f"serve-{mode}-{corpus.factor}.log"
        row |= measure_served(env, questions, config, log, chroma)
        if chroma is not None:
            row["chroma_server_rss_mb"] = round(chroma.peak_rss_mb(), 1)
    row["bench_s"] = round(time.perf_counter() - started, 1)
    row["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    return row


def run_scale(
    config: ScaleConfig, on_row: Callable[[dict[str, Any]], None] | None = None
) -> dict[str, Any]:
    """Every size in every mode; `on_row` is called with each row as soon as it is measured."""
    questions = question_texts(config.questions)
    result: dict[str, Any] = {"machine": machine(), "rows": []}
    with tempfile.TemporaryDirectory(prefix="ess-scale-") as tmp:
        work = config.work_dir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for factor in config.factors:
            corpus = build(config.starter_dirs, work / f"corpus-{factor}", factor, config.seed)
            for mode in config.modes:
                row = measure_size(corpus, mode, questions, config, work)
                row["synthetic_documents"] = corpus.documents
                result["rows"].append(row)
                if on_row:
                    on_row(row)
    result["machine"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    return result


def _key(row: dict[str, Any]) -> tuple[int, str, str]:
    return row["factor"], row["mode"], row.get("vectors", "model")


def merge(path: Path, row: dict[str, Any]) -> dict[str, Any]:
    """The results file with `row` in place of the earlier row of the same size, mode and
    kind of vectors."""
    saved: dict[str, Any] = {"rows": []}
    if path.is_file():
        saved = json.loads(path.read_text(encoding="utf-8"))
    rows = [r for r in saved.get("rows", []) if _key(r) != _key(row)]
    rows.append(row)
    saved["rows"] = sorted(
        rows, key=lambda r: (r.get("vectors") != "model", r["mode"] != "embedded", r["factor"])
    )
    saved["machine"] = machine()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(saved, ensure_ascii=False, indent=2), encoding="utf-8")
    return saved


def summary_line(row: dict[str, Any]) -> str:
    return (
        f"{row['factor']}× ({row['mode']}, vecteurs {row.get('vectors')}) : {row['passages']} passages, ingestion "
        f"{row['ingest_cold_s']} s ({row['passages_per_s']} passages/s, {row['ingest_peak_mb']} "
        f"Mo), ajout d'un document {row['add_one_s']} s, démarrage {row['startup_s']} s, "
        f"worker {row['worker_rss_mb']} Mo, /ask p50 {row['ask_p50_ms']} ms p95 "
        f"{row['ask_p95_ms']} ms, 16 utilisateurs {row['c16_answers_per_s']} réponses/s p95 "
        f"{row['c16_p95_ms']} ms, erreurs {row['errors']}"
    )


def parse_factors(text: str) -> list[int]:
    """ "1,10,100" -> [1, 10, 100]; a French error for anything else."""
    try:
        factors = [int(part) for part in text.split(",") if part.strip()]
    except ValueError as exc:
        raise ValueError(f"--scale : « {text} » n'est pas une liste d'entiers (1,10,100)") from exc
    if not factors or min(factors) < 1:
        raise ValueError("--scale : des tailles de 1 ou plus, séparées par des virgules")
    return factors


def run_and_report(
    config: ScaleConfig, json_out: Path, report: Path, echo: Callable[[str], None] = print
) -> dict[str, Any]:
    """Measure, writing each row into `json_out` and the scale section of `report` as it comes."""
    from evals.speed.scale_report import write_section

    def on_row(row: dict[str, Any]) -> None:
        if config.serve_only:  # the ingest figures of the run that built the index
            saved = json.loads(json_out.read_text("utf-8")) if json_out.is_file() else {}
            earlier = [r for r in saved.get("rows", []) if _key(r) == _key(row)]
            if earlier:
                row = {**earlier[0], **row}
        profile_file = json_out.with_name("scale-profile.json")
        profile = json.loads(profile_file.read_text("utf-8")) if profile_file.is_file() else None
        write_section(merge(json_out, row), report, profile)
        echo(summary_line(row))

    return run_scale(config, on_row)
