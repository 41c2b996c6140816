"""Test material that test files import: the project's root, real PDFs, settings on a temporary
folder, a counting embedder, a small corpus. The pytest fixtures proper live in conftest.py,
which no test imports."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assistant.config import Settings
from assistant.embedding import Embedder

ROOT = Path(__file__).resolve().parents[1]

# The fields of an answer, the same in POST /ask and `ess-assistant ask --json`.
ANSWER_KEYS = {
    "answer",
    "refused",
    "citations",
    "warnings",
    "question",
    "llm_shown",
    "llm_rejected",
}


class CountingEmbedder:
    """The real embedder, counting the texts it is asked to embed."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self.texts = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.texts += len(texts)
        return self.inner.embed(texts)


def make_settings(tmp_path: Path, *dirs: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", corpus_dirs=list(dirs))


def make_pdf(path: Path, pages: list[list[str]], header: str = "", footer: bool = True) -> Path:
    """A real PDF with one text line per entry, a running header and a "Page n / N" footer."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    _, height = A4
    for number, lines in enumerate(pages, 1):
        if header:
            c.drawString(50, height - 40, header)
        y = height - 80
        for line in lines:
            c.drawString(50, y, line)
            y -= 16
        if footer:
            c.drawString(270, 30, f"Page {number} / {len(pages)}")
        c.showPage()
    c.save()
    return path


def copy_corpus(source: Path, folder: Path, names: Sequence[str]) -> Path:
    """`folder` holding the documents `names` of `source` and its catalog: a corpus small enough
    for a test to ingest and serve in seconds."""
    for name in [*names, "catalog.toml"]:
        shutil.copy(source / name, folder / name)
    return folder
