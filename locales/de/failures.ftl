# Warum ein Job fehlschlug, abgelehnt wurde oder etwas fehlt. $provider ist der Name des Anbieters;
# $said sind die Worte des Anbieters; $why ist " (Worte des Anbieters)" oder leer; $during eine Zeitspanne.

## Nach Art des Fehlers, und was man jetzt tun kann
kind-words-invalid_input = { $provider } hat die Anfrage abgelehnt.
kind-words-insufficient_credits = Das { $provider }-Konto des Bots hat keine Credits mehr.
kind-words-rate_limited = { $provider } bekommt gerade zu viele Anfragen.
kind-words-content_flagged = { $provider } hat die Anfrage markiert und keinen Track gemacht.
kind-words-unavailable = { $provider } hat gerade Probleme.
kind-words-auth = { $provider } hat den API-Schlüssel des Bots abgelehnt.
kind-words-not_found = { $provider } kennt diesen Job nicht.
kind-words-generation_failed = { $provider } konnte den Track nicht machen.
kind-words-expired = Der Download-Link von { $provider } ist abgelaufen.
next-step-invalid_input = Check Audio und Text und versuch's nochmal.
next-step-insufficient_credits = Das Anbieter-Konto des Servers muss aufgeladen werden; sag einem Server-Admin Bescheid.
next-step-rate_limited = Versuch's in ein paar Minuten nochmal.
next-step-content_flagged = Probier einen anderen Prompt, andere Lyrics oder anderes Audio.
next-step-unavailable = Versuch's in ein paar Minuten nochmal.
next-step-auth = Sag einem Server-Admin Bescheid: der Schlüssel des Bots für diesen Anbieter muss repariert werden.
next-step-not_found = Versuch's nochmal; wenn's wieder passiert, sag einem Server-Admin Bescheid.
next-step-generation_failed = Versuch's nochmal, vielleicht mit einem anderen Prompt.
next-step-expired = Versuch's nochmal.

## Zeitspannen
during-minutes = { $minutes } Minuten
during-seconds = { $seconds ->
    [one] 1 Sekunde
   *[other] { $seconds } Sekunden
}

## Ein Anbieter oder ein Download
reason-unreachable = { $provider } ist nicht erreichbar.
reason-unreachable-for = { $provider } war { $during } lang nicht erreichbar; der Rechner dahinter ist vielleicht aus.
reason-no_answer = { $provider } hat nicht rechtzeitig geantwortet.
reason-link_expired = Der Download-Link ist abgelaufen.
reason-download_broke_off = Der Download ist mittendrin abgebrochen.
reason-download_broke_off-for = Die Takes ließen sich { $during } lang nicht von { $provider } laden.
reason-too_large = Die Audiodatei ist zu groß für { $provider }.
reason-too_large-limit = Die Audiodatei ist zu groß für { $provider }: das Limit ist { $limit }.
reason-download_too_large = Die Datei ist größer als { $limit }.
download-refused = Der Download-Link zeigt auf eine Adresse, von der der Bot nichts lädt.
reason-download_redirects = Der Download-Link wurde zu oft umgeleitet.
reason-download_too_slow = Der Download hat länger als { $limit } gedauert, also hab ich aufgegeben.
reason-download_too_slow-deadline = { $provider } hat es zu langsam geschickt, um im Zeitlimit des Jobs anzukommen.
reason-answer_too_large = { $provider } hat eine viel zu große Antwort geschickt (über { $limit }); sie wurde nicht gelesen.
reason-answered = { $provider } hat mit einem Fehler geantwortet ({ $status }).
reason-answered-said = { $provider } hat mit einem Fehler geantwortet ({ $status }): { $said }
reason-refused = { $provider } hat die Anfrage abgelehnt.
reason-refused-said = { $provider } hat die Anfrage abgelehnt: { $said }
reason-flagged = { $provider } hat die Anfrage markiert{ $why } und keinen Track gemacht.
reason-made_nothing = { $provider } hat das nicht hinbekommen ({ $kind }).
reason-made_nothing-said = { $provider } hat das nicht hinbekommen ({ $kind }): { $said }
kind-track = Track
reason-unknown_job = { $provider } kennt diesen Job nicht.
reason-server_lost_job = { $provider } hat den Job aus den Augen verloren.
reason-duplicate = { $provider } sagt, das ist doppelt: an derselben Anfrage arbeitet er schon.
reason-unreadable = { $provider } hat eine Antwort geschickt, die der Bot nicht lesen kann.
reason-no_job_id = { $provider } hat nicht gesagt, welchen Job er gestartet hat.
reason-wrong_address = { $provider } kennt die Anfrage des Bots nicht (not found); die { $provider }-Adresse ist vielleicht falsch.
reason-stream_broke = Die Verbindung zu { $provider } brach ab, bevor der Job bestätigt war.
reason-no_takes = { $provider } ist fertig, hat aber keine Takes geliefert.
reason-nothing_to_download = { $provider } hat für diesen Job keine Takes zum Herunterladen.
reason-audio_missing = Dafür braucht es eine Audiodatei.
reason-link_missing = { $provider } braucht den Song als öffentlichen Link.
reason-bad_song = { $provider } kann mit dem Song nichts anfangen.
reason-bad_song-said = { $provider } kann mit dem Song nichts anfangen: { $said }
reason-cannot_resume = { $provider } kann diesen Job nicht fortsetzen.
reason-input_gone = Das Audio zum Remixen ist nicht mehr da.
reason-render_failed = Ich konnte das Audio nicht verarbeiten; vielleicht ist es beschädigt.
reason-take_silent = Take { $index } kam ohne Ton zurück.
reason-no_takes_downloaded = Keiner der Takes ließ sich herunterladen.
reason-server_forgot_job = Der { $provider }-Server hat den Job verloren (wohl neu gestartet). Er wurde nicht nochmal gesendet: starte den Befehl nochmal.
reason-queue_full = Die Warteschlange des { $provider }-Servers war { $during } lang voll.
reason-server_kept_failing = Der { $provider }-Server hatte { $during } lang Fehler (HTTP { $status }).
reason-bad_key = Der { $provider }-Server hat den Schlüssel des Bots abgelehnt: { $setting } muss zum Schlüssel des Servers passen.
reason-option_unsupported = { $provider } kann `{ $option }` nicht; lass es weg oder nimm einen anderen Anbieter.
takes-silent-all = Alle Takes von { $provider } waren stumm und wurden aussortiert.
takes-silent = { $count ->
    [one] 1 Take war stumm und wurde aussortiert.
   *[other] { $count } Takes waren stumm und wurden aussortiert.
}

## Ursachen beim Bot selbst
reason-deadline_passed = Das hat länger als { $limit } gedauert, also warte ich nicht mehr. Versuch's später nochmal oder mit einem anderen Anbieter.
reason-restart_lost_submit = Der Bot wurde beim Senden neu gestartet und weiß nicht, ob der Anbieter den Job bekommen hat. Damit du nicht doppelt zahlst, wurde er nicht nochmal gesendet; starte den Befehl nochmal, falls kein Ergebnis kommt.
reason-submit_unconfirmed = { $provider } hat nicht bestätigt, dass der Job angekommen ist. Damit du nicht doppelt zahlst, wurde er nicht nochmal gesendet; starte den Befehl nochmal, falls kein Ergebnis kommt.
reason-interrupted = Bei uns ist bei diesem Job was schiefgelaufen. Bitte starte den Befehl nochmal.
reason-provider_gone = Den Anbieter { $name } gibt es hier nicht mehr. Starte den Befehl nochmal mit einem anderen Anbieter.
reason-provider_stopped = { $provider } meldet sich zu diesem Job nicht mehr.
reason-result_refused = Discord hat die Ergebnisnachricht abgelehnt.
reason-result_not_posted = Discord hat die Ergebnisnachricht immer wieder nicht angenommen, also hab ich aufgehört.
reason-channel_gone = Den Kanal dieses Jobs gibt es nicht mehr.
kept-for-show = Die Takes bleiben { $hours } h aufbewahrt: `/show job:{ $job }` postet sie, sobald das behoben ist.
flagged-withheld = Der Anbieter hat dieses Ergebnis markiert, und dieser Server hält markierte Ergebnisse zurück – es wurde nichts gepostet.
reason-cancelled_from_terminal = Im Terminal mit Strg+C gestoppt.

## Hinweise zum Ergebnis
one-take = Ein Take
take-left-out = { $name } ist bei { $provider } schiefgegangen und fehlt.
take-left-out-flagged = { $name } wurde von { $provider } markiert{ $why } und fehlt.
reason-fewer_variations = { $provider } hat { $got } von { $wanted } gewünschten Varianten geliefert.
reason-take_not_downloaded = Take { $index } ließ sich nicht herunterladen: { $cause }
reason-take_unavailable = Take { $index } war zu groß, um ihn hier zu posten.
reason-deadline_partial = Der andere Take war nach { $limit } immer noch nicht fertig, also gibt's nur den fertigen.
reason-default_effects = Im Prompt stand kein Effekt, also hab ich { $effects } genommen. Probier Wörter wie slowed, nightcore, lo-fi, bass boost oder vaporwave.

## Ablehnungen, bevor etwas startet
unknown-provider = Den Anbieter `{ $name }` kenne ich nicht. Hier gibt's: { $available }.
kind-not-supported-own = { $provider } kann das nicht ({ $kind }).
kind-not-supported = { $provider } kann das nicht ({ $kind }). Probier { $supporters }.
kind-not-supported-anywhere = { $provider } kann das nicht ({ $kind }), und hier kann es auch kein anderer: { $capable } können es, sobald ein Server-Admin sie einrichtet.
capable-remix = MusicGPT, Soundpiece, Soundverse oder ein selbst gehostetes ACE-Step
capable-sing = MusicGPT
capable-generate = MusicGPT oder ein selbst gehostetes ACE-Step
prompt-required = { $provider } braucht einen Prompt: beschreib, wie es klingen soll.
lyrics-required = { $provider } braucht dafür Lyrics. Gib sie mit der Option `lyrics` an.
prompt-or-lyrics-required = Gib mir einen Prompt, Lyrics oder beides.
length-out-of-range = { $length } s geht nicht: wähl zwischen { $low } s und { $high }.
instrumental-and-vocal-only = Ein Song kann nicht gleichzeitig instrumental und nur Gesang sein: nimm eins von beiden.
too-long = `{ $field }` hat { $length } Zeichen; { $provider } nimmt höchstens { $limit }. Kürz es und versuch's nochmal.
too-long-unknown = `{ $field }` ist zu lang; { $provider } nimmt höchstens { $limit } Zeichen.
variations-not-supported = Bei { $provider } kann man die Zahl der Varianten nicht wählen. Lass die Option `variations` weg.
variations-not-supported-others = Bei { $provider } kann man die Zahl der Varianten nicht wählen. Lass die Option `variations` weg oder nimm { $supporters }.
variations-out-of-range = { $provider } macht 1 bis { $limit } Varianten, nicht { $wanted }. Ändere die Option `variations`.
strength-not-supported = Bei { $provider } gibt's keine Remix-Stärke. Lass die Option `strength` weg.
strength-not-supported-others = Bei { $provider } gibt's keine Remix-Stärke. Lass die Option `strength` weg oder nimm { $supporters }.
file-too-large = Die Datei hat { $size }; { $provider } nimmt Dateien bis { $limit }.
file-too-large-unknown = Die Datei ist größer als { $limit }; { $provider } nimmt Dateien bis { $limit }.
audio-too-long = Das Audio ist { $duration } lang; { $provider } nimmt bis { $limit }.
audio-too-short = Das Audio ist nur { $duration } lang; { $provider } braucht mindestens { $limit }.
not-audio = Mit der Datei kann ich nichts anfangen: { $why }
empty-upload = Mit der Datei kann ich nichts anfangen: sie ist leer.
no-audio-attached = Mit der Datei kann ich nichts anfangen: es war kein Audio angehängt.
attachment-unreachable = Ich konnte deinen Anhang nicht von Discord laden. Bitte versuch's nochmal.

## Warum eine Datei nicht als Audio taugt
audio-empty = Die Datei ist leer.
audio-not-audio = Das sieht nicht nach einer Audiodatei aus.
audio-damaged = Ich konnte das Audio nicht lesen; vielleicht ist es beschädigt.
audio-silent = In der Audiodatei ist kein Ton.
audio-video-without-sound = Das Video hat keine Tonspur.
audio-unknown-length = Ich konnte nicht erkennen, wie lang das Audio ist.
audio-length-mismatch = Die Datei ist viel kürzer, als ihr Header sagt; vielleicht abgeschnitten oder beschädigt.
audio-length-mismatch-held = Die Datei gibt { $stated } an, enthält aber nur { $held } Ton; vielleicht abgeschnitten oder beschädigt.
audio-length-mismatch-less = Die Datei gibt { $stated } an, enthält aber viel weniger Ton; vielleicht abgeschnitten oder beschädigt.

## Server-Regeln (private Ablehnungen, Hinweise zum Ergebnis)
admin-role-required = Hier können nur Mitglieder mit einer dieser Rollen Jobs starten: { $roles }.
admin-blocked-word = Deine Anfrage enthält ein Wort, das dieser Server nicht erlaubt – es wurde nichts gesendet.
admin-penalty = Zu viele gesperrte Anfragen in der letzten Stunde. Ab { $when } kannst du wieder Jobs starten.
admin-cooldown = Dieser Server hat eine Pause zwischen Jobs. Den nächsten kannst du ab { $when } starten.
admin-daily-limit = { $limit ->
    [one] Du hast heute schon 1 Job gestartet, das Tageslimit dieses Servers. Ab { $when } geht wieder was.
   *[other] Du hast heute schon { $limit } Jobs gestartet, das Tageslimit dieses Servers. Ab { $when } geht wieder was.
}
admin-budget-day = Das Tagesbudget dieses Servers für `{ $provider }` reicht für diesen Job nicht mehr. Es wird { $resets } zurückgesetzt.
admin-budget-day-amount = Das Tagesbudget dieses Servers für `{ $provider }` ({ $credits } Credits) reicht für diesen Job nicht mehr. Es wird { $resets } zurückgesetzt.
admin-budget-month = Das Monatsbudget dieses Servers für `{ $provider }` reicht für diesen Job nicht mehr. Es wird { $resets } zurückgesetzt.
admin-budget-month-amount = Das Monatsbudget dieses Servers für `{ $provider }` ({ $credits } Credits) reicht für diesen Job nicht mehr. Es wird { $resets } zurückgesetzt.
flagged-note-spoiler = Der Anbieter hat Take { $takes } markiert; er ist hinter einem Spoiler gepostet.
flagged-note-withheld = Der Anbieter hat Take { $takes } markiert; dieser Server hält markierte Takes zurück, er wird nicht gepostet.
flagged-withheld-dm = Der Anbieter hat deinen Job #{ $job } in <#{ $channel }> markiert, und der Server hält markierte Takes zurück – sie wurden nicht gepostet.
