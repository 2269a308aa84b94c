# Un job du début au résultat. $member et $channel sont des ids Discord ; $job est un numéro de job.

## Ce que fait un job et où il en est
kind-remix = Remix
kind-sing = Version chantée
kind-generate = Morceau
stage-received = Vérification de ton audio
stage-queued = En file d'attente
stage-submitting = Envoi de l'audio
stage-submitted = Envoyé
stage-running = En cours
stage-delivering = Envoi des prises
stage-delivered = Terminé
stage-failed = Échec
stage-rejected = Pas lancé
stage-cancelled = Annulé

## Confirmations privées
checking-audio = C'est noté ! Je vérifie ton audio…
checking-song = C'est noté ! Je prépare ton morceau…
accepted = Ton job est lancé. La progression s'affiche dans ce salon.
accepted-queued = Ton job est lancé. La progression s'affiche dans ce salon. Tu es numéro { $position } dans la file.
rejected = Rien n'a été lancé. { $reason }

## Le message de statut (public)
status-title = { $kind } · { $stage }
queue-next = Le prochain
queue-position = Position { $position } dans la file
takes-ready = { $ready } prises prêtes sur { $expected }
working-for = { $provider } bosse dessus depuis { $spent }
status-field = Statut
job-footer = Job #{ $job }
result-footer = Job #{ $job } · { $tag }
requested-by = Demandé par <@{ $member }> · { $provider }
started = Lancé <t:{ $timestamp }:R>
expected = Prévu <t:{ $timestamp }:R>
listen-early = [Écouter pendant la finition]({ $url })
cancelled = Ce job a été annulé.
cancelled-because = Ce job a été annulé. { $reason }
cancelled-by = Annulé par <@{ $member }>.

## Le résultat (public)
result-ready = { $count ->
    [one] <@{ $member }> ta prise est prête !
   *[other] <@{ $member }> tes { $count } prises sont prêtes !
}
result-link = [Voir le résultat]({ $url })
provider-field = Service
lyrics-field = Paroles
note-field = Remarque
take-name = Prise { $number }
download-link = [télécharger]({ $url })

## Boutons et formulaires
button-remix-this-audio = Remixer cet audio
button-reroll = Relancer
button-edit = Modifier et relancer
button-delete = Supprimer
button-cancel = Annuler
button-take = Remixer la prise { $number }
form-prompt = Prompt
form-prompt-hint = Le son voulu, par ex. lo-fi avec des beats chill
form-lyrics = Paroles
form-lyrics-hint = Nouvelles paroles à chanter (facultatif)
form-gender = Voix
form-gender-hint = La voix du chant (facultatif)
form-file = Quel fichier
form-file-hint = Le message contient plusieurs fichiers audio
form-title-take = Remixer la prise { $number }
form-title-edit = Modifier et relancer le job #{ $job }

## Qui peut appuyer sur quoi (privé)
only-requester-cancel = Seul le membre qui a lancé ce job peut l'annuler. Utilise « Remixer la prise » pour faire ta version.
only-requester-delete = Seul le membre qui a lancé ce job peut le supprimer. Utilise « Remixer la prise » pour faire ta version.
only-requester-reroll = Seul le membre qui a lancé ce job peut le relancer. Utilise « Remixer la prise » pour faire ta version.
only-requester-edit = Seul le membre qui a lancé ce job peut le modifier et le relancer. Utilise « Remixer la prise » pour faire ta version.
only-requester-or-moderator-cancel = Seul le membre qui a lancé ce job ou un modo (Gérer les messages) peut l'annuler.
only-requester-or-moderator-delete = Seul le membre qui a lancé ce job ou un modo (Gérer les messages) peut le supprimer.
job-not-found = Je ne trouve pas le job #{ $job } sur ce serveur.
not-a-job-id = `{ $value }` n'est pas un numéro de job. Choisis-en un dans la liste ou regarde `/jobs`.
no-audio-in-message = Ce message n'a pas de fichier audio. Utilise « Remixer cet audio » sur un message avec un fichier audio.
source-gone-kept = L'audio du job #{ $job } n'est plus dispo (on le garde { $hours } heures). Relance `/remix` avec le fichier, ou « Remixer cet audio » sur un message qui l'a.
source-gone = L'audio du job #{ $job } n'est plus dispo (on ne le garde pas après un job). Relance `/remix` avec le fichier, ou « Remixer cet audio » sur un message qui l'a.
take-gone = La prise { $number } du job #{ $job } n'est plus dans son message (supprimé ?).
cannot-cancel-delivering = Le job #{ $job } envoie déjà ses prises, trop tard pour l'annuler.
cannot-cancel-ended = Le job #{ $job } est déjà fini ({ $stage }) ; rien à annuler.
cancel-done = Le job #{ $job } est annulé.
deleted = Résultats du job #{ $job } supprimés.
result-deleted = Les résultats du job #{ $job } ont été supprimés, plus rien à remontrer.
not-delivered = Le job #{ $job } n'a pas de résultats : { $stage }.
status-link-label = [Statut]({ $url })
shown-again = Résultats du job #{ $job } de <@{ $member }>
shown-again-by = Résultats du job #{ $job } de <@{ $member }>, remontrés par <@{ $by }>
shown-posted = Reposté : { $url }
result-kept-notice = Ton job #{ $job } dans <#{ $channel }> est terminé, mais je n'ai pas pu publier les prises. { $why }
kept-posted = Les prises du job #{ $job } sont publiées.

## /jobs (privé)
jobs-title = Tes derniers jobs
no-jobs = Tu n'as pas encore de job sur ce serveur. Lance-toi avec `/remix`, ou « Remixer cet audio » sur un message.
status-link = [statut]({ $url })
results-link = [résultat]({ $url })
no-prompt = pas de prompt

## Erreurs (privé)
slow-down = Doucement : réessaie dans { $seconds } s.
no-permission = Tu n'as pas la permission de faire ça ici.
cannot-use-here = Tu ne peux pas utiliser cette commande ici.
not-understood = Je n'ai pas compris `{ $value }`.
generic-error = Un souci de notre côté (réf. `{ $reference }`). Réessaie, s'il te plaît.
guild-only = Ça ne marche que dans les salons d'un serveur.
wrong-channel = Sur ce serveur, les remix se font dans <#{ $channel }>.
too-many-jobs = { $limit ->
    [one] Tu as déjà un job en cours. Attends qu'il finisse (ou annule-le).
   *[other] Tu as déjà { $limit } jobs en cours. Attends qu'un finisse (ou annules-en un).
}
missing-permissions = Je ne peux pas poster de résultats dans ce salon : il me manque { $names }. Demande à un admin, ou utilise un autre salon.

## /config (privé)
config-saved = Enregistré. `/config show` affiche les réglages de ce serveur.
config-title = **Réglages remix de ce serveur**
config-provider = Service par défaut : `{ $provider }`
config-provider-default = Service par défaut : celui du bot (`{ $provider }`)
config-channel = Salon remix : <#{ $channel }>
config-channel-any = Salon remix : n'importe lequel
config-member-limit = Jobs en cours par membre : { $limit }
config-providers = Services disponibles : { $providers }
config-language = Langue publique : { $language }
config-language-server = Langue publique : la langue Discord du serveur ({ $language })
language-saved = Enregistré : en public, je parle maintenant { $language }.
language-saved-server = Enregistré : en public, je suis la langue Discord du serveur ({ $language }).

## Les noms que Discord donne aux permissions de salon dont le bot a besoin
permission-view_channel = Voir le salon
permission-send_messages = Envoyer des messages
permission-embed_links = Intégrer des liens
permission-attach_files = Joindre des fichiers

## The channel board (face/channel_board.py): one line per job when a busy channel folds
board-footer = Ça bouge beaucoup ici : les statuts sont regroupés ici. « Mon statut » te donne le tien à part.
button-show-status = Mon statut
board-title = { $active ->
    [0] Tableau du salon · les { $total } jobs sont terminés
   *[other] Tableau du salon · { $active } sur { $total } jobs en cours
}
board-queue = { $position }ᵉ dans la file
board-more = … et { $count } de plus
board-shown = { $count ->
    [0] Tu n’as aucun job en cours sur ce tableau.
    [one] Ton statut est affiché juste en dessous et reste à jour.
   *[other] Tes { $count } statuts sont affichés juste en dessous et restent à jour.
}
