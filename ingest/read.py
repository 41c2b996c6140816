"""Read PDF, text and Markdown files into normalised pages; unreadable files raise DocumentError."""

from __future__ import annotations

import codecs
import errno
import logging
import re
import stat
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import frontmatter
import yaml
from bs4 import BeautifulSoup
from pypdf import PageObject, PdfReader
from pypdf.errors import PdfReadError

from assistant.config import Settings
from assistant.errors import DocumentError
from assistant.types import Page
from ingest.normalise import normalise_pages

log = logging.getLogger(__name__)

SUPPORTED = {".pdf", ".txt", ".md", ".markdown"}
MIN_PDF_CHARS = 40  # below this a PDF has no usable text layer (a scan)


@dataclass
class ReadResult:
    pages: list[Page]
    title: str = ""
    front_matter: dict[str, str] = field(default_factory=dict)
    total_pages: int = 0  # pages in the PDF when more than were read (the page cap)


_OS_REASONS = {
    errno.ELOOP: "lien symbolique qui boucle",
    errno.ENOENT: "fichier introuvable (lien cassé ?)",
    errno.EACCES: "lecture refusée (droits du fichier)",
    errno.EPERM: "lecture refusée (droits du fichier)",
    errno.ENAMETOOLONG: "nom de fichier trop long",
}


@dataclass(frozen=True)
class ReadLimits:
    """The work one document may cost, so that a hostile file cannot hold an ingest: a text
    file over `text_bytes` is not read at all; a PDF is read up to `pdf_pages` (its
    `total_pages` then tells how many it has), and refused when its page contents decompress
    to more than `pdf_content_bytes` (a small stream shared by many pages counts once per
    page, as it is parsed once per page) or when reading it takes over `pdf_seconds`."""

    text_bytes: int | None = None
    pdf_pages: int | None = None
    pdf_content_bytes: int | None = None
    pdf_seconds: float | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> ReadLimits:
        return cls(
            settings.max_text_bytes,
            settings.max_pdf_pages,
            settings.max_pdf_content_bytes,
            settings.max_pdf_seconds,
        )


NO_LIMITS = ReadLimits()


def read_document(path: Path, limits: ReadLimits = NO_LIMITS) -> ReadResult:
    """Pages of `path` with normalised text; the reason in French when it cannot be read."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise DocumentError(f"format non pris en charge ({suffix or 'sans extension'})")
    try:
        info = path.stat()
    except OSError as exc:
        reason = _OS_REASONS.get(exc.errno or 0, "fichier inaccessible")
        raise DocumentError(reason) from exc
    if not stat.S_ISREG(info.st_mode):
        raise DocumentError("pas un fichier ordinaire (tube, périphérique…)")
    size = info.st_size
    if size == 0:
        raise DocumentError("fichier vide")
    try:
        if suffix == ".pdf":
            return _read_pdf(path, limits)
        if limits.text_bytes is not None and size > limits.text_bytes:
            raise DocumentError(
                f"fichier texte trop volumineux ({size / 1e6:.0f} Mo ; "
                f"{limits.text_bytes / 1e6:.0f} Mo au plus, réglage ESS_MAX_TEXT_BYTES)"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise DocumentError(_OS_REASONS.get(exc.errno or 0, "fichier illisible")) from exc
    text = _decode(raw)
    if suffix == ".txt":
        pages = normalise_pages([text], is_pdf=False)
        result = ReadResult(pages=[Page(None, pages[0])], title=_first_line(pages[0]))
    else:
        front, body = split_front_matter(text)
        body = markdown_to_text(body)
        pages = normalise_pages([body], is_pdf=False)
        result = ReadResult(
            pages=[Page(None, pages[0])],
            title=front.get("title") or _first_heading(pages[0]),
            front_matter=front,
        )
    if not result.pages[0].text.strip():
        raise DocumentError("fichier sans texte")
    return result


def _decode(raw: bytes) -> str:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16", errors="replace")
    if b"\x00" in raw[:8192]:
        raise DocumentError("fichier binaire : ce n'est pas du texte")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        log.info("not UTF-8, decoding as cp1252")
        return raw.decode("cp1252", errors="replace")


def _read_pdf(path: Path, limits: ReadLimits) -> ReadResult:
    try:
        # An open file, not the path: pypdf then seeks in it instead of loading it whole.
        with path.open("rb") as stream:
            reader = PdfReader(stream, strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise DocumentError("PDF chiffré par un mot de passe")
            total = len(reader.pages)
            count = min(total, limits.pdf_pages) if limits.pdf_pages else total
            objects = [reader.pages[i] for i in range(count)]
            if limits.pdf_content_bytes is not None:
                _check_content_size(objects, limits.pdf_content_bytes)
            raw_pages = _extract(objects, limits.pdf_seconds)
            title = str(reader.metadata.get("/Title") or "") if reader.metadata else ""
    except DocumentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        raise DocumentError(f"PDF illisible ou corrompu ({type(exc).__name__})") from exc
    except Exception as exc:  # pypdf raises many kinds on broken files; none may stop an ingest
        if type(exc).__name__ in {"DependencyError", "FileNotDecryptedError"}:
            raise DocumentError("PDF chiffré par un mot de passe") from exc
        raise DocumentError(f"PDF illisible ou corrompu ({type(exc).__name__})") from exc
    if sum(len(p.strip()) for p in raw_pages) < MIN_PDF_CHARS:
        raise DocumentError("PDF sans couche texte (document scanné ?) : rien à indexer")
    pages = normalise_pages(raw_pages, is_pdf=True)
    return ReadResult(
        pages=[Page(i + 1, text) for i, text in enumerate(pages)],
        title=title,
        total_pages=total if total > count else 0,
    )


def _check_content_size(pages: list[PageObject], budget: int) -> None:
    """Refuses a PDF whose page contents decompress to more than `budget` bytes in all, before
    any text is extracted (decompressing is fast; parsing the operators is what takes time)."""
    spent = 0
    for page in pages:
        contents = page.get_contents()
        spent += len(contents.get_data()) if contents is not None else 0
        if spent > budget:
            raise DocumentError(
                f"PDF au contenu démesuré (plus de {budget / 1e6:.0f} Mo de contenu de page "
                "décompressé, réglage ESS_MAX_PDF_CONTENT_BYTES) : non indexé"
            )


def _extract(pages: list[PageObject], seconds: float | None) -> list[str]:
    """Each page's text, refusing the document once reading it has taken over `seconds`: the
    clock is read at every drawing operator, so one slow page cannot hold the ingest either."""
    deadline = time.monotonic() + seconds if seconds is not None else None

    def on_time(*_: object) -> None:
        if deadline is not None and time.monotonic() > deadline:
            raise _TooLong

    texts: list[str] = []
    try:
        for page in pages:
            texts.append(page.extract_text(visitor_operand_before=on_time) or "")
            on_time()
    except _TooLong:
        raise DocumentError(
            f"PDF trop long à lire (plus de {seconds:g} s, {len(texts)} pages lues sur "
            f"{len(pages)} ; réglage ESS_MAX_PDF_SECONDS) : non indexé"
        ) from None
    return texts


class _TooLong(Exception):
    """Raised from pypdf's operator callback to stop reading a document past its time."""


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """The YAML front matter (title, date, sources...) as strings, and the body. A front matter
    that is not valid YAML is kept as text: the document still gets indexed."""
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as exc:
        log.warning("front matter is not valid YAML, indexed as text: %s", exc)
        return {}, text
    front = {str(k).lower(): _as_text(v) for k, v in post.metadata.items() if v is not None}
    return front, post.content


def _as_text(value: object, depth: int = 0) -> str:
    """A front-matter value as text; nesting is cut at two levels so that YAML aliases (a
    "billion laughs" front matter) cannot blow up into billions of strings."""
    if isinstance(value, list | tuple):
        if depth >= 2:
            return ""
        return ", ".join(_as_text(v, depth + 1) for v in value[:100])[:2000]
    if isinstance(value, dict):
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# Bumped whenever a reader turns the same file into different text (here: Markdown escapes): the
# next ingest reads every file again; passages whose text is the same keep their ids, and only
# those that changed are embedded again.
READ_VERSION = 2

_GITBOOK_TAB = re.compile(r"\{%\s*tab\s+title=\"([^\"]+)\"\s*%\}")
_GITBOOK = re.compile(r"\{%.*?%\}", re.S)
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1")
_FILE_BANNER = re.compile(r"^#{3,} \[fichier : .*?\] #{3,}$", re.M)
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])")
# Escaped emphasis marks are held aside while emphasis is removed, then put back.
_HELD = {"_": "\ue000", "*": "\ue001"}
_RELEASED = str.maketrans({"\ue000": "_", "\ue001": "*"})
_STRAY_MARKS = re.compile(r"(?<![\w*_])[_*]{2,}(?![\w*_])\s?")


def markdown_to_text(text: str) -> str:
    """Readable text from Markdown: HTML tables become rows of cells, markup goes, headings stay."""
    text = _GITBOOK_TAB.sub(r"\n\1 :\n", text)  # keep which tab (SCIC, GIP...) a passage is under
    text = _FILE_BANNER.sub("", _GITBOOK.sub("", text))
    if "<" in text and re.search(r"<(table|div|p|br|figure|details)\b", text, re.I):
        text = _html_to_text(text)
    text = _IMAGE.sub("", text)
    text = _LINK.sub(r"\1", text)
    # A backslash escapes a Markdown character ("\_", "\*"): the character is text, not markup.
    text = _ESCAPED.sub(lambda m: _HELD.get(m.group(1), m.group(1)), text)
    text = _EMPHASIS.sub(r"\2", text)
    text = text.translate(_RELEASED)
    text = _STRAY_MARKS.sub("", text)  # "ad nutum \_\_ dans le jargon": marks around nothing
    text = re.sub(r"^\s*(?:---+|\*\*\*+)\s*$", "", text, flags=re.M)
    text = re.sub(
        r"^(#{1,6})(?!#)\s*[^\w\s«\"(#]+\s*", r"\1 ", text, flags=re.M
    )  # emoji in headings
    return text


def _html_to_text(text: str) -> str:
    soup = BeautifulSoup(text, "html.parser")
    for table in soup.find_all("table"):
        rows = []
        for tr in table.find_all("tr"):
            cells = [c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
            if any(cells):
                rows.append(" | ".join(cells))
        table.replace_with("\n" + "\n".join(rows) + "\n")
    for br in soup.find_all("br"):
        br.replace_with("\n")
    return soup.get_text()


def _first_heading(text: str) -> str:
    match = re.search(r"^#{1,3}\s+(.+)$", text, re.M)
    return match.group(1).strip() if match else _first_line(text)


def _first_line(text: str) -> str:
    return next((line.strip()[:150] for line in text.split("\n") if line.strip()), "")
