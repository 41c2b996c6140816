"""Hostile files ingested beside the good corpus, by the real `ess-assistant ingest` in a child
process: no crash, each bad file reported with a French reason, each good one indexed, and
the child's peak memory close to that of an ingest of the good corpus alone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.embedding import Embedder
from assistant.pipeline import Assistant
from tests.fixtures import ROOT
from tests.hostile_files import Expect, build, huge_text, long_pdf

LONG_PDF_PAGES = 5000
PAGE_CAP = 300  # ESS_MAX_PDF_PAGES for the run: the 5,000-page PDF is read up to here
MEMORY_MARGIN_MB = 1500

# What a user may read as a reason: French words only, beside a Python class name at most.
FRENCH_REASONS = (
    "format non pris en charge",
    "fichier",
    "PDF",
    "lien symbolique",
    "pas un fichier ordinaire",
    "identifiant",
    "aucun passage",
    "lecture refusée",
    "nom de fichier",
)

_RUN = """
import resource, sys
from assistant.cli import main
try:
    main()
finally:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"PEAK_KB={peak}", file=sys.stderr)
"""


def run_ingest(data: Path, corpus: list[Path], extra_env: dict[str, str]) -> tuple[str, int]:
    """`ess-assistant ingest` in a child process; its output and its peak RSS in MB."""
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "ESS_DATA_DIR": str(data),
        "ESS_CORPUS_DIRS": json.dumps([str(c) for c in corpus]),
        **extra_env,
    }
    done = subprocess.run(
        [sys.executable, "-c", _RUN, "ingest"],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    peak = next(
        int(line.split("=")[1]) for line in done.stderr.splitlines() if line.startswith("PEAK_KB=")
    )
    return done.stdout, peak // 1024


@pytest.fixture(scope="session")
def big_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The 200 MB text and the 5,000-page PDF, made once per session."""
    folder = tmp_path_factory.mktemp("big")
    pdf = folder / "code-tres-long.pdf"
    long_pdf(pdf, LONG_PDF_PAGES)
    return huge_text(folder / "repetition-200-mo.txt"), pdf


@pytest.fixture(scope="module")
def hostile_run(
    tmp_path_factory: pytest.TempPathFactory, big_files: tuple[Path, Path]
) -> tuple[list[Expect], str, int, int, Path]:
    base = tmp_path_factory.mktemp("hostile")
    hostile = base / "documents hostiles"
    expected = build(hostile, *big_files)
    env = {"ESS_MAX_PDF_PAGES": str(PAGE_CAP)}
    _, baseline = run_ingest(base / "data-good", [ROOT / "corpus"], env)
    corpus = [ROOT / "corpus", hostile, *big_files]
    output, peak = run_ingest(base / "data", corpus, env)
    return expected, output, baseline, peak, base / "data"


def _skipped(output: str) -> dict[str, str]:
    lines = [ln.removeprefix("Ignoré : ") for ln in output.splitlines() if ln.startswith("Ignoré")]
    return dict(ln.split(" : ", 1) for ln in lines)


def test_at_least_fifty_hostile_files(
    hostile_run: tuple[list[Expect], str, int, int, Path],
) -> None:
    expected = hostile_run[0]
    bad = [e for e in expected if e.outcome != "index"]
    assert len(expected) >= 50 and len(bad) >= 40


def test_every_bad_file_is_reported_with_a_french_reason(
    hostile_run: tuple[list[Expect], str, int, int, Path], embedder: Embedder
) -> None:
    expected, output, _, _, data = hostile_run
    skipped = _skipped(output)
    indexed = {d["doc_id"] for d in _documents(data, embedder)}
    for item in expected:
        reason = skipped.get(str(item.path))
        if item.outcome == "skip":
            assert reason is not None, f"{item.path.name} not reported:\n{output}"
            assert item.words in reason, (item.path.name, reason)
        elif item.outcome == "either":
            from ingest.catalog import slug

            assert reason is not None or slug(item.path.stem) in indexed, item.path.name
    for path, reason in skipped.items():
        assert reason.startswith(FRENCH_REASONS), (path, reason)


def test_every_good_file_is_indexed(
    hostile_run: tuple[list[Expect], str, int, int, Path], embedder: Embedder
) -> None:
    expected, output, _, _, data = hostile_run
    docs = {d["doc_id"]: d for d in _documents(data, embedder)}
    notes = {p.stem for p in (ROOT / "corpus").glob("*.md")}
    assert len([d for d in docs.values() if d["kind"] == "fiche"]) == len(notes)
    for item in expected:
        if item.outcome == "index":
            assert item.doc_id in docs, f"{item.path.name} not indexed:\n{output}"
    assert f"PDF de {LONG_PDF_PAGES} pages, seules les {PAGE_CAP} premières" in output


def test_odd_encodings_are_read_right(
    hostile_run: tuple[list[Expect], str, int, int, Path], embedder: Embedder
) -> None:
    data = hostile_run[4]
    assistant = Assistant.open(Settings(data_dir=data, corpus_dirs=[]), embedder)
    texts = {
        meta["doc_id"]: text
        for _, text, meta in assistant.store.records()
        if meta["doc_id"] in {"note-latin1", "fiche-windows", "note-utf16"}
    }
    assert "régies de quartier" in texts["note-latin1"]
    assert "\r" not in texts["fiche-windows"] and "CAE accompagnent" in texts["fiche-windows"]
    assert "collectivités territoriales" in texts["note-utf16"]


def test_memory_stays_bounded(hostile_run: tuple[list[Expect], str, int, int, Path]) -> None:
    """The 200 MB text is never read and the long PDF is read page by page up to its cap."""
    _, _, baseline, peak, _ = hostile_run
    print(f"peak RSS: good corpus {baseline} MB, with hostile files {peak} MB")
    assert peak - baseline < MEMORY_MARGIN_MB


def _documents(data: Path, embedder: Embedder) -> list[dict[str, object]]:
    return Assistant.open(Settings(data_dir=data, corpus_dirs=[]), embedder).documents()
