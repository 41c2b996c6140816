"""The folder of imported articles (`data/legifrance/`): one text file per article version and
the `catalog.toml` that gives ingest each version's title, dates, status and Légifrance URL.

The catalog is the sync's memory: a version already held is rewritten only if Légifrance changed
it, so a sync with nothing new writes nothing. A version superseded by a newer one stays, as
"historique" with its dates; a version that disappears from the list is left as it is.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from assistant.references import article_url
from ingest.catalog import CATALOG_FILE, slug
from ingest.legifrance.article import ArticleVersion, Version, status
from ingest.legifrance.targets import Target

log = logging.getLogger(__name__)

LICENCE = "texte officiel, réutilisation libre (Licence Ouverte 2.0, données Légifrance de la DILA)"
_MONTHS = [
    *("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août"),
    *("septembre", "octobre", "novembre", "décembre"),
]


@dataclass(frozen=True)
class Imported:
    """One article version held in the folder: what its catalog entry is computed from."""

    legiarti: str
    file: str
    text_title: str  # "Code de la commande publique"
    text_short: str  # "Code de la commande publique", "Loi n° 2014-856"
    text_id: str
    kind: str  # code | loi | ordonnance | décret
    article: str  # "L2111-3"
    state: str  # VIGUEUR, MODIFIE, ABROGE...
    valid_from: str
    valid_to: str

    @property
    def doc_id(self) -> str:
        return slug(Path(self.file).stem)

    @property
    def current(self) -> bool:
        return status(self.state) == "en vigueur"

    @property
    def title(self) -> str:
        """ "Code de la commande publique, article L2111-3", and for a past version the period
        its wording was in force."""
        title = f"{self.text_title}, article {self.article}"
        if self.current:
            return title
        end = f" au {french_date(self.valid_to)}" if self.valid_to else ""
        return f"{title} (rédaction en vigueur du {french_date(self.valid_from)}{end})"

    @property
    def short(self) -> str:
        return f"{self.text_short}, art. {self.article}"

    @property
    def url(self) -> str:
        return article_url(self.legiarti, in_code=self.kind == "code")

    @property
    def note(self) -> str:
        if self.current:
            return f"Version en vigueur depuis le {french_date(self.valid_from)}."
        ended = f" le {french_date(self.valid_to)}" if self.valid_to else ""
        change = "abrogée" if self.state.startswith("ABROGE") else "remplacée"
        return f"Version {change}{ended} (état Légifrance : {self.state})."

    def catalog_entry(self) -> dict[str, str]:
        return {
            "id": self.doc_id,
            "file": self.file,
            "title": self.title,
            "short": self.short,
            "kind": self.kind,
            "date": self.valid_from,
            "status": status(self.state),
            "source": self.url,
            "licence": LICENCE,
            "note": self.note,
            "legiarti": self.legiarti,
            "url": self.url,
            "valid_from": self.valid_from,
            "valid_to": self.valid_to,
            "texte": self.text_title,
            "texte_court": self.text_short,
            "texte_id": self.text_id,
            "article": self.article,
            "etat": self.state,
        }

    @classmethod
    def from_catalog(cls, entry: dict[str, object]) -> Imported:
        keys = {
            "legiarti": "legiarti",
            "file": "file",
            "text_title": "texte",
            "text_short": "texte_court",
            "text_id": "texte_id",
            "kind": "kind",
            "article": "article",
            "state": "etat",
            "valid_from": "valid_from",
            "valid_to": "valid_to",
        }
        return cls(**{f: str(entry.get(k, "")) for f, k in keys.items()})

    def with_version(self, version: Version) -> Imported:
        """This version as a newer version list describes it (its state and end date)."""
        return replace(
            self,
            state=version.state or self.state,
            valid_from=version.valid_from or self.valid_from,
            valid_to=version.valid_to,
        )


def imported(target: Target, article: ArticleVersion) -> Imported:
    kind = target.kind or ("code" if article.in_code else "loi")
    title = target.title or article.text_title
    short = target.short or title
    return Imported(
        legiarti=article.legiarti,
        file=f"{slug(short)}-{slug(article.num)}-{article.legiarti}.txt",
        text_title=title,
        text_short=short,
        text_id=target.text_id or article.text_id,
        kind=kind,
        article=article.num,
        state=article.state,
        valid_from=article.valid_from,
        valid_to=article.valid_to,
    )


def document_text(article: ArticleVersion) -> str:
    """The file ingest reads: the article's place in its text (a "--- … ---" line, which the
    chunker takes as the heading path), its "Article N" heading, its text, its NOTA."""
    lines = [f"--- {' > '.join(article.sections)} ---"] if article.sections else []
    lines += [f"Article {article.num}", article.body]
    if article.nota:
        lines += ["NOTA :", article.nota]
    return "\n".join(lines) + "\n"


def french_date(iso: str) -> str:
    """ "2023-01-01" -> "1er janvier 2023"."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso)
    if not m:
        return iso or "date inconnue"
    day = int(m.group(3))
    return f"{'1er' if day == 1 else day} {_MONTHS[int(m.group(2)) - 1]} {m.group(1)}"


class ArticleFolder:
    """The imported articles on disk; `record` each fetched article, then `save`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.entries: dict[str, Imported] = _load(folder)
        self._loaded = dict(self.entries)
        self._texts: dict[str, str] = {}  # file -> text to write
        self._renamed: set[str] = set()  # files of held versions now written under a new name

    def record(self, target: Target, article: ArticleVersion) -> tuple[str, list[str]]:
        """Hold `article`; returns what happened to it ("ajouté", "mis à jour", "inchangé")
        and the titles of the versions held here that it supersedes."""
        entry = imported(target, article)
        text = document_text(article)
        superseded = self._update_versions(entry, article.versions)
        previous = self.entries.get(entry.legiarti)
        self.entries[entry.legiarti] = entry
        self._texts[entry.file] = text
        if previous is not None and previous.file != entry.file:  # the list's "court" changed
            self._renamed.add(previous.file)
        if previous is None:
            return "ajouté", superseded
        if previous == entry and self._on_disk(entry.file) == text:
            return "inchangé", superseded
        return "mis à jour", superseded

    def _update_versions(self, entry: Imported, versions: tuple[Version, ...]) -> list[str]:
        """Give the other versions of this article held here their state and dates from the new
        version list (a held version in force that the list misses ends the day the new one
        begins); returns the titles of those that stop being in force."""
        listed = {v.legiarti: v for v in versions}
        superseded = []
        for legiarti, old in list(self.entries.items()):
            version = listed.get(legiarti)
            same = (old.text_id, old.article) == (entry.text_id, entry.article)
            if version is None and same and old.current and entry.current:
                version = Version(legiarti, "MODIFIE", old.valid_from, entry.valid_from)
            if legiarti == entry.legiarti or version is None:
                continue
            new = old.with_version(version)
            self.entries[legiarti] = new
            if old.current and not new.current:
                superseded.append(new.title)
        return superseded

    def _on_disk(self, file: str) -> str | None:
        try:
            return (self.folder / file).read_text(encoding="utf-8")
        except OSError:
            return None

    def save(self) -> int:
        """Write what changed: the catalog first (a version it names without a file yet is
        skipped by ingest, and a file never lacks its entry), then each article file, each
        atomically; then remove the old names of renamed files. Returns the files written."""
        if not self._texts and self.entries == self._loaded:
            return 0  # nothing fetched (Légifrance unreachable at once): no folder to create
        written = 0
        self.folder.mkdir(parents=True, exist_ok=True)
        catalog = render_catalog(self.entries.values())
        if _write_if_changed(self.folder / CATALOG_FILE, catalog):
            written += 1
        for file, text in sorted(self._texts.items()):
            written += _write_if_changed(self.folder / file, text)
        for file in self._renamed - self._texts.keys():
            (self.folder / file).unlink(missing_ok=True)
        return written


def _load(folder: Path) -> dict[str, Imported]:
    file = folder / CATALOG_FILE
    if not file.is_file():
        return {}
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        log.warning("%s unreadable, rebuilt from what Légifrance gives: %s", file, exc)
        return {}
    entries = [Imported.from_catalog(d) for d in data.get("document", []) if isinstance(d, dict)]
    return {e.legiarti: e for e in entries if e.legiarti and (folder / e.file).is_file()}


def render_catalog(entries: Iterable[Imported]) -> str:
    """The folder's catalog.toml, in a stable order (text, article, date), so that the same
    articles always give the same bytes."""
    ordered = sorted(entries, key=lambda e: (e.text_short, e.article, e.valid_from, e.legiarti))
    out = [
        "# Articles importés de Légifrance par `ess-assistant legifrance sync` (liste :",
        "# corpus/legifrance.toml). Réécrit à chaque synchronisation : ne pas modifier à la main.",
    ]
    for entry in ordered:
        out.append("\n[[document]]")
        out += [
            f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in entry.catalog_entry().items()
        ]
    return "\n".join(out) + "\n"


def _write_if_changed(path: Path, text: str) -> bool:
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except OSError:
        pass
    partial = path.with_name(f".{path.name}.part")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
    return True
