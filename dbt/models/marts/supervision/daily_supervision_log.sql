-- L (S21): the daily supervision log — per day and department, and for the city
-- (department_code = 'ALL'): what was accepted and completed that day, what was in progress,
-- approaching (T6) and overdue (T6) at 24:00, supervision tasks the office started itself (自发督办)
-- and department replies that arrived (反馈督办), the ratios, and the day's events uploaded more
-- than 24 hours late (Q1). The last day is counted up to the evaluation time.
-- Incremental: a run rebuilds only the days of its look-back window (a late upload restates the
-- day it belongs to) plus any day not logged yet; older days keep the rows an earlier run wrote.
{{ config(
    materialized='incremental',
    unique_key=['log_date', 'department_code'],
    incremental_strategy='delete+insert',
    pre_hook="{% if is_incremental() %}delete from {{ this }} where log_date > {{ as_of_date() }}{% endif %}",
) }}

with cases as (

    select * from {{ ref('int_cases_measured') }}

),

timeliness as (

    select * from {{ ref('case_timeliness') }}

),

suspension_periods as (

    select * from {{ ref('int_case_suspensions_merged') }}

),

calendar as (

    select * from {{ ref('int_calendar_days_numbered') }}

),

workdays as (

    select * from calendar
    where is_workday

),

uploads as (

    select * from {{ ref('upload_timeliness') }}

),

tasks as (

    select * from {{ ref('stg_exchange__supervision_tasks') }}

),

task_actions as (

    select * from {{ ref('stg_exchange__supervision_task_actions') }}

),

sources as (

    select * from {{ source('platform', 'sources') }}

),

window_bounds as (

    select
        {% if is_incremental() -%}
        -- the look-back window, and any day between the last logged one and it
        least(
            {{ as_of_date() }} - {{ var('daily_log_lookback_days') }},
            coalesce((select max(log_date) + 1 from {{ this }}), {{ as_of_date() }})
        ) as first_day,
        {%- else -%}
        (select min(accepted_date) from cases where accepted_date > date '2000-01-01') as first_day,
        {%- endif %}
        {{ as_of_date() }} as last_day

),

days as (

    select generate_series(first_day, last_day, interval '1 day')::date as log_date
    from window_bounds

),

departments as (

    select department_code from sources where kind = 'department'
    union
    select department_code from cases

),

-- Each case open at 24:00 on some logged day (accepted on or before, not completed by then), with
-- its first and last such day inside the window. A case on an unknown power (no limit) is open,
-- but never approaching or overdue.
open_cases as (

    select
        cases.department_code,
        cases.case_no,
        greatest(cases.accepted_date, window_bounds.first_day) as first_open_day,
        least(coalesce(cases.completion_date - 1, window_bounds.last_day), window_bounds.last_day)
            as last_open_day,
        cases.promised_limit_wd,
        cases.is_risk_point,
        accepted_day.workday_number as accepted_day_number,
        -- T6: the WD from which the case is approaching unless a suspension delays it
        accepted_day.workday_number + cases.promised_limit_wd
            - ceil(cases.promised_limit_wd * (
                case when cases.is_risk_point then {{ var('risk_point_approaching_share') }}
                    else {{ var('approaching_share') }} end))::integer as warning_day_number
    from cases
    cross join window_bounds
    inner join calendar as accepted_day on accepted_day.calendar_date = cases.accepted_date
    where greatest(cases.accepted_date, window_bounds.first_day)
        <= least(coalesce(cases.completion_date - 1, window_bounds.last_day), window_bounds.last_day)

),

suspended_cases as (

    select distinct department_code, case_no from suspension_periods

),

-- Without a suspension a case's light changes on two dates only (T6): approaching from the day its
-- remaining WD reach the warning share, overdue from the day after its due date (a later WD, or a
-- rest day after the due WD). So its lights are spans of days, not one row per day.
unsuspended_spans as (

    select
        open_cases.department_code,
        open_cases.first_open_day,
        open_cases.last_open_day,
        -- null (never) without a limit; greatest and least skip nulls, hence the cases
        case when warning_day.calendar_date is not null
            then greatest(open_cases.first_open_day, warning_day.calendar_date) end as first_approaching_day,
        -- a due date beyond the calendar: approaching to the end, never overdue
        least(open_cases.last_open_day, due_day.calendar_date) as last_approaching_day,
        case when due_day.calendar_date is not null
            then greatest(open_cases.first_open_day, due_day.calendar_date + 1) end as first_overdue_day
    from open_cases
    left join workdays as due_day
        on due_day.workday_number = open_cases.accepted_day_number + open_cases.promised_limit_wd
    left join workdays as warning_day on warning_day.workday_number = open_cases.warning_day_number
    where not exists (
        select 1 from suspended_cases
        where suspended_cases.department_code = open_cases.department_code
            and suspended_cases.case_no = open_cases.case_no
    )

),

-- +1 on a span's first day, -1 on the day after its last: a running sum over the days counts
-- the spans that cover each day.
span_edges as (

    select department_code, first_open_day as log_date, 1 as open_change, 0 as approaching_change, 0 as overdue_change
    from open_cases
    union all
    select department_code, last_open_day + 1, -1, 0, 0
    from open_cases
    union all
    select department_code, first_approaching_day, 0, 1, 0
    from unsuspended_spans
    where first_approaching_day <= last_approaching_day
    union all
    select department_code, last_approaching_day + 1, 0, -1, 0
    from unsuspended_spans
    where first_approaching_day <= last_approaching_day
    union all
    select department_code, first_overdue_day, 0, 0, 1
    from unsuspended_spans
    where first_overdue_day <= last_open_day
    union all
    select department_code, last_open_day + 1, 0, 0, -1
    from unsuspended_spans
    where first_overdue_day <= last_open_day

),

span_changes as (

    select
        department_code,
        log_date,
        sum(open_change) as open_change,
        sum(approaching_change) as approaching_change,
        sum(overdue_change) as overdue_change
    from span_edges
    group by department_code, log_date

),

span_counts as (

    select
        days.log_date,
        departments.department_code,
        sum(coalesce(span_changes.open_change, 0)) over running as in_progress_eod,
        sum(coalesce(span_changes.approaching_change, 0)) over running as approaching_eod,
        sum(coalesce(span_changes.overdue_change, 0)) over running as overdue_eod
    from days
    cross join departments
    left join span_changes
        on span_changes.department_code = departments.department_code
        and span_changes.log_date = days.log_date
    window running as (partition by departments.department_code order by days.log_date)

),

-- T3 as the data shows it that day: a suspended case's WD suspended up to the day, and the part
-- that moves its due date. Each merged period governs the case's days after its start up to the
-- next period's start; the periods before it count whole (merged periods are disjoint).
suspension_segments as (

    select
        department_code,
        case_no,
        start_date,
        lead(start_date) over case_periods as next_start_date,
        start_day_number,
        end_day_number,
        moves_due_date,
        coalesce(sum(removed_wd) over earlier_periods, 0) as removed_before,
        coalesce(sum(case when moves_due_date then removed_wd else 0 end) over earlier_periods, 0)
            as shift_before
    from (
        select
            suspension_periods.department_code,
            suspension_periods.case_no,
            suspension_periods.start_date,
            suspension_periods.removed_wd,
            period_start.workday_number as start_day_number,
            period_end.workday_number as end_day_number,
            {{ moves_due_date('suspension_periods', 'cases.promised_limit_wd') }} as moves_due_date
        from suspension_periods
        inner join cases
            on cases.department_code = suspension_periods.department_code
            and cases.case_no = suspension_periods.case_no
        inner join calendar as period_start on period_start.calendar_date = suspension_periods.start_date
        inner join calendar as period_end on period_end.calendar_date = suspension_periods.end_date
    ) as periods
    window
        case_periods as (partition by department_code, case_no order by start_date),
        earlier_periods as (case_periods rows between unbounded preceding and 1 preceding)

),

-- One row per suspended case and day it was open from its warning day on, with the suspension as
-- the data showed it then. A suspension only removes elapsed WD and moves the due date later, so
-- before the day it would be approaching without one the case is neither approaching nor overdue;
-- without a limit (or with a warning day beyond the calendar) it never is. Starting there skips
-- 0.9M of the 3.3M case-days of a 1M-case city.
suspended_case_days as (

    select
        open_cases.department_code,
        open_day.day::date as log_date,
        day.workday_number as day_number,
        day.is_workday,
        open_cases.accepted_day_number,
        open_cases.promised_limit_wd,
        open_cases.is_risk_point,
        -- the governing period's WD up to the day (the calendar number is monotone, so the
        -- number of min(end, day) is the smaller number)
        coalesce(segment.removed_before
            + least(segment.end_day_number, day.workday_number) - segment.start_day_number, 0) as suspended_wd,
        coalesce(segment.shift_before
            + case when segment.moves_due_date
                then least(segment.end_day_number, day.workday_number) - segment.start_day_number
                else 0 end, 0) as shift_wd
    from open_cases
    inner join suspended_cases
        on suspended_cases.department_code = open_cases.department_code
        and suspended_cases.case_no = open_cases.case_no
    inner join workdays as warning_day on warning_day.workday_number = open_cases.warning_day_number
    cross join lateral generate_series(
        greatest(open_cases.first_open_day, warning_day.calendar_date), open_cases.last_open_day, interval '1 day'
    ) as open_day (day)
    inner join calendar as day on day.calendar_date = open_day.day::date
    left join suspension_segments as segment
        on segment.department_code = open_cases.department_code
        and segment.case_no = open_cases.case_no
        and segment.start_date < open_day.day::date
        and (segment.next_start_date is null or open_day.day::date <= segment.next_start_date)

),

suspended_case_day_lights as (

    select
        department_code,
        log_date,
        day_number - accepted_day_number - suspended_wd as elapsed_wd,
        accepted_day_number + promised_limit_wd + shift_wd as due_day_number,
        day_number,
        is_workday,
        promised_limit_wd,
        is_risk_point
    from suspended_case_days

),

suspended_counts as (

    select
        department_code,
        log_date,
        -- past the due date: a later WD, or a rest day after the due WD
        count(*) filter (where day_number > due_day_number or (day_number = due_day_number and not is_workday))
            as overdue_eod,
        count(*) filter (
            where not (day_number > due_day_number or (day_number = due_day_number and not is_workday))
                and promised_limit_wd - elapsed_wd <= ceil(promised_limit_wd * (
                    case when is_risk_point then {{ var('risk_point_approaching_share') }}
                        else {{ var('approaching_share') }} end))
        ) as approaching_eod
    from suspended_case_day_lights
    group by department_code, log_date

),

open_at_midnight as (

    select
        span_counts.department_code,
        span_counts.log_date,
        span_counts.in_progress_eod,
        span_counts.approaching_eod + coalesce(suspended_counts.approaching_eod, 0) as approaching_eod,
        span_counts.overdue_eod + coalesce(suspended_counts.overdue_eod, 0) as overdue_eod
    from span_counts
    left join suspended_counts
        on suspended_counts.department_code = span_counts.department_code
        and suspended_counts.log_date = span_counts.log_date

),

accepted as (

    select department_code, accepted_date as log_date, count(*) as accepted
    from timeliness
    -- only the logged days: an incremental run then counts a week, not the whole history
    where accepted_date >= (select window_bounds.first_day from window_bounds)
    group by department_code, accepted_date

),

completed as (

    select
        department_code,
        completion_date as log_date,
        count(*) as completed,
        count(*) filter (where status = 'completed_early') as completed_early
    from timeliness
    where completion_date >= (select window_bounds.first_day from window_bounds)
    group by department_code, completion_date

),

self_initiated as (

    select target_department_code as department_code, {{ shanghai_date('issued_at') }} as log_date, count(*) as tasks
    from tasks
    where origin = 'self'
    group by 1, 2

),

feedback as (

    select tasks.target_department_code as department_code, {{ shanghai_date('task_actions.acted_at') }} as log_date,
        count(*) as replies
    from task_actions
    inner join tasks on tasks.task_no = task_actions.task_no
    where task_actions.action = 'reply'
    group by 1, 2

),

late_events as (

    select department_code, occurred_date as log_date, count(*) filter (where is_late) as late_events
    from uploads
    where occurred_date >= (select window_bounds.first_day from window_bounds)
    group by department_code, occurred_date

),

per_department as (

    select
        days.log_date,
        departments.department_code,
        coalesce(accepted.accepted, 0) as accepted,
        coalesce(completed.completed, 0) as completed,
        coalesce(open_at_midnight.in_progress_eod, 0) as in_progress_eod,
        coalesce(completed.completed_early, 0) as completed_early,
        coalesce(open_at_midnight.approaching_eod, 0) as approaching_eod,
        coalesce(open_at_midnight.overdue_eod, 0) as overdue_eod,
        coalesce(self_initiated.tasks, 0) as supervision_self_initiated,
        coalesce(feedback.replies, 0) as supervision_feedback,
        coalesce(late_events.late_events, 0) as late_upload_events
    from days
    cross join departments
    left join accepted
        on accepted.department_code = departments.department_code and accepted.log_date = days.log_date
    left join completed
        on completed.department_code = departments.department_code and completed.log_date = days.log_date
    left join open_at_midnight
        on open_at_midnight.department_code = departments.department_code
        and open_at_midnight.log_date = days.log_date
    left join self_initiated
        on self_initiated.department_code = departments.department_code
        and self_initiated.log_date = days.log_date
    left join feedback
        on feedback.department_code = departments.department_code and feedback.log_date = days.log_date
    left join late_events
        on late_events.department_code = departments.department_code and late_events.log_date = days.log_date

),

with_city as (

    select * from per_department

    union all

    select
        log_date,
        'ALL' as department_code,
        sum(accepted),
        sum(completed),
        sum(in_progress_eod),
        sum(completed_early),
        sum(approaching_eod),
        sum(overdue_eod),
        sum(supervision_self_initiated),
        sum(supervision_feedback),
        sum(late_upload_events)
    from per_department
    group by log_date

),

final as (

    select
        with_city.log_date,
        with_city.department_code,
        case when with_city.department_code = 'ALL' then '全市' else coalesce(units.name_zh, with_city.department_code)
            end as department_name,
        with_city.accepted::integer as accepted,
        with_city.completed::integer as completed,
        with_city.in_progress_eod::integer as in_progress_eod,
        with_city.completed_early::integer as completed_early,
        with_city.approaching_eod::integer as approaching_eod,
        with_city.overdue_eod::integer as overdue_eod,
        with_city.supervision_self_initiated::integer as supervision_self_initiated,
        with_city.supervision_feedback::integer as supervision_feedback,
        with_city.late_upload_events::integer as late_upload_events,
        round(with_city.completed_early::numeric / nullif(with_city.completed, 0), 4) as early_completion_rate,
        round(with_city.overdue_eod::numeric / nullif(with_city.in_progress_eod, 0), 4) as overdue_rate,
        round(with_city.approaching_eod::numeric / nullif(with_city.in_progress_eod, 0), 4) as approaching_rate,
        {{ as_of() }} as as_of
    from with_city
    left join {{ ref('units') }} as units on units.department_code = with_city.department_code

)

select * from final
