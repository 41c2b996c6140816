"""Articles named in a question ("l'article 13 de la loi ESS", "L. 2113-15 du CCP", "R2113-7")
and the keys that find them among indexed passages.

Two keys meet at ingest and at question time: the article's number as a canonical string
("13", "1", "l2113-15", "19 septies", "9-1") and the legal text it belongs to ("2014-856" for
a law, "code de la commande publique" for a code). Pure functions: they test without an index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.french import fold, sentences, terms

_SUFFIX = r"(?:bis|ter|quater|quinquies|sexies|septies|octies|nonies|decies|undecies|duodecies)"
# A code article number: L2113-15, L. 2113-15, R.2113-7, D 123-4, L3332-17-1.
_CODE_NUMBER = (
    rf"\b(?P<letter>[lrda])\s?\.?\s?(?P<code_num>\d{{2,}}(?:\s?-\s?\d+)*(?:\s+{_SUFFIX})?)\b"
)
# A law article number: 13, 1er, 9-1, 19 septies (after "article" / "art.").
_LAW_NUMBER = rf"(?P<law_num>\d+(?:er)?(?:-\d+)*(?:\s+{_SUFFIX})?)(?![\d-])"
_ARTICLE_WORD = r"\b(?:article|artcile|aticle|articles|art)\b\.?\s*"

# Everyday names of the texts of the field -> their key. On folded text.
_LAWS = [
    (
        r"\bloi\s+(?:n[°o]?\s*)?2014-856\b|\bloi\s+(?:ess|sse|ses|hamon)\b|"
        r"\bloi\s+(?:du\s+)?31\s+juillet\s+2014\b|\bloi\s+(?:du\s+)?31[/.]0?7[/.](?:20)?14\b|"
        r"\bloi\s+(?:relative\s+a\s+l'|sur\s+l')"
        r"(?:economie\s+sociale(?:\s+et\s+solidaire)?|ess)|\bloi\s+(?:de\s+)?2014\b",
        "2014-856",
    ),
    (
        r"\bloi\s+(?:n[°o]?\s*)?47-1775\b|\bloi\s+(?:de|du)\s+(?:10\s+septembre\s+)?1947\b|"
        r"\bloi\s+(?:du\s+)?10[/.]0?9[/.]1947\b|"
        r"\bstatut\s+de\s+la\s+cooperation\b",
        "47-1775",
    ),
    (
        r"\bloi\s+(?:n[°o]?\s*)?2000-321\b|\bloi\s+(?:du\s+)?12\s+avril\s+2000\b|"
        r"\bloi\s+(?:du\s+)?12[/.]0?4[/.]2000\b|"
        r"\bloi\s+(?:de\s+)?2000\b|\bloi\s+dcra\b",
        "2000-321",
    ),
]
_CODE_NAMES = [
    (
        r"\bcode\s+de\s+la\s+commande\s+publique\b|\bccp\b|\bcode\s+commande\s+publique\b",
        "Code de la commande publique",
    ),
    (r"\bcode\s+du\s+travail\b|\bc\.?\s?trav\.?\b|\bcode\s+travail\b", "Code du travail"),
    (r"\bcode\s+des\s+marches\s+publics\b|\bcmp\b", "Code des marchés publics"),
    (
        r"\bcode\s+general\s+des\s+collectivites\s+territoriales\b|\bcgct\b",
        "Code général des collectivités territoriales",
    ),
    (r"\bcode\s+rural\b", "Code rural et de la pêche maritime"),
    (r"\bcode\s+de\s+commerce\b|\bcode\s+du\s+commerce\b", "Code de commerce"),
    (r"\bcode\s+monetaire\s+et\s+financier\b|\bcmf\b", "Code monétaire et financier"),
    (r"\bcode\s+general\s+des\s+impots\b|\bcgi\b", "Code général des impôts"),
    (r"\bcode\s+des\s+assurances\b", "Code des assurances"),
    (r"\bcode\s+du\s+service\s+national\b", "Code du service national"),
    (r"\bcode\s+de\s+l'education\b", "Code de l'éducation"),
    (r"\bcode\s+de\s+l'environnement\b", "Code de l'environnement"),
    (r"\bcode\s+de\s+la\s+consommation\b", "Code de la consommation"),
    (r"\bcode\s+de\s+la\s+mutualite\b", "Code de la mutualité"),
    (r"\bcode\s+des\s+transports\b", "Code des transports"),
    (r"\bcode\s+de\s+la\s+construction\b", "Code de la construction et de l'habitation"),
    (r"\bcode\s+de\s+l'action\s+sociale\b|\bcasf\b", "Code de l'action sociale et des familles"),
]
_CODES = [(pattern, fold(name)) for pattern, name in _CODE_NAMES]
_NAMES = {fold(name): name for _, name in _CODE_NAMES}


@dataclass(frozen=True)
class ArticleRef:
    """An article a question names: its number's key, its text's key when the question names
    the text (None for a bare "article 13"), and the words as typed."""

    number: str
    text: str | None
    typed: str

    @property
    def is_code_article(self) -> bool:
        return bool(re.match(r"[lrda]\d", self.number))


def number_key(number: str) -> str:
    """ "Article L. 2113-15" / "1er" / "19 Septies" -> "l2113-15" / "1" / "19 septies"."""
    folded = fold(number)
    folded = re.sub(r"\b(?:article|art)\b\.?", " ", folded)
    folded = re.sub(r"\b([lrda])\s?\.?\s?(?=\d)", r"\1", folded)
    folded = re.sub(r"(\d)\s*-\s*(?=\d)", r"\1-", folded)
    folded = re.sub(r"\b(\d+)er\b", r"\1", folded)
    folded = re.sub(r"\b(premier)\b", "1", folded)
    return re.sub(r"\s+", " ", folded).strip(" .,:;")


def text_key(name: str) -> str | None:
    """The key of a legal text from its name or title ("Loi n° 2014-856 du 31 juillet…",
    "Code de la commande publique : …"), None when the name is no law or code we know; the
    text named first when several are ("de la loi de 1947, la loi ESS l'a modifié")."""
    folded = fold(name)
    found: list[tuple[int, str]] = []
    for pattern, key in _LAWS:
        if m := re.search(pattern, folded):
            found.append((m.start(), key))
    if m := re.search(r"\b(?:loi|ordonnance|decret)\s+(?:n[°o]?\s*)?(\d{2,4}-\d+)\b", folded):
        found.append((m.start(), m.group(1)))
    for pattern, key in _CODES:
        if m := re.search(pattern, folded):
            found.append((m.start(), key))
    return min(found)[1] if found else None


def text_name(key: str) -> str:
    """How a text is named in a sentence: "la loi n° 2014-856", "le Code de la commande…"."""
    if re.fullmatch(r"\d{2,4}-\d+", key):
        return f"la loi n° {key}"
    return f"le {_NAMES.get(key, key)}" if key in _NAMES else key


def of_text(key: str) -> str:
    """ "de la loi n° 2014-856", "du Code de la commande publique"."""
    name = text_name(key)
    if name.startswith("le "):
        return "du " + name[3:]
    return "de " + name


def shown_number(number: str) -> str:
    """ "l2113-15" -> "L2113-15", "1" -> "1er"."""
    if re.match(r"[lrda]\d", number):
        return number[0].upper() + number[1:]
    return "1er" if number == "1" else number


def named_articles(question: str) -> list[ArticleRef]:
    """The articles `question` names, in order, each once."""
    folded = fold(question)
    out: list[ArticleRef] = []
    seen: set[tuple[str, str | None]] = set()
    spans: list[tuple[int, int]] = []
    patterns = [
        re.compile(rf"{_ARTICLE_WORD}{_CODE_NUMBER}"),
        re.compile(_CODE_NUMBER),
        re.compile(rf"{_ARTICLE_WORD}{_LAW_NUMBER}"),
    ]
    for pattern in patterns:
        for m in pattern.finditer(folded):
            if any(a <= m.start() < b for a, b in spans):
                continue
            groups = m.groupdict()
            if groups.get("code_num"):
                if not groups.get("letter"):
                    continue
                letter_at = m.start("letter")
                typed_letter = question[letter_at]
                number_typed = question[m.start("code_num") : m.end("code_num")]
                # "L. 2113-15", "R2113-7", "l2113-15": a code article; "à 20 %" is no "A20".
                if not typed_letter.isupper() and (
                    letter_at + 1 != m.start("code_num") or "-" not in number_typed
                ):
                    continue
                number = number_key(f"{groups['letter']}{groups['code_num']}")
            else:
                number = number_key(groups.get("law_num") or "")
            if not number:
                continue
            # The text named right after the number ("… de la loi ESS", "… du CCP"), or, when
            # the question names a single text anywhere, that one.
            after = folded[m.end() : m.end() + 80]
            text = text_key(after[: _next_reference(after)]) or _only_text(folded)
            key = (number, text)
            if key in seen:
                continue
            seen.add(key)
            spans.append((m.start(), m.end()))
            out.append(ArticleRef(number=number, text=text, typed=question[m.start() : m.end()]))
    return sorted(out, key=lambda r: folded.find(fold(r.typed)))


def _next_reference(text: str) -> int:
    m = re.search(rf"{_ARTICLE_WORD}|\bet\b|[?;]", text)
    return m.start() if m else len(text)


def _only_text(folded: str) -> str | None:
    keys = {key for pattern, key in _LAWS + _CODES if re.search(pattern, folded)}
    return keys.pop() if len(keys) == 1 else None


# What says only which text is meant, not what is asked of it: "(édition 2006)", "version 2014".
_EDITION = re.compile(r"\(?\b(?:edition|version|redaction)\s+(?:de\s+|du\s+|au\s+)?[\d/ ]+\)?")
_TEXT_WORDS = re.compile(r"\b(?:la\s+|le\s+|du\s+|de\s+la\s+|des\s+)?(?:loi|code)\b")


def without_references(question: str) -> str:
    """The folded question without the articles and texts it names: what it asks of them
    ("oblige-t-il les régions à…"), empty for "L. 2113-15 du code de la commande publique"."""
    folded = fold(question)
    for ref in named_articles(question):
        folded = folded.replace(fold(ref.typed), " ")
    for pattern, _ in _LAWS + _CODES:
        folded = re.sub(pattern, " ", folded)
    folded = _TEXT_WORDS.sub(" ", _EDITION.sub(" ", folded))
    return re.sub(r"\s+", " ", folded).strip()


def cites(passage: str, ref: ArticleRef, own_text: str | None = None) -> bool:
    """Whether a passage of the text `own_text` names the article `ref` ("1° L'article 19
    quinquies est ainsi modifié"): an article it names without saying of which text is one
    of its own text."""
    return any(
        r.number == ref.number and (ref.text is None or (r.text or own_text) == ref.text)
        for r in named_articles(passage)
    )


def mention(passage: str, ref: ArticleRef, words: int = 60) -> str:
    """The passage from the line that names the article `ref`, about `words` words, "…" when
    it goes on: what the documents say of an article they do not hold."""
    lines = passage.split("\n")
    start = next((i for i, line in enumerate(lines) if cites(line, ref, ref.text)), 0)
    tokens = " ".join(lines[start:]).split()
    return " ".join(tokens[:words]) + (" …" if len(tokens) > words else "")


_SUFFIXES = _SUFFIX.strip("(?:)").split("|")


def order_key(number: str) -> tuple[str, tuple[int, ...], int]:
    """Where an article stands in its text: "l2113-15" -> ("l", (2113, 15), 0), "19 septies"
    -> ("", (19,), 6), so that the articles around a missing one can be found."""
    letter = number[0] if _CODE_NUMBER_KEY.match(number) else ""
    ints = tuple(int(n) for n in re.findall(r"\d+", number))
    last = number.split()[-1] if " " in number else ""
    suffix = _SUFFIXES.index(last) + 1 if last in _SUFFIXES else 0
    return letter, ints, suffix


_CODE_NUMBER_KEY = re.compile(r"[lrda]\d")


def around(number: str, present: list[str]) -> list[str]:
    """The articles just before and just after `number` among `present` (same letter)."""
    key = order_key(number)
    same = sorted((order_key(p), p) for p in present if order_key(p)[0] == key[0] and p != number)
    before = [p for k, p in same if k < key][-1:]
    after = [p for k, p in same if k > key][:1]
    return before + after


# What "que dit l'article 13 de la loi ESS ?" says besides its reference. On folded text.
_REFERENCE_WORDS = re.compile(
    r"\b(?:que|qu'est-ce que|ce que) (?:dit|prevoit|contient|precise|pose|enonce|change)\b|"
    r"\b(?:ca|il|elle) (?:dit|prevoit|contient|parle de) quoi\b|\bdit quoi\b|\bprevoit quoi\b|"
    r"\bcontenu\b|\bteneur\b|\btexte\b|\bresume\b|\bexplique[rz]?\b"
)
# Stems that name a text or greet rather than ask something of the article.
_FILLER = frozenset(
    [
        "loi",
        "code",
        "articl",
        "art",
        "ess",
        "sse",
        "hamon",
        "dit",
        "prevoit",
        "quoi",
        "contient",
        "commande",
        "publiqu",
        "travail",
        "ccp",
        "cgct",
        "trav",
        "rural",
        "commerc",
        "juillet",
        "avril",
        "septembr",
        "2014",
        "2000",
        "1947",
        "856",
        "321",
        "1775",
        "ca",
        "bonjour",
        "merci",
    ]
)


def asks_beyond(text: str, yes_no: bool) -> bool:
    """Whether a question that names an article asks something of it ("oblige-t-il les régions
    à… ?") rather than only what it says ("que dit l'article 13 ?")."""
    folded = without_references(text)
    rest = [t for t in terms(folded) if t not in _FILLER and not t.isdigit()]
    if _REFERENCE_WORDS.search(folded) and not yes_no:
        return len(rest) >= 3
    return len(rest) >= 2


# "le III", "au II de l'article 1er", "art. 1er III", "L3332-17-1, III": a numbered paragraph of
# the article named. On the question as typed (capitals tell "II" from a word).
_SUBDIVISION = re.compile(
    r"(?:\b(?:[Ll]e|[Ll]a|[Aa]u|[Dd]u|[Cc]e|paragraphe|§)|\b(?:1er|\d+(?:-\d+)*(?:\s+(?:bis|ter|"
    r"quater|quinquies|sexies|septies|octies|nonies|decies))?)\s*,?)"
    r"\s+(?P<roman>I{1,3}|IV|VI{0,3}|IX|X)\b(?![-'])"
)


def subdivision(question: str) -> str | None:
    """The numbered paragraph (I, II, III…) of the named article a question asks about."""
    match = _SUBDIVISION.search(question)
    return match.group("roman") if match else None


def starts_subdivision(text: str, roman: str) -> bool:
    """Whether a sentence opens the paragraph `roman` ("III. - …", "III.-…", "III – …")."""
    return bool(re.match(rf"\s*{roman}\s*(?:\.|-|–)", text))


# "C'est encore valable ?", "toujours en vigueur ?", "je dois changer la référence ?": whether a
# text still applies. On folded text.
# Reused as it stands ("on peut le relancer tel quel ?") or still relied on ("on peut encore
# s'en servir ?", "je peux toujours m'appuyer dessus ?").
_STILL_USED = (
    r"\b(?:toujours|encore) (?:la |le |les )?bon(?:ne)?s? (?:reference|base|article|texte|"
    r"fondement)s?\b|"
    r"\b(?:re\w+|utiliser|garder|reprendre|conserver|laisser|citer|viser) (?:\w+ ){0,2}?"
    r"tel(?:le)?s? quel(?:le)?s?\b|"
    r"\b(?:toujours|encore) (?:\w+ ){0,2}?(?:utiliser|utilisable|servir|s'en servir|"
    r"m'en servir|nous en servir|citer|viser|invoquer|appliquer|m'appuyer|s'appuyer|"
    r"nous appuyer|fonder|se fonder|le fonder|la fonder)\b"
)
ASKS_VALIDITY = re.compile(
    r"\b(?:toujours|encore) (?:valable|valide|en vigueur|applicable|bon|d'actualite)|"
    r"\b(?:a|ont) (?:bouge|change)\b|\babroge|changer (?:la|les) references?|\bperime|"
    r"\bobsolete|\bplus en vigueur|" + _STILL_USED
)
# "C'est encore valable ?" (answered "Non" when the text is superseded), unlike "je dois changer
# la référence ?", which the same fact answers the other way. On folded text.
STILL_VALID = re.compile(
    r"\b(?:toujours|encore) (?:valable|valide|en vigueur|applicable|bon|d'actualite)\b|"
    + _STILL_USED
)


_REPEALED = re.compile(r"\babroge")


def repeal_sentence(text: str, key: str) -> str | None:
    """The sentence of `text` that says the text named `key` (a text key, folded: "code des
    marches publics") was repealed ("…a été abrogé le 1er avril 2016 et remplacé par…")."""
    return next((s for s in sentences(text) if _REPEALED.search(fold(s)) and key in fold(s)), None)


def repeals(text: str, key: str) -> bool:
    return repeal_sentence(text, key) is not None
