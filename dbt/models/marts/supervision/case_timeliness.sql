-- One row per case: elapsed and remaining working days, due dates and the T5/T6 status.
-- T2: the acceptance day is not counted; a limit of N WD ends with the N-th WD after it.
-- T3: suspended WD do not count and move the due date; T8: extensions lengthen the legal limit.
-- T9: exempt WD are reported beside the facts (they change no count, date or status); a case late
-- only because of them is marked so cards and scores can skip it.
-- Kept incrementally with the cases int_cases_measured recomputed (ADR 0006): a completed case's
-- row stays as the run that computed it (its as_of) left it.
{{ config(
    materialized='incremental',
    incremental_strategy='replace_cases',
    on_schema_change='append_new_columns',
    post_hook="{{ unique_key_index(['case_no', 'department_code']) }}",
) }}
with cases as (

    select * from {{ ref('int_cases_measured') }}
    where true
        {{ recomputed_cases_only() }}

),

suspension_periods as (

    select * from {{ ref('int_case_suspensions_merged') }}
    where true
        {{ recomputed_cases_only() }}

),

exemption_totals as (

    select * from {{ ref('int_case_exemptions_counted') }}
    where true
        {{ recomputed_cases_only() }}

),

calendar as (

    select * from {{ ref('int_calendar_days_numbered') }}

),

workdays as (

    select * from calendar
    where is_workday

),

suspension_totals as (

    select
        suspension_periods.department_code,
        suspension_periods.case_no,
        sum(suspension_periods.removed_wd)::integer as suspended_wd,
        sum(case when {{ moves_due_date('suspension_periods', 'cases.promised_limit_wd') }}
            then suspension_periods.removed_wd else 0 end)::integer as promised_shift_wd,
        sum(case when {{ moves_due_date('suspension_periods', 'cases.legal_limit_wd + cases.extension_wd') }}
            then suspension_periods.removed_wd else 0 end)::integer as legal_shift_wd
    from suspension_periods
    inner join cases
        on cases.department_code = suspension_periods.department_code
        and cases.case_no = suspension_periods.case_no
    group by suspension_periods.department_code, suspension_periods.case_no

),

counted as (

    select
        cases.*,
        coalesce(suspension_totals.suspended_wd, 0) as suspended_wd,
        coalesce(exemption_totals.exempt_wd, 0) as exempt_wd,
        accepted_day.workday_number as accepted_day_number,
        measured_day.workday_number - accepted_day.workday_number
            - coalesce(suspension_totals.suspended_wd, 0) as elapsed_wd,
        cases.measured_on - cases.accepted_date as elapsed_calendar_days,
        accepted_day.workday_number + cases.promised_limit_wd
            + coalesce(suspension_totals.promised_shift_wd, 0) as promised_due_day_number,
        accepted_day.workday_number + cases.legal_limit_wd + cases.extension_wd
            + coalesce(suspension_totals.legal_shift_wd, 0) as legal_due_day_number,
        accepted_day.provisional_day_number as accepted_provisional_number
    from cases
    left join calendar as accepted_day on accepted_day.calendar_date = cases.accepted_date
    left join calendar as measured_day on measured_day.calendar_date = cases.measured_on
    left join suspension_totals
        on suspension_totals.department_code = cases.department_code
        and suspension_totals.case_no = cases.case_no
    left join exemption_totals
        on exemption_totals.department_code = cases.department_code
        and exemption_totals.case_no = cases.case_no

),

dated as (

    select
        counted.*,
        promised_due.calendar_date as promised_due_date,
        legal_due.calendar_date as legal_due_date,
        -- T9: the promised due date had the exempt WD not counted
        exempt_due.calendar_date as exempt_adjusted_due_date
    from counted
    left join workdays as promised_due on promised_due.workday_number = counted.promised_due_day_number
    left join workdays as legal_due on legal_due.workday_number = counted.legal_due_day_number
    left join workdays as exempt_due
        on exempt_due.workday_number = counted.promised_due_day_number + counted.exempt_wd

),

classified as (

    select
        dated.*,
        case
            -- no power found for the case (unknown code, Q5): no limit, nothing to judge
            when promised_due_date is null then null
            -- completed before it was accepted: impossible timestamps (Q8), nothing to judge
            when is_completed and completion_date < accepted_date then null
            when is_completed and completion_date < promised_due_date then 'completed_early'
            when is_completed and completion_date = promised_due_date then 'completed_on_time'
            when is_completed then 'completed_late'
            when {{ as_of_date() }} > promised_due_date then 'overdue'
            when promised_limit_wd - elapsed_wd <= ceil(promised_limit_wd * (
                case when is_risk_point then {{ var('risk_point_approaching_share') }}
                    else {{ var('approaching_share') }} end))
                then 'approaching'
            else 'in_progress'
        end as status,
        legal_due_date is not null and measured_on > legal_due_date as legal_overdue
    from dated

),

judged as (

    select
        classified.*,
        classified.status in ('completed_late', 'overdue')
            and classified.exempt_wd > 0
            and classified.measured_on <= classified.exempt_adjusted_due_date as late_only_because_exempt
    from classified

),

final as (

    select
        judged.department_code,
        judged.department_name,
        judged.case_no,
        judged.power_code,
        judged.power_name,
        judged.power_category,
        judged.is_risk_point,
        judged.channel,
        judged.accepted_at,
        judged.accepted_date,
        judged.completed_at,
        judged.completion_date,
        judged.promised_limit_wd,
        judged.legal_limit_wd,
        judged.extension_wd,
        judged.suspended_wd,
        judged.exempt_wd,
        judged.elapsed_wd,
        case when not judged.is_completed
            then judged.promised_limit_wd - judged.elapsed_wd end as remaining_wd,
        judged.elapsed_calendar_days,
        judged.promised_due_date,
        judged.legal_due_date,
        judged.status,
        case judged.status
            when 'in_progress' then '办理中(绿灯)'
            when 'approaching' then '临近时限(黄灯)'
            when 'overdue' then '已超期(红灯)'
            when 'completed_early' then '提前办结'
            when 'completed_on_time' then '按时办结'
            when 'completed_late' then '超期办结'
            else case when judged.promised_due_date is null then '无法判定(事项未知)' else '无法判定(时间异常)' end
        end as status_label,
        judged.legal_overdue,
        judged.late_only_because_exempt,
        -- T1: a day the calendar sources do not cover was counted as Mon-Fri somewhere in this case.
        last_day.provisional_day_number > judged.accepted_provisional_number as calendar_provisional,
        {{ as_of() }} as as_of
    from judged
    left join calendar as last_day
        on last_day.calendar_date = greatest(
            judged.measured_on, judged.promised_due_date, judged.legal_due_date
        )

)

select * from final
