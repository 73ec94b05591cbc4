-- W1, W2: the supervision office's worklist of its own workflows, an outbox like card_worklist
-- (ADR 0005): a task whose reply deadline passed without a reply on time (W1), a complaint whose
-- decision was not made by its due date (W2). The run at as_of writes every such event that no
-- earlier run wrote, keyed by record, action and the day it fell due, so a return's new deadline
-- missed again is a new event; rerunning an as_of deletes and rewrites only that run's rows.
-- esup/worklist.py writes them into the run's worklist CSV beside the card events.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{% if is_incremental() %}delete from {{ this }} where as_of = {{ as_of() }}{% endif %}",
) }}
with supervision_tasks as (

    select * from {{ ref('supervision_tasks') }}

),

complaints as (

    select * from {{ ref('complaints') }}

),

rules as (

    select * from {{ ref('rules') }}

),

events as (

    select
        'reply_overdue' as action,
        '督办逾期未回复' as action_zh,
        'W1' as rule_id,
        task_no as record_key,
        target_department_code as department_code,
        target_department_name as department_name,
        case_no,
        {{ shanghai_date('issued_at') }} as started_on,
        deadline as due_date,
        deadline + 1 as action_date,
        '督办件' || task_no || '：回复期限' || deadline || '已过，未按期回复' as detail
    from supervision_tasks
    where is_deadline_missed
    union all
    select
        'decision_overdue',
        '投诉逾期未决定受理',
        'W2',
        complaint_no,
        target_department_code,
        target_department_name,
        case_no,
        {{ shanghai_date('received_at') }},
        decision_due_date,
        decision_due_date + 1,
        '投诉' || complaint_no || '：应于' || decision_due_date || '前决定是否受理'
        || case when decided_at is null then '，尚未决定' else '，逾期决定' end
    from complaints
    where decision_on_time is false

),

unsent as (

    select events.* from events
    {% if is_incremental() %}
    where not exists (
        select 1
        from {{ this }} as sent
        where sent.record_key = events.record_key
            and sent.action = events.action
            and sent.action_date = events.action_date
            and sent.as_of < {{ as_of() }}
    )
    {% endif %}

),

final as (

    select
        {{ as_of() }} as as_of,
        unsent.action,
        unsent.action_zh,
        unsent.record_key,
        unsent.rule_id,
        rules.name_zh as rule_name,
        unsent.department_code,
        unsent.department_name,
        unsent.case_no,
        unsent.started_on,
        unsent.due_date,
        unsent.action_date,
        unsent.detail
    from unsent
    left join rules
        on rules.rule_id = unsent.rule_id

)

select * from final
