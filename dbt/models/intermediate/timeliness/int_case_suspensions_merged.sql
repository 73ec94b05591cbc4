-- T3: a case's suspensions as disjoint periods (overlaps merged, so no WD is removed twice),
-- each removing the WD d with start_date < d <= end_date; an open one runs to the measure date.
-- Kept incrementally with the cases int_cases_measured recomputed (ADR 0006).
{{ config(
    materialized='incremental',
    incremental_strategy='replace_cases',
    on_schema_change='append_new_columns',
) }}
with suspensions as (

    select * from {{ ref('stg_exchange__case_suspensions') }}
    where true
        {{ recomputed_cases_only() }}

),

cases as (

    select * from {{ ref('int_cases_measured') }}
    where true
        {{ recomputed_cases_only() }}

),

calendar as (

    select * from {{ ref('int_calendar_days_numbered') }}

),

bounded as (

    select
        suspensions.department_code,
        suspensions.case_no,
        greatest({{ shanghai_date('suspensions.started_at') }}, cases.accepted_date) as start_date,
        least(coalesce({{ shanghai_date('suspensions.ended_at') }}, cases.measured_on), cases.measured_on)
            as end_date
    from suspensions
    inner join cases
        on cases.department_code = suspensions.department_code
        and cases.case_no = suspensions.case_no

),

ordered as (

    select
        *,
        max(end_date) over (
            partition by department_code, case_no
            order by start_date, end_date
            rows between unbounded preceding and 1 preceding
        ) as previous_end_date
    from bounded
    where end_date > start_date

),

islands as (

    select
        *,
        sum(case when previous_end_date is null or start_date >= previous_end_date then 1 else 0 end) over (
            partition by department_code, case_no
            order by start_date, end_date
            rows unbounded preceding
        ) as period_number
    from ordered

),

merged as (

    select
        department_code,
        case_no,
        period_number,
        min(start_date) as start_date,
        max(end_date) as end_date
    from islands
    group by department_code, case_no, period_number

),

acceptance_days as (

    select
        cases.department_code,
        cases.case_no,
        calendar.workday_number as accepted_day_number
    from cases
    inner join calendar on calendar.calendar_date = cases.accepted_date

),

final as (

    select
        merged.department_code,
        merged.case_no,
        merged.period_number,
        merged.start_date,
        merged.end_date,
        end_day.workday_number - start_day.workday_number as removed_wd,
        start_day.is_workday as starts_on_workday,
        -- WD the case had used when this period began (earlier periods removed): whether it moves a
        -- due date (macro moves_due_date).
        start_day.workday_number - acceptance_days.accepted_day_number
            - coalesce(sum(end_day.workday_number - start_day.workday_number) over (
                partition by merged.department_code, merged.case_no
                order by merged.period_number
                rows between unbounded preceding and 1 preceding
            ), 0) as used_wd_at_start,
        {{ as_of() }} as as_of
    from merged
    inner join calendar as start_day on start_day.calendar_date = merged.start_date
    inner join calendar as end_day on end_day.calendar_date = merged.end_date
    inner join acceptance_days
        on acceptance_days.department_code = merged.department_code
        and acceptance_days.case_no = merged.case_no

)

select * from final
