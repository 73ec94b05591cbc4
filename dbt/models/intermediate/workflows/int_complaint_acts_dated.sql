-- W2 (S13-S15): each complaint with its first act of every kind and the deadline each must meet.
-- The office decides (accept or reject) within complaint_decision_wd WD of receipt and notifies a
-- real-name complainant within complaint_notify_wd WD of the decision; a transferred complaint's
-- result is due by the transfer's deadline_date (the department's timeliness, moved by the target
-- department's T9 exempt WD); the result is fed back to a real-name complainant within
-- complaint_feedback_wd WD of its report (the rule sets no limit: a setting). The office's own
-- deadlines move with city-wide windows only.
with complaints as (

    select * from {{ ref('stg_exchange__complaints') }}
    where received_at is not null

),

actions as (

    select * from {{ ref('stg_exchange__complaint_actions') }}
    where acted_at is not null

),

firsts as (

    select
        complaint_no,
        (array_agg(action order by acted_at, action_seq)
            filter (where action in ('accept', 'reject')))[1] as decision,
        min(acted_at) filter (where action in ('accept', 'reject')) as decided_at,
        (array_agg(reason order by acted_at, action_seq)
            filter (where action in ('accept', 'reject')))[1] as decision_reason,
        min(acted_at) filter (where action = 'notify') as notified_at,
        (array_agg(action order by acted_at, action_seq)
            filter (where action in ('self_handle', 'transfer')))[1] as handling,
        min(acted_at) filter (where action in ('self_handle', 'transfer')) as handled_at,
        (array_agg(deadline_date order by acted_at, action_seq)
            filter (where action = 'transfer'))[1] as transfer_deadline_date,
        min(acted_at) filter (where action = 'result_reported') as result_reported_at,
        min(acted_at) filter (where action = 'feedback') as result_fed_back_at
    from actions
    group by complaint_no

),

final as (

    select
        complaints.complaint_no,
        complaints.target_department_code,
        complaints.case_no,
        complaints.received_at,
        coalesce(complaints.is_real_name, false) as is_real_name,
        complaints.category,
        firsts.decision,
        firsts.decided_at,
        firsts.decision_reason,
        firsts.notified_at,
        firsts.handling,
        firsts.handled_at,
        firsts.result_reported_at,
        firsts.result_fed_back_at,
        {{ workflow_due_date("'ALL'", shanghai_date('complaints.received_at'),
            limit_wd=var('complaint_decision_wd')) }} as decision_due_date,
        case when firsts.decided_at is not null and complaints.is_real_name
            then {{ workflow_due_date("'ALL'", shanghai_date('firsts.decided_at'),
                limit_wd=var('complaint_notify_wd')) }}
        end as notify_due_date,
        case when firsts.handling = 'transfer' and firsts.transfer_deadline_date is not null
            then {{ workflow_due_date('complaints.target_department_code', shanghai_date('firsts.handled_at'),
                due_date='firsts.transfer_deadline_date') }}
        end as result_due_date,
        case when firsts.result_reported_at is not null and complaints.is_real_name
            then {{ workflow_due_date("'ALL'", shanghai_date('firsts.result_reported_at'),
                limit_wd=var('complaint_feedback_wd')) }}
        end as feedback_due_date
    from complaints
    left join firsts
        on firsts.complaint_no = complaints.complaint_no

)

select * from final
