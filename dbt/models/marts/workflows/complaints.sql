-- W2 (S13-S15): one row per complaint as of the run: the office's decision (accept or reject) and
-- its timeliness, the written notice to a real-name complainant, the handling (by the office or
-- transferred to the department), the transferred complaint's result against its deadline (the
-- department's timeliness), and the feedback to the complainant. An on-time column is null while
-- its act is neither done nor due; an act not done by its due date is late (false).
-- The complaint's content is not here: only the city office may read it (raw layer).
with complaints as (

    select * from {{ ref('int_complaint_acts_dated') }}

),

units as (

    select * from {{ ref('units') }}

),

final as (

    select
        complaints.complaint_no,
        complaints.target_department_code,
        coalesce(units.name_zh, complaints.target_department_code) as target_department_name,
        complaints.case_no,
        complaints.category,
        complaints.received_at,
        complaints.is_real_name,
        complaints.decision,
        complaints.decided_at,
        complaints.decision_reason,
        -- S14: a rejection states its reason (null for an acceptance)
        case when complaints.decision = 'reject' then complaints.decision_reason is not null end
            as is_rejection_reasoned,
        complaints.decision_due_date,
        {{ on_time('complaints.decided_at', 'complaints.decision_due_date') }} as decision_on_time,
        complaints.notified_at,
        complaints.notify_due_date,
        {{ on_time('complaints.notified_at', 'complaints.notify_due_date') }} as notified_on_time,
        complaints.handling,
        complaints.result_due_date,
        complaints.result_reported_at,
        {{ on_time('complaints.result_reported_at', 'complaints.result_due_date') }} as result_on_time,
        complaints.result_fed_back_at,
        complaints.feedback_due_date,
        {{ on_time('complaints.result_fed_back_at', 'complaints.feedback_due_date') }} as feedback_on_time,
        {{ as_of() }} as as_of
    from complaints
    left join units
        on units.department_code = complaints.target_department_code

)

select * from final
