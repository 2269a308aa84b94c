# Pourquoi un job a échoué, a été refusé ou a laissé quelque chose de côté. $provider est le nom du
# service ; $said ses propres mots ; $why vaut " (ses mots)" ou rien ; $during une durée.

## Selon le type d'échec, et quoi faire ensuite
kind-words-invalid_input = { $provider } a refusé la demande.
kind-words-insufficient_credits = Le compte { $provider } du bot n'a plus de crédits.
kind-words-rate_limited = { $provider } reçoit trop de demandes en ce moment.
kind-words-content_flagged = { $provider } a signalé la demande et n'a rien produit.
kind-words-unavailable = { $provider } a des soucis en ce moment.
kind-words-auth = { $provider } a refusé la clé d'API du bot.
kind-words-not_found = { $provider } n'a aucune trace de ce job.
kind-words-generation_failed = { $provider } n'a pas réussi à faire ce morceau.
kind-words-expired = Le lien de téléchargement de { $provider } a expiré.
next-step-invalid_input = Vérifie l'audio et le texte, puis réessaie.
next-step-insufficient_credits = Le compte du service doit être rechargé ; préviens un admin du serveur.
next-step-rate_limited = Réessaie dans quelques minutes.
next-step-content_flagged = Essaie un autre prompt, d'autres paroles ou un autre audio.
next-step-unavailable = Réessaie dans quelques minutes.
next-step-auth = Préviens un admin du serveur : la clé du bot pour ce service est à corriger.
next-step-not_found = Réessaie ; si ça continue, préviens un admin du serveur.
next-step-generation_failed = Réessaie, peut-être avec un autre prompt.
next-step-expired = Réessaie.

## Durées
during-minutes = { $minutes } minutes
during-seconds = { $seconds ->
    [one] { $seconds } seconde
   *[other] { $seconds } secondes
}

## Un service ou un téléchargement
reason-unreachable = Impossible de joindre { $provider }.
reason-unreachable-for = Impossible de joindre { $provider } pendant { $during } ; la machine est peut-être éteinte.
reason-no_answer = { $provider } n'a pas répondu à temps.
reason-link_expired = Le lien de téléchargement a expiré.
reason-download_broke_off = Le téléchargement s'est arrêté en route.
reason-download_broke_off-for = Impossible de télécharger les prises depuis { $provider } pendant { $during }.
reason-too_large = Le fichier audio est trop lourd pour { $provider }.
reason-too_large-limit = Le fichier audio est trop lourd pour { $provider } : la limite est de { $limit }.
reason-download_too_large = Le fichier dépasse { $limit }.
download-refused = Le lien de téléchargement pointe vers un endroit d'où le bot ne télécharge pas.
reason-download_redirects = Le lien de téléchargement a été redirigé trop de fois.
reason-download_too_slow = Le téléchargement a pris plus de { $limit }, j'ai laissé tomber.
reason-download_too_slow-deadline = { $provider } l'a envoyé trop lentement pour arriver dans le temps imparti au job.
reason-answer_too_large = { $provider } a envoyé une réponse bien trop grosse (plus de { $limit }), elle n'a pas été lue.
reason-answered = { $provider } a répondu par une erreur ({ $status }).
reason-answered-said = { $provider } a répondu par une erreur ({ $status }) : { $said }
reason-refused = { $provider } a refusé la demande.
reason-refused-said = { $provider } a refusé la demande : { $said }
reason-flagged = { $provider } a signalé la demande{ $why } et n'a rien produit.
reason-made_nothing = { $provider } n'a pas réussi ({ $kind }).
reason-made_nothing-said = { $provider } n'a pas réussi ({ $kind }) : { $said }
kind-track = morceau
reason-unknown_job = { $provider } n'a aucune trace de ce job.
reason-server_lost_job = { $provider } a perdu la trace de ce job.
reason-duplicate = { $provider } dit que c'est un doublon d'une demande déjà en cours.
reason-unreadable = { $provider } a envoyé une réponse illisible pour le bot.
reason-no_job_id = { $provider } n'a pas dit quel job il a lancé.
reason-wrong_address = { $provider } n'a pas reconnu la demande du bot (not found) ; l'adresse de { $provider } est peut-être fausse.
reason-stream_broke = La connexion avec { $provider } a coupé avant la confirmation du job.
reason-no_takes = { $provider } a terminé mais n'a renvoyé aucune prise.
reason-nothing_to_download = { $provider } n'a aucune prise à télécharger pour ce job.
reason-audio_missing = Il faut un fichier audio pour ça.
reason-link_missing = { $provider } a besoin du morceau sous forme de lien public.
reason-bad_song = { $provider } n'a pas pu utiliser le morceau.
reason-bad_song-said = { $provider } n'a pas pu utiliser le morceau : { $said }
reason-cannot_resume = { $provider } ne peut pas reprendre ce job.
reason-input_gone = L'audio à remixer n'est plus disponible.
reason-render_failed = Je n'ai pas pu traiter cet audio ; il est peut-être abîmé.
reason-take_silent = La prise { $index } est revenue sans son.
reason-no_takes_downloaded = Aucune prise n'a pu être téléchargée.
reason-server_forgot_job = Le serveur { $provider } a perdu ce job (sans doute redémarré). Il n'a pas été renvoyé : relance la commande.
reason-queue_full = La file du serveur { $provider } est restée pleine pendant { $during }.
reason-server_kept_failing = Le serveur { $provider } a planté en boucle (HTTP { $status }) pendant { $during }.
reason-bad_key = Le serveur { $provider } a refusé la clé du bot : { $setting } doit correspondre à la clé du serveur.
reason-option_unsupported = { $provider } ne gère pas `{ $option }` ; retire-le ou choisis un autre service.
takes-silent-all = Toutes les prises de { $provider } étaient muettes et ont été écartées.
takes-silent = { $count ->
    [one] { $count } prise était muette et a été écartée.
   *[other] { $count } prises étaient muettes et ont été écartées.
}

## Causes côté bot
reason-deadline_passed = Ça a pris plus de { $limit }, j'ai arrêté d'attendre. Réessaie plus tard, ou avec un autre service.
reason-restart_lost_submit = Le bot a redémarré pendant l'envoi de ce job et ne sait pas si le service l'a reçu. Pour éviter de payer deux fois, il n'a pas été renvoyé ; relance la commande si aucun résultat n'arrive.
reason-submit_unconfirmed = { $provider } n'a pas confirmé avoir reçu ce job. Pour éviter de payer deux fois, il n'a pas été renvoyé ; si aucun résultat n'arrive, relance la commande.
reason-interrupted = Un souci de notre côté avec ce job. Relance la commande, s'il te plaît.
reason-provider_gone = Le service { $name } n'est plus configuré ici. Relance la commande avec un autre service.
reason-provider_stopped = { $provider } ne donne plus de nouvelles de ce job.
reason-result_refused = Discord a refusé le message de résultat.
reason-result_not_posted = Discord a refusé le message de résultat à chaque essai, j'ai arrêté.
reason-channel_gone = Le salon de ce job n'existe plus.
kept-for-show = Les prises sont gardées { $hours } h : `/show job:{ $job }` les publie une fois le problème réglé.
flagged-withheld = Le service a signalé ce résultat, et ce serveur retient les résultats signalés : rien n'a été posté.
reason-cancelled_from_terminal = Arrêté avec Ctrl-C dans le terminal.

## Remarques sur un résultat
one-take = Une prise
take-left-out = { $name } a échoué chez { $provider } et manque à l'appel.
take-left-out-flagged = { $name } a été signalée par { $provider }{ $why } et manque à l'appel.
reason-fewer_variations = { $provider } a renvoyé { $got } des { $wanted } variantes demandées.
reason-take_not_downloaded = La prise { $index } n'a pas pu être téléchargée : { $cause }
reason-take_unavailable = La prise { $index } était trop lourde pour être postée ici.
reason-deadline_partial = L'autre prise n'était toujours pas prête après { $limit }, seule celle terminée est postée.
reason-default_effects = Aucun effet dans le prompt, j'ai donc pris { $effects }. Essaie des mots comme slowed, nightcore, lo-fi, bass boost ou vaporwave.

## Refus avant tout lancement
unknown-provider = Je ne connais pas le service `{ $name }`. Dispo ici : { $available }.
kind-not-supported-own = { $provider } ne sait pas faire ça ({ $kind }).
kind-not-supported = { $provider } ne sait pas faire ça ({ $kind }). Essaie { $supporters }.
kind-not-supported-anywhere = { $provider } ne sait pas faire ça ({ $kind }), et aucun service ici non plus : { $capable } le peut, dès qu'un admin le configure.
capable-remix = MusicGPT, Soundpiece, Soundverse ou un ACE-Step auto-hébergé
capable-sing = MusicGPT
capable-generate = MusicGPT ou un ACE-Step auto-hébergé
prompt-required = { $provider } a besoin d'un prompt : décris le son voulu.
lyrics-required = { $provider } a besoin de paroles pour ça. Ajoute-les avec l'option `lyrics`.
prompt-or-lyrics-required = Donne-moi un prompt, des paroles, ou les deux.
length-out-of-range = Une durée de { $length } s, ça ne va pas : choisis entre { $low } s et { $high }.
instrumental-and-vocal-only = Un morceau ne peut pas être à la fois instrumental et que de la voix : choisis l'un des deux.
too-long = `{ $field }` fait { $length } caractères ; { $provider } en accepte { $limit } au plus. Raccourcis et réessaie.
too-long-unknown = `{ $field }` est trop long ; { $provider } accepte { $limit } caractères au plus.
variations-not-supported = Avec { $provider }, on ne choisit pas le nombre de variantes. Retire l'option `variations`.
variations-not-supported-others = Avec { $provider }, on ne choisit pas le nombre de variantes. Retire l'option `variations`, ou utilise { $supporters }.
variations-out-of-range = { $provider } fait de 1 à { $limit } variantes, pas { $wanted }. Change l'option `variations`.
strength-not-supported = { $provider } n'a pas de réglage d'intensité. Retire l'option `strength`.
strength-not-supported-others = { $provider } n'a pas de réglage d'intensité. Retire l'option `strength`, ou utilise { $supporters }.
file-too-large = Ce fichier fait { $size } ; { $provider } accepte jusqu'à { $limit }.
file-too-large-unknown = Ce fichier dépasse { $limit } ; { $provider } accepte jusqu'à { $limit }.
audio-too-long = Cet audio dure { $duration } ; { $provider } accepte jusqu'à { $limit }.
audio-too-short = Cet audio ne dure que { $duration } ; { $provider } a besoin d'au moins { $limit }.
not-audio = Je ne peux pas utiliser ce fichier : { $why }
empty-upload = Je ne peux pas utiliser ce fichier : il est vide.
no-audio-attached = Je ne peux pas utiliser ce fichier : aucun audio n'était joint.
attachment-unreachable = Je n'ai pas pu récupérer ta pièce jointe sur Discord. Réessaie.

## Pourquoi un fichier ne passe pas comme audio
audio-empty = Ce fichier est vide.
audio-not-audio = Ça ne ressemble pas à un fichier audio.
audio-damaged = Je n'ai pas pu lire cet audio ; il est peut-être abîmé.
audio-silent = Ce fichier audio ne contient aucun son.
audio-video-without-sound = Cette vidéo n'a pas de piste son.
audio-unknown-length = Je n'arrive pas à savoir combien de temps dure cet audio.
audio-length-mismatch = Ce fichier est bien plus court que ce qu'annonce son en-tête ; il est peut-être coupé ou abîmé.
audio-length-mismatch-held = Ce fichier annonce { $stated } mais ne contient que { $held } de son ; il est peut-être coupé ou abîmé.
audio-length-mismatch-less = Ce fichier annonce { $stated } mais contient bien moins de son ; il est peut-être coupé ou abîmé.

## Règles du serveur (refus privés, remarques sur un résultat)
admin-role-required = Ici, seuls les membres avec l'un de ces rôles peuvent lancer des jobs : { $roles }.
admin-blocked-word = Ta demande contient un mot que ce serveur n'autorise pas, rien n'a été envoyé.
admin-penalty = Trop de demandes bloquées dans la dernière heure. Tu pourras relancer des jobs à { $when }.
admin-cooldown = Ce serveur impose une pause entre deux jobs. Tu pourras lancer le prochain à { $when }.
admin-daily-limit = { $limit ->
    [one] Tu as déjà lancé { $limit } job aujourd'hui, la limite quotidienne de ce serveur. Tu pourras en lancer d'autres à { $when }.
   *[other] Tu as déjà lancé { $limit } jobs aujourd'hui, la limite quotidienne de ce serveur. Tu pourras en lancer d'autres à { $when }.
}
admin-budget-day = Le budget quotidien de ce serveur pour `{ $provider }` n'a plus de place pour ce job. Il repart à zéro { $resets }.
admin-budget-day-amount = Le budget quotidien de ce serveur pour `{ $provider }` ({ $credits } crédits) n'a plus de place pour ce job. Il repart à zéro { $resets }.
admin-budget-month = Le budget mensuel de ce serveur pour `{ $provider }` n'a plus de place pour ce job. Il repart à zéro { $resets }.
admin-budget-month-amount = Le budget mensuel de ce serveur pour `{ $provider }` ({ $credits } crédits) n'a plus de place pour ce job. Il repart à zéro { $resets }.
flagged-note-spoiler = Le service a signalé la prise { $takes } ; elle est postée sous spoiler.
flagged-note-withheld = Le service a signalé la prise { $takes } ; ce serveur retient les prises signalées, elle n'est pas postée.
flagged-withheld-dm = Le service a signalé ton job #{ $job } dans <#{ $channel }>, et ce serveur retient les prises signalées : elles n'ont pas été postées.
