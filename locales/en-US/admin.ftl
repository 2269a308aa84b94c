# What the server's admins read: /config answers (private, in the admin's language) and the admin log
# channel (public to moderators, in the server's language). $provider is a provider's name (shown as
# code), $member a member's id and $channel a channel's id (shown as mentions), $job a job number.

## /config show
provider-reachable = reachable
provider-unreachable = **not reachable**
config-budget = Budget `{ $provider }`: { $limits }
config-budget-today = { $used } of { $limit } today
config-budget-month = { $used } of { $limit } this month
config-budgets-none = Budgets: none
config-cooldown = Cooldown between jobs: { $cooldown }
config-cooldown-none = Cooldown between jobs: none
config-per-day = Jobs per member per day: { $limit }
config-per-day-none = Jobs per member per day: no limit
config-flagged = Flagged takes: { $mode }
config-log = Admin log: <#{ $channel }>
config-log-off = Admin log: off
config-blocklist = { $count ->
    [one] Blocklist: 1 entry (`/config blocklist show`)
   *[other] Blocklist: { $count } entries (`/config blocklist show`)
}

## Budgets and roles; $roles is a list of role mentions
budget-saved-daily = { $daily ->
    [one] Saved: `{ $provider }` may use 1 credit a day (UTC days).
   *[other] Saved: `{ $provider }` may use { $daily } credits a day (UTC days).
}
budget-saved-monthly = { $monthly ->
    [one] Saved: `{ $provider }` may use 1 credit a month (UTC months).
   *[other] Saved: `{ $provider }` may use { $monthly } credits a month (UTC months).
}
budget-saved-both = Saved: `{ $provider }` may use { $daily } credits a day and { $monthly } a month (UTC days and months).
budget-saved-none = Saved: no budget for `{ $provider }`.
roles-saved = Saved.
roles-allow = Who may start jobs: { $roles }
roles-allow-everyone = Who may start jobs: everyone
roles-bypass = Skips member limits and cooldown: { $roles }
roles-bypass-nobody = Skips member limits and cooldown: nobody

## The blocklist
blocklist-added = Added to the blocklist.
blocklist-already = That's already on the blocklist.
blocklist-removed = Removed from the blocklist.
blocklist-not-there = That isn't on the blocklist.
blocklist-invalid = Give a word or phrase of up to { $limit } characters (a lone * isn't enough).
blocklist-full = The blocklist holds up to { $limit } entries; remove some first.
blocklist-empty = The blocklist is empty.
blocklist-title = **Blocked words and patterns**

## The admin log channel
log-channel-saved = Saved: admin events go to <#{ $channel }>.
log-channel-off = Saved: the admin log is off.
event-budget-reached-day = Budget reached: the daily budget for `{ $provider }` turned down a job from <@{ $member }>.
event-budget-reached-month = Budget reached: the monthly budget for `{ $provider }` turned down a job from <@{ $member }>.
event-blocked-word = Blocked word: a request from <@{ $member }> was refused ({ $count } in the last hour).
event-member-penalised = Cooldown: <@{ $member }> made { $count } blocked requests within an hour; no jobs until { $when }.
event-flagged-refused = Flagged output: `{ $provider }` refused the content of job #{ $job }.
event-flagged-spoiler = { $count ->
    [one] Flagged output: `{ $provider }` flagged 1 take of job #{ $job }; posted behind a spoiler.
   *[other] Flagged output: `{ $provider }` flagged { $count } takes of job #{ $job }; posted behind a spoiler.
}
event-flagged-withheld = { $count ->
    [one] Flagged output: `{ $provider }` flagged 1 take of job #{ $job }; withheld.
   *[other] Flagged output: `{ $provider }` flagged { $count } takes of job #{ $job }; withheld.
}
event-key-refused = Provider key refused: `{ $provider }` rejected the bot's API key (job #{ $job }).
event-out-of-credits = Out of credits: the `{ $provider }` account has no credits left (job #{ $job }).

## Discord's own names for more permissions (the channel ones are in jobs.ftl)
permission-read_message_history = Read Message History
permission-create_public_threads = Create Public Threads
permission-send_messages_in_threads = Send Messages in Threads
permission-manage_threads = Manage Threads
permission-manage_messages = Manage Messages
permission-add_reactions = Add Reactions
permission-manage_guild = Manage Server
