"""A figure the asker states about their situation, read against the bound a text sets on the
same quantity: the yes/no question is settled by the numbers, not by the modal verb."""

from __future__ import annotations

from assistant.pipeline import Assistant
from assistant.thresholds import bounds, settles, stated
from evals.metrics import opening


def test_stated_figures_and_bounds_are_read_with_what_they_count() -> None:
    assert stated("Notre asso emploie 14 salariés, c'est grave ?") == [(14.0, "salaries")]
    assert stated("Une commune de 3 000 habitants") == [(3000.0, "habitants")]
    # A figure under its own bound is not a value of the asker's situation.
    assert stated("Les PME de plus de 50 salariés") == []
    # A limit the asker quotes is not their situation either.
    assert stated("Un vieux guide dit qu'on est limités à 20 % du capital. C'est la règle ?") == []
    (cap,) = bounds("1° Les associations employant neuf salariés au plus ;")
    assert (cap.value, cap.unit, cap.upper) == (9.0, "salaries", True)
    (floor,) = bounds("les communes de moins de 3 500 habitants")
    assert (floor.value, floor.upper, floor.strict) == (3500.0, True, True)


def test_compound_numbers_articles_and_several_bounds_are_not_misread() -> None:
    rule = "1° Les associations employant neuf salariés au plus ;"
    # "vingt-cinq", "cinq mille" are not read (rather than read 5 and 1000); "un" is an article.
    assert settles("Notre asso a vingt-cinq salariés, elle peut ?", rule) is None
    assert (
        settles("Une commune de cinq mille habitants peut-elle ?", "moins de 3 500 habitants")
        is None
    )
    assert settles("Un membre du conseil peut-il siéger ?", "au moins trois membres") is None
    # Every bound on the quantity counts, in whatever order the sentence gives them.
    both = "les entreprises employant au moins 10 salariés et moins de 50 salariés"
    assert settles("Notre entreprise a 5 salariés, peut-elle ?", both) is False
    assert settles("Notre entreprise a 20 salariés, peut-elle ?", both) is True
    # "pas plus de" is an upper bound; a share of something else is another quantity.
    assert settles("Elle a 30 salariés, peut-elle ?", "qui n'emploient pas plus de 50 salariés")
    assert settles("La SCIC compte 60 % de bénévoles, peut-on ?", "jusqu'à 50 % du capital") is None


def test_within_beyond_and_unrelated_bounds() -> None:
    rule = "1° Les associations à but non lucratif employant neuf salariés au plus ;"
    assert settles("L'asso a 7 salariés, elle peut ?", rule) is True
    assert settles("L'asso a 10 salariés, elle peut ?", rule) is False
    # A bound on another quantity settles nothing.
    assert settles("La commune a 900 habitants, elle peut ?", rule) is None
    # A limit several share: beyond it for one is beyond it, within it depends on the others.
    shared = "Les collectivités peuvent détenir ensemble jusqu'à 50 % du capital de la SCIC."
    assert settles("La ville seule pourrait prendre 60 % du capital ?", shared) is False
    assert settles("Chacune de nous peut monter à 50 % ?", shared) is None


def test_a_stated_headcount_beyond_the_bound_gets_a_no(assistant: Assistant) -> None:
    answer = assistant.ask(
        "Notre association sportive emploie 15 salariés. Est-ce qu'elle a le droit d'utiliser "
        "le chèque-emploi associatif ?"
    )
    lead = opening(answer.answer)
    assert lead.startswith("Non."), answer.answer
    assert "neuf salariés au plus" in lead, answer.answer


def test_a_stated_share_beyond_the_public_cap_of_a_scic_gets_a_no(assistant: Assistant) -> None:
    answer = assistant.ask(
        "La mairie aimerait avoir 70 % du capital de la future SCIC, c'est autorisé ?"
    )
    lead = opening(answer.answer)
    assert lead.startswith("Non."), answer.answer
    assert "50 %" in lead, answer.answer


def test_each_at_the_shared_cap_is_not_told_yes(assistant: Assistant) -> None:
    answer = assistant.ask(
        "La commune et le département veulent entrer dans la même SCIC. Chacun peut aller "
        "jusqu'à 50 % ?"
    )
    assert not opening(answer.answer).startswith("Oui"), answer.answer


def test_what_a_question_counts_and_the_kind_of_figure_it_wants() -> None:
    from assistant.figures import figure_in
    from assistant.question import understand

    assert understand("Combien faut-il d'associés pour une SCIC ?").counted == ("associes",)
    assert understand("Combien il faut de salariés ?").counted == ("salaries",)
    # An ordinal is no share: "le septième exercice" does not answer "quelle part ?".
    assert figure_in("à la clôture du septième exercice suivant", "quelle part ?") is None
    # "la clôture du dernier exercice" dates a figure; it is no deadline.
    assert figure_in("à la clôture du dernier exercice", "dans quel delai ?") is None
    # …but it is the deadline asked, before the share the question itself names.
    assert (
        figure_in(
            "détenir 50 % du capital au plus tard à la clôture du septième exercice suivant",
            "les cooperateurs detiennent 50 % du capital. dans quel delai ?",
        )
        == "septieme exercice"
    )
    # An aid is an amount: a percentage does not say how much it is.
    assert figure_in("cette proportion minimale est de 50 %", "c'est combien l'aide ?") is None


def test_an_amount_of_aid_the_texts_do_not_give_is_not_answered_with_a_share(
    assistant: Assistant,
) -> None:
    answer = assistant.ask(
        "C'est combien l'aide de l'Etat pour un poste en entreprise d'insertion ?"
    )
    assert answer.refused, answer.answer


def test_negated_bounds_other_holders_and_two_amounts_give_no_reading() -> None:
    # "ne peut être inférieur à", "ne peuvent dépasser plus de": read none rather than backwards.
    assert (
        settles("Une SCIC avec 10 000 euros de capital ?", "ne peut être inférieur à 18 500 euros")
        is None
    )
    assert (
        settles("La commune prendrait 30 % ?", "ne peuvent dépasser plus de 50 % du capital")
        is None
    )
    # A share the employees hold is not the commune's.
    assert stated("Dans notre SCIC les salariés détiennent 60 % du capital. On peut entrer ?") == []
    # Two amounts: which one the rule bounds is not said.
    two = "Notre asso a un budget de 500 000 € et reçoit 20 000 € de subvention. Convention ?"
    assert settles(two, "obligatoire au-delà de 23 000 € de subvention") is None


def test_a_share_held_together_against_a_limit_on_what_they_hold_together() -> None:
    """ "Avec le département, 40 % à nous deux" against "peuvent détenir ensemble jusqu'à 50 %
    du capital" is within the limit; the "30 %" the asker quotes from an old guide ("ne peut
    pas dépasser 30 %") is a limit quoted, not their share; and a bound written "ne peut
    dépasser la moitié" is a bound, not a prohibition."""
    from assistant.verdict import spares_or_forbids

    rule = "Les personnes publiques peuvent détenir ensemble jusqu'à 50 % du capital de la société."
    asked = (
        "Un vieux guide dit qu'une commune ne peut pas dépasser 30 % du capital. Avec le "
        "département on voudrait prendre 40 % à nous deux, on peut ?"
    )
    assert stated(asked) == [(40.0, "%")]
    assert settles(asked, rule) is True
    assert settles(asked.replace("40 %", "70 %"), rule) is False
    # Alone, below a limit on what several hold together, the commune is within it if the
    # others' shares allow it ("Oui, à certaines conditions"); at the limit, or each of
    # several, no verdict.
    assert settles("La commune veut 40 % du capital, elle peut ?", rule) is True
    assert settles("La commune veut 50 % du capital, elle peut ?", rule) is None
    assert settles("Chacune pourrait prendre 40 % du capital ?", rule) is None
    # Asked to go beyond a figure: beyond the limit whatever the others hold.
    assert settles("À nous deux, peut-on détenir plus de la moitié du capital ?", rule) is False
    assert settles("La commune peut-elle dépasser 20 % du capital ?", rule) is None
    assert settles("À nous deux, peut-on dépasser 20 % du capital ?", rule) is True
    # A limit quoted after its figure ("20 % maxi") is not the asker's share.
    assert stated("Un guide disait 20 % maxi : on peut monter à 30 % ?") == [(30.0, "%")]
    assert not spares_or_forbids("Leur part cumulée ne peut dépasser la moitié du capital.")
    assert spares_or_forbids("Elles ne peuvent pas détenir de parts.")


def test_going_beyond_half_of_the_capital_together_gets_a_no(assistant: Assistant) -> None:
    """ "Plus de la moitié" is more than 50 %: beyond the cap the public bodies share."""
    answer = assistant.ask(
        "On voudrait entrer dans la SCIC de l'épicerie avec la communauté de communes. À nous "
        "deux, est-ce qu'on peut détenir plus de la moitié du capital ?"
    )
    lead = opening(answer.answer)
    assert lead.startswith("Non."), answer.answer
    assert "50 %" in lead, answer.answer


def test_one_share_below_the_shared_cap_is_a_yes_under_conditions(assistant: Assistant) -> None:
    """30 % for one commune is within a 50 % cap several share, if the others leave room; the
    "20 % maxi" of an old guide the asker quotes is not their share."""
    answer = assistant.ask(
        "On voudrait entrer au capital de la SCIC de la supérette. Un vieux guide disait 20 % "
        "maxi pour une collectivité : on peut vraiment monter à 30 % du capital ?"
    )
    lead = opening(answer.answer)
    assert lead.startswith("Oui, à certaines conditions."), answer.answer
    assert "50 %" in lead, answer.answer


def test_each_of_several_at_the_shared_cap_gets_no_yes(assistant: Assistant) -> None:
    answer = assistant.ask(
        "Avec la communauté de communes et le syndicat des eaux, on voudrait tous entrer dans "
        "la même SCIC. Chacun de nous peut monter à 50 % ?"
    )
    assert not opening(answer.answer).startswith("Oui"), answer.answer


def test_two_holders_with_the_same_share_are_two_figures() -> None:
    rule = "Les personnes publiques peuvent détenir ensemble jusqu'à 50 % du capital de la société."
    asked = "Notre commune aurait 30 % du capital et la région 30 % aussi. C'est jouable ?"
    assert settles(asked, rule) is None


def test_a_notes_own_yes_answers_only_its_own_question(assistant: Assistant) -> None:
    """ "Une SCIC peut-elle être une SAS ? Oui." does not answer whether a SCIC may be an
    association, or have 150 members."""
    for question in (
        "Une SCIC peut-elle prendre la forme d'une association ?",
        "Une SCIC en SAS peut-elle avoir 150 associés ?",
    ):
        answer = assistant.ask(question)
        assert not opening(answer.answer).startswith("Oui"), answer.answer
