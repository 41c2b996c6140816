"""The verdict read off a sentence for a yes/no question: only what the sentence states about
the act asked, for the body asked about; legal drafting that a word-by-word reading would turn
round gives no verdict. Pure functions, no index."""

from __future__ import annotations

from assistant.asked import asked_verb
from assistant.exemptions import exempts, spares_asker
from assistant.verdict import restricted, verdict


def test_an_excluded_member_is_not_an_exemption() -> None:
    """ "l'associé exclu" names a member who was excluded; it exempts no one from the rule
    ("sont exclus du champ" does)."""

    said = (
        "Le conseil d'administration peut suspendre l'exercice des droits que l'associé exclu "
        "tient de sa qualité de coopérateur."
    )
    assert not exempts(said, {"conseil", "administr"})
    assert exempts("Les associations sont exclues du champ de la taxe.", {"associ"})


def test_not_having_to_do_it_answers_no_and_a_wanted_act_is_what_is_asked() -> None:

    asked = "L'entreprise d'insertion veut l'agrément. Est-ce qu'elle doit prouver son impact ?"
    said = "Une entreprise d'insertion n'a donc pas à prouver les conditions du I."
    assert verdict(asked, said) == "Non."
    # "On voudrait réserver…, c'est possible ?" asks whether reserving is allowed.
    wanted = "On voudrait réserver le lot ménage à une association, c'est possible ?"
    assert asked_verb(wanted) == asked_verb("Peut-on réserver le lot ?") == "reserv"
    assert verdict(wanted, "Ce lot ne peut pas être réservé sur ce fondement.") == "Non."


def test_a_light_verb_is_read_with_its_object() -> None:
    """ "faire une avance" is the act "allouer des avances" names; "devenir partie" the one
    "être parties" names: the permission that bears on them gives the verdict."""

    said = (
        "Ils peuvent, en leur qualité d'associés, allouer des avances en compte courant "
        "d'associés aux sociétés coopératives d'intérêt collectif dans les conditions définies "
        "par décret."
    )
    asked = "La commune peut-elle faire une avance à la SCIC dont elle est associée ?"
    assert verdict(asked, said) == "Oui, à certaines conditions."
    # Not a permission bearing on something else the question does not ask.
    assert verdict("La commune peut-elle faire un don à la SCIC ?", said) is None


def test_a_rule_that_does_not_apply_to_the_asker_answers_no_to_must_we() -> None:

    rule = (
        "Pour bénéficier des financements publics au titre de l'innovation sociale, l'activité "
        "doit engendrer des difficultés de financement. Cette condition ne s'applique pas aux "
        "financements accordés au titre de l'innovation sociale par les collectivités "
        "territoriales."
    )
    asked = "Le département finance de l'innovation sociale : cette preuve est-elle obligatoire pour une collectivité ?"
    assert verdict(asked, rule) == "Non."
    # Not when the exemption is about someone else than the asker.
    other = (
        "Cette condition est-elle obligatoire pour une fondation qui finance l'innovation sociale ?"
    )
    assert verdict(other, rule) is None
    # Nor when it spares only some of them.
    some = "Cette obligation ne s'applique pas aux communes de moins de 10 000 habitants."
    assert (
        verdict("Le SPASER est-il obligatoire pour une commune de 50 000 habitants ?", some) is None
    )


def test_only_an_unconditional_exemption_of_the_body_asked_about_answers_no() -> None:

    asked = "Une association doit-elle déposer ses comptes en préfecture ?"
    law = "Ce dépôt n'est pas exigé des organismes ayant le statut d'association ou de fondation."
    assert spares_asker(asked, law)
    for some in [
        "Les associations reconnues d'utilité publique en sont dispensées.",
        "Les associations employant neuf salariés au plus en sont dispensées.",
        "Les associations en sont dispensées lorsque le montant est inférieur au seuil.",
        "Les associations en sont dispensées, sauf dispositions contraires.",
    ]:
        assert not spares_asker(asked, some), some
    # "Doit-elle" is the commune the sentence before names, not the association it funds.
    funder = "La commune verse 30 000 € à une association. Doit-elle signer une convention ?"
    assert not spares_asker(funder, "Les associations en sont dispensées.")


def test_verdicts_that_legal_drafting_would_turn_round() -> None:
    """Sentences as the law writes them, which a word-by-word reading turns into the wrong
    verdict; no verdict is the right reading of these."""

    # "ne peuvent recevoir" forbids without "pas": no "Oui".
    cultuelle = "Les associations cultuelles ne peuvent recevoir d'agrément de service civique."
    assert verdict("Une association cultuelle peut-elle recevoir l'agrément ?", cultuelle) is None
    # An exemption bounded by a figure says nothing to those beyond it.
    small = "Une commune de moins de 3 500 habitants n'est pas tenue d'adopter ce schéma."
    assert verdict("Notre commune de 5 000 habitants doit-elle adopter ce schéma ?", small) is None
    # "faut-il une convention ?": "une" is no verb the sentence could deny.
    asked = "La commune verse 50 000 € à une association, faut-il une convention ?"
    below = "Une convention n'est pas obligatoire pour les subventions de moins de 23 000 €."
    assert verdict(asked, below) is None
    # "ne s'applique pas seulement aux collectivités" applies to them too.
    also = "Cette obligation ne s'applique pas seulement aux collectivités territoriales."
    assert verdict("C'est obligatoire pour une collectivité territoriale ?", also) is None
    # Not an exemption: "ne sont pas dispensées"; the body exempted is another one.
    q = "Une association doit-elle déposer ses comptes en préfecture ?"
    assert not spares_asker(q, "Les associations ne sont pas dispensées de cette obligation.")
    assert not spares_asker(q, "Les associations les déposent, les fondations en sont dispensées.")


def test_a_duty_on_every_one_answered_by_a_duty_on_some_is_no() -> None:
    """ "Obligatoire pour toutes les communes ?" against a duty that binds only those over a
    threshold: "Non". Legal French states a duty in the plain present ("publient") as well as
    with "doit"; without "toutes" or "même une petite", no verdict is read this way."""
    from assistant.scope import binds_only_some

    rule = (
        "Lorsque leur budget dépasse un seuil fixé par décret, les départements publient un "
        "rapport annuel sur leurs achats."
    )
    every = (
        "On nous dit qu'il faut publier un rapport. C'est obligatoire pour tous les départements ?"
    )
    small = "Est-ce qu'on doit publier ce rapport, même un petit département ?"
    assert binds_only_some(every, rule)
    assert binds_only_some("Même un petit département doit-il publier ce rapport ?", rule)
    assert not binds_only_some("Notre département doit-il publier ce rapport ?", rule)
    # A duty on everyone, with no condition: not "only some".
    assert not binds_only_some(every, "Les départements publient un rapport annuel.")
    # A condition on something else than the duty the question names.
    assert not binds_only_some(every, "Lorsque le seuil est dépassé, le préfet est informé.")
    assert not binds_only_some("Elle le fait quand même pour tous les départements ?", rule)
    assert binds_only_some(small, rule)


def test_is_it_legal_asks_a_permission_and_a_light_verb_needs_its_object() -> None:
    wanted = "On voudrait confier le lot ménage à une régie de quartier, c'est légal ?"
    assert verdict(wanted, "Un acheteur peut confier ce lot à une régie de quartier.") == "Oui."
    # "peut-elle en être la garante ?" asks about being the guarantor: "peut être révoqué" says
    # nothing of it (the light verb "être" alone is no answer).
    light = "La commune peut-elle en être la garante ?"
    assert verdict(light, "Le président peut être révoqué à tout moment.") is None
    assert verdict(light, "La commune peut être garante de cet emprunt.") is not None


def test_a_permission_for_one_class_only_gives_no_verdict_for_another() -> None:
    """ "peuvent être réservés … qui portent exclusivement sur des services sociaux": asked about
    a works contract, neither "Oui" nor "Non" can be read; asked about social services, "Oui"."""
    from assistant.verdict import restricted

    rule = (
        "Des lots qui portent exclusivement sur des services sociaux et autres services "
        "spécifiques peuvent être réservés à des entreprises de l'ESS."
    )
    works = "On peut réserver le lot peinture de l'école aux entreprises de l'ESS ?"
    social = "On peut réserver un lot de services sociaux de portage de repas à une entreprise de l'ESS ?"
    assert restricted(works, rule) and verdict(works, rule) is None
    assert not restricted(social, rule)
    assert verdict(social, rule) == "Oui."
    assert verdict(works, "Ces lots peuvent être réservés aux entreprises de l'ESS.") == "Oui."


def test_only_a_condition_on_who_is_bound_narrows_a_duty() -> None:
    """A count ("au moins trois catégories") or an alternative ("ou, si elle n'a pas de
    salarié, …") does not narrow who is bound; "même si …" asks about a case, not about every
    one of a group. A subject narrowed by a threshold ("comptant plus de vingt associés") does,
    and the object of a light verb ("avoir trois gérants") is what the duty must bear on."""
    from assistant.scope import binds_only_some

    counted = (
        "La société comprend au moins trois catégories d'associés, parmi lesquelles figurent "
        "obligatoirement les usagers et les salariés ou, si elle n'a pas de salarié, les "
        "producteurs."
    )
    assert not binds_only_some("Toutes les sociétés doivent-elles avoir des usagers ?", counted)
    rule = "Lorsque l'aide dépasse un seuil, l'autorité doit signer une convention."
    assert not binds_only_some("Faut-il une convention même si l'aide dépasse le seuil ?", rule)
    assert binds_only_some("Faut-il une convention pour toutes les aides ?", rule)
    # "chaque année", "tous les deux ans": a time, not every one of a group
    yearly = "L'asso touche des aides chaque année, tous les ans. Faut-il une convention ?"
    assert not binds_only_some(yearly, rule)
    managed = "Les coopératives comptant plus de vingt associés doivent avoir trois gérants."
    assert binds_only_some("Toutes les coopératives doivent-elles avoir trois gérants ?", managed)


def test_a_light_verbs_object_is_a_whole_word() -> None:
    """ "faire partie d'une SCIC" is not "prendre part aux modifications de capital"."""
    said = "Ils peuvent, en leur qualité d'associés, prendre part aux modifications de capital."
    assert verdict("Une commune peut-elle faire partie d'une SCIC ?", said) is None


def test_the_act_after_decider_de_is_the_one_asked_and_an_adjective_asks_no_duty() -> None:
    """ "peut-il décider de se répartir les excédents obligatoires" asks a permission (to share),
    not a duty: the adjective "obligatoires" qualifies a noun; "distribuer" names the same act,
    and a clause allowing something else "seulement" does not hide the prohibition."""
    asked = "Le bureau peut-il décider de se répartir les fonds obligatoires entre membres ?"
    said = (
        "Les fonds obligatoires ne peuvent pas être distribués ; les statuts peuvent seulement "
        "autoriser le bureau à en placer une partie."
    )
    assert verdict(asked, said) == "Non."
    assert not restricted(asked, said)
    assert asked_verb("La mairie peut-elle décider de réserver le lot ?") == "reserv"


def test_a_rule_not_applied_to_local_bodies_spares_an_asker_speaking_for_one() -> None:
    """An official writes "on", "notre budget": the body asking is a local one, which a rule
    "ne s'applique pas aux … collectivités territoriales" spares."""
    said = (
        "Cette exigence ne s'applique pas aux aides accordées au titre de la transition "
        "écologique par les collectivités territoriales."
    )
    ours = (
        "On aide sur notre budget un projet de transition écologique. Est-ce que le porteur "
        "doit nous démontrer son besoin d'aide ?"
    )
    assert verdict(ours, said) == "Non."
    theirs = "Un projet de transition écologique aidé par l'Etat doit-il démontrer son besoin ?"
    assert verdict(theirs, said) is None
    # "doit-on" is impersonal; "nos partenaires de l'État" fund with the State's money
    state = "Pour une aide de l'État à la transition écologique, doit-on démontrer son besoin ?"
    assert verdict(state, said) is None
    partners = (
        "Nos partenaires de l'État nous demandent : le porteur doit-il démontrer son besoin ?"
    )
    assert verdict(partners, said) is None


def test_a_thing_said_compulsory_for_all_is_the_object_of_a_duty_on_some() -> None:
    """ "Le PCAET, c'est obligatoire pour toutes les communes ?": no verb is asked; a sentence
    whose plain verb has the thing (or its long form) as object, for those over a threshold
    only, answers "Non"."""
    from assistant.scope import binds_only_some

    said = (
        "Les communes adoptent un plan de gestion des déchets lorsque leur population est "
        "supérieure à un seuil fixé par décret."
    )
    asked = "Le plan de gestion des déchets c'est obligatoire pour toutes les communes ?"
    assert binds_only_some(asked, said)
    other = "Le budget annexe c'est obligatoire pour toutes les communes ?"
    assert not binds_only_some(other, said)


def test_a_plain_present_about_someone_else_is_no_duty_of_the_asker() -> None:
    """Legal French often states a duty in the plain present, but whose duty it is needs the
    subject: "le préfet organise la conférence" puts no duty on a commune, and "n'attribue pas"
    is a denial. No verdict is read from a plain present; the modal after "obligés d'" and an
    adverb after "faut-il" are still parsed."""
    asked = "Notre commune est-elle obligée d'organiser la conférence régionale ?"
    assert asked_verb(asked) == "organis"
    said = "Le préfet et le président du conseil régional organisent la conférence régionale."
    assert verdict(asked, said) is None
    denial = "La loi n'attribue pas de mission propre au département."
    assert verdict("Le département est-il obligé d'attribuer une mission ?", denial) != "Oui."
    assert asked_verb("Faut-il obligatoirement une délibération pour le budget ?") is None
    # "décider d'être associée" asks about deciding, not about being anything
    assert (
        verdict(
            "La commune peut-elle décider d'être associée d'une SCOP ?",
            "Les réserves obligatoires ne peuvent pas être distribuées.",
        )
        is None
    )


def test_saying_one_is_of_a_kind_is_stating_that_quality() -> None:
    """ "a-t-elle le droit de se dire coopérative ?" is answered by "peuvent faire publiquement
    état de leur qualité de coopérative … les sociétés qui répondent aux conditions"; the
    State ("l'État") is no "état" of that idiom."""
    said = (
        "Peuvent faire publiquement état de leur qualité de coopérative les sociétés qui "
        "répondent aux conditions du présent article."
    )
    assert verdict("Une SARL a-t-elle le droit de se dire coopérative ?", said) == (
        "Oui, à certaines conditions."
    )
    state = "L'acte constitutif peut choisir de maintenir un rapport hiérarchique avec l'Etat."
    assert verdict("Peut-on se dire coopérative ?", state) is None


def test_the_thing_said_compulsory_is_what_comes_before_it() -> None:
    """ "Les trois catégories d'associés, c'est obligatoire pour toutes les SCIC ?": the duty is
    about the categories, not about the SCIC a sentence on its manager names."""
    from assistant.scope import binds_only_some

    said = "Lorsque les associés choisissent la forme SARL, c'est le gérant qui dirige la société."
    asked = "Les trois catégories d'associés, c'est obligatoire pour toutes les sociétés ?"
    assert not binds_only_some(asked, said)


def test_a_follow_up_on_a_new_case_is_not_answered_by_the_earlier_rule() -> None:
    """ "Et s'il le cède à sa fille, c'est pareil ?" after "doit-il informer ses salariés ?":
    the rule's "doit en informer" answers the earlier question, not the new case (a sale to a
    descendant may be exempt)."""
    from assistant.followup import Turn, standalone

    earlier = "Un boulanger cède son fonds, doit-il informer ses salariés avant ?"
    asked = standalone("Et s'il le cède à sa fille, c'est pareil ?", [Turn(question=earlier)])
    said = "Le propriétaire qui veut céder son fonds doit en informer les salariés deux mois avant."
    assert verdict(earlier, said) == "Oui."
    assert verdict(asked, said) is None


def test_a_faculty_is_no_obligation() -> None:
    """ "C'est une faculté, pas une obligation" opens a sentence that says what its passage
    allows is not required; "la faculté de …" inside a sentence does not."""
    from assistant.verdict import a_faculty, permits

    assert a_faculty("C'est une faculté, pas une obligation : la loi ne fixe pas la forme.")
    assert a_faculty("Ce n'est pas une obligation.")
    assert not a_faculty("La commune a la faculté de créer un conseil.")
    assert permits("La loi permet aux communes de créer un conseil.")
    assert not permits("La commune doit créer un conseil.")


def test_a_status_asked_to_come_by_right_is_read_where_the_holder_is_named() -> None:
    """ "Une régie de quartier est-elle agréée d'office ?" answered by a sentence naming it,
    "… : elle est agréée de plein droit si elle respecte…"; "certaines structures sont
    agréées de plein droit" names no one, and a denied clause gives no "Oui"."""
    asked = "Une régie de quartier est-elle agréée d'office, ou doit-elle monter un dossier ?"
    named = "Une régie de quartier n'a pas à le démontrer : elle est agréée de plein droit si elle respecte la loi."
    assert verdict(asked, named) == "Oui, de plein droit, à certaines conditions."
    assert verdict(asked, "Certaines structures sont agréées de plein droit.") is None
    denied = "Une régie de quartier n'est pas agréée de plein droit."
    assert verdict(asked, denied) is None


def test_imposing_a_clause_is_including_it_in_the_contract() -> None:
    """ "Peut-on imposer au titulaire une clause d'insertion ?" is answered by "les conditions
    d'exécution peuvent intégrer des considérations sociales"; "prévoir" is too loose to count."""
    said = "Les conditions d'exécution peuvent intégrer des considérations sociales."
    assert verdict("Peut-on imposer au titulaire une clause d'insertion ?", said) == "Oui."
    loose = "Les statuts peuvent prévoir une réserve."
    assert verdict("Peut-on imposer aux associés une réserve ?", loose) is None


def test_by_right_needs_the_holder_the_question_opens_on() -> None:
    """A sentence on a chantier "soutenu par la commune" does not name "une SCOP soutenue par
    notre commune", nor "une association" (a kind of body), nor a listed company; a chamber's
    "capacité juridique … de plein droit" is no agrément."""
    said = (
        "Une régie de quartier soutenue par la commune n'a pas à le démontrer : elle est agréée "
        "de plein droit si elle respecte la loi."
    )
    assert verdict("Une régie de quartier est-elle agréée d'office ?", said).startswith("Oui")
    for other in (
        "Une SCOP soutenue par notre commune est-elle agréée d'office ?",
        "Une association soutenue par la commune est-elle agréée automatiquement ?",
        "Une SA cotée qui gère une régie de quartier est-elle agréée d'office ?",
    ):
        assert verdict(other, said) is None, other
    chamber = (
        "Les chambres sont des associations jouissant de plein droit de la capacité juridique."
    )
    assert verdict("La chambre régionale est-elle agréée d'office ?", chamber) is None


def test_a_duty_asked_for_a_purpose_is_the_purpose() -> None:
    """ "doit-elle monter un dossier pour prouver qu'elle remplit les conditions ?": what is
    required is the proof, which "n'a pas à démontrer les conditions" spares; a dossier "pour
    obtenir une aide" is another purpose."""
    said = "Une régie de quartier n'a pas à démontrer les conditions : elle est agréée de droit."
    asked = "La régie doit-elle monter un dossier pour prouver qu'elle remplit les conditions ?"
    assert verdict(asked, said) == "Non."
    assert verdict("La régie doit-elle monter un dossier pour obtenir une aide ?", said) is None


def test_the_act_wanted_is_read_in_the_sentence_before_a_bare_is_it_allowed() -> None:
    """ "Le maire voudrait réserver… . C'est jouable ?", "… veut se présenter comme… . Il a le
    droit ?": the sentence that asks names no act; the one before says what is wanted."""
    asked = (
        "Le maire voudrait réserver le marché de travaux de l'école aux seules entreprises de "
        "l'ESS. C'est jouable juridiquement ?"
    )
    assert asked_verb(asked) == "reserv"
    said = "Un marché de fournitures ou de travaux ne peut pas être réservé sur ce fondement."
    assert verdict(asked, said) == "Non."
    claimed = (
        "Un commerçant a une SAS et veut afficher la qualité d'entreprise de l'ESS. Il a le droit ?"
    )
    allowed = (
        "Peuvent faire publiquement état de leur qualité d'entreprise de l'ESS les sociétés "
        "commerciales qui remplissent les conditions suivantes."
    )
    assert verdict(claimed, allowed) == "Oui, à certaines conditions."
    # Nothing wanted before it, or a light verb without its object ("prendre 60 %"): no act.
    assert asked_verb("Bonjour. C'est jouable ?") is None
    assert asked_verb("La commune voudrait prendre 60 % de la SCIC. C'est jouable ?") is None


def test_a_plain_verb_is_denied_by_a_verb_naming_the_same_act() -> None:
    asked = "La loi ESS confie-t-elle une mission propre au département ?"
    said = "La loi ESS n'attribue pas de mission propre au département."
    assert verdict(asked, said) == "Non."
    assert verdict(asked, "La loi n'attribue pas de subvention aux associations.") is None


def test_a_status_by_right_asked_with_a_pronoun_reads_the_holder_before() -> None:
    """ "L'ACI qu'on subventionne veut l'agrément ESUS. Est-ce qu'il l'a d'office ?": "il" is
    the chantier the sentence before names; a SCOP is not named by a sentence on chantiers."""
    said = (
        "Un atelier chantier d'insertion soutenu par la commune n'a donc pas à démontrer les "
        "conditions du I : il est agréé de plein droit s'il respecte l'article 1er."
    )
    asked = "L'ACI qu'on subventionne veut l'agrément ESUS. Est-ce qu'il l'a d'office ?"
    assert verdict(asked, said) == "Oui, de plein droit, à certaines conditions."
    assert verdict("Une SCOP veut l'agrément ESUS. Est-ce qu'elle l'a d'office ?", said) is None


def test_review_cases_give_no_verdict_rather_than_a_wrong_one() -> None:
    """Cases a reviewer found answered wrongly: a denial about the département is no answer
    for the intercommunalité; a chantier that became a SCOP is no longer the chantier the law
    lists; a duty asked of those above the threshold is not narrowed by "only above it"; a
    sentence on a SCIC does not answer for a SCOP."""
    from assistant.parties import other_body
    from assistant.scope import binds_only_some

    denial = "La loi ESS n'attribue pas de mission propre au département."
    assert verdict("La loi confie-t-elle à l'intercommunalité une mission propre ?", denial) is None
    chantier = (
        "Un atelier chantier d'insertion soutenu par la commune est agréé de plein droit s'il "
        "respecte l'article 1er."
    )
    changed = (
        "L'atelier chantier d'insertion a été transformé en SCOP. Est-ce qu'elle a l'agrément "
        "ESUS d'office ?"
    )
    assert verdict(changed, chantier) is None
    only_above = "L'obligation ne joue qu'au-dessus du seuil."
    assert not binds_only_some(
        "Toutes les collectivités qui dépassent le seuil sont obligées d'adopter un SPASER ?",
        only_above,
    )
    assert binds_only_some(
        "Toutes les collectivités sont obligées d'adopter un SPASER, même les petites ?",
        only_above,
    )
    scic = "La société coopérative d'intérêt collectif (SCIC) permet à une commune d'être associée."
    assert other_body("Le département peut-il entrer au capital d'une SCOP ?", scic)
    assert not other_body("Une commune peut-elle entrer dans une SCIC ?", scic)


def test_a_noun_before_a_prohibition_is_not_the_act_asked() -> None:
    """ "l'aide ne peut pas payer une prestation" forbids paying for a service, not subsidising:
    the noun "aide" before the modal is no verb; "réservés … peuvent être" still is."""
    said = (
        "Si la collectivité verse une aide à la SCIC, les règles de la subvention s'appliquent : "
        "l'aide ne peut pas payer une prestation répondant aux besoins de la collectivité."
    )
    assert verdict("Peut-on subventionner la SCIC dont la commune est associée ?", said) is None
    assert verdict("Ce lot peut-il être réservé ?", "Des lots réservés peuvent être passés.") == (
        "Oui."
    )
    chantier = (
        "Un atelier chantier d'insertion est agréé de plein droit s'il respecte l'article 1er."
    )
    taken = (
        "Le chantier d'insertion a été repris par une SARL. Est-ce qu'elle est agréée d'office ?"
    )
    assert verdict(taken, chantier) is None
