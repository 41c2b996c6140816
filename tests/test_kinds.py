"""What kind of answer a question wants, read as officials phrase it: the kind decides what
opens the answer (steps as a list, criteria as a whole list, a verdict), so a question read as
the wrong kind gets an opening of the wrong shape."""

from __future__ import annotations

import pytest

from assistant.question import Kind, understand


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        # "c'est quoi" before the steps or the list asked is not a definition question.
        ("Pour la régie, c'est quoi les principales étapes ?", Kind.STEPS),
        ("Pour une fusion d'associations, quelle est la procédure ?", Kind.STEPS),
        ("La chambre régionale, c'est quoi ses missions selon la loi ?", Kind.CRITERIA),
        ("Pour l'agrément, c'est quoi les conditions exactement ?", Kind.CRITERIA),
        ("Qu'est-ce qu'un PTCE ?", Kind.DEFINITION),
        ("C'est quoi un PTCE ?", Kind.DEFINITION),
        ("c koi une CAE au juste ?", Kind.DEFINITION),  # written as typed on a phone
        ("C quoi un GEIQ ?", Kind.DEFINITION),
        # A possessive instead of the article: still a list of requirements.
        ("On subventionne le festival. Quelles sont nos obligations ?", Kind.CRITERIA),
        ("Le règlement intérieur doit comporter quoi ?", Kind.CRITERIA),
        # How something goes, or what to put in place, asks for steps.
        ("Comment doit se dérouler la consultation du comité ?", Kind.STEPS),
        ("Concrètement, on met quoi en place à la direction des achats ?", Kind.STEPS),
        ("Comment on organise la concertation avec les associations ?", Kind.STEPS),
        ("On veut créer un tiers-lieu. On commence par quoi ?", Kind.STEPS),
        ("Pour la formation des agents, vous auriez un déroulé type ?", Kind.STEPS),
    ],
)
def test_the_kind_read_off_how_officials_ask(question: str, kind: Kind) -> None:
    assert understand(question).kind is kind


@pytest.mark.parametrize(
    "question",
    [
        # A remark after the question mark is not the question.
        "La coopérative veut mettre le logo ESS sur son site. Elle peut ? il me semble que non",
        # "tel quel" is no question word.
        "Le vieux cahier des charges cite l'ancien code. On peut le reprendre tel quel ?",
    ],
)
def test_a_yes_no_question_is_read_as_one(question: str) -> None:
    assert understand(question).kind is Kind.YESNO


def test_steps_are_things_to_do_not_the_forms_a_thing_takes() -> None:
    """Asked for the steps, a list of the legal forms a body may take is no answer, even in a
    document whose title says "mode d'emploi"; a list of actions, or one under a heading that
    says steps, is."""
    from assistant.sentences import lists_steps

    forms = "Une régie peut prendre :\n- la forme d'un service ;\n- la forme d'un établissement."
    assert not lists_steps(forms, "Les régies : mode d'emploi > Quelles formes ?")
    actions = "Pour y arriver :\n1. Recenser les besoins ;\n2. Réunir les acteurs."
    assert lists_steps(actions, "Les régies > Pour commencer")
    plans = "Une démarche :\n1. Le diagnostic ;\n2. La concertation."
    assert lists_steps(plans, "Les régies > Quelles étapes pour créer une régie ?")
    # the section of one step ("Deuxième étape : …") lists what that step is about
    members = "Elle compte :\n- des usagers ;\n- des salariés."
    assert not lists_steps(members, "Les régies > Deuxième étape : choisir les membres")


def test_steps_named_inside_a_yes_no_question_do_not_make_it_a_steps_question() -> None:
    assert understand("Les grandes étapes du schéma doivent-elles être votées ?").kind is Kind.YESNO
    asked = "Est-ce que la délibération doit mentionner quoi que ce soit sur le seuil ?"
    assert understand(asked).kind is Kind.YESNO


def test_a_term_named_before_its_question_is_the_subject_of_a_definition() -> None:
    """ "PTCE, ça veut dire quoi au juste ?" asks what a PTCE is, whatever follows its question
    mark ("un collègue m'en parle"); "au juste" is not part of the term."""
    for asked in [
        "SCOP, ça veut dire quoi au juste ? on m'en parle en réunion",
        "La CAE, c koi ?",
        "Le SPASER, ça correspond à quoi ?",
    ]:
        question = understand(asked)
        assert question.kind is Kind.DEFINITION, asked
        assert question.subject is not None and question.subject.text in ("scop", "cae", "spaser")


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        # how a vote or a clause works is no list of steps; a session or a consultation is
        (
            "Comment on organise le vote au conseil d'administration d'une coopérative ?",
            Kind.EXPLAIN,
        ),
        ("Comment on prépare la consultation des habitants ?", Kind.STEPS),
        # a procedure the law may impose, asked yes or no
        ("Est-ce qu'il existe un déroulé type imposé par la loi pour ce comité ?", Kind.YESNO),
        # an amount asked of a threshold is a figure, not what the threshold is
        ("Le plafond de l'aide, ça correspond à quoi en euros ?", Kind.FIGURE),
    ],
)
def test_how_and_what_asked_about_a_procedure_or_an_amount(question: str, kind: Kind) -> None:
    assert understand(question).kind is kind


def test_a_quantitys_name_alone_asks_the_figure() -> None:
    assert understand("Délai de préavis pour prévenir les salariés ?").kind is Kind.FIGURE
    assert understand("Le capital minimum d'une coopérative en SA ?").kind is Kind.FIGURE
    assert understand("Le montant du seuil est-il fixé par décret ?").kind is Kind.YESNO


def test_how_a_body_can_help_is_not_read_as_steps() -> None:
    """ "Comment la commune peut aider une association en difficulté ?" asks what a body may do,
    which no procedure answers: read as steps, any numbered list nearby opened the answer (the
    categories of a SCIC's members, a council's strategy)."""
    assert (
        understand("Comment la commune peut aider une association en difficulté ?").kind
        is not Kind.STEPS
    )
    assert understand("Comment la région peut promouvoir l'ESS ?").kind is not Kind.STEPS


def test_a_count_asked_in_everyday_words_counts_the_texts_own() -> None:
    """ "il faut combien d'assos ?" counts associations, as the texts write them."""
    assert understand("Pour créer la fédération, il faut combien d'assos ?").counted == (
        "associations",
    )
    assert understand("il faut combien d'associés ?").counted == ("associes",)


def test_doing_it_how_asks_steps() -> None:
    """ "Je fais comment ?", "on procède comment ?" ask the steps, as "comment faire ?" does."""
    assert understand("Je veux réserver un lot à une SIAE. Je fais comment ?").kind is Kind.STEPS
    assert understand("On procède comment pour créer une SCIC ?").kind is Kind.STEPS


def test_an_article_is_no_count() -> None:
    """ "combien d'associations ?": "une association reconnue" is an article; "cent
    associations" and "un seul associé" are counts."""
    from assistant.figures import figure_in

    asked = "combien d'associations"
    assert figure_in("la capacité d'une association reconnue", asked, ("associations",)) is None
    assert figure_in("au moins cent associations", asked, ("associations",)) == "cent associations"
    assert (
        figure_in("un seul associé suffit", "combien d'associes", ("associes",))
        == "un seul associe"
    )
