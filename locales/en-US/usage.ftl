# /usage (private, in the admin's language). $jobs counts jobs, $credits is an amount of credits,
# $days the period asked for.

usage-title = { $days ->
    [one] Last day
   *[other] Last { $days } days
}
usage-nothing = { $days ->
    [one] No jobs in the last day.
   *[other] No jobs in the last { $days } days.
}
usage-line = { $jobs ->
    [one] 1 job
   *[other] { $jobs } jobs
} · { $credits ->
    [one] 1 credit
   *[other] { $credits } credits
}
usage-top-field = Top members
usage-top-nobody = nobody
usage-export-ready = { $jobs ->
    [one] 1 job
   *[other] { $jobs } jobs
} in the { $days ->
    [one] last day
   *[other] last { $days } days
}.
# The chart's axis label: what the bars count.
usage-chart-credits = credits
usage-chart-jobs = jobs
