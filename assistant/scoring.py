"""How well each sentence of the retrieved passages answers a question: by its words (IDF-
weighted, acronyms counted through their long form), by its meaning (cosine to the question),
by the standing of its source (current text, practice note, superseded text) and by what the
question asks for (a figure, a definition, a list of steps)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from assistant.config import Settings
from assistant.definitions import definition_strength
from assistant.figures import figure_in
from assistant.french import STOPWORDS, fold, stem, terms
from assistant.glossary import acronyms
from assistant.injection import is_instruction
from assistant.lexical import LexicalIndex
from assistant.question import Kind, Question, quotes_in
from assistant.sentence_vectors import SentenceVectors
from assistant.sentences import answer_units, gives_steps, needs_antecedent, sentence_id
from assistant.types import SECONDARY_KINDS, UPLOADED, Hit

HISTORIC = "historique"
# A practice note explains in plain words what a text says: it may open when its sentence
# answers better, but starts a little behind the text it paraphrases.
_SECONDARY_PRIOR = 0.85
_UPLOADED_PRIOR = 0.5
_DEFINES_ASKED = 2.5  # "c'est quoi X ?": the sentence that defines X is the answer
_QUOTE_HELD = 1.5  # a sentence holding the quoted term a definition question asks about
_LIST_ASKED = 1.3  # "quelles étapes / quelles conditions": a list that gives them
_FIGURE_SUBJECT = 0.25
# "le montant de l'indemnité", "le coût d'une adhésion": what an amount asked in euros is of;
# a sentence that gives an amount must name it. On folded text.
_PAID = re.compile(
    r"\b(?:montant|cout|prix|tarif|bareme)\s+(?:(?:brut|net|annuel|mensuel|total|exact|"
    r"maximum|maximal|minimum|minimal|global)\s+)?(?:de la |de l'|du |des |d'|de )(\w+)"
)
_SETTING = 0.4
# Words that qualify the asked figure rather than say what it is about ("au minimum", "max").
_QUALIFIERS = frozenset(
    stem(w)
    for w in [
        "minimum",
        "maximum",
        "min",
        "max",
        "total",
        "exact",
        "exactement",
        "environ",
        "maximale",
        "minimale",
        "plafond",
    ]
)
_LAW_ASKED = 1.35  # the question asks what the law says: its text comes first
_LIST_UNASKED = 0.7
_LIST_KINDS = frozenset({Kind.STEPS, Kind.CRITERIA, Kind.DEFINITION})
LEGAL_KINDS = frozenset({"loi", "code"})
_ILLUSTRATION = re.compile(
    r"(?i)^\s*(?:par )?exemples?\s*:|^\s*ainsi,|^\s*(?:exemple cité|cas pratique)"
)
_ILLUSTRATES = 0.8
_LONG = 45  # words; a longer sentence is scored as if it were this long, in part
_LENGTH_DAMPING = 0.0
_HEADING_ASKS = 0.8  # weight of a term only found in the sentences that set the scene  # share of the question's subject a sentence giving a figure must hold
_DEFINING = re.compile(
    r"\b(est|sont) (?:un|une|des|le|la|les|constitu|considér|compos|défini|qualifi)|"
    r"\bon entend\b|\bdésigne|\bau sens de|\bpermet\b|\bsont considérées? comme"
)
# A capitalised word inside a sentence (not its first word), with its hyphenated parts.
_NAME = re.compile(
    r"(?<![.?!:]\s)(?<!^)\b([A-ZÀ-Ý][a-zà-ÿ]{2,}(?:-[A-ZÀ-Ý][a-zà-ÿ]+)*)"
    r"|\b([A-Z]{2,6}(?:[a-z]\b)?)\b"  # "SCIC", and "NOTRe" with its small letter
)
_LIST_MARK = re.compile(r"(?:^|[\s(])\d{1,2}[.)]\s*$")
# A text named after a person, then dated: the date says which text. On folded text.
_TEXT_WORDS = frozenset(["circulaire", "loi", "decret", "arrete", "ordonnance", "rapport"])
_DATED = re.compile(
    r"^\W*(?:du|de|d')\s+(?:\d{1,2}(?:er)?\s+(?:janvier|fevrier|mars|avril|mai|juin|juillet|"
    r"aout|septembre|octobre|novembre|decembre)\s+)?(?:19|20)\d{2}\b"
)
_PLACE_WORDS = frozenset(
    ["a", "au", "aux", "en", "de", "du", "des", "d'", "dans", "chez", "sur", "vers", "pres"]
)


@dataclass
class Evidence:
    """How well the retrieved passages cover the question (0..1 each)."""

    coverage: float
    dense: float

    @property
    def strength(self) -> float:
        # Weights and threshold chosen by a grid search on evals/questions.jsonl (answerable vs
        # out-of-scope): the dense similarity separates them better than term coverage alone.
        return 0.1 * self.coverage + 0.9 * self.dense


@dataclass
class Candidate:
    """A unit of a passage (a sentence, or a list with what announces it) as a possible answer."""

    text: str
    hit_index: int
    position: int
    score: float  # as an opening
    support: float = 0.0  # as a further point
    similarity: float = 0.0  # cosine to the question
    own: float = 0.0  # share of the question's terms in the unit's own words
    terms: set[str] = field(default_factory=set)
    listed: bool = False  # a list (steps, criteria), with or without its announcing sentence
    previous: str = ""  # the unit before it in its passage ("Oui." before the explanation)


Groups = tuple[tuple[str, frozenset[str], float], ...]


class Scorer:
    def __init__(
        self, settings: Settings, lexical: LexicalIndex | None, vectors: SentenceVectors | None
    ) -> None:
        self.settings = settings
        self.lexical = lexical
        # Meaning as well as words: a sentence that paraphrases the question ranks up even when
        # it shares few of its terms ("que fait-on des bénéfices" / "partage des bénéfices").
        self.vectors = vectors

    # -- the question's terms ---------------------------------------------------------------
    def groups(self, question: Question) -> Groups:
        """Each content term of the question, the terms of its long form, its weight (IDF)."""
        return tuple(
            (t, long, self._idf(t, long) * (_SETTING if t in question.setting else 1.0))
            for t, long in question.expansions
        )

    def _idf(self, word: str, expansion: frozenset[str]) -> float:
        if self.lexical is None:
            return 1.0
        if self.lexical.df.get(word, 0) == 0 and expansion:
            return max(self.lexical.idf(a) for a in expansion)
        return self.lexical.idf(word)

    def coverage(self, question: Question, present: set[str]) -> float:
        return _covered(self.groups(question), present)

    def evidence(self, question: Question, hits: list[Hit]) -> Evidence:
        groups = self.groups(question)
        best_cov = max(
            (_covered(groups, set(terms(f"{h.meta.context} {h.text}"))) for h in hits),
            default=0.0,
        )
        best_dense = max((h.dense for h in hits), default=0.0)
        return Evidence(coverage=best_cov, dense=max(0.0, best_dense))

    def unknown_names(self, question: Question) -> list[str]:
        """Proper names and acronyms the question is about (a person, a tax, "la loi NOTRe")
        that no indexed passage mentions, in short or in full ("FEDER": its long form's words
        are indexed, but no passage holds them together): the documents cannot say what that
        person thinks or how that fund applies.
        Places after a preposition ("maire de Trifouilly", "à Lyon") are only context."""
        if self.lexical is None:
            return []
        out = []
        known = acronyms()
        # Only the sentence that asks: "DGS d'une comcom. Par quoi commencer ?" is not about
        # the directeur général des services; every question of a message that asks several,
        # from its first ("… mobiliser le FSE+ …, et quelle est la démarche ?").
        start = question.text.find(question.parts[0].text) if question.parts else -1
        text = question.text[start:] if start >= 0 else question.asking or question.text
        place_end = -2
        for match in _NAME.finditer(text):
            name = match.group(1) or match.group(2)
            if match.group(1) and match.start() == place_end + 1:
                place_end = match.end()  # "Burkina Faso": the place goes on
                continue
            before = fold(text[: match.start()]).split()
            after_preposition = bool(before) and (
                before[-1] in _PLACE_WORDS or before[-1].endswith("d'")
            )
            if match.group(1) and after_preposition:  # a place; acronyms are never places
                place_end = match.end()
                continue
            if (
                match.group(1)
                and fold(name) in STOPWORDS
                and _LIST_MARK.search(text[: match.start()])
            ):
                continue  # "1) Une convention… 2) Ils ont…": a capital after a list mark
            if any(self.lexical.df.get(stem(fold(part)), 0) for part in name.split("-")):
                continue
            if before and before[-1] in _TEXT_WORDS and _DATED.search(fold(text[match.end() :])):
                continue  # "la circulaire Valls du 29 septembre 2015": its date names the text
            long_form = known.get(fold(name))
            if long_form and self.lexical.together(terms(long_form)):
                continue  # an acronym of something a passage speaks of in full
            out.append(name)
        return out

    def answers_figure(self, text: str, question: Question) -> bool:
        """Whether `text` gives the asked quantity about the question's subject: "48 heures" of
        a civic-service contract does not answer "combien d'heures d'insertion", so besides the
        figure the sentence must hold a fair share of the question's other terms."""
        phrase = figure_in(text, question.folded, question.counted)
        if phrase is None or _stated_in(phrase, question.folded):
            return False  # none, or the question's own ("le plafond sur trois ans ?")
        unit = set(terms(phrase)) | _QUALIFIERS
        present = set(terms(text)) - unit
        if not names_paid(present, question):
            return False  # an amount of something else ("le montant de ces travaux")
        groups = tuple(g for g in self.groups(question) if g[0] not in unit)
        return _covered(groups, present) >= _FIGURE_SUBJECT

    def item_giving(
        self, part: Question, listed: Candidate, usable: list[Candidate], context: str
    ) -> Candidate:
        """For a figure asked of one item of a list ("combien de minutes pour le cas pratique
        ?"), that item ("5. Cas pratique (40 min) : …") rather than the whole list: the item
        that names what the question names beyond what the list and its heading say. Without
        such an item ("combien de temps au total ?") the list stays."""
        lines = listed.text.split("\n")
        shared = set(terms(f"{context} {lines[0]}"))

        def naming(c: Candidate) -> float:
            return self.coverage(part, c.terms - shared)

        items = [
            c
            for c in usable
            if c.hit_index == listed.hit_index
            and any(line.startswith(c.text) for line in lines[1:])
            and figure_in(c.text, part.folded, part.counted)
        ]
        best = max(items, key=naming, default=None)
        return best if best is not None and naming(best) > 0 else listed

    # -- sentences --------------------------------------------------------------------------
    def candidates(
        self, question: Question, hits: list[Hit], query: np.ndarray | None = None
    ) -> list[Candidate]:
        """Every quotable unit of `hits`, scored for `question`, best first."""
        groups = self.groups(question)
        top = max((h.score for h in hits), default=1.0) or 1.0
        found: list[tuple[str, int, int, float, float, float, str]] = []
        for i, hit in enumerate(hits):
            context = str(hit.meta.context)
            context_terms = set(terms(context))
            prior = 0.5 + 0.5 * (hit.score / top)
            # A section headed by the question itself ("Une commune peut-elle être associée
            # d'une SCIC ?"): written to answer it, its sentences come first.
            heading = context.rsplit(" > ", 1)[-1]
            if heading.rstrip().endswith("?"):
                prior *= 1 + _HEADING_ASKS * max(0.0, _covered(groups, set(terms(heading))) - 0.3)
            if hit.meta.status == HISTORIC:
                prior *= 0.8  # superseded texts never lead when a current one says as much
            if hit.meta.kind in SECONDARY_KINDS:
                prior *= _SECONDARY_PRIOR
            if hit.meta.kind == UPLOADED:
                prior *= _UPLOADED_PRIOR  # anyone's words: below our notes and the texts
            if question.wants_law and hit.meta.kind in LEGAL_KINDS:
                prior *= _LAW_ASKED
            units = answer_units(hit.text)
            for j, text in enumerate(units):
                if len(text) < 25 or is_instruction(text):  # planted orders
                    continue
                sentence_terms = set(terms(text))
                coverage = _covered(groups, sentence_terms | context_terms)
                own = _covered(groups, sentence_terms)
                previous = units[j - 1] if j else ""
                found.append((text, i, j, 0.35 * coverage + 0.65 * own, prior, own, previous))
        w = self.settings.sentence_dense_weight if self.vectors is not None else 0.0
        sims = (
            self.vectors.similarities(
                question.search_text,
                [(sentence_id(hits[i].chunk_id, j), text) for text, i, j, *_ in found],
                query,
            )
            if self.vectors is not None and w > 0
            else np.zeros(len(found), dtype=np.float32)
        )
        subject = question.subject
        quoted_subject = question.quoted_subject is not None
        out: list[Candidate] = []
        for (text, i, j, lexical, prior, own, previous), sim in zip(found, sims, strict=True):
            context = str(hits[i].meta.context)
            similarity = max(0.0, float(sim))
            score = prior * ((1 - w) * lexical + w * similarity)
            listed = "\n" in text and _is_list(text)
            if question.wants_figure and figure_in(text, question.folded, question.counted):
                score *= 1.25
            strength = definition_strength(text, subject) if subject is not None else 0.0
            if quoted_subject and quotes_in(text, question.quoted):
                score *= _QUOTE_HELD  # the words the official asks about, where a text has them
            if strength:
                score *= 1 + (_DEFINES_ASKED - 1) * strength
            elif question.kind is Kind.DEFINITION and _DEFINING.search(text[:200]):
                score *= 1.25
            if listed and question.kind not in _LIST_KINDS:
                score *= _LIST_UNASKED  # a long list covers many words without answering
            if listed and question.kind in (Kind.STEPS, Kind.CRITERIA):
                score *= _LIST_ASKED
                if question.kind is Kind.STEPS:
                    score *= 1 + (_LIST_ASKED - 1) * gives_steps(text, context)
            score *= 1.0 - min(j, 10) * 0.01  # earlier sentences of a passage state its rule
            if _ILLUSTRATION.match(text):
                score *= _ILLUSTRATES  # an example illustrates the rule; the rule answers
            words = len(text.split())
            if words > _LONG and not listed:
                score *= (_LONG / words) ** _LENGTH_DAMPING  # many words cover many terms
            support = score
            if hits[i].meta.kind in SECONDARY_KINDS:
                support = score / _SECONDARY_PRIOR
            out.append(
                Candidate(
                    text=text,
                    hit_index=i,
                    position=j,
                    score=score,
                    support=support,
                    similarity=similarity,
                    own=own,
                    terms=set(terms(_listed(text))),
                    listed=listed,
                    previous=previous,
                )
            )
        _carry_sequels(out)
        return sorted(out, key=lambda c: c.score, reverse=True)


def _stated_in(phrase: str, folded: str) -> bool:
    """Whether the (folded) question states this figure itself, as whole words ("cinq ans" is
    not in "vingt-cinq ans")."""
    flat = " ".join(phrase.split())
    return re.search(rf"(?<![\w-]){re.escape(flat)}(?![\w-])", folded) is not None


def names_paid(present: set[str], question: Question) -> bool:
    """Whether terms `present` name what the question asks the amount of (always true when it
    asks no "montant de …")."""
    paid = _PAID.search(question.folded)
    return not paid or bool(set(terms(paid.group(1))) & present)


def _covered(groups: Groups, present: set[str]) -> float:
    """IDF-weighted share of the question's terms found in `present` (an acronym counts when
    it or most of its long form is there)."""
    total = sum(w for _, _, w in groups)
    if total <= 0:
        return 0.0
    got = 0.0
    for word, expansion, weight in groups:
        if word in present or (expansion and len(expansion & present) >= 0.6 * len(expansion)):
            got += weight
    return got / total


def _is_list(text: str) -> bool:
    from assistant.french import is_list_item

    lines = text.split("\n")
    return sum(1 for line in lines if is_list_item(line)) >= 2


def _carry_sequels(candidates: list[Candidate]) -> None:
    """A rule quoted with the sentence that carries it on ("Ces débats donnent lieu à…",
    "Toutefois…") scores at least as well as the rule alone, so the two are quoted together
    rather than the rule without its sequel or exception."""
    by_hit: dict[int, list[Candidate]] = {}
    for c in candidates:
        by_hit.setdefault(c.hit_index, []).append(c)
    for group in by_hit.values():
        for c in group:
            for bare in group:
                if bare is not c and c.text.startswith(bare.text + " "):
                    c.score = max(c.score, bare.score)
                    c.support = max(c.support, bare.support)
        # And a sentence that needs the one before it ("Elles prennent la dénomination de
        # titres associatifs.") is quoted with it: the pair scores as well as the sentence, and
        # as the sentence with what follows it.
        for anaphor in group:
            if not needs_antecedent(anaphor.text):
                continue
            pairs = [c for c in group if c.text.endswith(" " + anaphor.text)]
            ahead = [c for c in group if c.text.startswith(anaphor.text + " ")]
            best = max([anaphor, *ahead], key=lambda c: c.score)
            for pair in pairs:
                pair.score = max(pair.score, best.score)
                pair.support = max(pair.support, best.support)


def _listed(text: str) -> str:
    """What a list unit lists, without the sentence announcing it: two halves of one list, each
    passage repeating that sentence, are not the same quote."""
    head, sep, items = text.partition("\n")
    return items if sep and head.endswith(":") else text
