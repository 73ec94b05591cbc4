-- W1 (O14, S20): one row per supervision task (督办) as of the run. The department replies by the
-- task's deadline_date, or within supervision_reply_wd WD of issue when it has none; a return (退办)
-- states a reason and a new deadline, which replaces the old one for the next reply; after a reply
-- the division reviews, a leader closes, then the task is archived. Deadlines count like T2/T4 and
-- move with T9 exempt windows (macro workflow_due_date). reply_on_time compares each reply with the
-- deadline in force when it came; the task's is its last reply's.
with tasks as (

    select * from {{ ref('int_supervision_tasks_dated') }}

),

acts as (

    select * from {{ ref('int_supervision_task_acts_ordered') }}

),

units as (

    select * from {{ ref('units') }}

),

summarised as (

    select
        task_no,
        count(*) filter (where action = 'return') as returns,
        max(acted_at) filter (where action = 'reply') as replied_at,
        max(acted_at) filter (where action = 'initial_review') as initial_reviewed_at,
        max(acted_at) filter (where action = 'final_review') as final_reviewed_at,
        max(acted_at) filter (where action = 'archive') as archived_at,
        (array_agg(action order by act_order desc))[1] as last_action,
        (array_agg(deadline_after order by act_order desc))[1] as deadline,
        (array_agg(is_on_time order by act_order desc) filter (where action = 'reply'))[1] as reply_on_time,
        -- a reply answers the deadline in force only when no return came after it
        coalesce(max(act_order) filter (where action = 'reply'), 0)
        > coalesce(max(act_order) filter (where action = 'return'), 0) as has_current_reply
    from acts
    group by task_no

),

final as (

    select
        dated.task_no,
        dated.origin,
        dated.target_department_code,
        coalesce(units.name_zh, dated.target_department_code) as target_department_name,
        dated.case_no,
        dated.card_id,
        dated.issued_at,
        dated.deadline_date as requested_deadline_date,
        coalesce(summarised.deadline, dated.first_deadline) as deadline,
        summarised.replied_at,
        summarised.reply_on_time,
        coalesce(summarised.returns, 0)::integer as returns,
        case
            when summarised.last_action = 'archive' then 'archived'
            when summarised.last_action = 'final_review' then 'closed'
            when summarised.last_action = 'initial_review' then 'in_review'
            when summarised.last_action = 'reply' then 'replied'
            when {{ as_of_date() }} > coalesce(summarised.deadline, dated.first_deadline) then 'overdue'
            when summarised.last_action = 'return' then 'returned'
            else 'awaiting_reply'
        end as status,
        summarised.initial_reviewed_at,
        summarised.final_reviewed_at,
        summarised.archived_at,
        -- P1: the deadline in force has passed without a reply on time to it
        {{ as_of_date() }} > coalesce(summarised.deadline, dated.first_deadline)
        and not (coalesce(summarised.has_current_reply, false) and coalesce(summarised.reply_on_time, false))
            as is_deadline_missed,
        {{ as_of() }} as as_of
    from tasks as dated
    left join summarised
        on summarised.task_no = dated.task_no
    left join units
        on units.department_code = dated.target_department_code

)

select * from final
