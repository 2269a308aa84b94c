# O que os admins do servidor leem: respostas do /config (privadas, no idioma do admin) e o canal de
# log dos admins (para a moderação, no idioma do servidor). $provider é o nome de um serviço (como
# código), $member o id de um membro e $channel o de um canal (como menções), $job o número de um job.
# Em pt-BR a forma [one] vale para 0 e 1 (e 1,5): use o número, não um "1" fixo.

## /config show
provider-reachable = no ar
provider-unreachable = **fora do ar**
config-budget = Orçamento `{ $provider }`: { $limits }
config-budget-today = { $used } de { $limit } hoje
config-budget-month = { $used } de { $limit } neste mês
config-budgets-none = Orçamentos: nenhum
config-cooldown = Espera entre jobs: { $cooldown }
config-cooldown-none = Espera entre jobs: nenhuma
config-per-day = Jobs por membro por dia: { $limit }
config-per-day-none = Jobs por membro por dia: sem limite
config-flagged = Takes sinalizados: { $mode }
config-log = Log dos admins: <#{ $channel }>
config-log-off = Log dos admins: desligado
config-blocklist = { $count ->
    [one] Lista de bloqueio: { $count } item (`/config blocklist show`)
   *[other] Lista de bloqueio: { $count } itens (`/config blocklist show`)
}

## Orçamentos e cargos; $roles é uma lista de menções de cargos
budget-saved-daily = { $daily ->
    [one] Salvo: `{ $provider }` pode gastar { $daily } crédito por dia (dias em UTC).
   *[other] Salvo: `{ $provider }` pode gastar { $daily } créditos por dia (dias em UTC).
}
budget-saved-monthly = { $monthly ->
    [one] Salvo: `{ $provider }` pode gastar { $monthly } crédito por mês (meses em UTC).
   *[other] Salvo: `{ $provider }` pode gastar { $monthly } créditos por mês (meses em UTC).
}
budget-saved-both = Salvo: `{ $provider }` pode gastar { $daily } créditos por dia e { $monthly } por mês (dias e meses em UTC).
budget-saved-none = Salvo: `{ $provider }` ficou sem orçamento.
roles-saved = Salvo.
roles-allow = Quem pode iniciar jobs: { $roles }
roles-allow-everyone = Quem pode iniciar jobs: todo mundo
roles-bypass = Sem limites nem espera: { $roles }
roles-bypass-nobody = Sem limites nem espera: ninguém

## A lista de bloqueio
blocklist-added = Adicionado à lista de bloqueio.
blocklist-already = Isso já está na lista de bloqueio.
blocklist-removed = Tirado da lista de bloqueio.
blocklist-not-there = Isso não está na lista de bloqueio.
blocklist-invalid = Mande uma palavra ou frase de até { $limit } caracteres (só um * não vale).
blocklist-full = A lista de bloqueio aceita até { $limit } itens; tire alguns antes.
blocklist-empty = A lista de bloqueio está vazia.
blocklist-title = **Palavras e padrões bloqueados**

## O canal de log dos admins
log-channel-saved = Salvo: os avisos para os admins vão para <#{ $channel }>.
log-channel-off = Salvo: o log dos admins está desligado.
event-budget-reached-day = Orçamento estourado: o orçamento diário de `{ $provider }` recusou um job de <@{ $member }>.
event-budget-reached-month = Orçamento estourado: o orçamento mensal de `{ $provider }` recusou um job de <@{ $member }>.
event-blocked-word = Palavra bloqueada: um pedido de <@{ $member }> foi recusado ({ $count } na última hora).
event-member-penalised = Espera forçada: <@{ $member }> fez { $count } pedidos bloqueados em uma hora; sem jobs até { $when }.
event-flagged-refused = Conteúdo sinalizado: `{ $provider }` recusou o conteúdo do job #{ $job }.
event-flagged-spoiler = { $count ->
    [one] Conteúdo sinalizado: `{ $provider }` sinalizou { $count } take do job #{ $job }; postado com spoiler.
   *[other] Conteúdo sinalizado: `{ $provider }` sinalizou { $count } takes do job #{ $job }; postados com spoiler.
}
event-flagged-withheld = { $count ->
    [one] Conteúdo sinalizado: `{ $provider }` sinalizou { $count } take do job #{ $job }; segurado.
   *[other] Conteúdo sinalizado: `{ $provider }` sinalizou { $count } takes do job #{ $job }; segurados.
}
event-key-refused = Chave recusada: `{ $provider }` não aceita a chave de API do bot (job #{ $job }).
event-out-of-credits = Sem créditos: a conta de `{ $provider }` ficou sem créditos (job #{ $job }).

## Os nomes que o Discord dá a outras permissões (as do canal estão em jobs.ftl)
permission-read_message_history = Ver histórico de mensagens
permission-create_public_threads = Criar tópicos públicos
permission-send_messages_in_threads = Enviar mensagens em tópicos
permission-manage_threads = Gerenciar tópicos
permission-manage_messages = Gerenciar mensagens
permission-add_reactions = Adicionar reações
permission-manage_guild = Gerenciar servidor
