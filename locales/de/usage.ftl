# /usage (privat, in der Sprache des Admins). $jobs zählt Jobs, $credits ist eine Menge Credits,
# $days der gewählte Zeitraum.

usage-title = { $days ->
    [one] Letzter Tag
   *[other] Letzte { $days } Tage
}
usage-nothing = { $days ->
    [one] Keine Jobs am letzten Tag.
   *[other] Keine Jobs in den letzten { $days } Tagen.
}
usage-line = { $jobs ->
    [one] 1 Job
   *[other] { $jobs } Jobs
} · { $credits ->
    [one] 1 Credit
   *[other] { $credits } Credits
}
usage-top-field = Aktivste Mitglieder
usage-top-nobody = niemand
usage-export-ready = { $jobs ->
    [one] 1 Job
   *[other] { $jobs } Jobs
} { $days ->
    [one] am letzten Tag
   *[other] in den letzten { $days } Tagen
}.
# Die Achsenbeschriftung des Diagramms: was die Balken zählen.
usage-chart-credits = Credits
usage-chart-jobs = Jobs
