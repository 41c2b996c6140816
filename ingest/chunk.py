"""Pages -> chunks along the document's own structure (pure: no I/O).

Legal texts split at their articles ("Article 13", "Article L2113-15", "Art. 19 septies"), long
articles at their numbered paragraphs (I., II., 1°); guides and notes at their headings, then
paragraphs. Each chunk keeps its heading path and its page.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.types import Chunk, DocumentMeta, Page

LEGAL_KINDS = {"loi", "code", "circulaire", "décret", "decret", "ordonnance", "arrêté"}

_SUFFIX = r"(?:bis|ter|quater|quinquies|sexies|septies|octies|nonies|decies|undecies|duodecies)"
_ARTICLE = re.compile(
    rf"^(?:#+\s*|«\s*(?=Art\.))?(?P<word>Article|ARTICLE|Art\.)\s+(?P<num>(?:[LRDA]\.?\s?\*?)?\d+(?:er)?"
    rf"(?:[-–]\d+)*(?:\s+{_SUFFIX})?|premier|unique|préliminaire)\b(?P<rest>.*)$"
)
_LEVELS = {
    "partie": 0,
    "livre": 1,
    "titre": 2,
    "chapitre": 3,
    "section": 4,
    "sous-section": 5,
    "paragraphe": 6,
}
_LEGAL_HEADING = re.compile(
    r"^(?:#+\s*)?(?P<kind>Partie|PARTIE|Livre|LIVRE|Titre|TITRE|Chapitre|CHAPITRE|Section|"
    r"Sous-section|Paragraphe)\s+(?:[IVXLC]+|\d+|[Pp]remier|Ier|unique|préliminaire)\b.{0,200}$"
)
_PATH_LINE = re.compile(r"^(?:-{2,}\s*(?P<a>.+?)\s*-{2,}.*|Emplacement\s*:\s*(?P<b>.+))$")
_PROVENANCE = re.compile(r"^(?:Statut|Source)\s*:\s")
# A code's banner in a document that gathers several codes: "CODE RURAL ET DE LA PÊCHE
# MARITIME", "CODE GÉNÉRAL DES IMPÔTS, ANNEXE 3", "CODE DES MARCHÉS PUBLICS (ÉDITION 2006)".
_CODE_NAME = re.compile(r"^CODE [A-ZÀ-Ý' ,-]{3,80}(?:\s*\([A-ZÀ-Ý0-9' ]{2,30}\))?$")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")
_PARAGRAPH_MARK = re.compile(r"^(?:«\s*)?(?:[IVX]+\.?\s*[-–.]|\d+°)")
_ITEM_KIND = re.compile(r"^(?:«\s*)?(?:(\d+°)|([a-z]\))|([-–•*])\s|(\d{1,2}\.)\s)")
_LIST_STRETCH = 1.6  # a list may run this far past the passage size rather than be cut
_MAX_LEAD = 400  # a longer announcing sentence is not repeated in the list's next passage


@dataclass
class Line:
    text: str
    page: int | None


@dataclass
class Section:
    """A run of lines under one heading path (and one article, for legal texts)."""

    path: list[str]
    article: str = ""
    lines: list[Line] = field(default_factory=list)
    code: str = ""  # the code a gathered article belongs to ("Code rural et de la pêche maritime")

    @property
    def heading(self) -> str:
        return " > ".join([*self.path, self.article] if self.article else self.path)


def is_legal(meta: DocumentMeta, pages: list[Page]) -> bool:
    """Legal mode by catalog kind, or, for unknown documents, when articles head its lines."""
    if meta.kind.lower() in LEGAL_KINDS:
        return True
    count = sum(1 for p in pages for line in p.text.split("\n") if _article_heading(line))
    return count >= 3


def _article_heading(line: str) -> str:
    """ "Article 19 septies" when `line` opens an article, "" otherwise (quoted articles excluded)."""
    match = _ARTICLE.match(line.strip())
    if not match:
        return ""
    rest = match.group("rest").strip()
    inline = rest.startswith((".-", ". -", ".–", ". –"))  # "Art. 19 septies.-Texte" form
    if line.lstrip().startswith("«") and not inline:
        return ""
    # A heading line is short or is the article's title; a sentence that merely cites an
    # article ("Article 2 de la loi ... dispose que ...") is long running text.
    if len(rest) > 160 and not inline and not rest.startswith(("(", "—", "-", ":")):
        return ""
    number = re.sub(r"\s+", " ", match.group("num").replace("*", "")).strip()
    number = re.sub(r"^([LRDA])\.?\s?(?=\d)", r"\1", number)
    return f"Article {number}"


def split_sections(pages: list[Page], legal: bool) -> list[Section]:
    """Walk the lines once, tracking the heading path; start a section at each heading."""
    path: list[tuple[int, str]] = []
    sections: list[Section] = [Section(path=[])]

    def start(article: str = "") -> None:
        code = next((label for level, label in path if level < 0), "")
        sections.append(Section(path=[label for _, label in path], article=article, code=code))

    def set_level(level: int, label: str) -> None:
        nonlocal path
        path = [(lvl, lab) for lvl, lab in path if lvl < level] + [(level, label)]

    for page in pages:
        for raw in page.text.split("\n"):
            line = raw.strip()
            if not line or set(line) <= {"=", "-", "_", "*"}:
                continue
            if legal and (m := _PATH_LINE.match(line)):
                parts = [p.strip() for p in (m.group("a") or m.group("b")).split(">") if p.strip()]
                code = [(lvl, lab) for lvl, lab in path if lvl < 0]
                path = code + [(10 + i, part) for i, part in enumerate(parts)]
                start()
                continue
            if legal and _PROVENANCE.match(line):
                continue
            if legal and _CODE_NAME.match(line):
                path = [(-1, line.capitalize())]  # "Code rural et de la pêche maritime"
                start()
                continue
            if legal and (article := _article_heading(line)):
                start(article)
                rest = _ARTICLE.match(line.lstrip("# "))
                title = rest.group("rest").strip(" .:—–-") if rest else ""
                if title:
                    sections[-1].lines.append(Line(title, page.number))
                continue
            if legal and (m := _LEGAL_HEADING.match(line)):
                set_level(_LEVELS.get(m.group("kind").lower(), 6), line.lstrip("# ").strip())
                start()
                continue
            if m := _MD_HEADING.match(line):
                set_level(20 + len(m.group(1)), m.group(2).strip())
                start()
                continue
            sections[-1].lines.append(Line(line, page.number))
    return [s for s in sections if any(len(ln.text) > 1 for ln in s.lines)]


def _groups(lines: list[Line], size: int, overlap: int) -> list[list[Line]]:
    """Pack lines into groups under `size` chars, starting afresh at numbered paragraphs (I., 1°)."""
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=size,
        chunk_overlap=overlap,
        separators=["\n", ". ", "; ", ", ", " ", ""],
        keep_separator="end",
    )
    units: list[Line] = []
    for line in lines:
        if len(line.text) <= size:
            units.append(line)
        else:
            units.extend(Line(piece, line.page) for piece in splitter.split_text(line.text))
    groups: list[list[Line]] = []
    current: list[Line] = []
    length = 0
    lead: Line | None = None  # the sentence announcing the list being packed ("…suivantes :")
    lead_kind = ""  # the kind of its items: "°" (1°), ")" (a)) or "-"
    for unit in units:
        kind = _item_kind(unit.text)
        new_paragraph = bool(_PARAGRAPH_MARK.match(unit.text)) and length > size * 0.4
        # The steps of a numbered list stay together: "5." is not cut from "1." to "4.".
        list_goes_on = (
            kind in {".", "°"}
            and bool(current)
            and (_item_kind(current[-1].text) == kind or current[-1].text.rstrip().endswith(":"))
            and length + len(unit.text) <= size * _LIST_STRETCH
        )
        if current and (length + len(unit.text) > size or new_paragraph) and not list_goes_on:
            groups.append(current)
            tail = current[-1]
            carry = [tail] if len(tail.text) <= overlap and not new_paragraph else []
            if lead is not None and kind == lead_kind and len(lead.text) <= _MAX_LEAD:
                # A list cut in two: its second half keeps the sentence that says what it lists.
                carry = [lead]
            current, length = list(carry), sum(len(u.text) for u in carry)
        current.append(unit)
        length += len(unit.text) + 1
        if not kind and unit.text.rstrip().endswith(":"):
            lead, lead_kind = unit, ""
        elif lead is not None and not lead_kind and kind:
            lead_kind = kind
        elif lead is not None and not kind:
            lead = None
    if current:
        groups.append(current)
    return groups


def _item_kind(text: str) -> str:
    """ "°" for "1°", ")" for "a)", "-" for a bullet, "" for a line that is no list item."""
    if m := _ITEM_KIND.match(text):
        return "°" if m.group(1) else ")" if m.group(2) else "." if m.group(4) else "-"
    return ""


# Bumped when a chunk's metadata changes shape (here: the code of a gathered article whose
# banner names an edition, "CODE DES MARCHÉS PUBLICS (ÉDITION 2006)"), so that the next ingest
# replaces passages whose text did not change but whose metadata did.
CHUNK_VERSION = 5


def chunk_id(meta: DocumentMeta, context: str, text: str, position: int = 0) -> str:
    """Content hash: same document facts, place, text and rank give the same id on every run."""
    parts = [str(CHUNK_VERSION), meta.doc_id, meta.title, meta.date, meta.status, meta.kind]
    parts.append(meta.source)
    # Only documents that have them hash the Légifrance fields: other ids stay as they were.
    parts += [f"{k}={v}" for k, v in meta.version_fields.items()]
    key = "\x1f".join([*parts, context, text, str(position)])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


_TEXT_NAME = re.compile(
    r"^(?P<name>(?:Loi|Ordonnance|Décret)(?: organique)? n° ?[\d-]+|Code (?:[^:,(—–]+?))"
    r"(?=\s*(?:[:,(—–]|du \d|$))"
)


def legal_text_name(meta: DocumentMeta, section: Section) -> str:
    """The law or code a legal passage belongs to, as a lawyer names it: the code banner of a
    document that gathers several codes, else the start of the document's title ("Loi n°
    2014-856", "Code de la commande publique", "Code du travail")."""
    if section.code:
        return section.code
    match = _TEXT_NAME.match(meta.title.strip())
    return match.group("name").strip() if match else ""


def chunk_document(
    meta: DocumentMeta, pages: list[Page], size: int = 1000, overlap: int = 120
) -> list[Chunk]:
    """All chunks of one document, in reading order, without duplicate ids."""
    chunks: list[Chunk] = []
    seen: set[str] = set()
    label = meta.short or meta.title
    legal = is_legal(meta, pages)
    for section in split_sections(pages, legal):
        context = " > ".join(part for part in [label, section.heading] if part)
        for group in _groups(section.lines, size, overlap):
            text = "\n".join(line.text for line in group).strip()
            if len(text) < 10 and not section.article:
                continue
            cid = chunk_id(meta, context, text, len(chunks))
            if cid in seen:
                continue
            seen.add(cid)
            pages_in = [line.page for line in group if line.page is not None]
            chunks.append(
                Chunk(
                    id=cid,
                    doc=meta,
                    text=text,
                    context=context,
                    page=pages_in[0] if pages_in else None,
                    page_end=pages_in[-1] if pages_in else None,
                    article=section.article,
                    heading=section.heading,
                    legal_text=legal_text_name(meta, section) if legal else "",
                    position=len(chunks),
                )
            )
    return chunks
