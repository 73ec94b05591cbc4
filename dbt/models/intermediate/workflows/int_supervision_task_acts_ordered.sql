-- W1 (S20): every act on a supervision task in the order it happened, with the reply deadline in
-- force before and after it: a return with a new deadline replaces the deadline for the next reply
-- (moved by T9 exempt WD like the first one). A reply is on time when its Beijing date is on or
-- before the deadline in force when it came. An act out of the office's order is flagged for the
-- W1 findings: a return without a reason or a new deadline, a review before any reply, an archive
-- before the final review.
with tasks as (

    select * from {{ ref('int_supervision_tasks_dated') }}

),

actions as (

    select * from {{ ref('stg_exchange__supervision_task_actions') }}
    where acted_at is not null

),

ordered as (

    select
        actions.*,
        tasks.target_department_code,
        tasks.first_deadline,
        {{ shanghai_date('actions.acted_at') }} as acted_date,
        row_number() over (partition by actions.task_no order by actions.acted_at, actions.action_seq) as act_order,
        case when actions.action = 'return' and actions.new_deadline_date is not null
            then {{ workflow_due_date('tasks.target_department_code', shanghai_date('actions.acted_at'),
                due_date='actions.new_deadline_date') }}
        end as set_deadline
    from actions
    inner join tasks
        on tasks.task_no = actions.task_no

),

-- the deadline set by the latest return so far (a return without a new deadline changes nothing)
carried as (

    select
        ordered.*,
        count(set_deadline) over (partition by task_no order by act_order) as deadline_group
    from ordered

),

deadlines as (

    select
        carried.*,
        coalesce(
            first_value(set_deadline) over (partition by task_no, deadline_group order by act_order),
            first_deadline
        ) as deadline_after
    from carried

),

findings as (

    select
        deadlines.task_no,
        deadlines.action_seq,
        deadlines.act_order,
        deadlines.action,
        deadlines.acted_at,
        deadlines.acted_date,
        deadlines.actor,
        deadlines.reason,
        deadlines.new_deadline_date,
        deadlines.target_department_code,
        coalesce(
            lag(deadlines.deadline_after) over (partition by deadlines.task_no order by deadlines.act_order),
            deadlines.first_deadline
        ) as deadline_before,
        deadlines.deadline_after,
        case when deadlines.action = 'reply' then deadlines.acted_date <= coalesce(
            lag(deadlines.deadline_after) over (partition by deadlines.task_no order by deadlines.act_order),
            deadlines.first_deadline
        ) end as is_on_time,
        case
            when deadlines.action = 'return' and deadlines.reason is null and deadlines.new_deadline_date is null
                then '退办未说明理由且未给出新期限'
            when deadlines.action = 'return' and deadlines.reason is null then '退办未说明理由'
            when deadlines.action = 'return' and deadlines.new_deadline_date is null then '退办未给出新的回复期限'
            when deadlines.action in ('initial_review', 'final_review') and count(*) filter (
                where deadlines.action = 'reply'
            ) over (partition by deadlines.task_no order by deadlines.act_order) = 0
                then '部门回复前即审核'
            when deadlines.action = 'archive' and count(*) filter (
                where deadlines.action = 'final_review'
            ) over (partition by deadlines.task_no order by deadlines.act_order) = 0
                then '领导终审前即归档'
        end as finding_detail
    from deadlines

),

final as (

    select
        findings.*,
        -- W1's expectation (GX): true for an act in the office's order
        findings.finding_detail is null as is_in_order
    from findings

)

select * from final
