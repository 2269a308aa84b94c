# Ce que lisent les admins du serveur : réponses à /config (privées, dans la langue de l'admin) et le
# journal admin (pour les modos, dans la langue du serveur). $provider est le nom d'un service (en
# code), $member l'id d'un membre et $channel celui d'un salon (en mentions), $job un numéro de job.

## /config show
provider-reachable = joignable
provider-unreachable = **injoignable**
config-budget = Budget `{ $provider }` : { $limits }
config-budget-today = { $used } sur { $limit } aujourd'hui
config-budget-month = { $used } sur { $limit } ce mois-ci
config-budgets-none = Budgets : aucun
config-cooldown = Pause entre deux jobs : { $cooldown }
config-cooldown-none = Pause entre deux jobs : aucune
config-per-day = Jobs par membre et par jour : { $limit }
config-per-day-none = Jobs par membre et par jour : illimité
config-flagged = Prises signalées : { $mode }
config-log = Journal admin : <#{ $channel }>
config-log-off = Journal admin : désactivé
config-blocklist = { $count ->
    [one] Liste noire : { $count } entrée (`/config blocklist show`)
   *[other] Liste noire : { $count } entrées (`/config blocklist show`)
}

## Budgets et rôles ; $roles est une liste de mentions de rôles
budget-saved-daily = { $daily ->
    [one] Enregistré : `{ $provider }` peut dépenser { $daily } crédit par jour (jours UTC).
   *[other] Enregistré : `{ $provider }` peut dépenser { $daily } crédits par jour (jours UTC).
}
budget-saved-monthly = { $monthly ->
    [one] Enregistré : `{ $provider }` peut dépenser { $monthly } crédit par mois (mois UTC).
   *[other] Enregistré : `{ $provider }` peut dépenser { $monthly } crédits par mois (mois UTC).
}
budget-saved-both = Enregistré : `{ $provider }` peut dépenser { $daily } crédits par jour et { $monthly } par mois (jours et mois UTC).
budget-saved-none = Enregistré : plus de budget pour `{ $provider }`.
roles-saved = Enregistré.
roles-allow = Qui peut lancer des jobs : { $roles }
roles-allow-everyone = Qui peut lancer des jobs : tout le monde
roles-bypass = Sans limites ni pause : { $roles }
roles-bypass-nobody = Sans limites ni pause : personne

## La liste noire
blocklist-added = Ajouté à la liste noire.
blocklist-already = C'est déjà dans la liste noire.
blocklist-removed = Retiré de la liste noire.
blocklist-not-there = Ce n'est pas dans la liste noire.
blocklist-invalid = Donne un mot ou une expression de { $limit } caractères max (un * tout seul ne suffit pas).
blocklist-full = La liste noire contient au plus { $limit } entrées ; retires-en quelques-unes d'abord.
blocklist-empty = La liste noire est vide.
blocklist-title = **Mots et motifs bloqués**

## Le journal admin
log-channel-saved = Enregistré : les alertes admin arrivent dans <#{ $channel }>.
log-channel-off = Enregistré : le journal admin est désactivé.
event-budget-reached-day = Budget atteint : le budget quotidien de `{ $provider }` a refusé un job de <@{ $member }>.
event-budget-reached-month = Budget atteint : le budget mensuel de `{ $provider }` a refusé un job de <@{ $member }>.
event-blocked-word = Mot bloqué : une demande de <@{ $member }> a été refusée ({ $count } dans la dernière heure).
event-member-penalised = Pause forcée : <@{ $member }> a fait { $count } demandes bloquées en une heure ; pas de jobs avant { $when }.
event-flagged-refused = Contenu signalé : `{ $provider }` a refusé le contenu du job #{ $job }.
event-flagged-spoiler = { $count ->
    [one] Contenu signalé : `{ $provider }` a signalé { $count } prise du job #{ $job } ; postée sous spoiler.
   *[other] Contenu signalé : `{ $provider }` a signalé { $count } prises du job #{ $job } ; postées sous spoiler.
}
event-flagged-withheld = { $count ->
    [one] Contenu signalé : `{ $provider }` a signalé { $count } prise du job #{ $job } ; retenue.
   *[other] Contenu signalé : `{ $provider }` a signalé { $count } prises du job #{ $job } ; retenues.
}
event-key-refused = Clé refusée : `{ $provider }` n'accepte pas la clé d'API du bot (job #{ $job }).
event-out-of-credits = Plus de crédits : le compte `{ $provider }` est à sec (job #{ $job }).

## Les noms que Discord donne à d'autres permissions (celles du salon sont dans jobs.ftl)
permission-read_message_history = Voir les anciens messages
permission-create_public_threads = Créer des fils publics
permission-send_messages_in_threads = Envoyer des messages dans les fils
permission-manage_threads = Gérer les fils
permission-manage_messages = Gérer les messages
permission-add_reactions = Ajouter des réactions
permission-manage_guild = Gérer le serveur
