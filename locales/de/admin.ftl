# Was die Admins eines Servers lesen: Antworten auf /config (privat, in der Sprache des Admins) und das
# Admin-Log (für Moderatoren, in der Sprache des Servers). $provider ist ein Anbietername (als Code),
# $member die ID eines Mitglieds und $channel die eines Kanals (als Erwähnung), $job eine Jobnummer.

## /config show
provider-reachable = erreichbar
provider-unreachable = **nicht erreichbar**
config-budget = Budget `{ $provider }`: { $limits }
config-budget-today = heute { $used } von { $limit }
config-budget-month = diesen Monat { $used } von { $limit }
config-budgets-none = Budgets: keine
config-cooldown = Pause zwischen Jobs: { $cooldown }
config-cooldown-none = Pause zwischen Jobs: keine
config-per-day = Jobs pro Mitglied und Tag: { $limit }
config-per-day-none = Jobs pro Mitglied und Tag: unbegrenzt
config-flagged = Markierte Takes: { $mode }
config-log = Admin-Log: <#{ $channel }>
config-log-off = Admin-Log: aus
config-blocklist = { $count ->
    [one] Sperrliste: 1 Eintrag (`/config blocklist show`)
   *[other] Sperrliste: { $count } Einträge (`/config blocklist show`)
}

## Budgets und Rollen; $roles ist eine Liste von Rollen-Erwähnungen
budget-saved-daily = { $daily ->
    [one] Gespeichert: `{ $provider }` darf 1 Credit pro Tag verbrauchen (Tage in UTC).
   *[other] Gespeichert: `{ $provider }` darf { $daily } Credits pro Tag verbrauchen (Tage in UTC).
}
budget-saved-monthly = { $monthly ->
    [one] Gespeichert: `{ $provider }` darf 1 Credit pro Monat verbrauchen (Monate in UTC).
   *[other] Gespeichert: `{ $provider }` darf { $monthly } Credits pro Monat verbrauchen (Monate in UTC).
}
budget-saved-both = Gespeichert: `{ $provider }` darf { $daily } Credits pro Tag und { $monthly } pro Monat verbrauchen (Tage und Monate in UTC).
budget-saved-none = Gespeichert: kein Budget mehr für `{ $provider }`.
roles-saved = Gespeichert.
roles-allow = Wer Jobs starten darf: { $roles }
roles-allow-everyone = Wer Jobs starten darf: alle
roles-bypass = Ohne Limits und Pause: { $roles }
roles-bypass-nobody = Ohne Limits und Pause: niemand

## Die Sperrliste
blocklist-added = Steht jetzt auf der Sperrliste.
blocklist-already = Das steht schon auf der Sperrliste.
blocklist-removed = Von der Sperrliste genommen.
blocklist-not-there = Das steht nicht auf der Sperrliste.
blocklist-invalid = Gib ein Wort oder eine Wortgruppe mit höchstens { $limit } Zeichen an (nur * reicht nicht).
blocklist-full = Auf die Sperrliste passen höchstens { $limit } Einträge – nimm zuerst ein paar runter.
blocklist-empty = Die Sperrliste ist leer.
blocklist-title = **Gesperrte Wörter und Muster**

## Das Admin-Log
log-channel-saved = Gespeichert: Admin-Meldungen landen in <#{ $channel }>.
log-channel-off = Gespeichert: das Admin-Log ist aus.
event-budget-reached-day = Budget erreicht: Das Tagesbudget für `{ $provider }` hat einen Job von <@{ $member }> abgelehnt.
event-budget-reached-month = Budget erreicht: Das Monatsbudget für `{ $provider }` hat einen Job von <@{ $member }> abgelehnt.
event-blocked-word = Gesperrtes Wort: Eine Anfrage von <@{ $member }> wurde abgelehnt ({ $count } in der letzten Stunde).
event-member-penalised = Zwangspause: <@{ $member }> hat innerhalb einer Stunde { $count } gesperrte Anfragen gestellt; keine Jobs bis { $when }.
event-flagged-refused = Markierter Inhalt: `{ $provider }` hat den Inhalt von Job #{ $job } abgelehnt.
event-flagged-spoiler = { $count ->
    [one] Markierter Inhalt: `{ $provider }` hat 1 Take von Job #{ $job } markiert; hinter Spoiler gepostet.
   *[other] Markierter Inhalt: `{ $provider }` hat { $count } Takes von Job #{ $job } markiert; hinter Spoiler gepostet.
}
event-flagged-withheld = { $count ->
    [one] Markierter Inhalt: `{ $provider }` hat 1 Take von Job #{ $job } markiert; zurückgehalten.
   *[other] Markierter Inhalt: `{ $provider }` hat { $count } Takes von Job #{ $job } markiert; zurückgehalten.
}
event-key-refused = API-Key abgelehnt: `{ $provider }` nimmt den API-Key des Bots nicht an (Job #{ $job }).
event-out-of-credits = Keine Credits mehr: Das Konto bei `{ $provider }` ist leer (Job #{ $job }).

## Discords eigene Namen für weitere Berechtigungen (die Kanal-Berechtigungen stehen in jobs.ftl)
permission-read_message_history = Nachrichtenverlauf anzeigen
permission-create_public_threads = Öffentliche Threads erstellen
permission-send_messages_in_threads = Nachrichten in Threads senden
permission-manage_threads = Threads verwalten
permission-manage_messages = Nachrichten verwalten
permission-add_reactions = Reaktionen hinzufügen
permission-manage_guild = Server verwalten
