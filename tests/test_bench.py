"""The benchmark on a tiny corpus: real ingest, real uvicorn servers (ours with 1 and 2 workers,
the naive pipeline), real HTTP load. Behaviour only: every figure present, no error, nothing
re-embedded by a no-op ingest, the report and chart written. Timings are never asserted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.speed.bench import BenchConfig, run_bench, summary_lines, write_outputs
from tests.fixtures import copy_corpus

TINY = ["loi-1947-1775-art-19-septies-scic.txt", "loi-2000-321-art-9-1-et-10-subventions.txt"]
KEYS = [
    "ingest_cold_s",
    "ingest_noop_s",
    "ask_p50_ms",
    "ask_p95_ms",
    "c16_answers_per_s",
    "c16_p95_ms",
    "errors",
    "peak_rss_mb",
]


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory, shared_corpus: Path) -> dict:
    corpus = copy_corpus(shared_corpus, tmp_path_factory.mktemp("tiny-corpus"), TINY)
    config = BenchConfig(
        corpus_dirs=[corpus],
        max_questions=4,
        load_seconds=1.0,
        workers=(1, 2),
        work_dir=tmp_path_factory.mktemp("bench"),
    )
    return run_bench(config)


def test_bench_reports_every_figure_for_both_pipelines(bench: dict) -> None:
    for figures in (bench, bench["naive"]):
        assert [k for k in KEYS if k not in figures] == []
    assert [k for k in KEYS[2:] if k not in bench["workers_2"]] == []  # served, not ingested
    assert bench["errors_total"] == 0
    assert bench["ask_n"] == 4 and bench["naive"]["ask_n"] == 4
    assert bench["c16_answers"] > 0 and bench["workers_2"]["c16_answers"] > 0
    assert bench["peak_rss_mb"] > 50 and bench["index_mb"] > 0
    # Two workers each load the model: their memory adds up.
    assert bench["workers_2"]["peak_rss_mb"] > bench["peak_rss_mb"]
    assert bench["machine"]["nproc"] >= 1


def test_noop_ingest_embeds_nothing_while_naive_redoes_everything(bench: dict) -> None:
    assert bench["cold_chunks_embedded"] == bench["chunks"] > 0
    assert bench["noop_chunks_embedded"] == 0
    assert bench["naive"]["noop_chunks_embedded"] == bench["naive"]["chunks"] > 0


def test_bench_writes_json_markdown_and_chart(bench: dict, tmp_path: Path) -> None:
    written = write_outputs(bench, tmp_path / "bench.json", tmp_path / "BENCH.md")
    assert json.loads((tmp_path / "bench.json").read_text())["naive"]["errors"] == 0
    markdown = (tmp_path / "BENCH.md").read_text()
    assert "naive (LangChain)" in markdown and "2 workers" in markdown
    assert "| 16 utilisateurs : réponses/s |" in markdown
    chart = tmp_path / "report" / "latency.png"
    assert chart in written and chart.read_bytes().startswith(b"\x89PNG")
    lines = summary_lines(bench)
    assert any(line.startswith("erreurs : 0 / 0") for line in lines)
