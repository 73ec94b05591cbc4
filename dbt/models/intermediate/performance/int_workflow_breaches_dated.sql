-- P1's 督办 part (W1-W3): one row per breach that counts against a department, dated by when it was
-- due: a supervision task whose deadline in force passed without a reply on time to it (W1), a
-- transferred complaint whose result came late or not at all (W2), a department's catalogue-change
-- step done late or not at all: the declaration, the adjustment, the adjustment before the change
-- takes effect (W3; the review is the legal office's step, not the department's).
with supervision_tasks as (

    select * from {{ ref('supervision_tasks') }}

),

complaints as (

    select * from {{ ref('complaints') }}

),

catalogue_changes as (

    select * from {{ ref('catalogue_changes') }}

),

final as (

    select
        target_department_code as department_code,
        'W1' as rule_id,
        task_no as record_key,
        deadline as due_date
    from supervision_tasks
    where is_deadline_missed
    union all
    select
        target_department_code,
        'W2',
        complaint_no,
        result_due_date
    from complaints
    where handling = 'transfer' and result_on_time is false
    union all
    select
        catalogue_changes.department_code,
        'W3',
        catalogue_changes.request_id || '/' || steps.step,
        steps.due_date
    from catalogue_changes
    cross join lateral (
        values
            ('declare', catalogue_changes.declare_due_date, catalogue_changes.declared_on_time),
            ('adjust', catalogue_changes.adjust_due_date, catalogue_changes.adjusted_on_time),
            ('before_effect', catalogue_changes.adjust_latest_date, catalogue_changes.adjusted_before_effect)
    ) as steps (step, due_date, is_on_time)
    where steps.is_on_time is false

)

select * from final
