# Sesiones de remezcla: la tarjeta, el hilo, los resultados (públicos) y todas las respuestas privadas de una sesión.

## Fases: en la tarjeta y dentro de una frase
session-phase-submissions = Entregas abiertas
session-phase-voting = Votación abierta
session-phase-closed = Cerrada
session-phase-cancelled = Cancelada
session-phase-inline-submissions = entregas abiertas
session-phase-inline-voting = votación abierta
session-phase-inline-closed = cerrada
session-phase-inline-cancelled = cancelada

## La tarjeta (pública)
session-card-title = Sesión de remezcla: { $title }
session-card-description = Organiza <@{ $host }>. Remezcla [el tema original]({ $url }), presenta tu mejor toma y luego vota por tu favorita.
session-card-description-unlinked = Organiza <@{ $host }>. Remezcla el tema original del hilo, presenta tu mejor toma y luego vota por tu favorita.
session-field-phase = Fase
session-field-submissions = Fin de las entregas
session-field-voting = Fin de la votación
session-field-counts = Por ahora
session-field-rules = Reglas
session-field-results = Resultados
session-counts = { $entries ->
    [one] { $entries } entrega
   *[other] { $entries } entregas
} · { $ballots ->
    [one] { $ballots } voto
   *[other] { $ballots } votos
}
session-rules = Hasta { $count } { $count ->
    [one] entrega
   *[other] entregas
} por miembro. Las entregas se publican de forma anónima cuando se cierra el plazo. Un voto por persona, que puedes cambiar hasta que cierre la votación; no vale votarte a ti. Quién vota: { $voters ->
    [joined-before] los miembros que entraron al servidor antes de empezar la sesión
   *[everyone] todo el mundo
}. Los empates comparten puesto.
session-results-link = [Ver los resultados]({ $url })
session-footer = Sesión #{ $session }

## Botones y formulario
button-session-remix = Remezclar
button-session-mine = Mis entregas
button-session-open-voting = Abrir votación
button-session-end-voting = Cerrar votación
button-session-vote = Votar
button-session-withdraw = Retirar
button-session-withdraw-one = Retirar la { $position }
button-session-enter = Presentar toma { $number }
session-form-title = Remezcla el tema de la sesión
session-form-provider = Servicio
session-form-provider-hint = Qué servicio hace tu toma (si lo dejas vacío, el de la sesión).

## El hilo (público)
session-source-posted = El tema original de **{ $title }**. Pulsa **{ button-session-remix }** en la tarjeta para hacer tu toma.
session-entry-heading = **Entrega { $number }**
session-results-title = Resultados: { $title }
session-place-line = **{ $place }.** Entrega { $number }: { $votes ->
    [one] { $votes } voto
   *[other] { $votes } votos
} · <@{ $author }> · { $what }
session-no-winner-line = Entrega { $number }: <@{ $author }> · { $what }
session-prompt = «{ $prompt }»
session-no-prompt = sin prompt
session-upload-what = remezcla propia `{ $filename }`
session-no-winner = Nadie votó, así que no hay ganador. Las entregas:
session-no-entries = No hubo entregas.
session-tie = Empate a { $count } en el primer puesto.
session-announcement = ¡Se acabó la sesión de remezcla **{ $title }**! Enhorabuena, { $winners }. Resultados: { $url }
session-announcement-no-winner = Se acabó la sesión de remezcla **{ $title }**, esta vez sin ganador. Resultados: { $url }

## Respuestas privadas: abrir y llevar una sesión
session-opened = Tu sesión está abierta: { $url }
session-not-host = Eso solo pueden hacerlo los anfitriones: miembros con «Gestionar servidor» o «Gestionar eventos», o con el rol que un admin eligió con `/config session-role`.
session-not-host-or-moderator = Eso solo puede hacerlo quien organiza la sesión o un moderador.
session-where = Abre la sesión en un canal de texto (o indica un foro con `forum:`).
session-not-a-forum = Ese canal no es un foro.
session-duration-refused = El plazo { $what ->
    [submissions] de entregas
   *[voting] de votación
} `{ $text }` { $problem ->
    [empty] está vacío
    [unreadable] no lo entiendo (escríbelo como 90m, 2h, 3d o 1d12h)
    [too-short] es más corto que { $minimum }
    [too-long] es más largo que { $maximum }
   *[other] no sirve
}.
session-unknown = No encuentro la sesión `{ $session }` en este servidor. `/session list` te las enseña.
session-which = ¿Qué sesión? Usa esto en el hilo de la sesión o elígela con la opción `session`.
session-moved-voting = Entregas cerradas; se están publicando para la votación.
session-moved-closed = Votación cerrada; se están publicando los resultados.
session-moved-cancelled = La sesión está cancelada.
session-moved-other = Hecho.
session-wrong-phase = Ahora no se puede hacer eso en esta sesión (estado: { $phase }).
session-results-not-ready = Esa sesión no tiene resultados (no ha terminado o se canceló).
session-results-reposted = Resultados publicados otra vez: { $url }
session-list-title = **Sesiones de remezcla**
session-list-empty = No hay sesiones abiertas ni recientes en este servidor.

## Respuestas privadas: entregas
session-not-submitting = Las entregas de esta sesión están cerradas.
session-upload-label = esta sesión
session-entered = ¡Toma { $number } presentada! Llevas { $count } de { $cap } en esta sesión.
session-entered-linked = ¡Toma { $number } presentada ({ $url })! Llevas { $count } de { $cap } en esta sesión.
session-upload-entered = ¡Tu remezcla está presentada! Llevas { $count } de { $cap } en esta sesión.
session-cap-reached = Ya tienes { $cap } { $cap ->
    [one] entrega
   *[other] entregas
} en esta sesión; retira una primero ({ button-session-mine }).
session-already-entered = Esa toma ya está presentada.
session-entry-too-large = Ese archivo pasa de { $limit }, lo máximo que admite este canal.
session-only-requester = Solo quien hizo esta remezcla puede presentar sus tomas.
session-my-entries = Tus entregas ({ $count } de { $cap }):
session-my-entries-none = Aún no tienes entregas en esta sesión (puedes hasta { $cap }).
session-my-entry-line = { $position }. { $what }, presentada <t:{ $timestamp }:R>
session-ai-entry = Toma { $take } del trabajo #{ $job }
session-upload-entry = Tu archivo `{ $filename }`
session-withdrawn = Retirada. Esa entrega ya no está en la sesión.
session-withdraw-not-found = Esa entrega ya estaba retirada.
session-job-in-thread = Tu remezcla está en marcha; síguela en el hilo de la sesión: { $url }

## Respuestas privadas: votos
session-vote-cast = Tu voto va para la entrega { $number }.
session-vote-moved = Tu voto pasa de la entrega { $previous } a la entrega { $number }.
session-vote-already = Tu voto ya está en la entrega { $number }.
session-vote-own = Esa entrega es tuya; vota por la de otra persona.
session-vote-not-eligible = Solo votan los miembros que entraron al servidor antes de empezar esta sesión.
session-vote-bot = Los bots no votan.
session-vote-not-open = La votación de esta sesión no está abierta.
session-vote-no-entry = Esa entrega ya no está en la votación.

## /config session-role, session-forum, session-voters (privado)
session-config-summary = Rol de anfitrión de sesiones: { $role }
    Foro de sesiones: { $forum }
    Quién vota: { $voters ->
        [joined-before] los miembros que entraron antes de empezar la sesión
       *[everyone] todo el mundo
    }
session-config-no-role = ninguno
session-config-no-forum = ninguno (las sesiones se abren en el canal donde empiezan)
