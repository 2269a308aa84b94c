# Sessions remix : la carte, le fil, les résultats (publics) et toutes les réponses privées sur une session.

## Phases : sur la carte et dans une phrase
session-phase-submissions = Envois ouverts
session-phase-voting = Vote ouvert
session-phase-closed = Terminée
session-phase-cancelled = Annulée
session-phase-inline-submissions = envois ouverts
session-phase-inline-voting = vote ouvert
session-phase-inline-closed = terminée
session-phase-inline-cancelled = annulée

## La carte (publique)
session-card-title = Session remix : { $title }
session-card-description = Animée par <@{ $host }>. Remixe [le morceau d'origine]({ $url }), propose ta meilleure prise, puis vote pour ta préférée.
session-card-description-unlinked = Animée par <@{ $host }>. Remixe le morceau d'origine posté dans le fil, propose ta meilleure prise, puis vote pour ta préférée.
session-field-phase = Phase
session-field-submissions = Fin des envois
session-field-voting = Fin du vote
session-field-counts = Pour l'instant
session-field-rules = Règles
session-field-results = Résultats
session-counts = { $entries ->
    [one] { $entries } participation
   *[other] { $entries } participations
} · { $ballots ->
    [one] { $ballots } vote
   *[other] { $ballots } votes
}
session-rules = Jusqu'à { $count } { $count ->
    [one] participation
   *[other] participations
} par membre. Les participations sont postées anonymement à la fin des envois. Un vote par personne, modifiable jusqu'à la fin du vote ; pas pour ta propre participation. Qui peut voter : { $voters ->
    [joined-before] les membres arrivés sur le serveur avant le début de la session
   *[everyone] tout le monde
}. Les ex æquo partagent la place.
session-results-link = [Voir les résultats]({ $url })
session-footer = Session #{ $session }

## Boutons et formulaire
button-session-remix = Je remixe
button-session-mine = Mes participations
button-session-open-voting = Ouvrir le vote
button-session-end-voting = Clore le vote
button-session-vote = Voter
button-session-withdraw = Retirer
button-session-withdraw-one = Retirer la n° { $position }
button-session-enter = Proposer la prise { $number }
session-form-title = Remixer le morceau de la session
session-form-provider = Service
session-form-provider-hint = Le service qui fait ta prise (celui de la session si tu laisses vide).

## Le fil (public)
session-source-posted = Le morceau d'origine de **{ $title }**. Appuie sur **{ button-session-remix }** sur la carte pour faire ta prise.
session-entry-heading = **Participation { $number }**
session-results-title = Résultats : { $title }
session-place-line = **{ $place }.** Participation { $number } : { $votes ->
    [one] { $votes } vote
   *[other] { $votes } votes
} · <@{ $author }> · { $what }
session-no-winner-line = Participation { $number } : <@{ $author }> · { $what }
session-prompt = « { $prompt } »
session-no-prompt = sans prompt
session-upload-what = remix perso `{ $filename }`
session-no-winner = Personne n'a voté, donc pas de gagnant. Les participations :
session-no-entries = Aucune participation.
session-tie = Égalité à { $count } pour la première place.
session-announcement = La session remix **{ $title }** est terminée. Bravo { $winners } ! Résultats : { $url }
session-announcement-no-winner = La session remix **{ $title }** est terminée, sans gagnant cette fois. Résultats : { $url }

## Réponses privées : lancer et piloter une session
session-opened = Ta session est ouverte : { $url }
session-not-host = Réservé aux hôtes : les membres avec « Gérer le serveur » ou « Gérer les événements », ou le rôle choisi par un admin avec `/config session-role`.
session-not-host-or-moderator = Seuls l'hôte de la session ou un modo peuvent faire ça.
session-where = Lance une session dans un salon textuel (ou indique un forum avec `forum:`).
session-not-a-forum = Ce salon n'est pas un forum.
session-duration-refused = La durée { $what ->
    [submissions] des envois
   *[voting] du vote
} `{ $text }` { $problem ->
    [empty] est vide
    [unreadable] ne me dit rien (écris-la comme 90m, 2h, 3d ou 1d12h)
    [too-short] est plus courte que { $minimum }
    [too-long] est plus longue que { $maximum }
   *[other] ne convient pas
}.
session-unknown = Je ne trouve pas la session `{ $session }` sur ce serveur. `/session list` te les montre.
session-which = Quelle session ? Lance ça dans le fil de la session, ou choisis-la avec l'option `session`.
session-moved-voting = Les envois sont clos ; les participations sont postées pour le vote.
session-moved-closed = Le vote est clos ; les résultats arrivent.
session-moved-cancelled = La session est annulée.
session-moved-other = C'est fait.
session-wrong-phase = Pas possible pour cette session pour l'instant (état : { $phase }).
session-results-not-ready = Cette session n'a pas de résultats (elle n'est pas terminée, ou elle a été annulée).
session-results-reposted = Résultats repostés : { $url }
session-list-title = **Sessions remix**
session-list-empty = Aucune session ouverte ou récente sur ce serveur.

## Réponses privées : participations
session-not-submitting = Les envois sont clos pour cette session.
session-upload-label = cette session
session-entered = Prise { $number } envoyée ! Tes participations dans cette session : { $count } sur { $cap }.
session-entered-linked = Prise { $number } envoyée ({ $url }) ! Tes participations dans cette session : { $count } sur { $cap }.
session-upload-entered = Ton remix est envoyé ! Tes participations dans cette session : { $count } sur { $cap }.
session-cap-reached = Tu as déjà { $cap } { $cap ->
    [one] participation
   *[other] participations
} dans cette session ; retires-en une d'abord ({ button-session-mine }).
session-already-entered = Cette prise participe déjà.
session-entry-too-large = Ce fichier dépasse { $limit }, le maximum de ce salon.
session-only-requester = Seul le membre qui a fait ce remix peut proposer ses prises.
session-my-entries = Tes participations ({ $count } sur { $cap }) :
session-my-entries-none = Tu n'as encore aucune participation dans cette session (jusqu'à { $cap }).
session-my-entry-line = { $position }. { $what }, envoyée <t:{ $timestamp }:R>
session-ai-entry = Prise { $take } du job #{ $job }
session-upload-entry = Ton fichier `{ $filename }`
session-withdrawn = Retirée. Cette participation ne fait plus partie de la session.
session-withdraw-not-found = Cette participation est déjà retirée.
session-job-in-thread = Ton remix est en route ; suis-le dans le fil de la session : { $url }

## Réponses privées : votes
session-vote-cast = Ton vote va à la participation { $number }.
session-vote-moved = Ton vote passe de la participation { $previous } à la participation { $number }.
session-vote-already = Ton vote est déjà sur la participation { $number }.
session-vote-own = C'est ta propre participation ; vote pour quelqu'un d'autre.
session-vote-not-eligible = Seuls les membres arrivés sur le serveur avant le début de cette session peuvent voter.
session-vote-bot = Les bots ne votent pas.
session-vote-not-open = Le vote n'est pas ouvert pour cette session.
session-vote-no-entry = Cette participation n'est plus en lice.

## /config session-role, session-forum, session-voters (privé)
session-config-summary = Rôle des hôtes de session : { $role }
    Forum des sessions : { $forum }
    Qui peut voter : { $voters ->
        [joined-before] les membres arrivés avant le début de la session
       *[everyone] tout le monde
    }
session-config-no-role = aucun
session-config-no-forum = aucun (les sessions s'ouvrent dans le salon où on les lance)
