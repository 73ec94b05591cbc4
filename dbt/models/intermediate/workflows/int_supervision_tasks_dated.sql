-- W1 (O14): each supervision task with its Beijing issue date and its first reply deadline: the
-- task's deadline_date, or supervision_reply_wd WD after the issue day when it has none, both moved
-- by T9 exempt WD of the target department (macro workflow_due_date).
with tasks as (

    select * from {{ ref('stg_exchange__supervision_tasks') }}
    where issued_at is not null

),

final as (

    select
        tasks.*,
        {{ shanghai_date('tasks.issued_at') }} as issued_date,
        case
            when tasks.deadline_date is not null
                then {{ workflow_due_date('tasks.target_department_code', shanghai_date('tasks.issued_at'),
                    due_date='tasks.deadline_date') }}
            else {{ workflow_due_date('tasks.target_department_code', shanghai_date('tasks.issued_at'),
                limit_wd=var('supervision_reply_wd')) }}
        end as first_deadline
    from tasks

)

select * from final
