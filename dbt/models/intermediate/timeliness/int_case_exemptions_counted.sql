-- T9 (S25): working days inside no-fault exempt windows registered by the supervision office
-- (system failure, force majeure, conflicting laws: city-wide or per department; applicant fraud:
-- per case). A window covers the WD d with start date <= d <= end date (an open one runs to the
-- evaluation date); only WD the case counts (after acceptance, up to its measure date, not
-- already removed by a suspension, T3) are exempt, each once however many windows cover it.
-- Kept incrementally with the cases int_cases_measured recomputed (ADR 0006).
{{ config(
    materialized='incremental',
    incremental_strategy='replace_cases',
    on_schema_change='append_new_columns',
) }}
with exemptions as (

    select * from {{ ref('stg_exchange__exemptions') }}

),

-- Narrow: read three times, and at 3M cases the whole rows no longer fit in memory.
cases as (

    select department_code, case_no, accepted_date, measured_on
    from {{ ref('int_cases_measured') }}
    where true
        {{ recomputed_cases_only() }}

),

suspension_periods as (

    select * from {{ ref('int_case_suspensions_merged') }}
    where true
        {{ recomputed_cases_only() }}

),

calendar as (

    select * from {{ ref('int_calendar_days_numbered') }}

),

windows as (

    select
        scope,
        department_code,
        case_no,
        {{ shanghai_date('start_at') }} as start_date,
        coalesce({{ shanghai_date('end_at') }}, {{ as_of_date() }}) as end_date
    from exemptions
    where start_at is not null
        and scope in ('city', 'department', 'case')

),

-- The few city-wide windows on their own: joined to every case, the planner would otherwise scan
-- all windows (case windows grow with the city) once per case, quadratic in the city's size.
city_windows as materialized (

    select start_date, end_date from windows
    where scope = 'city'

),

-- One join per scope, so each is an equality (hash) join.
covered as (

    select cases.department_code, cases.case_no, cases.accepted_date, cases.measured_on, city_windows.start_date, city_windows.end_date
    from cases
    cross join city_windows

    union all

    select cases.department_code, cases.case_no, cases.accepted_date, cases.measured_on, windows.start_date, windows.end_date
    from cases
    inner join windows
        on windows.department_code = cases.department_code
    where windows.scope = 'department'

    union all

    select cases.department_code, cases.case_no, cases.accepted_date, cases.measured_on, windows.start_date, windows.end_date
    from cases
    inner join windows
        on windows.department_code = cases.department_code
        and windows.case_no = cases.case_no
    where windows.scope = 'case'

),

overlapping as (

    select
        department_code,
        case_no,
        greatest(start_date, accepted_date + 1) as start_date,
        least(end_date, measured_on) as end_date
    from covered
    where start_date <= measured_on
        and end_date > accepted_date

),

exempt_days as (

    select distinct
        overlapping.department_code,
        overlapping.case_no,
        calendar.calendar_date
    from overlapping
    inner join calendar
        on calendar.calendar_date between overlapping.start_date and overlapping.end_date
    where calendar.is_workday

),

final as (

    select
        exempt_days.department_code,
        exempt_days.case_no,
        count(*)::integer as exempt_wd,
        {{ as_of() }} as as_of
    from exempt_days
    where not exists (
        select 1
        from suspension_periods
        where suspension_periods.department_code = exempt_days.department_code
            and suspension_periods.case_no = exempt_days.case_no
            and exempt_days.calendar_date > suspension_periods.start_date
            and exempt_days.calendar_date <= suspension_periods.end_date
    )
    group by exempt_days.department_code, exempt_days.case_no

)

select * from final
