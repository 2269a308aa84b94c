# A job from start to result: acknowledgements, the status message, the result, buttons, /jobs.
# $member and $channel are Discord ids (shown as mentions); $job is a job number.

## What a job makes and where it is
kind-remix = remix
kind-sing = sing-over
kind-generate = song
stage-received = Checking your audio
stage-queued = Waiting in the queue
stage-submitting = Sending the audio
stage-submitted = Submitted
stage-running = Working on it
stage-delivering = Posting the takes
stage-delivered = Done
stage-failed = Failed
stage-rejected = Not started
stage-cancelled = Cancelled

## Private acknowledgements
checking-audio = Got it! Checking your audio…
checking-song = Got it! Getting your song ready…
accepted = Your job is in. Progress shows in this channel.
accepted-queued = Your job is in. Progress shows in this channel. You're number { $position } in the queue.
rejected = Nothing was started. { $reason }

## The status message (public)
status-title = { $kind } · { $stage }
queue-next = Next in line
queue-position = Position { $position } in the queue
takes-ready = { $ready } of { $expected } takes ready
working-for = { $provider } has been working for { $spent }
status-field = Status
job-footer = Job #{ $job }
result-footer = Job #{ $job } · { $tag }
requested-by = Requested by <@{ $member }> · { $provider }
started = Started <t:{ $timestamp }:R>
expected = Expected <t:{ $timestamp }:R>
listen-early = [Listen while it finishes]({ $url })
cancelled = This job was cancelled.
cancelled-because = This job was cancelled. { $reason }
cancelled-by = Cancelled by <@{ $member }>.

## The result (public)
result-ready = { $count ->
    [one] <@{ $member }> your take is ready!
   *[other] <@{ $member }> your { $count } takes are ready!
}
result-link = [Jump to the result]({ $url })
provider-field = Provider
lyrics-field = Lyrics
note-field = Note
take-name = Take { $number }
download-link = [download]({ $url })

## Buttons and forms
button-remix-this-audio = Remix this audio
button-reroll = Reroll
button-edit = Edit and rerun
button-delete = Delete
button-cancel = Cancel
button-take = Remix take { $number }
form-prompt = Prompt
form-prompt-hint = How it should sound, e.g. lo-fi with chill beats
form-lyrics = Lyrics
form-lyrics-hint = New lyrics to sing (optional)
form-gender = Voice
form-gender-hint = Voice for the vocals (optional)
form-file = Which file
form-file-hint = The message has several audio files
form-title-take = Remix take { $number }
form-title-edit = Edit and rerun job #{ $job }

## Who may press what, and what happened (private)
only-requester-cancel = Only the member who started this job can cancel it. Use Remix take on a take to make your own.
only-requester-delete = Only the member who started this job can delete it. Use Remix take on a take to make your own.
only-requester-reroll = Only the member who started this job can reroll it. Use Remix take on a take to make your own.
only-requester-edit = Only the member who started this job can edit and rerun it. Use Remix take on a take to make your own.
only-requester-or-moderator-cancel = Only the member who started this job or a moderator (Manage Messages) can cancel it.
only-requester-or-moderator-delete = Only the member who started this job or a moderator (Manage Messages) can delete it.
job-not-found = I can't find job #{ $job } in this server.
not-a-job-id = `{ $value }` is not a job number. Pick one from the list or see `/jobs`.
no-audio-in-message = That message has no audio attachment. Use Remix this audio on a message with an audio file.
source-gone-kept = The audio of job #{ $job } is no longer available (inputs are kept for { $hours } hours). Run `/remix` again with the file, or use Remix this audio on a message that has it.
source-gone = The audio of job #{ $job } is no longer available (inputs are not kept after a job ends). Run `/remix` again with the file, or use Remix this audio on a message that has it.
take-gone = Take { $number } of job #{ $job } is no longer in its result message (was it deleted?).
cannot-cancel-delivering = Job #{ $job } is already posting its takes, so it can't be cancelled any more.
cannot-cancel-ended = Job #{ $job } has already ended ({ $stage }); there is nothing to cancel.
cancel-done = Job #{ $job } is cancelled.
deleted = Deleted the results of job #{ $job }.
result-deleted = The results of job #{ $job } were deleted, so there is nothing to show again.
not-delivered = Job #{ $job } has no results to show: { $stage }.
status-link-label = [Status]({ $url })
shown-again = Results of job #{ $job } by <@{ $member }>
shown-again-by = Results of job #{ $job } by <@{ $member }>, shown again by <@{ $by }>
shown-posted = Posted again: { $url }
result-kept-notice = Your job #{ $job } in <#{ $channel }> finished, but I could not post the takes. { $why }
kept-posted = The takes of job #{ $job } are posted.

## /jobs (private)
jobs-title = Your recent jobs
no-jobs = You have no jobs in this server yet. Start one with `/remix`, or Remix this audio on a message.
status-link = [status]({ $url })
results-link = [result]({ $url })
no-prompt = no prompt

## Errors (private)
slow-down = Slow down a little: try again in { $seconds } s.
no-permission = You don't have permission to do that here.
cannot-use-here = You can't use this command here.
not-understood = I couldn't understand `{ $value }`.
generic-error = Something went wrong on our side (ref `{ $reference }`). Please try again.
guild-only = This works in server channels only.
wrong-channel = On this server, remixes happen in <#{ $channel }>.
too-many-jobs = { $limit ->
    [one] You already have a job going. Wait for it to finish (or cancel it) first.
   *[other] You already have { $limit } jobs going. Wait for one to finish (or cancel one) first.
}
missing-permissions = I can't post results in this channel: I'm missing { $names }. Ask a server admin to grant them, or use another channel.

## /config (private)
config-saved = Saved. `/config show` lists this server's settings.
config-title = **Remix settings for this server**
config-provider = Default provider: `{ $provider }`
config-provider-default = Default provider: the bot's default (`{ $provider }`)
config-channel = Remix channel: <#{ $channel }>
config-channel-any = Remix channel: any channel
config-member-limit = Unfinished jobs per member: { $limit }
config-providers = Providers available: { $providers }
config-language = Public language: { $language }
config-language-server = Public language: the server's Discord language ({ $language })
language-saved = Saved: in public I now speak { $language }.
language-saved-server = Saved: in public I follow the server's Discord language ({ $language }).

## Discord's own names for the channel permissions the bot needs
permission-view_channel = View Channel
permission-send_messages = Send Messages
permission-embed_links = Embed Links
permission-attach_files = Attach Files

## The channel board (face/channel_board.py): one line per job when a busy channel folds
board-footer = This channel is busy: statuses are shown here together. Show my status gives you your own.
button-show-status = Show my status
board-title = { $active ->
    [0] Channel board · all { $total } jobs finished
   *[other] Channel board · { $active } of { $total } jobs in progress
}
board-queue = #{ $position } in queue
board-more = … and { $count } more
board-shown = { $count ->
    [0] You have no job in progress on this board.
    [one] Your status is posted below and kept up to date.
   *[other] Your { $count } statuses are posted below and kept up to date.
}
