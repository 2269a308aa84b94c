# Ein Job vom Start bis zum Ergebnis. $member und $channel sind Discord-IDs; $job ist eine Jobnummer.

## Was ein Job macht und wo er steht
kind-remix = Remix
kind-sing = Gesangsversion
kind-generate = Song
stage-received = Audio wird geprüft
stage-queued = Wartet in der Schlange
stage-submitting = Audio wird gesendet
stage-submitted = Gesendet
stage-running = Läuft
stage-delivering = Takes werden gepostet
stage-delivered = Fertig
stage-failed = Fehlgeschlagen
stage-rejected = Nicht gestartet
stage-cancelled = Abgebrochen

## Private Bestätigungen
checking-audio = Alles klar! Ich prüfe dein Audio …
checking-song = Alles klar! Dein Song wird vorbereitet …
accepted = Dein Job läuft. Den Fortschritt siehst du in diesem Kanal.
accepted-queued = Dein Job läuft. Den Fortschritt siehst du in diesem Kanal. Du bist Nummer { $position } in der Schlange.
rejected = Es wurde nichts gestartet. { $reason }

## Die Statusnachricht (öffentlich)
status-title = { $kind } · { $stage }
queue-next = Als Nächstes dran
queue-position = Platz { $position } in der Schlange
takes-ready = { $ready } von { $expected } Takes fertig
working-for = { $provider } arbeitet seit { $spent }
status-field = Status
job-footer = Job #{ $job }
result-footer = Job #{ $job } · { $tag }
requested-by = Von <@{ $member }> · { $provider }
started = Gestartet <t:{ $timestamp }:R>
expected = Fertig voraussichtlich <t:{ $timestamp }:R>
listen-early = [Schon mal reinhören]({ $url })
cancelled = Dieser Job wurde abgebrochen.
cancelled-because = Dieser Job wurde abgebrochen. { $reason }
cancelled-by = Abgebrochen von <@{ $member }>.

## Das Ergebnis (öffentlich)
result-ready = { $count ->
    [one] <@{ $member }> dein Take ist fertig!
   *[other] <@{ $member }> deine { $count } Takes sind fertig!
}
result-link = [Zum Ergebnis]({ $url })
provider-field = Anbieter
lyrics-field = Lyrics
note-field = Hinweis
take-name = Take { $number }
download-link = [Download]({ $url })

## Buttons und Formulare
button-remix-this-audio = Dieses Audio remixen
button-reroll = Neu würfeln
button-edit = Ändern und neu starten
button-delete = Löschen
button-cancel = Abbrechen
button-take = Take { $number } remixen
form-prompt = Prompt
form-prompt-hint = Wie es klingen soll, z. B. Lo-Fi mit chilligen Beats
form-lyrics = Lyrics
form-lyrics-hint = Neue Lyrics zum Singen (optional)
form-gender = Stimme
form-gender-hint = Stimme für den Gesang (optional)
form-file = Welche Datei
form-file-hint = Die Nachricht hat mehrere Audiodateien
form-title-take = Take { $number } remixen
form-title-edit = Job #{ $job } ändern und neu starten

## Wer was drücken darf (privat)
only-requester-cancel = Nur wer den Job gestartet hat, kann ihn abbrechen. Mit „Take remixen“ machst du deine eigene Version.
only-requester-delete = Nur wer den Job gestartet hat, kann ihn löschen. Mit „Take remixen“ machst du deine eigene Version.
only-requester-reroll = Nur wer den Job gestartet hat, kann neu würfeln. Mit „Take remixen“ machst du deine eigene Version.
only-requester-edit = Nur wer den Job gestartet hat, kann ihn ändern und neu starten. Mit „Take remixen“ machst du deine eigene Version.
only-requester-or-moderator-cancel = Nur wer den Job gestartet hat oder ein Mod (Nachrichten verwalten) kann ihn abbrechen.
only-requester-or-moderator-delete = Nur wer den Job gestartet hat oder ein Mod (Nachrichten verwalten) kann ihn löschen.
job-not-found = Job #{ $job } finde ich auf diesem Server nicht.
not-a-job-id = `{ $value }` ist keine Jobnummer. Such dir eine aus der Liste aus oder schau in `/jobs`.
no-audio-in-message = Die Nachricht hat kein Audio. Nutze „Dieses Audio remixen“ bei einer Nachricht mit Audiodatei.
source-gone-kept = Das Audio von Job #{ $job } ist nicht mehr da (Eingaben bleiben { $hours } Stunden). Starte `/remix` nochmal mit der Datei oder nutze „Dieses Audio remixen“ bei einer Nachricht, die sie hat.
source-gone = Das Audio von Job #{ $job } ist nicht mehr da (Eingaben werden nach dem Job gelöscht). Starte `/remix` nochmal mit der Datei oder nutze „Dieses Audio remixen“ bei einer Nachricht, die sie hat.
take-gone = Take { $number } von Job #{ $job } ist nicht mehr in der Ergebnisnachricht (gelöscht?).
cannot-cancel-delivering = Job #{ $job } postet schon seine Takes, abbrechen geht nicht mehr.
cannot-cancel-ended = Job #{ $job } ist schon vorbei ({ $stage }); da gibt's nichts abzubrechen.
cancel-done = Job #{ $job } ist abgebrochen.
deleted = Die Ergebnisse von Job #{ $job } sind gelöscht.
result-deleted = Die Ergebnisse von Job #{ $job } wurden gelöscht, da gibt's nichts mehr zu zeigen.
not-delivered = Job #{ $job } hat keine Ergebnisse: { $stage }.
status-link-label = [Status]({ $url })
shown-again = Ergebnisse von Job #{ $job } von <@{ $member }>
shown-again-by = Ergebnisse von Job #{ $job } von <@{ $member }>, nochmal gezeigt von <@{ $by }>
shown-posted = Nochmal gepostet: { $url }
result-kept-notice = Dein Job #{ $job } in <#{ $channel }> ist fertig, aber ich konnte die Takes nicht posten. { $why }
kept-posted = Die Takes von Job #{ $job } sind gepostet.

## /jobs (privat)
jobs-title = Deine letzten Jobs
no-jobs = Du hast auf diesem Server noch keine Jobs. Leg los mit `/remix` oder „Dieses Audio remixen“ bei einer Nachricht.
status-link = [Status]({ $url })
results-link = [Ergebnis]({ $url })
no-prompt = kein Prompt

## Fehler (privat)
slow-down = Langsam! Versuch's in { $seconds } s nochmal.
no-permission = Dafür hast du hier keine Berechtigung.
cannot-use-here = Diesen Befehl kannst du hier nicht nutzen.
not-understood = `{ $value }` verstehe ich nicht.
generic-error = Bei uns ist was schiefgelaufen (Ref `{ $reference }`). Bitte versuch's nochmal.
guild-only = Das geht nur in Server-Kanälen.
wrong-channel = Auf diesem Server wird in <#{ $channel }> geremixt.
too-many-jobs = { $limit ->
    [one] Du hast schon einen Job am Laufen. Warte, bis er fertig ist (oder brich ihn ab).
   *[other] Du hast schon { $limit } Jobs am Laufen. Warte, bis einer fertig ist (oder brich einen ab).
}
missing-permissions = Ich kann in diesem Kanal nichts posten: mir fehlt { $names }. Frag einen Server-Admin danach oder nimm einen anderen Kanal.

## /config (privat)
config-saved = Gespeichert. `/config show` zeigt alle Einstellungen dieses Servers.
config-title = **Remix-Einstellungen dieses Servers**
config-provider = Standard-Anbieter: `{ $provider }`
config-provider-default = Standard-Anbieter: der des Bots (`{ $provider }`)
config-channel = Remix-Kanal: <#{ $channel }>
config-channel-any = Remix-Kanal: jeder Kanal
config-member-limit = Offene Jobs pro Mitglied: { $limit }
config-providers = Verfügbare Anbieter: { $providers }
config-language = Öffentliche Sprache: { $language }
config-language-server = Öffentliche Sprache: die Discord-Sprache des Servers ({ $language })
language-saved = Gespeichert: öffentlich spreche ich jetzt { $language }.
language-saved-server = Gespeichert: öffentlich folge ich der Discord-Sprache des Servers ({ $language }).

## Discords eigene Namen für die Kanal-Berechtigungen, die der Bot braucht
permission-view_channel = Kanal ansehen
permission-send_messages = Nachrichten senden
permission-embed_links = Links einbetten
permission-attach_files = Dateien anhängen

## The channel board (face/channel_board.py): one line per job when a busy channel folds
board-footer = Hier ist gerade viel los: Alle Status stehen gesammelt hier. Mit „Mein Status“ bekommst du deinen eigenen.
button-show-status = Mein Status
board-title = { $active ->
    [0] Kanal-Übersicht · alle { $total } Jobs fertig
   *[other] Kanal-Übersicht · { $active } von { $total } Jobs laufen
}
board-queue = Platz { $position } in der Warteschlange
board-more = … und { $count } weitere
board-shown = { $count ->
    [0] Du hast auf dieser Übersicht keinen laufenden Job.
    [one] Dein Status steht unten und bleibt aktuell.
   *[other] Deine { $count } Status stehen unten und bleiben aktuell.
}
