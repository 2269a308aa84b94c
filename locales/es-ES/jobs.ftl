# Un trabajo de principio a fin. $member y $channel son ids de Discord; $job es un número de trabajo.

## Qué hace un trabajo y dónde está
kind-remix = Remezcla
kind-sing = Versión cantada
kind-generate = Canción
stage-received = Revisando tu audio
stage-queued = Esperando en la cola
stage-submitting = Enviando el audio
stage-submitted = Enviado
stage-running = En marcha
stage-delivering = Publicando las tomas
stage-delivered = Listo
stage-failed = Ha fallado
stage-rejected = No empezó
stage-cancelled = Cancelado

## Confirmaciones privadas
checking-audio = ¡Recibido! Revisando tu audio…
checking-song = ¡Recibido! Preparando tu canción…
accepted = Tu trabajo está en marcha. Verás el progreso en este canal.
accepted-queued = Tu trabajo está en marcha. Verás el progreso en este canal. Eres el número { $position } de la cola.
rejected = No se ha empezado nada. { $reason }

## El mensaje de estado (público)
status-title = { $kind } · { $stage }
queue-next = El siguiente
queue-position = Puesto { $position } en la cola
takes-ready = { $ready } de { $expected } tomas listas
working-for = { $provider } lleva { $spent } trabajando
status-field = Estado
job-footer = Trabajo #{ $job }
result-footer = Trabajo #{ $job } · { $tag }
requested-by = Pedido por <@{ $member }> · { $provider }
started = Empezó <t:{ $timestamp }:R>
expected = Listo <t:{ $timestamp }:R> (aprox.)
listen-early = [Escúchalo mientras termina]({ $url })
cancelled = Este trabajo se ha cancelado.
cancelled-because = Este trabajo se ha cancelado. { $reason }
cancelled-by = Cancelado por <@{ $member }>.

## El resultado (público)
result-ready = { $count ->
    [one] ¡<@{ $member }> tu toma está lista!
   *[other] ¡<@{ $member }> tus { $count } tomas están listas!
}
result-link = [Ir al resultado]({ $url })
provider-field = Proveedor
lyrics-field = Letra
note-field = Nota
take-name = Toma { $number }
download-link = [descargar]({ $url })

## Botones y formularios
button-remix-this-audio = Remezclar este audio
button-reroll = Otra vez
button-edit = Editar y repetir
button-delete = Borrar
button-cancel = Cancelar
button-take = Remezclar toma { $number }
form-prompt = Prompt
form-prompt-hint = Cómo debe sonar, p. ej. lo-fi con beats tranquilos
form-lyrics = Letra
form-lyrics-hint = Letra nueva para cantar (opcional)
form-gender = Voz
form-gender-hint = Voz para el canto (opcional)
form-file = Qué archivo
form-file-hint = El mensaje tiene varios archivos de audio
form-title-take = Remezclar toma { $number }
form-title-edit = Editar y repetir el trabajo #{ $job }

## Quién puede pulsar qué (privado)
only-requester-cancel = Solo quien empezó este trabajo puede cancelarlo. Usa «Remezclar toma» en una toma para hacer la tuya.
only-requester-delete = Solo quien empezó este trabajo puede borrarlo. Usa «Remezclar toma» en una toma para hacer la tuya.
only-requester-reroll = Solo quien empezó este trabajo puede repetirlo. Usa «Remezclar toma» en una toma para hacer la tuya.
only-requester-edit = Solo quien empezó este trabajo puede editarlo y repetirlo. Usa «Remezclar toma» en una toma para hacer la tuya.
only-requester-or-moderator-cancel = Solo quien empezó este trabajo o un moderador (Gestionar mensajes) puede cancelarlo.
only-requester-or-moderator-delete = Solo quien empezó este trabajo o un moderador (Gestionar mensajes) puede borrarlo.
job-not-found = No encuentro el trabajo #{ $job } en este servidor.
not-a-job-id = `{ $value }` no es un número de trabajo. Elige uno de la lista o mira `/jobs`.
no-audio-in-message = Ese mensaje no tiene audio. Usa «Remezclar este audio» en un mensaje con un archivo de audio.
source-gone-kept = El audio del trabajo #{ $job } ya no está (se guarda { $hours } horas). Lanza `/remix` otra vez con el archivo, o usa «Remezclar este audio» en un mensaje que lo tenga.
source-gone = El audio del trabajo #{ $job } ya no está (no se guarda al terminar). Lanza `/remix` otra vez con el archivo, o usa «Remezclar este audio» en un mensaje que lo tenga.
take-gone = La toma { $number } del trabajo #{ $job } ya no está en su mensaje (¿lo han borrado?).
cannot-cancel-delivering = El trabajo #{ $job } ya está publicando sus tomas; ya no se puede cancelar.
cannot-cancel-ended = El trabajo #{ $job } ya terminó ({ $stage }); no hay nada que cancelar.
cancel-done = Trabajo #{ $job } cancelado.
deleted = Resultados del trabajo #{ $job } borrados.
result-deleted = Los resultados del trabajo #{ $job } se borraron; no hay nada que volver a mostrar.
not-delivered = El trabajo #{ $job } no tiene resultados: { $stage }.
status-link-label = [Estado]({ $url })
shown-again = Resultados del trabajo #{ $job } de <@{ $member }>
shown-again-by = Resultados del trabajo #{ $job } de <@{ $member }>, vueltos a mostrar por <@{ $by }>
shown-posted = Publicado otra vez: { $url }
result-kept-notice = Tu trabajo #{ $job } en <#{ $channel }> ha terminado, pero no he podido publicar las tomas. { $why }
kept-posted = Las tomas del trabajo #{ $job } ya están publicadas.

## /jobs (privado)
jobs-title = Tus últimos trabajos
no-jobs = Aún no tienes trabajos en este servidor. Empieza con `/remix` o con «Remezclar este audio» en un mensaje.
status-link = [estado]({ $url })
results-link = [resultado]({ $url })
no-prompt = sin prompt

## Errores (privado)
slow-down = Frena un poco: vuelve a probar en { $seconds } s.
no-permission = No tienes permiso para hacer eso aquí.
cannot-use-here = Aquí no puedes usar este comando.
not-understood = No he entendido `{ $value }`.
generic-error = Algo ha fallado por nuestra parte (ref. `{ $reference }`). Vuelve a intentarlo.
guild-only = Esto solo funciona en canales de un servidor.
wrong-channel = En este servidor, las remezclas van en <#{ $channel }>.
too-many-jobs = { $limit ->
    [one] Ya tienes un trabajo en marcha. Espera a que termine (o cancélalo).
   *[other] Ya tienes { $limit } trabajos en marcha. Espera a que termine uno (o cancela uno).
}
missing-permissions = No puedo publicar resultados en este canal: me falta { $names }. Pide a un admin que me lo dé, o usa otro canal.

## /config (privado)
config-saved = Guardado. `/config show` muestra los ajustes de este servidor.
config-title = **Ajustes de remezcla de este servidor**
config-provider = Proveedor por defecto: `{ $provider }`
config-provider-default = Proveedor por defecto: el del bot (`{ $provider }`)
config-channel = Canal de remezclas: <#{ $channel }>
config-channel-any = Canal de remezclas: cualquiera
config-member-limit = Trabajos sin terminar por miembro: { $limit }
config-providers = Proveedores disponibles: { $providers }
config-language = Idioma público: { $language }
config-language-server = Idioma público: el idioma de Discord del servidor ({ $language })
language-saved = Guardado: en público ahora hablo { $language }.
language-saved-server = Guardado: en público sigo el idioma de Discord del servidor ({ $language }).

## Los nombres que Discord da a los permisos de canal que necesita el bot
permission-view_channel = Ver canal
permission-send_messages = Enviar mensajes
permission-embed_links = Insertar enlaces
permission-attach_files = Adjuntar archivos

## The channel board (face/channel_board.py): one line per job when a busy channel folds
board-footer = Este canal va a tope: los estados se muestran aquí juntos. Con «Mi estado» tienes el tuyo aparte.
button-show-status = Mi estado
board-title = { $active ->
    [0] Panel del canal · los { $total } trabajos han terminado
   *[other] Panel del canal · { $active } de { $total } trabajos en marcha
}
board-queue = n.º { $position } en la cola
board-more = … y { $count } más
board-shown = { $count ->
    [0] No tienes ningún trabajo en marcha en este panel.
    [one] Tu estado está abajo y se irá actualizando.
   *[other] Tus { $count } estados están abajo y se irán actualizando.
}
