# /usage (privado, no idioma do admin). $jobs conta jobs, $credits é uma quantia de créditos, $days o
# período pedido. Em pt-BR a forma [one] vale para 0 e 1: use o número, não um "1" fixo.

usage-title = { $days ->
    [one] Último dia
   *[other] Últimos { $days } dias
}
usage-nothing = { $days ->
    [one] Nenhum job no último dia.
   *[other] Nenhum job nos últimos { $days } dias.
}
usage-line = { $jobs ->
    [one] { $jobs } job
   *[other] { $jobs } jobs
} · { $credits ->
    [one] { $credits } crédito
   *[other] { $credits } créditos
}
usage-top-field = Quem mais usa
usage-top-nobody = ninguém
usage-export-ready = { $jobs ->
    [one] { $jobs } job
   *[other] { $jobs } jobs
} { $days ->
    [one] no último dia
   *[other] nos últimos { $days } dias
}.
# O rótulo do eixo do gráfico: o que as barras contam.
usage-chart-credits = créditos
usage-chart-jobs = jobs
