"""The scale corpus generator and the scale benchmark at a tiny size: real documents recombined,
real ingests in their own processes, real uvicorn and `chroma run` servers, real HTTP load.
Behaviour only (it runs, it reports every figure, nothing is re-embedded when nothing changed);
timings are never asserted."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from evals.speed.report import write_report
from evals.speed.scale import ScaleConfig, merge, parse_factors, run_scale, variants
from evals.speed.scale_corpus import blocks, build, read_sources
from evals.speed.scale_report import BEGIN, END, write_section
from tests.fixtures import ROOT, copy_corpus

TINY = ["loi-1947-1775-art-19-septies-scic.txt", "loi-2000-321-art-9-1-et-10-subventions.txt"]
FIGURES = [
    "passages",
    "ingest_cold_s",
    "passages_per_s",
    "ingest_peak_mb",
    "ingest_noop_s",
    "add_one_s",
    "index_mb",
    "startup_s",
    "worker_rss_mb",
    "ask_p50_ms",
    "ask_p95_ms",
    "ask_p99_ms",
    "c16_answers_per_s",
    "c16_p95_ms",
]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory, shared_corpus: Path) -> Path:
    return copy_corpus(shared_corpus, tmp_path_factory.mktemp("tiny-corpus"), TINY)


def test_blocks_keep_a_heading_with_its_paragraph() -> None:
    text = "# Titre\n\nArticle 3\n\nLe texte de l'article.\n\n\nUn autre paragraphe."
    assert blocks(text) == ["# Titre\nArticle 3\n\nLe texte de l'article.", "Un autre paragraphe."]


def test_generator_is_deterministic_and_recombines_the_corpus(
    tmp_path: Path, shared_corpus: Path
) -> None:
    first = build([shared_corpus], tmp_path / "a", factor=3, seed=7)
    again = build([shared_corpus], tmp_path / "b", factor=3, seed=7)
    build([shared_corpus], tmp_path / "c", factor=3, seed=8)
    sources = read_sources([shared_corpus])
    assert first.documents == 2 * len(sources) == len(first.files)
    assert first.dirs == [shared_corpus, tmp_path / "a"]
    names = sorted(f.name for f in first.files)
    assert names == sorted(f.name for f in again.files)
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert any(
        (tmp_path / "a" / n).read_bytes() != (tmp_path / "c" / n).read_bytes() for n in names
    )
    catalog = tomllib.loads((tmp_path / "a" / "catalog.toml").read_text(encoding="utf-8"))
    entries = catalog["document"]
    ids = [e["id"] for e in entries]
    assert len(set(ids)) == len(ids) == first.documents
    assert not set(ids) & {s.doc_id for s in sources}
    assert first.chars >= 2 * first.starter_chars  # each copy at least as long as its source
    pool = {b for s in sources for b in s.blocks}
    some = (tmp_path / "a" / entries[0]["file"]).read_text(encoding="utf-8")
    pieces = [p.strip() for p in some.split("\n\n") if p.strip()]
    assert pieces and all(any(p in b for b in pool) for p in pieces)  # the corpus's own text


def test_questions_are_made_new_to_the_caches() -> None:
    asked = variants(["Qu'est-ce qu'une SCIC ?", "Comment créer une SCOP ?"])
    assert len(set(asked)) == len(asked) == 10
    assert asked[0] == "Pour une commune, qu'est-ce qu'une SCIC ?"
    assert asked[-1] == "Comment créer une SCOP ?"  # the bare questions last
    assert parse_factors("1,10,100") == [1, 10, 100]
    with pytest.raises(ValueError, match="--scale"):
        parse_factors("1,dix")


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory, tiny: Path) -> list[dict]:
    rows: list[dict] = []
    base = dict(
        starter_dirs=[tiny],
        single_questions=3,
        load_seconds=1.0,
    )
    embedded = ScaleConfig(
        factors=(1, 2),
        load_workers=2,  # the 16 users load a second server, with two workers
        work_dir=tmp_path_factory.mktemp("scale"),
        **base,  # type: ignore[arg-type]
    )
    result = run_scale(embedded, rows.append)
    assert result["rows"] == rows
    server = ScaleConfig(
        factors=(2,),
        modes=("server",),
        work_dir=tmp_path_factory.mktemp("scale-server"),
        **base,  # type: ignore[arg-type]
    )
    run_scale(server, rows.append)
    return rows


def test_scale_bench_reports_every_figure_at_each_size_and_mode(measured: list[dict]) -> None:
    assert [(r["factor"], r["mode"]) for r in measured] == [
        (1, "embedded"),
        (2, "embedded"),
        (2, "server"),
    ]
    for row in measured:
        assert [k for k in FIGURES if not isinstance(row.get(k), int | float)] == []
        assert row["errors"] == 0 and row["ask_n"] == 3
        assert row["noop_passages_embedded"] == 0  # nothing changed, nothing re-embedded
        assert row["add_one_passages"] > 0
        assert row["sentences"] > row["passages"] > 0
        assert {"embed", "store", "lexical"} <= set(row["stages_cold"])
    one, two, server = measured
    assert two["passages"] > one["passages"] and two["documents"] == 2 * one["documents"]
    assert server["passages"] == two["passages"]  # same corpus, either Chroma
    assert server["chroma_server_rss_mb"] > 0
    assert [r["c16_workers"] for r in measured] == [2, 2, 1]


def test_scale_report_is_a_section_of_bench_md_kept_by_the_speed_bench(
    measured: list[dict], tmp_path: Path
) -> None:
    results = tmp_path / "scale.json"
    report = tmp_path / "BENCH.md"
    report.write_text("# Benchmark\n\nles chiffres du banc de vitesse\n", encoding="utf-8")
    for row in measured:
        saved = merge(results, row)
        written = write_section(saved, report)
    saved = merge(results, measured[0])  # measured again: replaced, not added
    assert len(json.loads(results.read_text())["rows"]) == 3 == len(saved["rows"])
    saved = merge(results, {**measured[0], "vectors": "random"})  # another kind: kept apart
    assert len(saved["rows"]) == 4
    write_section(saved, report)
    text = report.read_text(encoding="utf-8")
    assert text.count(BEGIN) == 1 and text.count(END) == 1
    assert "les chiffres du banc de vitesse" in text
    assert "| ajout d'un document (s) | ≤ 5 |" in text and "2× serveur Chroma" in text
    chart = tmp_path / "report" / "scale.png"
    assert chart in written and chart.read_bytes().startswith(b"\x89PNG")
    # The speed benchmark rewrites BENCH.md but keeps the scale section.
    bench = json.loads((ROOT / "evals" / "bench.json").read_text(encoding="utf-8"))
    write_report(bench, report)
    text = report.read_text(encoding="utf-8")
    assert "# Benchmark : vitesse" in text and text.count(BEGIN) == 1
