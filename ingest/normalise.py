"""French text normalised once, at read time: NFC, spaces, running headers, hyphens, wrapped lines.

Pure functions over strings and lists of page texts, so they test without files.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

_SPACES = re.compile(r"[ \t\u00a0\u202f\u2007\u2009]+")
_HYPHEN_END = re.compile(r"([A-Za-zÀ-ÖØ-öø-ÿœŒ]{2,})-$")
_WORD_START = re.compile(r"^([a-zà-öø-ÿœ]+)")
_HYPHENATED = re.compile(r"\b[A-Za-zÀ-ÖØ-öø-ÿœŒ]+-[A-Za-zÀ-ÖØ-öø-ÿœŒ]+\b")
_NUMERAL = r"(?:[IVXLC]+|\d+|[Pp]remier|Ier|unique|préliminaire)\b"
_HEADING_START = re.compile(
    rf"^(?:TITRE|Titre|CHAPITRE|Chapitre|Section|Sous-section|LIVRE|Livre|PARTIE|Partie)\s+{_NUMERAL}"
)
_ARTICLE_LINE = re.compile(r"^(?:Article|ARTICLE|Art\.)\s+\S+(?:\s+\S+){0,3}$")
_STRUCTURAL = re.compile(
    r"^(?:#|>|\||[-–•*]\s|«|\"|\(|(?:Article|ARTICLE|Art\.|Annexe|ANNEXE)\s|"
    r"[IVXLC]+\.?\s*[-–.]|\d+°|[a-z]\)|\d+[.)]\s)"
)
_TERMINAL = (".", ";", ":", "!", "?", "»", '"', ")")
_RULE = re.compile(r"^[=\-_*~#]{3,}$")  # "=====" under a title, "-----" between articles
# Page artefacts of scraped web pages: an image's file name left where the image was.
_IMAGE_NAME = re.compile(r"(?<![\w/])[\w-]+\.(?:jpe?g|png|gif|svg|webp|JPE?G|PNG)(?![a-z])\s*")
_BULLET = re.compile(r"^[*•]\s+")


def clean_spaces(text: str) -> str:
    """NFC, no soft hyphens or odd spaces, single spaces, no trailing blanks, unix line ends."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00ad", "").replace("\ufeff", "").replace("\x0c", "\n")
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", line.strip().lower())


def strip_running_lines(pages: list[str], edge: int = 3) -> list[str]:
    """Remove lines repeated at the top or bottom of most pages ("Page 3 / 12", the title)."""
    if len(pages) < 2:
        return pages
    counts: Counter[str] = Counter()
    for page in pages:
        lines = [line for line in page.split("\n") if line.strip()]
        counts.update({_shape(line) for line in lines[:edge] + lines[-edge:]})
    threshold = max(2, (len(pages) + 1) // 2)
    running = {shape for shape, n in counts.items() if n >= threshold and shape}
    out = []
    for page in pages:
        lines = [line for line in page.split("\n") if line.strip()]
        keep = [
            line
            for i, line in enumerate(lines)
            if not ((i < edge or i >= len(lines) - edge) and _shape(line) in running)
        ]
        out.append("\n".join(keep))
    return out


def hyphenated_vocabulary(text: str) -> set[str]:
    """Words written with a hyphen inside a line: these keep their hyphen when split at a line end."""
    return {w.lower() for w in _HYPHENATED.findall(text)}


def join_lines(text: str, vocabulary: set[str] | None = None) -> str:
    """Rejoin words hyphenated at line ends and lines wrapped inside a paragraph."""
    vocabulary = vocabulary if vocabulary is not None else hyphenated_vocabulary(text)
    out: list[str] = []
    for line in text.split("\n"):
        if out and out[-1] and line:
            prev = out[-1]
            hyphen, start = _HYPHEN_END.search(prev), _WORD_START.match(line)
            if hyphen and start:
                compound = f"{hyphen.group(1)}-{start.group(1)}".lower()
                joiner = "-" if compound in vocabulary else ""
                out[-1] = prev[:-1] + joiner + line
                continue
            if _continues(prev, line):
                out[-1] = prev + ("" if prev.endswith(("'", "’")) else " ") + line
                continue
        out.append(line)
    return "\n".join(out)


def _continues(prev: str, line: str) -> bool:
    """Whether `line` is the wrapped rest of `prev` rather than a new paragraph or heading."""
    if prev.startswith("#") or line.startswith("#") or _RULE.match(prev) or _RULE.match(line):
        return False
    if _HEADING_START.match(prev):
        return line.isupper() or line[0].islower()
    if _ARTICLE_LINE.match(prev) and len(prev) < 60:
        return False
    if prev.endswith(_TERMINAL) or _HEADING_START.match(line):
        return False
    if _STRUCTURAL.match(line):
        return False
    return line[0].islower() or prev[-1].isalnum() or prev.endswith((",", "'", "’", "-"))


def strip_artefacts(text: str) -> str:
    """Image file names left in scraped text ("document.jpg Michel Abhervé a…") go; bullets
    written "*" or "•" become "- ", the one bullet the rest of the pipeline knows."""
    lines = (_BULLET.sub("- ", _IMAGE_NAME.sub("", line)) for line in text.split("\n"))
    return "\n".join(lines)


def normalise_pages(pages: list[str], is_pdf: bool) -> list[str]:
    """The whole read-time pipeline for one document's pages."""
    cleaned = [clean_spaces(strip_artefacts(p)) for p in pages]
    if is_pdf:
        cleaned = strip_running_lines(cleaned)
    vocabulary = hyphenated_vocabulary("\n".join(cleaned))
    return [join_lines(p, vocabulary) for p in cleaned]
