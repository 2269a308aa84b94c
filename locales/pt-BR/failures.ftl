# Por que um job falhou, foi recusado ou deixou algo de fora. $provider é o nome do serviço; $said são
# as palavras dele; $why é " (palavras dele)" ou nada; $during um período de tempo.

## Pelo tipo de falha, e o que dá para fazer
kind-words-invalid_input = { $provider } recusou o pedido.
kind-words-insufficient_credits = A conta do bot no { $provider } ficou sem créditos.
kind-words-rate_limited = { $provider } está recebendo pedidos demais agora.
kind-words-content_flagged = { $provider } sinalizou o pedido e não gerou nada.
kind-words-unavailable = { $provider } está com problemas agora.
kind-words-auth = { $provider } recusou a chave de API do bot.
kind-words-not_found = { $provider } não tem registro deste job.
kind-words-generation_failed = { $provider } não conseguiu fazer esta faixa.
kind-words-expired = O link de download do { $provider } expirou.
next-step-invalid_input = Confira o áudio e o texto e tente de novo.
next-step-insufficient_credits = A conta do serviço precisa de recarga; avise um admin do servidor.
next-step-rate_limited = Tente de novo em alguns minutos.
next-step-content_flagged = Tente outro prompt, outra letra ou outro áudio.
next-step-unavailable = Tente de novo em alguns minutos.
next-step-auth = Avise um admin do servidor: a chave do bot para este serviço precisa de ajuste.
next-step-not_found = Tente de novo; se continuar, avise um admin do servidor.
next-step-generation_failed = Tente de novo, talvez com outro prompt.
next-step-expired = Tente de novo.

## Períodos de tempo
during-minutes = { $minutes } minutos
during-seconds = { $seconds ->
    [one] { $seconds } segundo
   *[other] { $seconds } segundos
}

## Um serviço ou um download
reason-unreachable = Não deu para falar com { $provider }.
reason-unreachable-for = Não deu para falar com { $provider } por { $during }; talvez a máquina esteja desligada.
reason-no_answer = { $provider } não respondeu a tempo.
reason-link_expired = O link de download expirou.
reason-download_broke_off = O download parou no meio.
reason-download_broke_off-for = Não deu para baixar os takes do { $provider } por { $during }.
reason-too_large = O arquivo de áudio é grande demais para o { $provider }.
reason-too_large-limit = O arquivo de áudio é grande demais para o { $provider }: o limite é { $limit }.
reason-download_too_large = O arquivo passa de { $limit }.
download-refused = O link de download aponta para um lugar de onde o bot não baixa.
reason-download_redirects = O link de download redirecionou vezes demais.
reason-download_too_slow = O download demorou mais de { $limit }, então desisti.
reason-download_too_slow-deadline = { $provider } enviou devagar demais para chegar dentro do tempo limite do job.
reason-answer_too_large = { $provider } mandou uma resposta grande demais (mais de { $limit }), então ela não foi lida.
reason-answered = { $provider } respondeu com um erro ({ $status }).
reason-answered-said = { $provider } respondeu com um erro ({ $status }): { $said }
reason-refused = { $provider } recusou o pedido.
reason-refused-said = { $provider } recusou o pedido: { $said }
reason-flagged = { $provider } sinalizou o pedido{ $why } e não gerou nada.
reason-made_nothing = { $provider } não conseguiu fazer isso ({ $kind }).
reason-made_nothing-said = { $provider } não conseguiu fazer isso ({ $kind }): { $said }
kind-track = faixa
reason-unknown_job = { $provider } não tem registro deste job.
reason-server_lost_job = { $provider } perdeu o rastro deste job.
reason-duplicate = { $provider } diz que este pedido repete um que já está em andamento.
reason-unreadable = { $provider } mandou uma resposta que o bot não consegue ler.
reason-no_job_id = { $provider } não disse qual job começou.
reason-wrong_address = { $provider } não reconheceu o pedido do bot (not found); o endereço do { $provider } pode estar errado.
reason-stream_broke = A conexão com o { $provider } caiu antes de confirmar o job.
reason-no_takes = { $provider } terminou mas não devolveu nenhum take.
reason-nothing_to_download = { $provider } não tem takes para baixar neste job.
reason-audio_missing = Isso precisa de um arquivo de áudio.
reason-link_missing = { $provider } precisa da música como link público.
reason-bad_song = { $provider } não conseguiu usar a música.
reason-bad_song-said = { $provider } não conseguiu usar a música: { $said }
reason-cannot_resume = { $provider } não consegue retomar este job.
reason-input_gone = O áudio para remixar não está mais disponível.
reason-render_failed = Não consegui processar este áudio; ele pode estar corrompido.
reason-take_silent = O take { $index } voltou sem áudio.
reason-no_takes_downloaded = Nenhum take pôde ser baixado.
reason-server_forgot_job = O servidor do { $provider } perdeu este job (provavelmente reiniciou). Ele não foi enviado de novo: rode o comando outra vez.
reason-queue_full = A fila do servidor do { $provider } ficou cheia por { $during }.
reason-server_kept_failing = O servidor do { $provider } ficou dando erro (HTTP { $status }) por { $during }.
reason-bad_key = O servidor do { $provider } recusou a chave do bot: { $setting } tem que bater com a chave do servidor.
reason-option_unsupported = { $provider } não faz `{ $option }`; tire essa opção ou escolha outro serviço.
takes-silent-all = Todos os takes do { $provider } saíram mudos e foram descartados.
takes-silent = { $count ->
    [one] { $count } take saiu mudo e foi descartado.
   *[other] { $count } takes saíram mudos e foram descartados.
}

## Causas do próprio bot
reason-deadline_passed = Isso demorou mais de { $limit }, então parei de esperar. Tente mais tarde, ou com outro serviço.
reason-restart_lost_submit = O bot reiniciou enquanto enviava este job e não sabe se o serviço recebeu. Para você não pagar duas vezes, ele não foi enviado de novo; rode o comando outra vez se nenhum resultado aparecer.
reason-submit_unconfirmed = { $provider } não confirmou que recebeu este job. Para você não pagar duas vezes, ele não foi enviado de novo; se nenhum resultado aparecer, rode o comando outra vez.
reason-interrupted = Deu algum problema do nosso lado com este job. Rode o comando de novo, por favor.
reason-provider_gone = O serviço { $name } não está mais configurado aqui. Rode o comando de novo com outro serviço.
reason-provider_stopped = { $provider } parou de dar notícias deste job.
reason-result_refused = O Discord recusou a mensagem com o resultado.
reason-result_not_posted = O Discord recusou a mensagem com o resultado várias vezes, então parei de tentar.
reason-channel_gone = O canal deste job não existe mais.
kept-for-show = As faixas ficam guardadas por { $hours } h: `/show job:{ $job }` posta elas assim que isso for resolvido.
flagged-withheld = O serviço sinalizou este resultado, e este servidor segura resultados sinalizados, então nada foi postado.
reason-cancelled_from_terminal = Parado com Ctrl-C no terminal.

## Observações num resultado
one-take = Um take
take-left-out = { $name } falhou no { $provider } e ficou de fora.
take-left-out-flagged = { $name } foi sinalizado pelo { $provider }{ $why } e ficou de fora.
reason-fewer_variations = { $provider } devolveu { $got } das { $wanted } variações pedidas.
reason-take_not_downloaded = Não deu para baixar o take { $index }: { $cause }
reason-take_unavailable = O take { $index } era grande demais para postar aqui.
reason-deadline_partial = O outro take ainda não estava pronto depois de { $limit }, então só o que terminou foi postado.
reason-default_effects = O prompt não citou nenhum efeito, então usei { $effects }. Tente palavras como slowed, nightcore, lo-fi, bass boost ou vaporwave.

## Recusas antes de começar
unknown-provider = Não conheço o serviço `{ $name }`. Aqui tem: { $available }.
kind-not-supported-own = { $provider } não faz isso ({ $kind }).
kind-not-supported = { $provider } não faz isso ({ $kind }). Tente { $supporters }.
kind-not-supported-anywhere = { $provider } não faz isso ({ $kind }), e nenhum serviço daqui faz: { $capable } faz, assim que um admin configurar.
capable-remix = MusicGPT, Soundpiece, Soundverse ou um ACE-Step próprio
capable-sing = MusicGPT
capable-generate = MusicGPT ou um ACE-Step próprio
prompt-required = { $provider } precisa de um prompt: descreva como deve soar.
lyrics-required = { $provider } precisa de letra para isso. Coloque com a opção `lyrics`.
prompt-or-lyrics-required = Me dá um prompt, uma letra, ou os dois.
length-out-of-range = Uma duração de { $length } s não rola: escolha entre { $low } s e { $high }.
instrumental-and-vocal-only = Uma música não pode ser instrumental e só voz ao mesmo tempo: escolha um dos dois.
too-long = `{ $field }` tem { $length } caracteres; { $provider } aceita no máximo { $limit }. Encurte e tente de novo.
too-long-unknown = `{ $field }` está longo demais; { $provider } aceita no máximo { $limit } caracteres.
variations-not-supported = No { $provider } não dá para escolher o número de variações. Tire a opção `variations`.
variations-not-supported-others = No { $provider } não dá para escolher o número de variações. Tire a opção `variations`, ou use { $supporters }.
variations-out-of-range = { $provider } faz de 1 a { $limit } variações, não { $wanted }. Mude a opção `variations`.
strength-not-supported = { $provider } não tem intensidade de remix. Tire a opção `strength`.
strength-not-supported-others = { $provider } não tem intensidade de remix. Tire a opção `strength`, ou use { $supporters }.
file-too-large = Esse arquivo tem { $size }; { $provider } aceita arquivos de até { $limit }.
file-too-large-unknown = Esse arquivo passa de { $limit }; { $provider } aceita arquivos de até { $limit }.
audio-too-long = Esse áudio tem { $duration }; { $provider } aceita até { $limit }.
audio-too-short = Esse áudio tem só { $duration }; { $provider } precisa de pelo menos { $limit }.
not-audio = Não consigo usar esse arquivo: { $why }
empty-upload = Não consigo usar esse arquivo: ele está vazio.
no-audio-attached = Não consigo usar esse arquivo: nenhum áudio foi anexado.
attachment-unreachable = Não consegui baixar seu anexo do Discord. Tente de novo.

## Por que um arquivo não serve como áudio
audio-empty = Este arquivo está vazio.
audio-not-audio = Isso não parece um arquivo de áudio.
audio-damaged = Não consegui ler este áudio; ele pode estar corrompido.
audio-silent = Este arquivo de áudio não tem som.
audio-video-without-sound = Este vídeo não tem faixa de som.
audio-unknown-length = Não consegui saber a duração deste áudio.
audio-length-mismatch = Este arquivo é bem mais curto do que o cabeçalho diz; pode estar cortado ou corrompido.
audio-length-mismatch-held = Este arquivo diz ter { $stated } mas só tem { $held } de som; pode estar cortado ou corrompido.
audio-length-mismatch-less = Este arquivo diz ter { $stated } mas tem bem menos som; pode estar cortado ou corrompido.

## Regras do servidor (recusas privadas, observações num resultado)
admin-role-required = Aqui só membros com um destes cargos podem iniciar jobs: { $roles }.
admin-blocked-word = Seu pedido tem uma palavra que este servidor não permite, então nada foi enviado.
admin-penalty = Pedidos bloqueados demais na última hora. Você pode iniciar jobs de novo às { $when }.
admin-cooldown = Este servidor tem uma espera entre jobs. Você pode iniciar o próximo às { $when }.
admin-daily-limit = { $limit ->
    [one] Você já iniciou { $limit } job hoje, o limite diário deste servidor. Dá para iniciar mais às { $when }.
   *[other] Você já iniciou { $limit } jobs hoje, o limite diário deste servidor. Dá para iniciar mais às { $when }.
}
admin-budget-day = O orçamento diário deste servidor para `{ $provider }` não tem espaço para este job. Ele zera { $resets }.
admin-budget-day-amount = O orçamento diário deste servidor para `{ $provider }` ({ $credits } créditos) não tem espaço para este job. Ele zera { $resets }.
admin-budget-month = O orçamento mensal deste servidor para `{ $provider }` não tem espaço para este job. Ele zera { $resets }.
admin-budget-month-amount = O orçamento mensal deste servidor para `{ $provider }` ({ $credits } créditos) não tem espaço para este job. Ele zera { $resets }.
flagged-note-spoiler = O serviço sinalizou o take { $takes }; ele foi postado com spoiler.
flagged-note-withheld = O serviço sinalizou o take { $takes }; este servidor segura takes sinalizados, então ele não foi postado.
flagged-withheld-dm = O serviço sinalizou seu job #{ $job } em <#{ $channel }>, e esse servidor segura takes sinalizados, então eles não foram postados.
