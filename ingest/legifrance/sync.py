"""`ess-assistant legifrance sync`: fetch the listed articles (API PISTE, or LEGI archives given
by the operator) and hold them in the Légifrance folder, which `ingest` then indexes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from assistant.config import Settings
from assistant.errors import LegifranceResponseError
from ingest.legifrance.archive import ArchiveSource
from ingest.legifrance.article import ArticleVersion
from ingest.legifrance.folder import ArticleFolder, french_date
from ingest.legifrance.targets import Target, load_targets


class Source(Protocol):
    def fetch(self, target: Target) -> ArticleVersion: ...

    def close(self) -> None: ...


@dataclass
class SyncReport:
    """What a sync did, article by article."""

    folder: Path
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    superseded: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    files_written: int = 0

    def lines(self) -> list[str]:
        """The summary in French, as the CLI prints it."""
        out = [
            f"Légifrance : {len(self.added)} articles ajoutés, {len(self.updated)} mis à jour, "
            f"{len(self.unchanged)} inchangés, {len(self.superseded)} versions passées en "
            f"historique, {len(self.failed)} en échec ; {self.files_written} fichiers écrits "
            f"dans {self.folder}."
        ]
        if self.files_written:
            out.append("Lancez `ess-assistant ingest` pour indexer ces textes.")
        return out


def run_sync(
    settings: Settings,
    archives: Sequence[Path] = (),
    progress: Callable[[str], None] = lambda _line: None,
) -> SyncReport:
    """Sync the list `settings.legifrance_list` into `settings.legifrance_dir`, from the API
    (PISTE credentials in the settings) or, when given, from LEGI archives."""
    targets = load_targets(settings.legifrance_list)
    source: Source
    if archives:
        source = ArchiveSource.load(archives, targets)
        for problem in source.broken:
            progress(f"Fichier ignoré : {problem}")
    else:
        from ingest.legifrance.api import ApiSource
        from ingest.legifrance.client import LegifranceClient

        source = ApiSource(LegifranceClient.from_settings(settings))
    try:
        return sync(targets, source, ArticleFolder(settings.legifrance_dir), progress)
    finally:
        source.close()


def sync(
    targets: Sequence[Target],
    source: Source,
    folder: ArticleFolder,
    progress: Callable[[str], None] = lambda _line: None,
) -> SyncReport:
    """Fetch each target and record it. An article whose answer is malformed or missing is
    reported and left as it was; when Légifrance cannot be reached the error goes up, after
    what was already fetched is saved (a re-run takes it from there)."""
    report = SyncReport(folder.folder)
    try:
        for target in targets:
            try:
                article = source.fetch(target)
            except LegifranceResponseError as exc:
                report.failed.append(target.label)
                progress(f"Échec : {target.label} : {exc}")
                continue
            change, superseded = folder.record(target, article)
            if change == "ajouté":
                report.added.append(target.label)
            elif change == "mis à jour":
                report.updated.append(target.label)
            else:
                report.unchanged.append(target.label)
            if change != "inchangé":
                progress(f"{change.capitalize()} : {target.label} ({_version(article)})")
            for title in superseded:
                report.superseded.append(title)
                progress(f"Historique : {title}")
    finally:
        report.files_written = folder.save()
    return report


def _version(article: ArticleVersion) -> str:
    if article.status == "en vigueur":
        return f"en vigueur depuis le {french_date(article.valid_from)}"
    ended = f" le {french_date(article.valid_to)}" if article.valid_to else ""
    return f"plus en vigueur{ended}, état {article.state}"
