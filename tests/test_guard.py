"""The citation guard on plain text: what an LLM's answer must satisfy to be shown."""

from __future__ import annotations

from assistant.guard import FIGURE, RESTATES, check, split_sentences
from assistant.writer import FALLBACK

PASSAGES = [
    "Les collectivités territoriales, leurs groupements et les établissements publics "
    "territoriaux peuvent détenir ensemble jusqu'à 50 % du capital de chacune des sociétés "
    "coopératives d'intérêt collectif.",
    "Les marchés publics peuvent être réservés à des entreprises de l'économie sociale et "
    "solidaire dont l'objet est l'insertion de personnes handicapées ou défavorisées.",
]
SCIC = "Les collectivités territoriales peuvent détenir jusqu'à 50 % du capital d'une SCIC"


def test_an_answer_citing_the_passage_it_repeats_passes() -> None:
    result = check(f"{SCIC} [1]. Les marchés publics peuvent être réservés [2].", PASSAGES, 0.5)
    assert result.ok and result.cited == [1, 2]


def test_a_citation_after_the_full_stop_belongs_to_its_sentence() -> None:
    sentences = split_sentences(f"{SCIC}. [1] Les marchés peuvent être réservés. [2]")
    assert [s.numbers for s in sentences] == [(1,), (2,)]
    assert check(f"{SCIC}. [1]", PASSAGES, 0.5).ok


def test_a_citation_number_that_does_not_exist_fails() -> None:
    result = check(f"{SCIC} [3].", PASSAGES, 0.5)
    assert not result.ok and "[3] qui n'existe pas" in result.problems[0]


def test_a_fact_without_citation_fails() -> None:
    result = check(
        f"{SCIC} [1]. Une SCOP doit compter au moins deux associés salariés.", PASSAGES, 0.5
    )
    assert not result.ok and "ne cite aucune source" in result.problems[0]


def test_citing_a_passage_that_says_something_else_fails() -> None:
    result = check(f"{SCIC} [2].", PASSAGES, 0.5)
    assert not result.ok and "ne s'appuie pas sur le passage [2]" in result.problems[0]


def test_saying_the_passages_do_not_answer_is_not_an_answer() -> None:
    result = check("Les passages fournis ne répondent pas à cette question.", PASSAGES, 0.5)
    assert not result.ok and "aucune réponse" in result.problems[0]


def test_an_empty_answer_fails() -> None:
    assert not check("  \n", PASSAGES, 0.5).ok


def test_the_fallback_warning_is_french_and_says_why() -> None:
    assert FALLBACK.format(reason="x").startswith("réponse rédigée par le modèle de langue")


def test_a_negative_claim_still_needs_a_source() -> None:
    # "ne … pas" about the subject is a claim; only "the passages do not say" needs no source.
    result = check(
        "Une commune ne peut pas détenir la majorité du capital d'une SCIC.", PASSAGES, 0.5
    )
    assert not result.ok and "ne cite aucune source" in result.problems[0]


def test_a_sentence_that_only_restates_the_question_fails() -> None:
    # The passage shares the question's words, so the echo is "supported": it still answers
    # nothing, and the user would read their own question back.
    question = "Jusqu'à quelle part du capital d'une société coopérative d'intérêt collectif ?"
    echo = "Une part du capital d'une société coopérative d'intérêt collectif [1]."
    result = check(echo, PASSAGES, 0.5, question)
    assert not result.ok and "ne fait que reprendre la question" in result.problems[0]
    assert [p.kind for p in result.found] == [RESTATES]
    # The same passage and question, answered: the figure is beyond the question's words.
    assert check(f"{SCIC} [1].", PASSAGES, 0.5, question).ok


def test_a_yes_or_no_in_the_question_s_words_is_an_answer() -> None:
    question = "Les marchés publics peuvent-ils être réservés à des entreprises de l'ESS ?"
    echo = "Les marchés publics peuvent être réservés à des entreprises de l'ESS [2]."
    assert [p.kind for p in check(echo, PASSAGES, 0.5, question).found] == [RESTATES]
    # "Oui" (or "ne … pas") answers the question with its own words.
    answer = "Oui, les marchés publics peuvent être réservés à des entreprises de l'ESS [2]."
    assert check(answer, PASSAGES, 0.5, question).ok


def test_a_figure_the_cited_passage_does_not_give_fails() -> None:
    # Most words of the passage, and one invented figure: the figure is what the official uses.
    result = check(f"{SCIC.replace('50 %', '60 %')} [1].", PASSAGES, 0.5)
    assert [p.kind for p in result.found] == [FIGURE] and "60" in result.problems[0]
    # A number the model read in the passage's source ("Article 19 septies") is not invented.
    named = "L'article 19 septies permet aux collectivités de détenir jusqu'à 50 % du capital [1]."
    assert check(named, PASSAGES, 0.5, sources=["Loi n° 47-1775, Article 19 septies"]).ok
    assert [p.kind for p in check(named, PASSAGES, 0.5).found] == [FIGURE]
