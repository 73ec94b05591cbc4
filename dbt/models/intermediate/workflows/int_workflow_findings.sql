-- W1-W3: one row per breach of a workflow rule, in the shape of the quality checks that
-- data_quality_findings collects (rule id, unit, record, when it was detected, a Chinese detail).
-- W1: a return without a reason or a new deadline, a review before any reply, an archive before
-- the final review. W2: every act of a complaint late or missing by its due date, a rejection
-- without a reason. W3: every catalogue-change step late or missing by its due date.
with task_acts as (

    select * from {{ ref('int_supervision_task_acts_ordered') }}

),

complaints as (

    select * from {{ ref('complaints') }}

),

catalogue_changes as (

    select * from {{ ref('catalogue_changes') }}

),

-- an act done late is detected when it came; one missing, the day after it was due
complaint_steps as (

    select
        complaints.target_department_code as department_code,
        complaints.complaint_no,
        complaints.case_no,
        steps.step,
        steps.step_zh,
        steps.acted_at,
        steps.due_date,
        steps.is_on_time
    from complaints
    cross join lateral (
        values
            ('decision', '受理决定', complaints.decided_at, complaints.decision_due_date,
                complaints.decision_on_time),
            ('notify', '书面告知实名投诉人', complaints.notified_at, complaints.notify_due_date,
                complaints.notified_on_time),
            ('result', '转办结果报送', complaints.result_reported_at, complaints.result_due_date,
                complaints.result_on_time),
            ('feedback', '结果反馈投诉人', complaints.result_fed_back_at, complaints.feedback_due_date,
                complaints.feedback_on_time)
    ) as steps (step, step_zh, acted_at, due_date, is_on_time)

),

change_steps as (

    select
        catalogue_changes.department_code,
        catalogue_changes.request_id,
        steps.step,
        steps.step_zh,
        steps.acted_at,
        steps.due_date,
        steps.is_on_time
    from catalogue_changes
    cross join lateral (
        values
            ('declare', '部门申报', catalogue_changes.declared_at, catalogue_changes.declare_due_date,
                catalogue_changes.declared_on_time),
            ('review', '法制机构答复', catalogue_changes.reviewed_at, catalogue_changes.review_due_date,
                catalogue_changes.review_on_time),
            ('adjust', '部门调整目录', catalogue_changes.adjusted_at, catalogue_changes.adjust_due_date,
                catalogue_changes.adjusted_on_time),
            ('before_effect', '生效前调整到位', catalogue_changes.adjusted_at, catalogue_changes.adjust_latest_date,
                catalogue_changes.adjusted_before_effect)
    ) as steps (step, step_zh, acted_at, due_date, is_on_time)

),

final as (

    select
        'W1' as rule_id,
        task_acts.target_department_code as department_code,
        'supervision_task_action' as record_type,
        task_acts.task_no || '/' || task_acts.action_seq as record_key,
        null::text as case_no,
        task_acts.acted_at as detected_at,
        '督办件' || task_acts.task_no || '：' || task_acts.finding_detail as detail
    from task_acts
    where task_acts.finding_detail is not null
    union all
    select
        'W2',
        complaints.target_department_code,
        'complaint',
        complaints.complaint_no || '/reject_reason',
        complaints.case_no,
        complaints.decided_at,
        '投诉' || complaints.complaint_no || '：不予受理未说明理由'
    from complaints
    where complaints.is_rejection_reasoned is false
    union all
    select
        'W2',
        complaint_steps.department_code,
        'complaint',
        complaint_steps.complaint_no || '/' || complaint_steps.step,
        complaint_steps.case_no,
        coalesce(complaint_steps.acted_at, (complaint_steps.due_date + 1)::timestamptz),
        '投诉' || complaint_steps.complaint_no || '：' || complaint_steps.step_zh
        || case when complaint_steps.acted_at is null then '逾期未办' else '超期' end
        || '（期限' || complaint_steps.due_date || '）'
    from complaint_steps
    where complaint_steps.is_on_time is false
    union all
    select
        'W3',
        change_steps.department_code,
        'power_change_request',
        change_steps.request_id || '/' || change_steps.step,
        null::text,
        coalesce(change_steps.acted_at, (change_steps.due_date + 1)::timestamptz),
        '权力事项变更' || change_steps.request_id || '：' || change_steps.step_zh
        || case when change_steps.acted_at is null then '逾期未办' else '超期' end
        || '（期限' || change_steps.due_date || '）'
    from change_steps
    where change_steps.is_on_time is false

)

select * from final
