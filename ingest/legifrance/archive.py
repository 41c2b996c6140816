"""Articles from the DILA's LEGI open-data archives (tar.gz of XML), read in one pass: the full
stock (`Freemium_legi_global_*.tar.gz`), then the daily increments (`LEGI_*.tar.gz`), in order.

One XML file per article version, under its text's folder:
`legi/global/code_et_TNC_en_vigueur/code_en_vigueur/LEGI/TEXT/00/00/37/70/10/LEGITEXT000037701019/
article/LEGI/ARTI/…/LEGIARTI000037730651.xml`. Only the files of the listed texts (or articles)
are parsed; nothing is extracted to disk.
"""

from __future__ import annotations

import re
import tarfile
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path, PurePosixPath

from assistant.errors import LegifranceError, LegifranceResponseError
from ingest.legifrance.article import (
    IN_FORCE,
    ArticleVersion,
    Version,
    article_number,
    check_legiarti,
    current_version,
    html_text,
    iso_date,
    title_without_note,
)
from ingest.legifrance.targets import Target

MAX_XML_BYTES = 5_000_000  # one article's XML; a larger member is not an article
DELETIONS = "liste_suppression_legi.dat"
_ARTICLE_FILE = re.compile(r"^LEGIARTI\d{12}\.xml$")

Wanted = Callable[[str, str], bool]  # (text id, LEGIARTI id) of an article file -> parse it?


class ArchiveSource:
    """The sync's source for an offline import: the listed articles found in the archives."""

    def __init__(self, articles: dict[str, ArticleVersion], broken: list[str]) -> None:
        self.articles = articles
        self.broken = broken  # "path : reason" of the article files that could not be read

    @classmethod
    def load(cls, archives: Sequence[Path], targets: Sequence[Target]) -> ArchiveSource:
        """Read the archives (oldest first: a later file replaces an earlier one) for the
        listed texts and articles, then, once more, for the versions in force of articles
        named by id whose text was not listed."""
        texts = {t.text_id for t in targets if t.text_id}
        ids = {t.legiarti for t in targets if t.legiarti}
        articles: dict[str, ArticleVersion] = {}
        broken: list[str] = []
        _scan(archives, lambda text, legiarti: text in texts or legiarti in ids, articles, broken)
        missing = set()
        for legiarti in ids & articles.keys():
            current = current_version(articles[legiarti].versions)
            if current is not None and current.legiarti not in articles:
                missing.add(current.legiarti)
        if missing:
            _scan(archives, lambda _text, legiarti: legiarti in missing, articles, broken)
        return cls(articles, broken)

    def fetch(self, target: Target) -> ArticleVersion:
        """The version in force of the target article (or its last version if repealed)."""
        if target.legiarti:
            found = self.articles.get(target.legiarti)
            candidates = [found] if found else []
        else:
            wanted = article_number(target.article)
            candidates = [
                a
                for a in self.articles.values()
                if a.text_id == target.text_id and article_number(a.num) == wanted
            ]
        if not candidates:
            raise LegifranceResponseError(f"{target.label} : absent des archives LEGI lues")
        versions = {v.legiarti: v for a in candidates for v in a.versions}
        versions.update({a.legiarti: _own_version(a) for a in candidates})
        current = current_version(tuple(versions.values()))
        article = self.articles.get(current.legiarti) if current else None
        if article is None:
            in_force = [a for a in candidates if a.state == IN_FORCE]
            article = max(in_force or candidates, key=lambda a: a.valid_from)
        return article

    def close(self) -> None:
        """Nothing to release: the archives were read when loaded."""


def _own_version(article: ArticleVersion) -> Version:
    return Version(article.legiarti, article.state, article.valid_from, article.valid_to)


def _scan(
    archives: Sequence[Path],
    wanted: Wanted,
    articles: dict[str, ArticleVersion],
    broken: list[str],
) -> None:
    for archive in archives:
        for name, data in _members(archive, wanted):
            if PurePosixPath(name).name == DELETIONS:
                for line in data.decode("ascii", "replace").split():
                    articles.pop(PurePosixPath(line).name.removesuffix(".xml"), None)
                continue
            try:
                article = article_from_xml(data)
            except LegifranceResponseError as exc:
                broken.append(f"{archive.name} : {name} : {exc}")
                continue
            articles[article.legiarti] = article


def _members(archive: Path, wanted: Wanted) -> Iterator[tuple[str, bytes]]:
    """(path, bytes) of the wanted article files and of the deletion list, in archive order."""
    try:
        # Seekable gzip reading is ~3 times faster here than tarfile's stream mode. TarFile
        # keeps every member it reads (`members`, missing from typeshed): emptied as we go, since
        # a full stock holds some five million files.
        with tarfile.open(archive, mode="r:*") as tar:
            while (member := tar.next()) is not None:
                tar.members.clear()  # type: ignore[attr-defined]
                path = PurePosixPath(member.name)
                if not member.isfile():
                    continue
                if path.name != DELETIONS:
                    if not _ARTICLE_FILE.match(path.name) or "article" not in path.parts:
                        continue
                    text = path.parts[path.parts.index("article") - 1]
                    if not wanted(text, path.stem) or member.size > MAX_XML_BYTES:
                        continue
                stream = tar.extractfile(member)
                if stream is not None:
                    yield member.name, stream.read()
    except FileNotFoundError as exc:
        raise LegifranceError(f"archive LEGI introuvable : {archive}") from exc
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise LegifranceError(
            f"archive LEGI illisible : {archive.name} ({type(exc).__name__} : {exc}) ; "
            "téléchargez-la de nouveau"
        ) from exc


def article_from_xml(data: bytes) -> ArticleVersion:
    """An `ArticleVersion` from one LEGI article file (ARTICLE > META, CONTEXTE, VERSIONS,
    BLOC_TEXTUEL, NOTA)."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise LegifranceResponseError(f"XML illisible ({exc})") from exc
    if root.tag != "ARTICLE":
        raise LegifranceResponseError(f"pas un article ({root.tag})")
    legiarti = check_legiarti(root.findtext("META/META_COMMUN/ID", "").strip())
    meta = root.find("META/META_SPEC/META_ARTICLE")
    if meta is None:
        raise LegifranceResponseError(f"{legiarti} : META_ARTICLE absent")
    num, state = meta.findtext("NUM", "").strip(), meta.findtext("ETAT", "").strip()
    valid_from = iso_date(meta.findtext("DATE_DEBUT", "").strip())
    body = html_text(_inner(root.find("BLOC_TEXTUEL/CONTENU")))
    if not (num and state and valid_from and body):
        raise LegifranceResponseError(f"{legiarti} : NUM, ETAT, DATE_DEBUT ou texte absent")
    text = root.find("CONTEXTE/TEXTE")
    versions = tuple(
        Version(
            check_legiarti(link.get("id")),
            link.get("etat", ""),
            iso_date(link.get("debut")),
            iso_date(link.get("fin")),
        )
        for link in root.iterfind("VERSIONS/VERSION/LIEN_ART")
        if str(link.get("id", "")).startswith("LEGIARTI")
    )
    own = Version(legiarti, state, valid_from, iso_date(meta.findtext("DATE_FIN", "").strip()))
    return ArticleVersion(
        legiarti=legiarti,
        num=num,
        state=state,
        valid_from=valid_from,
        valid_to=own.valid_to,
        text_id=text.get("cid", "") if text is not None else "",
        text_title=_text_title(text, valid_from),
        in_code=text is not None and text.get("nature", "") == "CODE",
        sections=tuple(_sections(text, valid_from)),
        body=body,
        nota=html_text(_inner(root.find("NOTA/CONTENU"))),
        versions=versions or (own,),
    )


def _inner(element: ET.Element | None) -> str:
    """The XML inside an element, as the HTML it is (tails of children included)."""
    if element is None:
        return ""
    return (element.text or "") + "".join(ET.tostring(c, encoding="unicode") for c in element)


def _dated(elements: list[ET.Element], day: str) -> ET.Element | None:
    """Of several titles with `debut` / `fin`, the one in force on `day` (else the last)."""
    for element in elements:
        start, end = element.get("debut", ""), element.get("fin", "")
        if start <= day and (not end or day < end or end.startswith("2999")):
            return element
    return elements[-1] if elements else None


def _text_title(text: ET.Element | None, day: str) -> str:
    title = _dated(text.findall("TITRE_TXT"), day) if text is not None else None
    return title_without_note(title.text or "") if title is not None else ""


def _sections(text: ET.Element | None, day: str) -> Iterator[str]:
    """Titles of the article's sections, outermost first (nested TM > TITRE_TM)."""
    level = text.find("TM") if text is not None else None
    while level is not None:
        title = _dated(level.findall("TITRE_TM"), day)
        if title is not None and (title.text or "").strip():
            yield " ".join((title.text or "").split())
        level = level.find("TM")
