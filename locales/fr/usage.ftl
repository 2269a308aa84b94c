# /usage (privé, dans la langue de l'admin). $jobs compte des jobs, $credits est un montant de crédits,
# $days la période demandée.

usage-title = { $days ->
    [one] Dernier jour
   *[other] { $days } derniers jours
}
usage-nothing = { $days ->
    [one] Aucun job ces dernières 24 heures.
   *[other] Aucun job ces { $days } derniers jours.
}
usage-line = { $jobs ->
    [one] { $jobs } job
   *[other] { $jobs } jobs
} · { $credits ->
    [one] { $credits } crédit
   *[other] { $credits } crédits
}
usage-top-field = Membres les plus actifs
usage-top-nobody = personne
usage-export-ready = { $jobs ->
    [one] { $jobs } job
   *[other] { $jobs } jobs
} { $days ->
    [one] ces dernières 24 heures
   *[other] ces { $days } derniers jours
}.
# L'étiquette de l'axe du graphique : ce que comptent les barres.
usage-chart-credits = crédits
usage-chart-jobs = jobs
