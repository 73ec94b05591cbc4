-- Every version of exchange.supervision_task_action received up to as_of (history; Q8 reads it).
{{ exchange_versions('supervision_task_action', ['task_no', 'action_seq']) }}
