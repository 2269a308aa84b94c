# Lo que leen los admins del servidor: respuestas de /config (privadas, en el idioma del admin) y el
# canal de registro de admins (para moderadores, en el idioma del servidor). $provider es el nombre de
# un proveedor (como código), $member el id de un miembro y $channel el de un canal (como menciones),
# $job un número de trabajo.

## /config show
provider-reachable = disponible
provider-unreachable = **no responde**
config-budget = Presupuesto `{ $provider }`: { $limits }
config-budget-today = { $used } de { $limit } hoy
config-budget-month = { $used } de { $limit } este mes
config-budgets-none = Presupuestos: ninguno
config-cooldown = Espera entre trabajos: { $cooldown }
config-cooldown-none = Espera entre trabajos: ninguna
config-per-day = Trabajos por miembro al día: { $limit }
config-per-day-none = Trabajos por miembro al día: sin límite
config-flagged = Tomas marcadas: { $mode }
config-log = Registro de admins: <#{ $channel }>
config-log-off = Registro de admins: desactivado
config-blocklist = { $count ->
    [one] Lista de bloqueo: 1 entrada (`/config blocklist show`)
   *[other] Lista de bloqueo: { $count } entradas (`/config blocklist show`)
}

## Presupuestos y roles; $roles es una lista de menciones de roles
budget-saved-daily = { $daily ->
    [one] Guardado: `{ $provider }` puede gastar 1 crédito al día (días en UTC).
   *[other] Guardado: `{ $provider }` puede gastar { $daily } créditos al día (días en UTC).
}
budget-saved-monthly = { $monthly ->
    [one] Guardado: `{ $provider }` puede gastar 1 crédito al mes (meses en UTC).
   *[other] Guardado: `{ $provider }` puede gastar { $monthly } créditos al mes (meses en UTC).
}
budget-saved-both = Guardado: `{ $provider }` puede gastar { $daily } créditos al día y { $monthly } al mes (días y meses en UTC).
budget-saved-none = Guardado: `{ $provider }` ya no tiene presupuesto.
roles-saved = Guardado.
roles-allow = Quién puede lanzar trabajos: { $roles }
roles-allow-everyone = Quién puede lanzar trabajos: todo el mundo
roles-bypass = Sin límites ni espera: { $roles }
roles-bypass-nobody = Sin límites ni espera: nadie

## La lista de bloqueo
blocklist-added = Añadido a la lista de bloqueo.
blocklist-already = Eso ya está en la lista de bloqueo.
blocklist-removed = Quitado de la lista de bloqueo.
blocklist-not-there = Eso no está en la lista de bloqueo.
blocklist-invalid = Escribe una palabra o frase de hasta { $limit } caracteres (un * solo no vale).
blocklist-full = La lista de bloqueo admite hasta { $limit } entradas; quita alguna primero.
blocklist-empty = La lista de bloqueo está vacía.
blocklist-title = **Palabras y patrones bloqueados**

## El canal de registro de admins
log-channel-saved = Guardado: los avisos para admins irán a <#{ $channel }>.
log-channel-off = Guardado: el registro de admins está desactivado.
event-budget-reached-day = Presupuesto agotado: el presupuesto diario de `{ $provider }` ha rechazado un trabajo de <@{ $member }>.
event-budget-reached-month = Presupuesto agotado: el presupuesto mensual de `{ $provider }` ha rechazado un trabajo de <@{ $member }>.
event-blocked-word = Palabra bloqueada: se ha rechazado una petición de <@{ $member }> ({ $count } en la última hora).
event-member-penalised = Espera forzada: <@{ $member }> ha hecho { $count } peticiones bloqueadas en una hora; sin trabajos hasta { $when }.
event-flagged-refused = Contenido marcado: `{ $provider }` ha rechazado el contenido del trabajo #{ $job }.
event-flagged-spoiler = { $count ->
    [one] Contenido marcado: `{ $provider }` ha marcado 1 toma del trabajo #{ $job }; publicada tras un spoiler.
   *[other] Contenido marcado: `{ $provider }` ha marcado { $count } tomas del trabajo #{ $job }; publicadas tras un spoiler.
}
event-flagged-withheld = { $count ->
    [one] Contenido marcado: `{ $provider }` ha marcado 1 toma del trabajo #{ $job }; retenida.
   *[other] Contenido marcado: `{ $provider }` ha marcado { $count } tomas del trabajo #{ $job }; retenidas.
}
event-key-refused = Clave rechazada: `{ $provider }` no acepta la clave de API del bot (trabajo #{ $job }).
event-out-of-credits = Sin créditos: a la cuenta de `{ $provider }` no le quedan créditos (trabajo #{ $job }).

## Los nombres que da Discord a otros permisos (los del canal están en jobs.ftl)
permission-read_message_history = Leer el historial de mensajes
permission-create_public_threads = Crear hilos públicos
permission-send_messages_in_threads = Enviar mensajes en hilos
permission-manage_threads = Gestionar hilos
permission-manage_messages = Gestionar mensajes
permission-add_reactions = Añadir reacciones
permission-manage_guild = Gestionar servidor
