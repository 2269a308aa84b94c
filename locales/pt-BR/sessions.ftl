# Sessões de remix: o card, o tópico, os resultados (públicos) e todas as respostas privadas de uma sessão.

## Fases: no card e no meio de uma frase
session-phase-submissions = Envios abertos
session-phase-voting = Votação aberta
session-phase-closed = Encerrada
session-phase-cancelled = Cancelada
session-phase-inline-submissions = envios abertos
session-phase-inline-voting = votação aberta
session-phase-inline-closed = encerrada
session-phase-inline-cancelled = cancelada

## O card (público)
session-card-title = Sessão de remix: { $title }
session-card-description = Host: <@{ $host }>. Remixe [a faixa original]({ $url }), envie seu melhor take e depois vote no seu favorito.
session-card-description-unlinked = Host: <@{ $host }>. Remixe a faixa original do tópico, envie seu melhor take e depois vote no seu favorito.
session-field-phase = Fase
session-field-submissions = Envios até
session-field-voting = Votação até
session-field-counts = Até agora
session-field-rules = Regras
session-field-results = Resultados
session-counts = { $entries ->
    [one] { $entries } envio
   *[other] { $entries } envios
} · { $ballots ->
    [one] { $ballots } voto
   *[other] { $ballots } votos
}
session-rules = Até { $count } { $count ->
    [one] envio
   *[other] envios
} por membro. Os envios aparecem anônimos quando o prazo de envio acaba. Um voto por pessoa, dá pra mudar até a votação fechar; não vale votar no próprio envio. Quem vota: { $voters ->
    [joined-before] membros que entraram no servidor antes de a sessão começar
   *[everyone] todo mundo
}. Empates dividem a posição.
session-results-link = [Ver os resultados]({ $url })
session-footer = Sessão #{ $session }

## Botões e formulário
button-session-remix = Remixar
button-session-mine = Meus envios
button-session-open-voting = Abrir votação
button-session-end-voting = Encerrar votação
button-session-vote = Votar
button-session-withdraw = Retirar
button-session-withdraw-one = Retirar o { $position }
button-session-enter = Enviar take { $number }
session-form-title = Remixe a faixa da sessão
session-form-provider = Serviço
session-form-provider-hint = Qual serviço faz o seu take (se deixar vazio, o da sessão).

## O tópico (público)
session-source-posted = A faixa original de **{ $title }**. Aperte **{ button-session-remix }** no card para fazer o seu take.
session-entry-heading = **Envio { $number }**
session-results-title = Resultados: { $title }
session-place-line = **{ $place }.** Envio { $number }: { $votes ->
    [one] { $votes } voto
   *[other] { $votes } votos
} · <@{ $author }> · { $what }
session-no-winner-line = Envio { $number }: <@{ $author }> · { $what }
session-prompt = “{ $prompt }”
session-no-prompt = sem prompt
session-upload-what = remix próprio `{ $filename }`
session-no-winner = Ninguém votou, então não tem vencedor. Os envios:
session-no-entries = Ninguém enviou nada.
session-tie = Empate entre { $count } no primeiro lugar.
session-announcement = A sessão de remix **{ $title }** acabou. Parabéns, { $winners }! Resultados: { $url }
session-announcement-no-winner = A sessão de remix **{ $title }** acabou, dessa vez sem vencedor. Resultados: { $url }

## Respostas privadas: abrir e conduzir uma sessão
session-opened = Sua sessão está aberta: { $url }
session-not-host = Só hosts podem fazer isso: membros com “Gerenciar servidor” ou “Gerenciar eventos”, ou com o cargo que um admin definiu em `/config session-role`.
session-not-host-or-moderator = Só o host da sessão ou um mod pode fazer isso.
session-where = Abra a sessão em um canal de texto (ou indique um fórum com `forum:`).
session-not-a-forum = Esse canal não é um fórum.
session-duration-refused = O prazo { $what ->
    [submissions] de envios
   *[voting] de votação
} `{ $text }` { $problem ->
    [empty] está vazio
    [unreadable] não é uma duração que eu entenda (escreva tipo 90m, 2h, 3d ou 1d12h)
    [too-short] é menor que { $minimum }
    [too-long] é maior que { $maximum }
   *[other] não serve
}.
session-unknown = Não achei a sessão `{ $session }` neste servidor. `/session list` mostra todas.
session-which = Qual sessão? Use isso no tópico da sessão ou escolha com a opção `session`.
session-moved-voting = Envios encerrados; eles estão sendo postados para a votação.
session-moved-closed = Votação encerrada; os resultados estão sendo postados.
session-moved-cancelled = A sessão foi cancelada.
session-moved-other = Feito.
session-wrong-phase = Não dá pra fazer isso nessa sessão agora (status: { $phase }).
session-results-not-ready = Essa sessão não tem resultados (ainda não acabou ou foi cancelada).
session-results-reposted = Resultados postados de novo: { $url }
session-list-title = **Sessões de remix**
session-list-empty = Nenhuma sessão aberta ou recente neste servidor.

## Respostas privadas: envios
session-not-submitting = Os envios desta sessão estão encerrados.
session-upload-label = esta sessão
session-entered = Take { $number } enviado! Você está com { $count } de { $cap } nesta sessão.
session-entered-linked = Take { $number } enviado ({ $url })! Você está com { $count } de { $cap } nesta sessão.
session-upload-entered = Seu remix foi enviado! Você está com { $count } de { $cap } nesta sessão.
session-cap-reached = Você já tem { $cap } { $cap ->
    [one] envio
   *[other] envios
} nesta sessão; retire um antes ({ button-session-mine }).
session-already-entered = Esse take já foi enviado.
session-entry-too-large = Esse arquivo passa de { $limit }, o máximo que este canal aceita.
session-only-requester = Só quem fez este remix pode enviar os takes dele.
session-my-entries = Seus envios ({ $count } de { $cap }):
session-my-entries-none = Você ainda não tem envios nesta sessão (até { $cap }).
session-my-entry-line = { $position }. { $what }, enviado <t:{ $timestamp }:R>
session-ai-entry = Take { $take } do job #{ $job }
session-upload-entry = Seu upload `{ $filename }`
session-withdrawn = Retirado. Esse envio saiu da sessão.
session-withdraw-not-found = Esse envio já foi retirado.
session-job-in-thread = Seu remix está a caminho; acompanhe no tópico da sessão: { $url }

## Respostas privadas: votos
session-vote-cast = Seu voto está no envio { $number }.
session-vote-moved = Seu voto mudou do envio { $previous } para o envio { $number }.
session-vote-already = Seu voto já está no envio { $number }.
session-vote-own = Esse envio é seu; vote no de outra pessoa.
session-vote-not-eligible = Só vota quem entrou no servidor antes de esta sessão começar.
session-vote-bot = Bots não votam.
session-vote-not-open = A votação desta sessão não está aberta.
session-vote-no-entry = Esse envio não está mais na votação.

## /config session-role, session-forum, session-voters (privado)
session-config-summary = Cargo de host de sessões: { $role }
    Fórum de sessões: { $forum }
    Quem vota: { $voters ->
        [joined-before] membros que entraram antes de a sessão começar
       *[everyone] todo mundo
    }
session-config-no-role = nenhum
session-config-no-forum = nenhum (as sessões abrem no canal onde começam)
