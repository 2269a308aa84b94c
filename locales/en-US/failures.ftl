# Why a job failed, was refused or left something out. $provider is a provider's label; $said is the
# vendor's own words (already quoted); $why is " (vendor's words)" or nothing; $during a length of time.

## By kind of failure, and what the member can do next
kind-words-invalid_input = { $provider } refused the request.
kind-words-insufficient_credits = The bot's { $provider } account is out of credits.
kind-words-rate_limited = { $provider } is getting too many requests right now.
kind-words-content_flagged = { $provider } flagged this request and made no track.
kind-words-unavailable = { $provider } is having trouble right now.
kind-words-auth = { $provider } refused the bot's API key.
kind-words-not_found = { $provider } has no record of this job.
kind-words-generation_failed = { $provider } could not make this track.
kind-words-expired = The download link from { $provider } has expired.
next-step-invalid_input = Check the audio and the text, then try again.
next-step-insufficient_credits = The server's provider account needs a top-up; tell a server admin.
next-step-rate_limited = Try again in a few minutes.
next-step-content_flagged = Try a different prompt, lyrics or audio.
next-step-unavailable = Try again in a few minutes.
next-step-auth = Tell a server admin: the bot's key for this provider needs fixing.
next-step-not_found = Try again; if it keeps happening, tell a server admin.
next-step-generation_failed = Try again, perhaps with a different prompt.
next-step-expired = Try again.

## Lengths of time
during-minutes = { $minutes } minutes
during-seconds = { $seconds ->
    [one] 1 second
   *[other] { $seconds } seconds
}

## A provider or a download
reason-unreachable = { $provider } could not be reached.
reason-unreachable-for = { $provider } could not be reached for { $during }; the machine running it may be off.
reason-no_answer = { $provider } did not answer in time.
reason-link_expired = The download link has expired.
reason-download_broke_off = The download failed part way.
reason-download_broke_off-for = The takes could not be downloaded from { $provider } for { $during }.
reason-too_large = The audio file is too large for { $provider }.
reason-too_large-limit = The audio file is too large for { $provider }: the limit is { $limit }.
reason-download_too_large = The file is larger than { $limit }.
download-refused = The download link points somewhere the bot does not download from.
reason-download_redirects = The download link redirected too many times.
reason-download_too_slow = The download took longer than { $limit }, so I gave up on it.
reason-download_too_slow-deadline = { $provider } sent it too slowly to arrive within the job's time limit.
reason-answer_too_large = { $provider } sent an answer larger than any it should (over { $limit }), so it was not read.
reason-answered = { $provider } answered with an error ({ $status }).
reason-answered-said = { $provider } answered with an error ({ $status }): { $said }
reason-refused = { $provider } refused the request.
reason-refused-said = { $provider } refused the request: { $said }
reason-flagged = { $provider } flagged this request{ $why } and made no track.
reason-made_nothing = { $provider } could not make this { $kind }.
reason-made_nothing-said = { $provider } could not make this { $kind }: { $said }
kind-track = track
reason-unknown_job = { $provider } has no record of this job.
reason-server_lost_job = { $provider } lost track of this job.
reason-duplicate = { $provider } says this duplicates a request it is already working on.
reason-unreadable = { $provider } sent an answer the bot could not read.
reason-no_job_id = { $provider } did not say which job it started.
reason-wrong_address = { $provider } did not recognise the bot's request (not found); its { $provider } address may be wrong.
reason-stream_broke = The connection to { $provider } broke before it confirmed the job.
reason-no_takes = { $provider } finished but returned no takes.
reason-nothing_to_download = { $provider } has no downloadable takes for this job.
reason-audio_missing = This needs an audio file to work on.
reason-link_missing = { $provider } needs the song as a public link.
reason-bad_song = { $provider } could not use the song.
reason-bad_song-said = { $provider } could not use the song: { $said }
reason-cannot_resume = { $provider } can't resume this job.
reason-input_gone = The audio to remix is no longer available.
reason-render_failed = I could not process this audio; it may be damaged.
reason-take_silent = Take { $index } came back without audio.
reason-no_takes_downloaded = None of the takes could be downloaded.
reason-server_forgot_job = The { $provider } server lost this job (it was probably restarted). It was not sent again: run the command again.
reason-queue_full = The { $provider } server's queue stayed full for { $during }.
reason-server_kept_failing = The { $provider } server kept failing (HTTP { $status }) for { $during }.
reason-bad_key = The { $provider } server refused the bot's key: { $setting } must match the server's key.
reason-option_unsupported = { $provider } can't do `{ $option }`; leave it out or pick another provider.
takes-silent-all = Every take from { $provider } came out silent and was dropped.
takes-silent = { $count ->
    [one] 1 take came out silent and was dropped.
   *[other] { $count } takes came out silent and were dropped.
}

## The engine's own causes
reason-deadline_passed = This took longer than { $limit }, so I stopped waiting. Try again later, or with another provider.
reason-restart_lost_submit = The bot restarted while sending this job and can't tell whether the provider got it. To avoid paying twice it was not sent again; run the command again if no result shows up.
reason-submit_unconfirmed = { $provider } did not confirm that it got this job. To avoid paying twice it was not sent again; if no result shows up, run the command again.
reason-interrupted = Something went wrong on our side while handling this job. Please run the command again.
reason-provider_gone = The provider { $name } is no longer configured here. Run the command again with another provider.
reason-provider_stopped = { $provider } stopped reporting on this job.
reason-result_refused = Discord refused the result message.
reason-result_not_posted = Discord kept failing to take the result message, so I stopped trying.
reason-channel_gone = The job's channel no longer exists.
kept-for-show = The takes are kept for { $hours } h: `/show job:{ $job }` posts them once that is fixed.
flagged-withheld = The provider flagged this result, and this server withholds flagged results, so nothing was posted.
reason-cancelled_from_terminal = Stopped with Ctrl-C in the terminal.

## Notes on a result
one-take = One take
take-left-out = { $name } failed at { $provider } and is left out.
take-left-out-flagged = { $name } was flagged by { $provider }{ $why } and is left out.
reason-fewer_variations = { $provider } returned { $got } of the { $wanted } variations asked for.
reason-take_not_downloaded = Take { $index } could not be downloaded: { $cause }
reason-take_unavailable = Take { $index } was too large to post here.
reason-deadline_partial = The other take was still not ready after { $limit }, so only the finished one is posted.
reason-default_effects = No effect was named in the prompt, so I used { $effects }. Try words like slowed, nightcore, lo-fi, bass boost or vaporwave.

## Refusals before anything starts
unknown-provider = I don't know the provider `{ $name }`. Available here: { $available }.
kind-not-supported-own = { $provider } can't make a { $kind }.
kind-not-supported = { $provider } can't make a { $kind }. Try { $supporters }.
kind-not-supported-anywhere = { $provider } can't make a { $kind }, and no provider here can: { $capable } can, once a server admin sets one up.
capable-remix = MusicGPT, Soundpiece, Soundverse or a self-hosted ACE-Step
capable-sing = MusicGPT
capable-generate = MusicGPT or a self-hosted ACE-Step
prompt-required = { $provider } needs a prompt: describe how it should sound.
lyrics-required = { $provider } needs lyrics for this. Add them with the `lyrics` option.
prompt-or-lyrics-required = Give me a prompt, lyrics, or both.
length-out-of-range = A length of { $length } s won't work: pick between { $low } s and { $high }.
instrumental-and-vocal-only = A song can't be both instrumental and vocals only: pick one of the two.
too-long = Your { $field } has { $length } characters; { $provider } takes at most { $limit }. Shorten it and try again.
too-long-unknown = Your { $field } is too long; { $provider } takes at most { $limit } characters.
variations-not-supported = { $provider } can't make a chosen number of variations. Leave out the `variations` option.
variations-not-supported-others = { $provider } can't make a chosen number of variations. Leave out the `variations` option, or use { $supporters }.
variations-out-of-range = { $provider } makes 1 to { $limit } variations, not { $wanted }. Change the `variations` option.
strength-not-supported = { $provider } has no remix strength to set. Leave out the `strength` option.
strength-not-supported-others = { $provider } has no remix strength to set. Leave out the `strength` option, or use { $supporters }.
file-too-large = That file is { $size }; { $provider } takes files up to { $limit }.
file-too-large-unknown = That file is larger than { $limit }; { $provider } takes files up to { $limit }.
audio-too-long = That audio is { $duration } long; { $provider } takes up to { $limit }.
audio-too-short = That audio is only { $duration } long; { $provider } needs at least { $limit }.
not-audio = I can't use that file: { $why }
empty-upload = I can't use that file: the file is empty.
no-audio-attached = I can't use that file: no audio was attached.
attachment-unreachable = I couldn't download your attachment from Discord. Please try again.

## Why a file can't be used as audio
audio-empty = This file is empty.
audio-not-audio = This doesn't look like an audio file.
audio-damaged = I could not read this audio; it may be damaged.
audio-silent = This audio file has no sound in it.
audio-video-without-sound = This video has no sound track.
audio-unknown-length = I could not tell how long this audio is.
audio-length-mismatch = This file is much shorter than its header says; it may be cut short or damaged.
audio-length-mismatch-held = This file says it is { $stated } long but holds only { $held } of sound; it may be cut short or damaged.
audio-length-mismatch-less = This file says it is { $stated } long but holds much less sound; it may be cut short or damaged.

## Server rules (private refusals, notes on a result)
admin-role-required = Only members with one of these roles can start jobs here: { $roles }.
admin-blocked-word = Your request contains a word this server doesn't allow, so nothing was sent.
admin-penalty = Too many blocked requests in the last hour. You can start jobs again at { $when }.
admin-cooldown = This server has a cooldown between jobs. You can start the next one at { $when }.
admin-daily-limit = { $limit ->
    [one] You've started 1 job today, this server's daily limit. You can start more at { $when }.
   *[other] You've started { $limit } jobs today, this server's daily limit. You can start more at { $when }.
}
admin-budget-day = This server's daily budget for `{ $provider }` has no room for this job. It resets at { $resets }.
admin-budget-day-amount = This server's daily budget for `{ $provider }` ({ $credits } credits) has no room for this job. It resets at { $resets }.
admin-budget-month = This server's monthly budget for `{ $provider }` has no room for this job. It resets at { $resets }.
admin-budget-month-amount = This server's monthly budget for `{ $provider }` ({ $credits } credits) has no room for this job. It resets at { $resets }.
flagged-note-spoiler = The provider flagged take { $takes }; it is posted behind a spoiler.
flagged-note-withheld = The provider flagged take { $takes }; this server withholds flagged takes, so it is not posted.
flagged-withheld-dm = The provider flagged your job #{ $job } in <#{ $channel }>, and that server withholds flagged takes, so they were not posted.
