"""Our practice notes in corpus/: well-formed, found where they are the best source, never in
the place of the texts they paraphrase."""

from __future__ import annotations

import re
import tomllib

import frontmatter

from assistant.pipeline import Assistant
from assistant.types import SECONDARY_KINDS
from evals.metrics import opening
from tests.fixtures import ROOT

CORPUS = ROOT / "corpus"
# A reference in brackets to a text or a guide: "(loi n° 2014-856, art. 2)", "(RTES, 2015)";
# or the Legifrance check we ask for where our texts stop.
REFERENCE = re.compile(r"\([^()]*(?:\bart\.|\b(?:19|20)\d\d\b)[^()]*\)|Légifrance")


def test_every_note_is_catalogued_with_its_front_matter_and_references() -> None:
    catalog = tomllib.loads((CORPUS / "catalog.toml").read_text(encoding="utf-8"))
    entries = {e["file"]: e for e in catalog["document"]}
    notes = sorted(CORPUS.glob("*.md"))
    assert len(notes) >= 10
    for note in notes:
        assert note.name in entries, note.name
        assert entries[note.name]["kind"] == "fiche"
        post = frontmatter.load(note)
        for key in ("title", "date", "sources", "audience"):
            assert post.get(key), f"{note.name}: {key}"
        paragraphs = [p for p in post.content.split("\n\n") if len(p) > 200]
        referenced = [p for p in paragraphs if REFERENCE.search(p)]
        assert len(referenced) >= 0.6 * len(paragraphs), note.name


def test_notes_sit_beside_the_law_and_never_take_its_place(assistant: Assistant) -> None:
    settings = assistant.settings
    for question in (
        "Quels sont les avantages de l'agrément ESUS pour une entreprise ?",
        "Comment une commune peut-elle entrer au capital d'une SCIC ?",
    ):
        hits = assistant.retriever.search(question)
        notes = [h for h in hits if h.meta.kind in SECONDARY_KINDS]
        assert len(notes) <= settings.max_notes
        assert len(hits) - len(notes) == settings.top_k
        answer = assistant.ask(question)
        kinds = {c.doc_id: c for c in answer.citations}
        assert any(not d.startswith("fiche-") for d in kinds), answer.answer


def test_a_practical_how_to_question_cites_a_note(assistant: Assistant) -> None:
    answer = assistant.ask(
        "Je prépare une matinée de sensibilisation à l'ESS pour les élus : quelles idées reçues "
        "faut-il déconstruire ?"
    )
    assert not answer.refused
    assert any(c.doc_id.startswith("fiche-") for c in answer.citations)


def test_a_recent_note_never_overrides_a_text(assistant: Assistant) -> None:
    answer = assistant.ask("Une SCOP est-elle exonérée de cotisation foncière des entreprises ?")
    assert not any("Sources en désaccord" in w and "Fiche" in w for w in answer.warnings)


def test_the_section_of_a_note_that_answers_is_found_beside_its_introduction(
    assistant: Assistant,
) -> None:
    """A note's introduction names every question it answers ("qui doit l'adopter, quand, et
    que doit-il contenir ?") and may outrank the section that answers: that section still
    opens, with the list of what the schéma must contain."""
    answer = assistant.ask("Le SPASER doit contenir quoi, concrètement ?")
    opening = answer.answer.split("\n\n")[0]
    assert "travailleurs handicapés ou défavorisés" in opening
    assert "écologique" in opening


def test_the_steps_to_grant_a_subsidy_are_the_laws_in_order(assistant: Assistant) -> None:
    """ "Les grandes étapes pour verser une subvention à une asso dans les règles" are a
    numbered list, each step with its article: from what makes it a subsidy (art. 9-1) to the
    convention and the financial report (art. 10)."""
    answer = assistant.ask(
        "Quelles sont les étapes pour verser une subvention à une association dans les règles, "
        "jusqu'au contrôle après le versement ?"
    )
    lead = opening(answer.answer)
    assert lead.startswith("1. "), answer.answer
    for fact in ("convention", "compte rendu financier", "art. 9-1", "art. 10"):
        assert fact in lead, answer.answer


def test_a_scic_may_be_an_sas_and_an_sas_claiming_ess_is_not_told_about_scic(
    assistant: Assistant,
) -> None:
    answer = assistant.ask("Une SCIC en SAS, c'est possible ?")
    assert opening(answer.answer).startswith("Oui."), answer.answer
    other = assistant.ask("Une SAS classique peut-elle se revendiquer entreprise de l'ESS ?")
    assert "SCIC" not in opening(other.answer).split("\n")[0], other.answer


def test_a_sale_in_liquidation_is_not_told_a_flat_yes(assistant: Assistant) -> None:
    """The note's own answer on informing employees before a sale keeps its exceptions in the
    verdict (liquidation judiciaire is one): never a flat "Oui"."""
    answer = assistant.ask(
        "Une SARL de 20 salariés en liquidation judiciaire, le gérant doit-il prévenir les "
        "salariés avant de vendre ?"
    )
    lead = opening(answer.answer)
    assert not lead.startswith(("Oui.", "Oui, dans")), answer.answer
