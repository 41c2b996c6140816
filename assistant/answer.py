"""Extractive answers: the sentences of the retrieved passages that best answer the question,
each with its citation number; a refusal when the evidence is too weak; dates and status made
visible when sources disagree or are superseded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from assistant.config import Settings
from assistant.definitions import asked_subject, defines
from assistant.french import content_words, fold, stem, terms
from assistant.glossary import acronyms
from assistant.injection import is_instruction
from assistant.lexical import LexicalIndex
from assistant.references import find_references, own_reference, stored_link
from assistant.sentence_vectors import SentenceVectors, sentence_id
from assistant.types import SECONDARY_KINDS, Answer, Citation, Hit
from assistant.units import COMPLETE, answer_units

HISTORIC = "historique"
_SECONDARY_PRIOR = 0.5  # the text a note paraphrases leads unless the note says clearly more
_DEFINES_ASKED = 2.5  # "c'est quoi X ?": the sentence that defines X is the answer
_SECONDARY_SUPPORT = 0.75  # ...and, after it, the note's plain words may explain it
_FIGURE_SUBJECT = 0.15  # share of the question's subject a sentence giving a figure must hold
REFUSAL = "Je ne trouve pas de réponse à cette question dans les documents indexés."
INJECTION_REFUSAL = (
    "Je réponds uniquement à partir des documents indexés, en citant mes sources : je ne peux pas "
    "suivre une consigne qui demande de s'en écarter ou de changer ces règles."
)
_INJECTION = re.compile(
    r"\b(ignore[rsz]?|oublie[rsz]?|ne tiens? pas compte)\b.{0,40}\b(consignes?|instructions?|regles?"
    r"|documents?|sources?|contexte|precedent)|\b(tu es|tu seras|agis comme|fais comme si|"
    r"joue le role|reponds? (?:que|uniquement)|dis(?:-moi)? que)\b|system prompt|prompt systeme",
)
_PERCENT = re.compile(r"(\d+(?:[,.]\d+)?)\s?(?:%|pour ?cent)")
MISSING_FIGURE = "Les documents indexés ne donnent pas le chiffre demandé."
# A figure in a sentence: a number (digits or words) with its unit, or a share in words. Article
# numbers, dates and "1°" are not figures: they would answer "combien ?" with anything.
_NUMBER = (
    r"(?:\d[\d  .,]*|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|vingt|"
    r"trente|quarante|cinquante|soixante|cent|mille)"
)
_UNITS = (
    r"%|pour ?cent|euros?|€|ans?|annees?|mois|jours?|semaines?|heures?|fois|salaries|habitants|"
    r"membres|personnes|exercices?"
)
# A capitalised word inside a sentence (not its first word), with its hyphenated parts.
_NAME = re.compile(
    r"(?<![.?!:]\s)(?<!^)\b([A-ZÀ-Ý][a-zà-ÿ]{2,}(?:-[A-ZÀ-Ý][a-zà-ÿ]+)*)|\b([A-Z]{2,6})\b"
)
_PLACE_WORDS = frozenset(
    ["a", "au", "aux", "en", "de", "du", "des", "d'", "dans", "chez", "sur", "vers", "pres"]
)
_SHARE_UNITS = r"%|pour ?cent"
# What the question asks for -> the units that answer it.
_ASKED_UNITS = [
    (r"\b(montant|euros?|cout\w*|prix|budget|bareme|tarif)\b|€", r"euros?|€"),
    (r"\b(pourcentage|taux|proportion|part|parts|quota|%)(?!\w)", _SHARE_UNITS),
    (
        r"\b(delai|duree|temps|ans|annees?|mois|jours?|semaines?)\b",
        r"ans?|annees?|mois|jours?|semaines?",
    ),
    (r"\b(heures?)\b", r"heures?"),
]
_SHARE = re.compile(r"\b(moitie|tiers|quarts?|majorite|septiemes?|dixiemes?|centiemes?)\b")
_DELEGATED = re.compile(
    r"(fixee?s? |determinee?s? |precisee?s? |definie?s? )(par|en) (decret|voie reglementaire|"
    r"arrete|conseil d'etat)"
)
_QUANTITY_QUESTION = re.compile(
    r"\b(combien|quel(?:le)?s? (?:est |sont |etait )?(?:le |la |les |l')?(?:part|montant|seuil|"
    r"plafond|taux|proportion|pourcentage|delai|duree|nombre|budget|bareme|cout|prix|tarif)|"
    r"plafond|seuil|pourcentage|taux)\b"
)
_DEFINITION_QUESTION = re.compile(
    r"(c'?est quoi|qu'?est-ce qu|definition|defini[rt]?|que (?:veut dire|signifie)|veut dire|"
    r"signification|ca designe|qu'?appelle-t-on)"
)
_DEFINING = re.compile(
    r"\b(est|sont) (?:un|une|des|le|la|les|constitu|considér|compos|défini|qualifi)|"
    r"\bon entend\b|\bdésigne|\bau sens de|\bpermet\b|\bsont considérées? comme"
)
# A sentence is kept when it scores at least this share of the best one; at most this many
# sentences come from one passage.
_FLOOR = 0.35
_PER_PASSAGE = 3
# A sentence that reports an old figure as outdated is not a source claiming it (a recent note
# writing "le guide de 2011 indiquait 20 %, chiffre dépassé").
_REPORTS_OUTDATED = re.compile(
    r"\b(depasse|perime|obsolete|ancien(?:ne)?s?|n'est plus|ne sont plus|abroge|historique|"
    r"plus en vigueur|indiquai(?:t|ent))"
)
_ARTICLE_WORD = re.compile(r"^Article\s+")
_MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


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
    text: str
    hit_index: int
    score: float
    terms: set[str] = field(default_factory=set)
    # The score as a supporting sentence (after the lead): a practice note, held back from
    # leading, explains the rule in plain words beside the text it paraphrases.
    support: float = 0.0


def french_date(iso: str) -> str:
    """ "2014-07-31" -> "31 juillet 2014"; a bare year stays as it is."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso or "")
    if not m:
        return iso or "date inconnue"
    day = int(m.group(3))
    return f"{'1er' if day == 1 else day} {_MONTHS[int(m.group(2)) - 1]} {m.group(1)}"


def figure_in(text: str, question: str = "") -> str | None:
    """The phrase of `text` that states the kind of quantity the question asks for: an amount in
    euros for "combien coûte", a share for "quel pourcentage", a duration for "quel délai", the
    counted noun for "combien d'emplois"; any number with a unit otherwise."""
    folded, asked = fold(text), fold(question)
    # "combien d'heures ... par million d'euros": the counted noun is what is asked.
    counted = re.findall(r"combien (?:de |d')(\w+)", asked)
    units = [
        next(
            (unit for words, unit in _ASKED_UNITS if re.fullmatch(words, w)),
            re.escape(w[:-1] if w.endswith("s") else w) + "s?",
        )
        for w in counted
    ] or [unit for words, unit in _ASKED_UNITS if re.search(words, asked)]
    if (not units or any(unit is _SHARE_UNITS for unit in units)) and (
        share := _SHARE.search(folded)
    ):
        return share.group(0)
    pattern = "|".join(units) if units else _UNITS
    found = re.search(rf"\b{_NUMBER}\s*(?:\w+\s+){{0,2}}?(?:{pattern})(?!\w)", folded)
    return found.group(0) if found else None


def has_figure(text: str, question: str = "") -> bool:
    return figure_in(text, question) is not None


def is_injection(question: str) -> bool:
    """Whether the question asks to drop the rules rather than asking about the documents."""
    return bool(_INJECTION.search(fold(question)))


class AnswerBuilder:
    def __init__(
        self,
        settings: Settings,
        lexical: LexicalIndex | None,
        vectors: SentenceVectors | None = None,
    ) -> None:
        self.settings = settings
        self.lexical = lexical
        # Meaning as well as words: a sentence that paraphrases the question ranks up even when
        # it shares few of its terms ("que fait-on des bénéfices" / "partage des bénéfices").
        self.vectors = vectors

    # -- question terms ---------------------------------------------------------------------
    def term_groups(self, question: str) -> list[tuple[str, frozenset[str], float]]:
        """Each content term of the question, the terms of its long form (acronyms), its weight."""
        known = acronyms()
        groups = []
        seen: set[str] = set()
        for word in content_words(question):
            term = stem(word)
            if term in seen:
                continue
            seen.add(term)
            expansion = frozenset(terms(known[word])) if word in known else frozenset()
            groups.append((term, expansion, self._idf(term, expansion)))
        return groups

    def _idf(self, word: str, expansion: frozenset[str]) -> float:
        if self.lexical is None:
            return 1.0
        if self.lexical.df.get(word, 0) == 0 and expansion:
            return max(self.lexical.idf(a) for a in expansion)
        return self.lexical.idf(word)

    @staticmethod
    def _covered(groups: list[tuple[str, frozenset[str], float]], present: set[str]) -> float:
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

    def evidence(self, question: str, hits: list[Hit]) -> Evidence:
        groups = self.term_groups(question)
        best_cov = max(
            (
                self._covered(groups, set(terms(f"{h.meta.get('context', '')} {h.text}")))
                for h in hits
            ),
            default=0.0,
        )
        best_dense = max((h.dense for h in hits), default=0.0)
        return Evidence(coverage=best_cov, dense=max(0.0, best_dense))

    def unknown_names(self, question: str) -> list[str]:
        """Proper names and acronyms the question is about (a person, a tax) that no indexed
        passage mentions and the glossary does not know: the documents cannot say what that
        person thinks or how that tax applies.
        Places after a preposition ("maire de Trifouilly", "à Lyon") are only context."""
        if self.lexical is None:
            return []
        out = []
        known = acronyms()
        for match in _NAME.finditer(question):
            name = match.group(1) or match.group(2)
            if any(self.lexical.df.get(stem(fold(part)), 0) for part in name.split("-")):
                continue
            if fold(name) in known:
                continue
            before = fold(question[: match.start()]).split()
            after_preposition = bool(before) and (
                before[-1] in _PLACE_WORDS or before[-1].endswith("d'")
            )
            if match.group(1) and after_preposition:  # a place; acronyms are never places
                continue
            out.append(name)
        return out

    def answers_figure(self, text: str, question: str) -> bool:
        """Whether `text` gives the asked quantity about the question's subject: "48 heures" of
        a civic-service contract does not answer "combien d'heures d'insertion", so besides the
        figure the sentence must hold a fair share of the question's other terms."""
        phrase = figure_in(text, question)
        if phrase is None:
            return False
        unit = set(terms(phrase))
        groups = [g for g in self.term_groups(question) if g[0] not in unit]
        return self._covered(groups, set(terms(text)) - unit) >= _FIGURE_SUBJECT

    # -- sentence selection -----------------------------------------------------------------
    def candidates(
        self, question: str, hits: list[Hit], query: np.ndarray | None = None
    ) -> list[Candidate]:
        groups = self.term_groups(question)
        wants_quantity = bool(_QUANTITY_QUESTION.search(fold(question)))
        wants_definition = bool(_DEFINITION_QUESTION.search(fold(question)))
        subject = asked_subject(question)
        top = max((h.score for h in hits), default=1.0) or 1.0
        found: list[tuple[str, int, int, float, float]] = []  # text, hit, position, lexical, prior
        for i, hit in enumerate(hits):
            context_terms = set(terms(str(hit.meta.get("context", ""))))
            prior = 0.5 + 0.5 * (hit.score / top)
            if hit.meta.get("status") == HISTORIC:
                prior *= 0.8  # superseded texts never lead when a current one says as much
            if hit.meta.get("kind") in SECONDARY_KINDS:
                prior *= _SECONDARY_PRIOR
            for j, text in enumerate(answer_units(hit.text)):
                if len(text) < 25 or is_instruction(text):  # planted orders
                    continue
                sentence_terms = set(terms(text))
                coverage = self._covered(groups, sentence_terms | context_terms)
                own = self._covered(groups, sentence_terms)
                found.append((text, i, j, 0.35 * coverage + 0.65 * own, prior))
        w = self.settings.sentence_dense_weight if self.vectors is not None else 0.0
        sims = (
            self.vectors.similarities(
                question,
                [(sentence_id(hits[i].chunk_id, j), text) for text, i, j, _, _ in found],
                query,
            )
            if self.vectors is not None and w > 0
            else np.zeros(len(found), dtype=np.float32)
        )
        out: list[Candidate] = []
        for (text, i, j, lexical, prior), sim in zip(found, sims, strict=True):
            score = prior * ((1 - w) * lexical + w * max(0.0, float(sim)))
            if wants_quantity and has_figure(text, question):
                score *= 1.25
            if subject is not None and defines(text, subject):
                score *= _DEFINES_ASKED
            elif wants_definition and _DEFINING.search(text[:200]):
                score *= 1.25
            score *= 1.0 - min(j, 10) * 0.01  # earlier sentences of a passage state its rule
            support = score
            if hits[i].meta.get("kind") in SECONDARY_KINDS:
                support = score / _SECONDARY_PRIOR * _SECONDARY_SUPPORT
            out.append(
                Candidate(
                    text=text,
                    hit_index=i,
                    score=score,
                    terms=set(terms(_listed(text))),
                    support=support,
                )
            )
        _carry_sequels(out)
        return sorted(out, key=lambda c: c.score, reverse=True)

    def select(self, candidates: list[Candidate]) -> list[Candidate]:
        chosen: list[Candidate] = []
        per_hit: dict[int, int] = {}
        if not candidates:
            return chosen
        lead, rest = candidates[0], sorted(candidates[1:], key=lambda c: c.support, reverse=True)
        floor = max([lead.support] + [c.support for c in rest[:1]]) * _FLOOR
        for cand in [lead, *rest]:
            if len(chosen) >= self.settings.answer_sentences or cand.support < floor:
                break
            if per_hit.get(cand.hit_index, 0) >= _PER_PASSAGE:
                continue
            if any(
                _similar(cand.terms, c.terms) or cand.text in c.text or c.text in cand.text
                for c in chosen
            ):
                continue
            chosen.append(cand)
            per_hit[cand.hit_index] = per_hit.get(cand.hit_index, 0) + 1
        return chosen

    # -- the answer -------------------------------------------------------------------------
    def build(self, question: str, hits: list[Hit], query: np.ndarray | None = None) -> Answer:
        """The answer to `question` from `hits`; `query` is the question's vector when the
        retrieval has it (else embedded here)."""
        if is_injection(question):
            return Answer(answer=INJECTION_REFUSAL, refused=True, citations=[], warnings=[])
        evidence = self.evidence(question, hits)
        if not hits or evidence.strength < self.settings.refusal_threshold:
            return self.refusal(hits)
        if unknown := self.unknown_names(question):
            names = ", ".join(f"« {n} »" for n in unknown)
            return self.refusal(hits, f"Les documents indexés ne mentionnent pas {names}.")
        ranked = self.candidates(question, hits, query)
        chosen = self.select(ranked)
        if not chosen:
            return self.refusal(hits)
        if _QUANTITY_QUESTION.search(fold(question)) and not any(
            self.answers_figure(c.text, question) for c in chosen
        ):
            # A figure was asked: a lower-ranked sentence that states one leads, if relevant.
            floor = chosen[0].score * 0.3
            figure = next(
                (c for c in ranked if c.score >= floor and self.answers_figure(c.text, question)),
                None,
            )
            if figure is None:
                return self.missing_figure(chosen, hits)
            chosen = [figure, *chosen[: self.settings.answer_sentences - 1]]
        conflict = find_conflict(chosen, ranked, hits)
        if conflict:
            newer, older = conflict
            chosen = [c for c in chosen if c is not older and c is not newer]
            chosen.insert(0, newer)
        numbers: dict[int, int] = {}
        quoted: dict[int, list[str]] = {}

        announced: set[str] = set()

        def cite(c: Candidate) -> str:
            first = c.hit_index not in numbers
            n = numbers.setdefault(c.hit_index, len(numbers) + 1)
            quoted.setdefault(c.hit_index, []).append(c.text)
            label = _article_label(hits[c.hit_index].meta) if first else ""
            text = c.text
            head, sep, items = text.partition("\n")
            if sep and head.endswith(":"):
                if head in announced:  # the sentence announcing this list is quoted above
                    text = items
                announced.add(head)
            return f"{_display(text)}{f' ({label})' if label else ''} [{n}]"

        lines = [cite(chosen[0])]
        if len(chosen) > 1:
            lines += ["", "Précisions :"] + [f"- {cite(c)}" for c in chosen[1:]]
        warnings: list[str] = []
        if conflict:
            newer, older = conflict
            new_meta, old_meta = hits[newer.hit_index].meta, hits[older.hit_index].meta
            old_values = ", ".join(dict.fromkeys(v + " %" for v in _percents(older.text)))
            note = (
                f"À noter : « {_label(old_meta)} » ({french_date(str(old_meta.get('date', '')))}"
                f", statut : {old_meta.get('status', '')}) indiquait {old_values} ; ce texte est "
                f"antérieur à « {_label(new_meta)} » ({french_date(str(new_meta.get('date', '')))})"
                f", qui prévaut. {cite(older).rsplit(' ', 1)[-1]}"
            )
            lines += ["", note]
            warnings.append(note.replace("À noter : ", "Sources en désaccord : "))
        citations = [
            self.citation(n, hits[i], quoted.get(i, []))
            for i, n in sorted(numbers.items(), key=lambda x: x[1])
        ]
        warnings += [w for c in citations if (w := status_warning(c))]
        return Answer(
            answer="\n".join(lines), refused=False, citations=citations, warnings=warnings
        )

    def missing_figure(self, chosen: list[Candidate], hits: list[Hit]) -> Answer:
        """A figure was asked and the passages give none: say so rather than answer beside the
        question, and point to the text that delegates the figure to a decree when there is one."""
        delegating = next((c for c in chosen if _DELEGATED.search(fold(c.text))), None)
        if delegating is None:
            return self.refusal(hits, MISSING_FIGURE)
        citation = self.citation(1, hits[delegating.hit_index])
        label = _article_label(hits[delegating.hit_index].meta)
        text = (
            f"{MISSING_FIGURE} Le texte renvoie ce chiffre à un texte d'application "
            f"(décret ou arrêté), à vérifier sur Légifrance : « {_display(delegating.text)} »"
            f"{f' ({label})' if label else ''} [1]"
        )
        return Answer(answer=text, refused=True, citations=[citation], warnings=[])

    def refusal(self, hits: list[Hit], text: str = REFUSAL) -> Answer:
        near = hits[:3]
        citations = [self.citation(i + 1, h) for i, h in enumerate(near)]
        if citations:
            listed = " ; ".join(
                f"[{c.n}] {c.title} ({c.locator})" if c.locator else f"[{c.n}] {c.title}"
                for c in citations
            )
            text += f"\nPassages les plus proches, à consulter (ils ne répondent pas à la question) : {listed}"
        return Answer(answer=text, refused=True, citations=citations, warnings=[])

    @staticmethod
    def citation(n: int, hit: Hit, quoted: list[str] | None = None) -> Citation:
        meta = hit.meta
        refs = find_references(hit.text)
        own = own_reference(str(meta.get("article", "")), str(meta.get("title", "")))
        link: str | None = refs[0].link if refs else None
        if meta.get("kind") in {"loi", "code"} and own:
            link = own.link
        link = stored_link(meta) or link  # an imported article links to its own page
        return Citation(
            n=n,
            doc_id=hit.doc_id,
            title=str(meta.get("title", "")),
            date=str(meta.get("date", "")),
            status=str(meta.get("status", "")),
            locator=hit.locator,
            excerpt=hit.text,
            source=str(meta.get("source", "")),
            link=link,
            heading=str(meta.get("heading", "")),
            quoted=list(dict.fromkeys(quoted or [])),
        )


def status_warning(citation: Citation) -> str:
    if citation.status != HISTORIC:
        return ""
    return (
        f"[{citation.n}] « {citation.title} » est un texte historique "
        f"({french_date(citation.date)}) : antérieur à des textes plus récents, il peut être dépassé."
    )


def _percents(text: str) -> list[str]:
    return [v.replace(".", ",") for v in _PERCENT.findall(text)]


def find_conflict(
    chosen: list[Candidate], ranked: list[Candidate], hits: list[Hit]
) -> tuple[Candidate, Candidate] | None:
    """Two relevant sentences from texts of different dates giving different percentages on the
    same subject: returns (newer, older). Our practice notes are left out: a note paraphrases
    the texts, it never supersedes one, whatever its date."""
    if not chosen:
        return None
    floor = chosen[0].score * 0.45
    pool = [
        c
        for c in ranked
        if c.score >= floor
        and _percents(c.text)
        and hits[c.hit_index].meta.get("kind") not in SECONDARY_KINDS
        and not _REPORTS_OUTDATED.search(fold(c.text))
    ][:12]
    for i, a in enumerate(pool):
        for b in pool[i + 1 :]:
            ma, mb = hits[a.hit_index].meta, hits[b.hit_index].meta
            if ma.get("doc_id") == mb.get("doc_id"):
                continue
            if set(_percents(a.text)) & set(_percents(b.text)):
                continue
            shared = (a.terms & b.terms) - {"pourcent"}
            if len(shared) < 2:
                continue
            da, db = str(ma.get("date", "")), str(mb.get("date", ""))
            if da == db:
                continue
            return (a, b) if da > db else (b, a)
    return None


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


def _listed(text: str) -> str:
    """What a list unit lists, without the sentence announcing it: two halves of one list, each
    passage repeating that sentence, are not the same quote."""
    head, sep, items = text.partition("\n")
    return items if sep and head.endswith(":") else text


def _similar(a: set[str], b: set[str]) -> bool:
    if not a or not b:
        return False
    return len(a & b) / len(a | b) > 0.6


def _display(text: str) -> str:
    text = text.strip()
    if text.startswith("«") and "»" not in text:
        text = text[1:].strip()
    if text.endswith("»") and "«" not in text:
        text = text[:-1].strip()
    text = re.sub(r"^[-–•*]\s+", "", text)
    if text and not COMPLETE.search(text):
        text += " (…)"  # cut where the passage ends: the reader opens the source for the rest
    return text[0].upper() + text[1:] if text and text[0].islower() else text


def _article_label(meta: dict[str, object]) -> str:
    """ "Loi ESS 2014, art. 6" for a passage of a legal text: officials quote the article."""
    article = str(meta.get("article", ""))
    if meta.get("kind") not in {"loi", "code"} or not article:
        return ""
    label, short = _label(meta), _ARTICLE_WORD.sub("art. ", article)
    return label if fold(short) in fold(label) else f"{label}, {short}"


def _label(meta: dict[str, object]) -> str:
    return str(meta.get("short") or meta.get("title") or meta.get("doc_id"))
