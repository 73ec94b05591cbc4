-- Every version of exchange.supervision_task received up to as_of (history; Q8 reads it).
{{ exchange_versions('supervision_task', ['task_no']) }}
