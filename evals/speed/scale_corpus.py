"""A corpus N times the starter one, for measuring speed and memory, never answer quality.

Size N is the starter corpus itself plus N - 1 synthetic copies. Each synthetic document is made,
deterministically from a seed, of blocks (paragraphs, articles with their heading) drawn from the
starter documents of the same family (legal texts from legal texts, guides from guides), up to
the length of the starter document it stands for; it gets its own id, title, date and catalog
entry. The text is real French from our corpus, so chunking, BM25 analysis and embedding cost what
they cost on real documents; but the answers it supports mean nothing (recombined articles), and
its vocabulary does not grow with its size as a real corpus's would (see `ScaleCorpus.note`).

`python -m evals.speed.scale_corpus --factor 10 --out /tmp/scale-10` writes one and prints its size.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from assistant.errors import DocumentError
from ingest.catalog import CATALOG_FILE, load_catalog
from ingest.chunk import LEGAL_KINDS, is_legal
from ingest.read import SUPPORTED, read_document

NOTE = (
    "Corpus synthétique : articles et paragraphes du corpus de départ recombinés en nouveaux "
    "documents. Il mesure la vitesse et la mémoire, pas la qualité des réponses."
)
_BLANK = re.compile(r"\n\s*\n")
_HEADING = re.compile(r"^(?:#{1,6}\s|Article\s|ARTICLE\s|Art\.\s|Chapitre\s|Titre\s|Section\s)")


@dataclass(frozen=True)
class SourceDocument:
    """One starter document as the generator sees it: its catalog facts and its blocks."""

    doc_id: str
    title: str
    kind: str
    status: str
    date: str
    suffix: str  # of the file written for its copies: ".md" keeps headings, else ".txt"
    legal: bool
    blocks: tuple[str, ...]

    @property
    def chars(self) -> int:
        return sum(len(b) + 2 for b in self.blocks)


@dataclass
class ScaleCorpus:
    """The folders to ingest for one size, and what is in the synthetic one."""

    factor: int
    seed: int
    starter_dirs: list[Path]
    synthetic_dir: Path
    documents: int = 0  # synthetic documents written
    chars: int = 0  # characters of synthetic text written
    starter_documents: int = 0
    starter_chars: int = 0
    files: list[Path] = field(default_factory=list)
    note: str = NOTE

    @property
    def dirs(self) -> list[Path]:
        return [*self.starter_dirs, self.synthetic_dir]


def blocks(text: str) -> list[str]:
    """The text's paragraphs, a heading kept with the paragraph that follows it (pure)."""
    out: list[str] = []
    pending = ""
    for raw in _BLANK.split(text):
        block = raw.strip()
        if not block:
            continue
        if _HEADING.match(block) and "\n" not in block and len(block) < 200:
            pending = f"{pending}\n{block}".strip()
            continue
        out.append(f"{pending}\n\n{block}" if pending else block)
        pending = ""
    if pending:
        out.append(pending)
    return out


def read_sources(dirs: list[Path]) -> list[SourceDocument]:
    """The starter documents of `dirs` (catalogued or not), unreadable ones left out."""
    sources: list[SourceDocument] = []
    for folder in dirs:
        catalog = load_catalog(folder)
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() not in SUPPORTED or path.name == CATALOG_FILE:
                continue
            try:
                read = read_document(path)
            except DocumentError:
                continue
            meta = catalog.meta_for(path, read.title)
            text = "\n\n".join(p.text for p in read.pages)
            parts = blocks(text)
            if not parts:
                continue
            legal = meta.kind.lower() in LEGAL_KINDS or is_legal(meta, read.pages)
            suffix = ".md" if path.suffix.lower() in {".md", ".markdown"} else ".txt"
            sources.append(
                SourceDocument(
                    meta.doc_id,
                    meta.title,
                    meta.kind,
                    meta.status,
                    meta.date,
                    suffix,
                    legal,
                    tuple(parts),
                )
            )
    return sources


def _shifted(day: str, rng: random.Random) -> str:
    """A date near the source's own (its year when it has only a year), moved by up to 3 years."""
    try:
        start = date.fromisoformat(day) if len(day) == 10 else date(int(day[:4] or 2015), 1, 1)
    except ValueError:
        start = date(2015, 1, 1)
    return (start + timedelta(days=rng.randint(-1000, 1000))).isoformat()


def synthetic_text(source: SourceDocument, pool: list[str], rng: random.Random) -> str:
    """Blocks of `pool` in random order until the source's length is reached."""
    parts: list[str] = []
    total = 0
    while total < source.chars:
        block = pool[rng.randrange(len(pool))]
        parts.append(block)
        total += len(block) + 2
    return "\n\n".join(parts) + "\n"


def _toml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def build(starter_dirs: list[Path], out: Path, factor: int, seed: int = 1) -> ScaleCorpus:
    """Write the N - 1 synthetic copies of `starter_dirs` and their catalog into `out`."""
    if factor < 1:
        raise ValueError("factor must be at least 1")
    sources = read_sources(starter_dirs)
    pools = {
        legal: [b for s in sources if s.legal == legal for b in s.blocks] for legal in (True, False)
    }
    out.mkdir(parents=True, exist_ok=True)
    result = ScaleCorpus(factor, seed, list(starter_dirs), out)
    result.starter_documents = len(sources)
    result.starter_chars = sum(s.chars for s in sources)
    rng = random.Random(seed)
    entries: list[str] = []
    for copy in range(1, factor):
        for source in sources:
            doc_id = f"{source.doc_id}-x{copy:03d}"
            file = out / f"{doc_id}{source.suffix}"
            text = synthetic_text(source, pools[source.legal] or list(source.blocks), rng)
            file.write_text(text, encoding="utf-8")
            result.files.append(file)
            result.documents += 1
            result.chars += len(text)
            entries.append(
                "[[document]]\n"
                f"id = {_toml(doc_id)}\nfile = {_toml(file.name)}\n"
                f"title = {_toml(f'{source.title} (recueil synthétique {copy})')}\n"
                f"kind = {_toml(source.kind)}\nstatus = {_toml(source.status)}\n"
                f"date = {_toml(_shifted(source.date, rng))}\n"
                'source = "synthétique (evals/speed/scale_corpus.py)"\n'
            )
    header = f"# {NOTE}\n# Facteur {factor}, graine {seed}.\n\n"
    (out / CATALOG_FILE).write_text(header + "\n".join(entries), encoding="utf-8")
    return result


def extra_document(corpus: ScaleCorpus, name: str = "ajout") -> Path:
    """One more synthetic document (not in the catalog: its id comes from its file name), for
    measuring what adding a single document to a large index costs."""
    sources = read_sources(corpus.starter_dirs)
    rng = random.Random(f"{corpus.seed}-{name}")
    source = max(sources, key=lambda s: (not s.legal, s.chars < 20_000, s.chars))
    path = corpus.synthetic_dir / f"{name}-{corpus.seed}.md"
    path.write_text(synthetic_text(source, list(source.blocks), rng), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> None:
    import argparse

    from assistant.config import Settings

    parser = argparse.ArgumentParser(description=NOTE)
    parser.add_argument("--factor", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    dirs = [d for d in Settings().corpus_dirs if d.is_dir()]
    corpus = build(dirs, args.out, args.factor, args.seed)
    print(
        f"{corpus.documents} documents synthétiques ({corpus.chars / 1e6:.1f} M caractères) "
        f"dans {corpus.synthetic_dir}, en plus de {corpus.starter_documents} documents de départ "
        f"({corpus.starter_chars / 1e6:.2f} M caractères). {NOTE}"
    )


if __name__ == "__main__":
    main()
