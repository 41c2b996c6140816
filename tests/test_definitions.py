"""Definition questions: the term asked about, and the sentences that define it."""

from __future__ import annotations

import pytest

from assistant.definitions import asked_subject, defines
from assistant.pipeline import Assistant
from assistant.question import Kind, understand
from evals.metrics import opening


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("c'est quoi l'ESS au sens de la loi de 2014 ?", "ess"),
        ("Qu'est-ce qu'une SCIC ?", "scic"),
        ("Tu peux me résumer la définition de l'utilité sociale dans la loi ?", "utilite sociale"),
        ("Innovation sociale, c'est quoi exactement ?", "innovation sociale"),
        ("Le Haut Conseil à la vie associative, c'est quoi ?", "haut conseil a la vie associative"),
        ("C'est quoi juridiquement une subvention ?", "subvention"),
        ("C'est quoi la définition de l'utilité sociale ?", "utilite sociale"),
        ("Qu'est-ce que l'ESS ?", "ess"),
        ("Qu'est-ce que la commande publique responsable ?", "commande publique responsable"),
        ("Comment expliquer ce qu'est l'ESS en 5 minutes ?", "ess"),
        ("Je voudrais savoir ce que sont les PTCE.", "ptce"),
        # "Ce que la loi entend par X" asks the definition of X, not of "la loi".
        ("Qu'est-ce que la loi ESS entend par innovation sociale ?", "innovation sociale"),
        ("Qu'entend-on par utilité sociale ?", "utilite sociale"),
        ("Que faut-il entendre par entreprise de l'ESS au sens de la loi ?", "entreprise de l'ess"),
    ],
)
def test_the_term_a_definition_question_asks_about(question: str, subject: str) -> None:
    found = asked_subject(question)
    assert found is not None and found.text == subject
    assert understand(question).kind is Kind.DEFINITION


@pytest.mark.parametrize(
    "question",
    [
        "Qu'est-ce que la loi de 2014 impose à la région ?",
        "Une commune peut-elle entrer au capital d'une SCIC ?",
        "Combien de temps dure l'agrément ESUS ?",
    ],
)
def test_other_questions_ask_no_definition(question: str) -> None:
    assert asked_subject(question) is None


def test_sentences_that_define_the_term_and_those_that_only_mention_it() -> None:
    ess = asked_subject("c'est quoi l'ESS ?")
    social = asked_subject("définition de l'utilité sociale")
    cae = asked_subject("c'est quoi un entrepreneur salarié ?")
    assert ess and social and cae
    assert defines("I. - L'économie sociale et solidaire est un mode d'entreprendre.", ess)
    assert defines(
        "Sont considérées comme poursuivant une utilité sociale au sens de la présente loi les "
        "entreprises dont l'objet social satisfait à l'une des conditions suivantes :",
        social,
    )
    assert defines("Est entrepreneur salarié d'une coopérative toute personne physique qui :", cae)
    # The chamber is defined here, not the ESS; and a mere mention defines nothing.
    assert not defines(
        "La Chambre française de l'économie sociale et solidaire est constituée en association.",
        ess,
    )
    assert not defines("Les entreprises de l'ESS peuvent obtenir l'agrément ESUS.", ess)


def test_what_is_the_ess_is_answered_by_the_law_s_definition(assistant: Assistant) -> None:
    """The ESS is named in every passage of the 2014 law: the defining article must still lead."""
    answer = assistant.ask("c'est quoi l'ESS au sens de la loi de 2014 ?")
    assert not answer.refused
    first = answer.answer.split("\n\n")[0]
    assert "L'économie sociale et solidaire est" in first and "art. 1er)" in first
    assert answer.citations[0].doc_id == "loi-2014-856"


@pytest.mark.parametrize(
    "question", ["Qu'est-ce que la loi dit sur les SCIC ?", "Qu'est-ce que la mairie peut faire ?"]
)
def test_what_a_text_says_or_what_to_do_is_no_definition_of_the_words_before_the_verb(
    question: str,
) -> None:
    assert asked_subject(question) is None


def test_a_trainer_asking_how_to_explain_the_ess_gets_its_definition(assistant: Assistant) -> None:
    answer = assistant.ask("Comment expliquer ce qu'est l'ESS en 5 minutes ?")
    opening = answer.answer.split("\n\n")[0]
    assert "mode d'entreprendre" in opening, answer.answer
    assert answer.citations[0].doc_id == "loi-2014-856"


def test_a_definition_asked_without_hyphens_or_with_a_filler(assistant: Assistant) -> None:
    """ "Qu'est ce que…" without its hyphen, "c'est quoi… au juste ?": the same definition
    questions, answered by the defining sentence."""
    asked = understand("Qu'est ce que l'innovation sociale pour la loi de 2014 ?")
    assert asked.kind is Kind.DEFINITION
    lead = opening(assistant.ask(asked.text).answer)
    assert lead.startswith("I. - Est considéré comme relevant de l'innovation sociale"), lead
    answer = assistant.ask(
        "C'est quoi un PTCE au juste ? On nous en parle en conseil communautaire."
    )
    lead = opening(answer.answer)
    assert lead.startswith("I. - Les pôles territoriaux de coopération économique sont"), lead
