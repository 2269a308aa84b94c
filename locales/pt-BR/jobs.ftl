# Um job do começo ao resultado. $member e $channel são ids do Discord; $job é o número do job.

## O que um job faz e onde ele está
kind-remix = Remix
kind-sing = Versão cantada
kind-generate = Música
stage-received = Conferindo seu áudio
stage-queued = Esperando na fila
stage-submitting = Enviando o áudio
stage-submitted = Enviado
stage-running = Trabalhando nisso
stage-delivering = Postando os takes
stage-delivered = Pronto
stage-failed = Deu erro
stage-rejected = Não começou
stage-cancelled = Cancelado

## Confirmações privadas
checking-audio = Beleza! Conferindo seu áudio…
checking-song = Beleza! Preparando sua música…
accepted = Seu job entrou. O progresso aparece neste canal.
accepted-queued = Seu job entrou. O progresso aparece neste canal. Você é o número { $position } da fila.
rejected = Nada foi iniciado. { $reason }

## A mensagem de status (pública)
status-title = { $kind } · { $stage }
queue-next = Próximo da fila
queue-position = Posição { $position } na fila
takes-ready = { $ready } de { $expected } takes prontos
working-for = { $provider } está trabalhando há { $spent }
status-field = Status
job-footer = Job #{ $job }
result-footer = Job #{ $job } · { $tag }
requested-by = Pedido por <@{ $member }> · { $provider }
started = Começou <t:{ $timestamp }:R>
expected = Previsão <t:{ $timestamp }:R>
listen-early = [Ouça enquanto termina]({ $url })
cancelled = Este job foi cancelado.
cancelled-because = Este job foi cancelado. { $reason }
cancelled-by = Cancelado por <@{ $member }>.

## O resultado (público)
result-ready = { $count ->
    [one] <@{ $member }> seu take está pronto!
   *[other] <@{ $member }> seus { $count } takes estão prontos!
}
result-link = [Ir para o resultado]({ $url })
provider-field = Serviço
lyrics-field = Letra
note-field = Observação
take-name = Take { $number }
download-link = [baixar]({ $url })

## Botões e formulários
button-remix-this-audio = Remixar este áudio
button-reroll = Gerar de novo
button-edit = Editar e refazer
button-delete = Apagar
button-cancel = Cancelar
button-take = Remixar take { $number }
form-prompt = Prompt
form-prompt-hint = Como deve soar, ex.: lo-fi com batidas chill
form-lyrics = Letra
form-lyrics-hint = Letra nova para cantar (opcional)
form-gender = Voz
form-gender-hint = Voz para o vocal (opcional)
form-file = Qual arquivo
form-file-hint = A mensagem tem vários arquivos de áudio
form-title-take = Remixar take { $number }
form-title-edit = Editar e refazer o job #{ $job }

## Quem pode apertar o quê (privado)
only-requester-cancel = Só quem começou este job pode cancelar. Use “Remixar take” num take para fazer o seu.
only-requester-delete = Só quem começou este job pode apagar. Use “Remixar take” num take para fazer o seu.
only-requester-reroll = Só quem começou este job pode gerar de novo. Use “Remixar take” num take para fazer o seu.
only-requester-edit = Só quem começou este job pode editar e refazer. Use “Remixar take” num take para fazer o seu.
only-requester-or-moderator-cancel = Só quem começou este job ou um mod (Gerenciar mensagens) pode cancelar.
only-requester-or-moderator-delete = Só quem começou este job ou um mod (Gerenciar mensagens) pode apagar.
job-not-found = Não achei o job #{ $job } neste servidor.
not-a-job-id = `{ $value }` não é um número de job. Escolha um da lista ou veja `/jobs`.
no-audio-in-message = Essa mensagem não tem áudio. Use “Remixar este áudio” numa mensagem com arquivo de áudio.
source-gone-kept = O áudio do job #{ $job } não está mais disponível (guardamos por { $hours } horas). Rode `/remix` de novo com o arquivo, ou use “Remixar este áudio” numa mensagem que tenha ele.
source-gone = O áudio do job #{ $job } não está mais disponível (não guardamos depois que o job termina). Rode `/remix` de novo com o arquivo, ou use “Remixar este áudio” numa mensagem que tenha ele.
take-gone = O take { $number } do job #{ $job } não está mais na mensagem (foi apagada?).
cannot-cancel-delivering = O job #{ $job } já está postando os takes, não dá mais para cancelar.
cannot-cancel-ended = O job #{ $job } já acabou ({ $stage }); não há o que cancelar.
cancel-done = Job #{ $job } cancelado.
deleted = Resultados do job #{ $job } apagados.
result-deleted = Os resultados do job #{ $job } foram apagados, então não há o que mostrar de novo.
not-delivered = O job #{ $job } não tem resultados: { $stage }.
status-link-label = [Status]({ $url })
shown-again = Resultados do job #{ $job } de <@{ $member }>
shown-again-by = Resultados do job #{ $job } de <@{ $member }>, mostrados de novo por <@{ $by }>
shown-posted = Postado de novo: { $url }
result-kept-notice = Seu job #{ $job } em <#{ $channel }> terminou, mas não consegui postar as faixas. { $why }
kept-posted = As faixas do job #{ $job } foram postadas.

## /jobs (privado)
jobs-title = Seus últimos jobs
no-jobs = Você ainda não tem jobs neste servidor. Comece com `/remix`, ou “Remixar este áudio” numa mensagem.
status-link = [status]({ $url })
results-link = [resultado]({ $url })
no-prompt = sem prompt

## Erros (privado)
slow-down = Calma aí: tente de novo em { $seconds } s.
no-permission = Você não tem permissão para fazer isso aqui.
cannot-use-here = Você não pode usar este comando aqui.
not-understood = Não entendi `{ $value }`.
generic-error = Deu algum problema do nosso lado (ref `{ $reference }`). Tente de novo, por favor.
guild-only = Isso só funciona em canais de servidor.
wrong-channel = Neste servidor, os remixes rolam em <#{ $channel }>.
too-many-jobs = { $limit ->
    [one] Você já tem um job rolando. Espere ele terminar (ou cancele).
   *[other] Você já tem { $limit } jobs rolando. Espere um terminar (ou cancele um).
}
missing-permissions = Não consigo postar resultados neste canal: está faltando { $names }. Peça para um admin liberar, ou use outro canal.

## /config (privado)
config-saved = Salvo. `/config show` mostra as configurações deste servidor.
config-title = **Configurações de remix deste servidor**
config-provider = Serviço padrão: `{ $provider }`
config-provider-default = Serviço padrão: o do bot (`{ $provider }`)
config-channel = Canal de remix: <#{ $channel }>
config-channel-any = Canal de remix: qualquer canal
config-member-limit = Jobs em andamento por membro: { $limit }
config-providers = Serviços disponíveis: { $providers }
config-language = Idioma público: { $language }
config-language-server = Idioma público: o idioma do Discord do servidor ({ $language })
language-saved = Salvo: em público agora eu falo { $language }.
language-saved-server = Salvo: em público eu sigo o idioma do Discord do servidor ({ $language }).

## Os nomes que o Discord dá às permissões de canal que o bot precisa
permission-view_channel = Ver canal
permission-send_messages = Enviar mensagens
permission-embed_links = Inserir links
permission-attach_files = Anexar arquivos

## The channel board (face/channel_board.py): one line per job when a busy channel folds
board-footer = Este canal está movimentado: os status aparecem juntos aqui. Em “Meu status” você vê o seu separado.
button-show-status = Meu status
board-title = { $active ->
    [0] Painel do canal · todos os { $total } jobs terminaram
   *[other] Painel do canal · { $active } de { $total } jobs rolando
}
board-queue = { $position }º na fila
board-more = … e mais { $count }
board-shown = { $count ->
    [0] Você não tem nenhum job rolando neste painel.
    [one] Seu status está logo abaixo e vai se atualizando.
   *[other] Seus { $count } status estão logo abaixo e vão se atualizando.
}
