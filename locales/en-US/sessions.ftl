# Remix sessions: the card, the thread, the results (public, in the server's language) and every
# private answer about a session (in the member's language).
# $host, $author and $member are Discord ids (shown as mentions); $title, $filename and $prompt are
# member text, already escaped; $url is a Discord link.

## Phases: on the card, and inside a sentence
session-phase-submissions = Submissions open
session-phase-voting = Voting open
session-phase-closed = Closed
session-phase-cancelled = Cancelled
session-phase-inline-submissions = submissions open
session-phase-inline-voting = voting open
session-phase-inline-closed = closed
session-phase-inline-cancelled = cancelled

## The card (public)
session-card-title = Remix session: { $title }
session-card-description = Hosted by <@{ $host }>. Remix [the source track]({ $url }), enter your best take, then vote for your favourite.
session-card-description-unlinked = Hosted by <@{ $host }>. Remix the source track in the thread, enter your best take, then vote for your favourite.
session-field-phase = Phase
session-field-submissions = Submissions close
session-field-voting = Voting closes
session-field-counts = So far
session-field-rules = Rules
session-field-results = Results
session-counts = { $entries ->
    [one] { $entries } entry
   *[other] { $entries } entries
} · { $ballots ->
    [one] { $ballots } vote
   *[other] { $ballots } votes
} cast
session-rules = Up to { $count } { $count ->
    [one] entry
   *[other] entries
} per member. Entries are posted anonymously when submissions close. One vote each, changeable until voting closes; not for your own entry. Who may vote: { $voters ->
    [joined-before] members who joined the server before the session started
   *[everyone] every member
}. Tied entries share a place.
session-results-link = [See the results]({ $url })
session-footer = Session #{ $session }

## Buttons and the Remix this form
button-session-remix = Remix this
button-session-mine = My entries
button-session-open-voting = Open voting
button-session-end-voting = End voting
button-session-vote = Vote
button-session-withdraw = Withdraw
button-session-withdraw-one = Withdraw { $position }
button-session-enter = Enter take { $number }
session-form-title = Remix the session track
session-form-provider = Provider
session-form-provider-hint = Which service makes your take (the session's choice if you leave it).

## The thread (public)
session-source-posted = The source track of **{ $title }**. Press **{ button-session-remix }** on the card to make your take.
session-entry-heading = **Entry { $number }**
session-results-title = Results: { $title }
session-place-line = **{ $place }.** Entry { $number }: { $votes ->
    [one] { $votes } vote
   *[other] { $votes } votes
} · <@{ $author }> · { $what }
session-no-winner-line = Entry { $number }: <@{ $author }> · { $what }
session-prompt = “{ $prompt }”
session-no-prompt = no prompt
session-upload-what = own remix `{ $filename }`
session-no-winner = Nobody voted, so there is no winner. The entries:
session-no-entries = No entries were made.
session-tie = A { $count }-way tie for first place.
session-announcement = The remix session **{ $title }** is over. Congratulations, { $winners }! Results: { $url }
session-announcement-no-winner = The remix session **{ $title }** is over, with no winner. Results: { $url }

## Private answers: starting and steering a session
session-opened = Your session is open: { $url }
session-not-host = Only hosts may do that: members with Manage Server or Manage Events, or the role an admin set with `/config session-role`.
session-not-host-or-moderator = Only the session's host or a moderator may do that.
session-where = Start a session in a text channel (or name a forum with `forum:`).
session-not-a-forum = That channel is not a forum channel.
session-duration-refused = The { $what ->
    [submissions] submissions
   *[voting] voting
} time `{ $text }` { $problem ->
    [empty] is empty
    [unreadable] is not a duration I can read (write it like 90m, 2h, 3d or 1d12h)
    [too-short] is shorter than { $minimum }
    [too-long] is longer than { $maximum }
   *[other] is not usable
}.
session-unknown = I can't find session `{ $session }` in this server. `/session list` shows them.
session-which = Which session? Run this in the session's thread, or pick one with the `session` option.
session-moved-voting = Submissions are closed; the entries are being posted for the vote.
session-moved-closed = Voting is closed; the results are being posted.
session-moved-cancelled = The session is cancelled.
session-moved-other = Done.
session-wrong-phase = This session can't do that now (it is { $phase }).
session-results-not-ready = That session has no results (it is not closed, or it was cancelled).
session-results-reposted = Results posted again: { $url }
session-list-title = **Remix sessions**
session-list-empty = No open or recent sessions in this server.

## Private answers: entries
session-not-submitting = Submissions for this session are closed.
session-upload-label = this session
session-entered = Take { $number } is entered. You have { $count } of { $cap } entries in this session.
session-entered-linked = Take { $number } is entered ({ $url }). You have { $count } of { $cap } entries in this session.
session-upload-entered = Your remix is entered. You have { $count } of { $cap } entries in this session.
session-cap-reached = You already have { $cap } { $cap ->
    [one] entry
   *[other] entries
} in this session; withdraw one first ({ button-session-mine }).
session-already-entered = That take is already an entry.
session-entry-too-large = That file is larger than { $limit }, the most this channel takes.
session-only-requester = Only the member who made this remix may enter its takes.
session-my-entries = Your entries ({ $count } of { $cap }):
session-my-entries-none = You have no entries in this session yet (up to { $cap }).
session-my-entry-line = { $position }. { $what }, entered <t:{ $timestamp }:R>
session-ai-entry = Take { $take } of job #{ $job }
session-upload-entry = Your upload `{ $filename }`
session-withdrawn = Withdrawn. That entry is out of the session.
session-withdraw-not-found = That entry is already withdrawn.
session-job-in-thread = Your remix is on its way; follow it in the session thread: { $url }

## Private answers: votes
session-vote-cast = Your vote is on Entry { $number }.
session-vote-moved = Your vote moved from Entry { $previous } to Entry { $number }.
session-vote-already = Your vote is already on Entry { $number }.
session-vote-own = That is your own entry; vote for someone else's.
session-vote-not-eligible = Only members who joined the server before this session started may vote in it.
session-vote-bot = Bots don't vote.
session-vote-not-open = Voting for this session is not open.
session-vote-no-entry = That entry is no longer on the ballot.

## /config session-role, session-forum, session-voters (private)
session-config-summary = Session host role: { $role }
    Session forum: { $forum }
    Who may vote: { $voters ->
        [joined-before] members who joined before the session started
       *[everyone] every member
    }
session-config-no-role = none
session-config-no-forum = none (sessions open in the channel they start in)
