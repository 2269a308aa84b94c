# /usage (privado, en el idioma del admin). $jobs cuenta trabajos, $credits es una cantidad de
# créditos, $days el periodo pedido.

usage-title = { $days ->
    [one] Último día
   *[other] Últimos { $days } días
}
usage-nothing = { $days ->
    [one] Ningún trabajo en el último día.
   *[other] Ningún trabajo en los últimos { $days } días.
}
usage-line = { $jobs ->
    [one] 1 trabajo
   *[other] { $jobs } trabajos
} · { $credits ->
    [one] 1 crédito
   *[other] { $credits } créditos
}
usage-top-field = Quién más lo usa
usage-top-nobody = nadie
usage-export-ready = { $jobs ->
    [one] 1 trabajo
   *[other] { $jobs } trabajos
} { $days ->
    [one] en el último día
   *[other] en los últimos { $days } días
}.
# La etiqueta del eje del gráfico: lo que cuentan las barras.
usage-chart-credits = créditos
usage-chart-jobs = trabajos
