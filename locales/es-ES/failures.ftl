# Por qué un trabajo falló, se rechazó o dejó algo fuera. $provider es el nombre del proveedor; $said son
# sus propias palabras; $why es " (sus palabras)" o nada; $during un periodo de tiempo.

## Según el tipo de fallo, y qué puedes hacer
kind-words-invalid_input = { $provider } ha rechazado la petición.
kind-words-insufficient_credits = La cuenta de { $provider } del bot se ha quedado sin créditos.
kind-words-rate_limited = { $provider } está recibiendo demasiadas peticiones ahora mismo.
kind-words-content_flagged = { $provider } ha marcado la petición y no ha hecho ningún tema.
kind-words-unavailable = { $provider } tiene problemas ahora mismo.
kind-words-auth = { $provider } ha rechazado la clave de API del bot.
kind-words-not_found = { $provider } no tiene constancia de este trabajo.
kind-words-generation_failed = { $provider } no ha podido hacer este tema.
kind-words-expired = El enlace de descarga de { $provider } ha caducado.
next-step-invalid_input = Revisa el audio y el texto, y vuelve a probar.
next-step-insufficient_credits = Hay que recargar la cuenta del proveedor del servidor; avisa a un admin.
next-step-rate_limited = Vuelve a probar en unos minutos.
next-step-content_flagged = Prueba con otro prompt, otra letra u otro audio.
next-step-unavailable = Vuelve a probar en unos minutos.
next-step-auth = Avisa a un admin: hay que arreglar la clave del bot para este proveedor.
next-step-not_found = Vuelve a probar; si sigue pasando, avisa a un admin.
next-step-generation_failed = Vuelve a probar, quizá con otro prompt.
next-step-expired = Vuelve a probar.

## Periodos de tiempo
during-minutes = { $minutes } minutos
during-seconds = { $seconds ->
    [one] 1 segundo
   *[other] { $seconds } segundos
}

## Un proveedor o una descarga
reason-unreachable = No se ha podido contactar con { $provider }.
reason-unreachable-for = No se ha podido contactar con { $provider } durante { $during }; puede que la máquina esté apagada.
reason-no_answer = { $provider } no ha respondido a tiempo.
reason-link_expired = El enlace de descarga ha caducado.
reason-download_broke_off = La descarga se ha cortado a medias.
reason-download_broke_off-for = No se han podido descargar las tomas de { $provider } durante { $during }.
reason-too_large = El archivo de audio es demasiado grande para { $provider }.
reason-too_large-limit = El archivo de audio es demasiado grande para { $provider }: el límite es { $limit }.
reason-download_too_large = El archivo pesa más de { $limit }.
download-refused = El enlace de descarga apunta a un sitio del que el bot no descarga.
reason-download_redirects = El enlace de descarga ha redirigido demasiadas veces.
reason-download_too_slow = La descarga ha tardado más de { $limit }, así que la he dejado.
reason-download_too_slow-deadline = { $provider } lo ha enviado demasiado despacio para llegar dentro del tiempo límite del trabajo.
reason-answer_too_large = { $provider } ha enviado una respuesta demasiado grande (más de { $limit }), así que no se ha leído.
reason-answered = { $provider } ha respondido con un error ({ $status }).
reason-answered-said = { $provider } ha respondido con un error ({ $status }): { $said }
reason-refused = { $provider } ha rechazado la petición.
reason-refused-said = { $provider } ha rechazado la petición: { $said }
reason-flagged = { $provider } ha marcado la petición{ $why } y no ha hecho ningún tema.
reason-made_nothing = { $provider } no ha podido hacerlo ({ $kind }).
reason-made_nothing-said = { $provider } no ha podido hacerlo ({ $kind }): { $said }
kind-track = tema
reason-unknown_job = { $provider } no tiene constancia de este trabajo.
reason-server_lost_job = { $provider } ha perdido la pista de este trabajo.
reason-duplicate = { $provider } dice que esto repite una petición en la que ya está trabajando.
reason-unreadable = { $provider } ha enviado una respuesta que el bot no puede leer.
reason-no_job_id = { $provider } no ha dicho qué trabajo ha empezado.
reason-wrong_address = { $provider } no ha reconocido la petición del bot (not found); puede que la dirección de { $provider } esté mal.
reason-stream_broke = La conexión con { $provider } se ha cortado antes de confirmar el trabajo.
reason-no_takes = { $provider } ha terminado pero no ha devuelto ninguna toma.
reason-nothing_to_download = { $provider } no tiene tomas descargables para este trabajo.
reason-audio_missing = Para esto hace falta un archivo de audio.
reason-link_missing = { $provider } necesita la canción como enlace público.
reason-bad_song = { $provider } no ha podido usar la canción.
reason-bad_song-said = { $provider } no ha podido usar la canción: { $said }
reason-cannot_resume = { $provider } no puede retomar este trabajo.
reason-input_gone = El audio para remezclar ya no está disponible.
reason-render_failed = No he podido procesar este audio; puede que esté dañado.
reason-take_silent = La toma { $index } ha vuelto sin audio.
reason-no_takes_downloaded = No se ha podido descargar ninguna toma.
reason-server_forgot_job = El servidor de { $provider } ha perdido este trabajo (seguramente se reinició). No se ha vuelto a enviar: lanza el comando otra vez.
reason-queue_full = La cola del servidor de { $provider } ha estado llena durante { $during }.
reason-server_kept_failing = El servidor de { $provider } ha estado fallando (HTTP { $status }) durante { $during }.
reason-bad_key = El servidor de { $provider } ha rechazado la clave del bot: { $setting } tiene que coincidir con la del servidor.
reason-option_unsupported = { $provider } no admite `{ $option }`; quítalo o elige otro proveedor.
takes-silent-all = Todas las tomas de { $provider } han salido mudas y se han descartado.
takes-silent = { $count ->
    [one] 1 toma ha salido muda y se ha descartado.
   *[other] { $count } tomas han salido mudas y se han descartado.
}

## Causas del propio bot
reason-deadline_passed = Esto ha tardado más de { $limit }, así que he dejado de esperar. Prueba más tarde o con otro proveedor.
reason-restart_lost_submit = El bot se ha reiniciado mientras enviaba este trabajo y no sabe si el proveedor lo recibió. Para no pagar dos veces no se ha vuelto a enviar; lanza el comando otra vez si no llega ningún resultado.
reason-submit_unconfirmed = { $provider } no ha confirmado que recibiera este trabajo. Para no pagar dos veces no se ha vuelto a enviar; si no llega ningún resultado, lanza el comando otra vez.
reason-interrupted = Algo ha fallado por nuestra parte con este trabajo. Lanza el comando otra vez, por favor.
reason-provider_gone = El proveedor { $name } ya no está configurado aquí. Lanza el comando otra vez con otro proveedor.
reason-provider_stopped = { $provider } ha dejado de informar sobre este trabajo.
reason-result_refused = Discord ha rechazado el mensaje con el resultado.
reason-result_not_posted = Discord no ha aceptado el mensaje con el resultado tras varios intentos, así que lo he dejado.
reason-channel_gone = El canal de este trabajo ya no existe.
kept-for-show = Guardo las tomas durante { $hours } h: `/show job:{ $job }` las publica cuando esté arreglado.
flagged-withheld = El proveedor ha marcado este resultado y este servidor retiene los resultados marcados, así que no se ha publicado nada.
reason-cancelled_from_terminal = Detenido con Ctrl-C en el terminal.

## Notas sobre un resultado
one-take = Una toma
take-left-out = { $name } ha fallado en { $provider } y se ha quedado fuera.
take-left-out-flagged = { $name } la ha marcado { $provider }{ $why } y se ha quedado fuera.
reason-fewer_variations = { $provider } ha devuelto { $got } de las { $wanted } variaciones pedidas.
reason-take_not_downloaded = No se ha podido descargar la toma { $index }: { $cause }
reason-take_unavailable = La toma { $index } era demasiado grande para publicarla aquí.
reason-deadline_partial = La otra toma seguía sin estar lista tras { $limit }, así que solo se publica la terminada.
reason-default_effects = El prompt no nombraba ningún efecto, así que he usado { $effects }. Prueba con palabras como slowed, nightcore, lo-fi, bass boost o vaporwave.

## Rechazos antes de empezar
unknown-provider = No conozco el proveedor `{ $name }`. Aquí hay: { $available }.
kind-not-supported-own = { $provider } no puede hacer esto ({ $kind }).
kind-not-supported = { $provider } no puede hacer esto ({ $kind }). Prueba con { $supporters }.
kind-not-supported-anywhere = { $provider } no puede hacer esto ({ $kind }) y aquí no hay ningún proveedor que pueda: { $capable } sí, en cuanto un admin lo configure.
capable-remix = MusicGPT, Soundpiece, Soundverse o un ACE-Step propio
capable-sing = MusicGPT
capable-generate = MusicGPT o un ACE-Step propio
prompt-required = { $provider } necesita un prompt: describe cómo debe sonar.
lyrics-required = { $provider } necesita letra para esto. Añádela con la opción `lyrics`.
prompt-or-lyrics-required = Dame un prompt, una letra o las dos cosas.
length-out-of-range = Una duración de { $length } s no vale: elige entre { $low } s y { $high }.
instrumental-and-vocal-only = Una canción no puede ser instrumental y solo voz a la vez: elige una de las dos.
too-long = `{ $field }` tiene { $length } caracteres; { $provider } admite como mucho { $limit }. Acórtalo y vuelve a probar.
too-long-unknown = `{ $field }` es demasiado largo; { $provider } admite como mucho { $limit } caracteres.
variations-not-supported = Con { $provider } no se puede elegir el número de variaciones. Quita la opción `variations`.
variations-not-supported-others = Con { $provider } no se puede elegir el número de variaciones. Quita la opción `variations` o usa { $supporters }.
variations-out-of-range = { $provider } hace de 1 a { $limit } variaciones, no { $wanted }. Cambia la opción `variations`.
strength-not-supported = { $provider } no tiene intensidad de remezcla. Quita la opción `strength`.
strength-not-supported-others = { $provider } no tiene intensidad de remezcla. Quita la opción `strength` o usa { $supporters }.
file-too-large = Ese archivo pesa { $size }; { $provider } admite archivos de hasta { $limit }.
file-too-large-unknown = Ese archivo pesa más de { $limit }; { $provider } admite archivos de hasta { $limit }.
audio-too-long = Ese audio dura { $duration }; { $provider } admite hasta { $limit }.
audio-too-short = Ese audio dura solo { $duration }; { $provider } necesita al menos { $limit }.
not-audio = No puedo usar ese archivo: { $why }
empty-upload = No puedo usar ese archivo: está vacío.
no-audio-attached = No puedo usar ese archivo: no había ningún audio adjunto.
attachment-unreachable = No he podido descargar tu adjunto de Discord. Vuelve a probar.

## Por qué un archivo no sirve como audio
audio-empty = Este archivo está vacío.
audio-not-audio = Esto no parece un archivo de audio.
audio-damaged = No he podido leer este audio; puede que esté dañado.
audio-silent = Este archivo de audio no tiene sonido.
audio-video-without-sound = Este vídeo no tiene pista de sonido.
audio-unknown-length = No he podido saber cuánto dura este audio.
audio-length-mismatch = Este archivo es mucho más corto de lo que dice su cabecera; puede que esté cortado o dañado.
audio-length-mismatch-held = Este archivo dice durar { $stated } pero solo tiene { $held } de sonido; puede que esté cortado o dañado.
audio-length-mismatch-less = Este archivo dice durar { $stated } pero tiene mucho menos sonido; puede que esté cortado o dañado.

## Reglas del servidor (rechazos privados, notas en un resultado)
admin-role-required = Aquí solo pueden lanzar trabajos los miembros con uno de estos roles: { $roles }.
admin-blocked-word = Tu petición tiene una palabra que este servidor no permite, así que no se ha enviado nada.
admin-penalty = Demasiadas peticiones bloqueadas en la última hora. Podrás lanzar trabajos de nuevo a las { $when }.
admin-cooldown = Este servidor tiene una espera entre trabajos. Podrás lanzar el siguiente a las { $when }.
admin-daily-limit = { $limit ->
    [one] Hoy ya has lanzado 1 trabajo, el límite diario de este servidor. Podrás lanzar más a las { $when }.
   *[other] Hoy ya has lanzado { $limit } trabajos, el límite diario de este servidor. Podrás lanzar más a las { $when }.
}
admin-budget-day = Al presupuesto diario de este servidor para `{ $provider }` no le queda sitio para este trabajo. Se reinicia { $resets }.
admin-budget-day-amount = Al presupuesto diario de este servidor para `{ $provider }` ({ $credits } créditos) no le queda sitio para este trabajo. Se reinicia { $resets }.
admin-budget-month = Al presupuesto mensual de este servidor para `{ $provider }` no le queda sitio para este trabajo. Se reinicia { $resets }.
admin-budget-month-amount = Al presupuesto mensual de este servidor para `{ $provider }` ({ $credits } créditos) no le queda sitio para este trabajo. Se reinicia { $resets }.
flagged-note-spoiler = El proveedor ha marcado la toma { $takes }; se publica tras un spoiler.
flagged-note-withheld = El proveedor ha marcado la toma { $takes }; este servidor retiene las tomas marcadas, así que no se publica.
flagged-withheld-dm = El proveedor ha marcado tu trabajo #{ $job } en <#{ $channel }> y ese servidor retiene las tomas marcadas, así que no se han publicado.
