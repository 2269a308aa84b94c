# Remix-Sessions: Karte, Thread, Ergebnisse (öffentlich) und alle privaten Antworten zu einer Session.

## Phasen: auf der Karte und mitten im Satz
session-phase-submissions = Einreichungen offen
session-phase-voting = Abstimmung läuft
session-phase-closed = Beendet
session-phase-cancelled = Abgebrochen
session-phase-inline-submissions = Einreichungen offen
session-phase-inline-voting = Abstimmung läuft
session-phase-inline-closed = beendet
session-phase-inline-cancelled = abgebrochen

## Die Karte (öffentlich)
session-card-title = Remix-Session: { $title }
session-card-description = Gehostet von <@{ $host }>. Remixe [den Original-Track]({ $url }), reich deinen besten Take ein und stimm dann für deinen Favoriten.
session-card-description-unlinked = Gehostet von <@{ $host }>. Remixe den Original-Track im Thread, reich deinen besten Take ein und stimm dann für deinen Favoriten.
session-field-phase = Phase
session-field-submissions = Einreichungen bis
session-field-voting = Abstimmung bis
session-field-counts = Bisher
session-field-rules = Regeln
session-field-results = Ergebnisse
session-counts = { $entries ->
    [one] { $entries } Beitrag
   *[other] { $entries } Beiträge
} · { $ballots ->
    [one] { $ballots } Stimme
   *[other] { $ballots } Stimmen
} abgegeben
session-rules = Bis zu { $count } { $count ->
    [one] Beitrag
   *[other] Beiträge
} pro Mitglied. Die Beiträge werden anonym gepostet, sobald die Einreichungen schließen. Eine Stimme pro Person, änderbar bis zum Ende der Abstimmung; nicht für den eigenen Beitrag. Abstimmen dürfen: { $voters ->
    [joined-before] alle, die schon vor dem Start der Session auf dem Server waren
   *[everyone] alle Mitglieder
}. Bei Gleichstand teilen sich Beiträge den Platz.
session-results-link = [Zu den Ergebnissen]({ $url })
session-footer = Session #{ $session }

## Buttons und das Formular
button-session-remix = Jetzt remixen
button-session-mine = Meine Beiträge
button-session-open-voting = Abstimmung starten
button-session-end-voting = Abstimmung beenden
button-session-vote = Abstimmen
button-session-withdraw = Zurückziehen
button-session-withdraw-one = Nr. { $position } zurückziehen
button-session-enter = Take { $number } einreichen
session-form-title = Den Session-Track remixen
session-form-provider = Dienst
session-form-provider-hint = Welcher Dienst deinen Take macht (leer lassen: die Wahl der Session).

## Der Thread (öffentlich)
session-source-posted = Der Original-Track von **{ $title }**. Drück auf der Karte auf **{ button-session-remix }**, um deinen Take zu machen.
session-entry-heading = **Beitrag { $number }**
session-results-title = Ergebnisse: { $title }
session-place-line = **{ $place }.** Beitrag { $number }: { $votes ->
    [one] { $votes } Stimme
   *[other] { $votes } Stimmen
} · <@{ $author }> · { $what }
session-no-winner-line = Beitrag { $number }: <@{ $author }> · { $what }
session-prompt = „{ $prompt }“
session-no-prompt = kein Prompt
session-upload-what = eigener Remix `{ $filename }`
session-no-winner = Niemand hat abgestimmt, also gibt's keinen Sieger. Die Beiträge:
session-no-entries = Es wurde nichts eingereicht.
session-tie = Gleichstand auf Platz 1 zwischen { $count } Beiträgen.
session-announcement = Die Remix-Session **{ $title }** ist vorbei. Glückwunsch, { $winners }! Ergebnisse: { $url }
session-announcement-no-winner = Die Remix-Session **{ $title }** ist vorbei, diesmal ohne Sieger. Ergebnisse: { $url }

## Private Antworten: Session starten und steuern
session-opened = Deine Session ist offen: { $url }
session-not-host = Das dürfen nur Hosts: Mitglieder mit „Server verwalten“ oder „Events verwalten“ oder mit der Rolle, die ein Admin per `/config session-role` festgelegt hat.
session-not-host-or-moderator = Das dürfen nur der Host der Session oder Mods.
session-where = Starte eine Session in einem Textkanal (oder gib mit `forum:` ein Forum an).
session-not-a-forum = Das ist kein Forum-Kanal.
session-duration-refused = Die Zeit für { $what ->
    [submissions] die Einreichungen
   *[voting] die Abstimmung
} `{ $text }` { $problem ->
    [empty] ist leer
    [unreadable] kann ich nicht lesen (schreib sie z. B. als 90m, 2h, 3d oder 1d12h)
    [too-short] ist kürzer als { $minimum }
    [too-long] ist länger als { $maximum }
   *[other] passt so nicht
}.
session-unknown = Die Session `{ $session }` finde ich auf diesem Server nicht. `/session list` zeigt alle.
session-which = Welche Session? Nutz den Befehl im Thread der Session oder wähl sie mit der Option `session`.
session-moved-voting = Einreichungen geschlossen; die Beiträge werden jetzt zur Abstimmung gepostet.
session-moved-closed = Abstimmung beendet; die Ergebnisse werden gepostet.
session-moved-cancelled = Die Session ist abgebrochen.
session-moved-other = Erledigt.
session-wrong-phase = Das geht bei dieser Session gerade nicht (Stand: { $phase }).
session-results-not-ready = Diese Session hat keine Ergebnisse (sie läuft noch oder wurde abgebrochen).
session-results-reposted = Ergebnisse nochmal gepostet: { $url }
session-list-title = **Remix-Sessions**
session-list-empty = Keine offenen oder kürzlichen Sessions auf diesem Server.

## Private Antworten: Beiträge
session-not-submitting = Die Einreichungen für diese Session sind geschlossen.
session-upload-label = diese Session
session-entered = Take { $number } ist eingereicht – dein Beitrag { $count } von { $cap } in dieser Session.
session-entered-linked = Take { $number } ist eingereicht ({ $url }) – dein Beitrag { $count } von { $cap } in dieser Session.
session-upload-entered = Dein Remix ist eingereicht – dein Beitrag { $count } von { $cap } in dieser Session.
session-cap-reached = Du hast schon { $cap } { $cap ->
    [one] Beitrag
   *[other] Beiträge
} in dieser Session; zieh erst einen zurück ({ button-session-mine }).
session-already-entered = Dieser Take ist schon eingereicht.
session-entry-too-large = Die Datei ist größer als { $limit }, mehr nimmt dieser Kanal nicht.
session-only-requester = Nur wer diesen Remix gemacht hat, kann seine Takes einreichen.
session-my-entries = Deine Beiträge ({ $count } von { $cap }):
session-my-entries-none = Du hast in dieser Session noch keine Beiträge (bis zu { $cap } möglich).
session-my-entry-line = { $position }. { $what }, eingereicht <t:{ $timestamp }:R>
session-ai-entry = Take { $take } von Job #{ $job }
session-upload-entry = Dein Upload `{ $filename }`
session-withdrawn = Zurückgezogen. Der Beitrag ist raus aus der Session.
session-withdraw-not-found = Der Beitrag ist schon zurückgezogen.
session-job-in-thread = Dein Remix ist unterwegs; verfolg ihn im Session-Thread: { $url }

## Private Antworten: Stimmen
session-vote-cast = Deine Stimme geht an Beitrag { $number }.
session-vote-moved = Deine Stimme geht jetzt an Beitrag { $number } statt an Beitrag { $previous }.
session-vote-already = Deine Stimme liegt schon bei Beitrag { $number }.
session-vote-own = Das ist dein eigener Beitrag; stimm für jemand anderen.
session-vote-not-eligible = Abstimmen dürfen nur Mitglieder, die schon vor dem Start dieser Session auf dem Server waren.
session-vote-bot = Bots stimmen nicht ab.
session-vote-not-open = Die Abstimmung für diese Session ist nicht offen.
session-vote-no-entry = Dieser Beitrag steht nicht mehr zur Wahl.

## /config session-role, session-forum, session-voters (privat)
session-config-summary = Host-Rolle für Sessions: { $role }
    Session-Forum: { $forum }
    Abstimmen dürfen: { $voters ->
        [joined-before] Mitglieder, die vor dem Start der Session beigetreten sind
       *[everyone] alle Mitglieder
    }
session-config-no-role = keine
session-config-no-forum = keins (Sessions öffnen im Kanal, in dem sie starten)
