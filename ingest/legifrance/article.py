"""One version of a Légifrance article, as both sources (API and LEGI archive) give it, and the
pure functions that read their dates, states, numbers and HTML the same way."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from bs4 import BeautifulSoup

from assistant.errors import LegifranceResponseError

IN_FORCE = "VIGUEUR"
# Légifrance writes 2999-01-01 as the end of a version still in force.
OPEN_END = "2999-01-01"
_LEGIARTI = re.compile(r"^LEGIARTI\d{12}$")
_BLOCKS = ["p", "div", "li", "tr", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "table"]


@dataclass(frozen=True)
class Version:
    """One line of an article's version list: which id was in force, in which state, when."""

    legiarti: str
    state: str  # état juridique : VIGUEUR, MODIFIE, ABROGE, VIGUEUR_DIFF...
    valid_from: str  # ISO date
    valid_to: str  # ISO date; "" while in force


@dataclass(frozen=True)
class ArticleVersion:
    """The text of one version of an article and what situates it: its text, its place in the
    text, its dates and the list of all its versions."""

    legiarti: str
    num: str
    state: str
    valid_from: str
    valid_to: str
    text_id: str  # the text's chronical id: LEGITEXT for a code, JORFTEXT for a law or decree
    text_title: str
    in_code: bool
    sections: tuple[str, ...]
    body: str  # plain text, one paragraph a line
    nota: str
    versions: tuple[Version, ...]

    @property
    def status(self) -> str:
        return status(self.state)


def status(state: str) -> str:
    """Our catalog status: the version in force is "en vigueur", every other one (modified,
    repealed, expired...) is "historique": it stays available, dated, never the answer on
    current law."""
    return "en vigueur" if state == IN_FORCE else "historique"


def check_legiarti(value: object) -> str:
    text = str(value or "")
    if not _LEGIARTI.match(text):
        raise LegifranceResponseError(f"identifiant d'article invalide : {text[:40]!r}")
    return text


def iso_date(value: object) -> str:
    """A Légifrance date as YYYY-MM-DD, "" for the open end of a version in force. The API gives
    milliseconds since 1970 (UTC), as a number or a string; the LEGI XML gives YYYY-MM-DD."""
    if value is None or value == "":
        return ""
    text = str(value).strip()
    if re.fullmatch(r"-?\d{9,}", text):
        day = datetime.fromtimestamp(int(text) / 1000, tz=UTC).date().isoformat()
    elif re.match(r"\d{4}-\d{2}-\d{2}", text):
        day = text[:10]
        try:
            date.fromisoformat(day)
        except ValueError as exc:
            raise LegifranceResponseError(f"date illisible : {text[:40]!r}") from exc
    else:
        raise LegifranceResponseError(f"date illisible : {text[:40]!r}")
    return "" if day >= OPEN_END else day


def article_number(num: str) -> str:
    """A comparable article number: "L. 2113-15" -> "l2113-15", "1er" -> "1",
    "19  septies" -> "19 septies"."""
    text = re.sub(r"\s+", " ", num.strip().lower().replace("–", "-"))
    text = re.sub(r"^(l|r|d|a|lo)\.?\s?(?=\d)", r"\1", text)
    text = re.sub(r"^(\d+)(?:er|ère)\b", r"\1", text)
    return "1" if text in {"premier", "1er"} else text


def html_text(html: str) -> str:
    """Plain text of an article's HTML (API `texteHtml`, LEGI `CONTENU`): one paragraph a line,
    line breaks kept, table rows as cells joined by " | "."""
    if not html.strip():
        return ""
    soup = BeautifulSoup(html, "html.parser")
    for row in soup.find_all("tr"):
        cells = [c.get_text(" ", strip=True) for c in row.find_all(["th", "td"])]
        row.replace_with(soup.new_string("\n" + " | ".join(cells) + "\n"))
    for br in soup.find_all("br"):
        br.replace_with(soup.new_string("\n"))
    for block in soup.find_all(_BLOCKS):
        block.insert_before(soup.new_string("\n"))
        block.insert_after(soup.new_string("\n"))
    lines = (" ".join(line.split()) for line in soup.get_text().split("\n"))
    return "\n".join(line for line in lines if line)


def current_version(versions: tuple[Version, ...], today: str = "") -> Version | None:
    """The version in force; when none is (a repealed article), the latest that has begun."""
    in_force = [v for v in versions if v.state == IN_FORCE]
    if in_force:
        return max(in_force, key=lambda v: v.valid_from)
    today = today or date.today().isoformat()
    begun = [v for v in versions if v.valid_from and v.valid_from <= today]
    return max(begun, key=lambda v: v.valid_from) if begun else None


def title_without_note(title: str) -> str:
    """ "LOI n° 2014-856 du 31 juillet 2014 relative à l'ESS (1)" -> without its "(1)"."""
    return re.sub(r"\s*\(\d\)\s*$", "", " ".join(title.split()))
