-- W1-W3 deadlines count like T2/T4 but without suspensions, and T9 exempt windows move them: one
-- row per unit and date (from disclosure_first_year on) with whether the unit's workflows count
-- the day (a working day outside every city-wide window and every window of that department) and a
-- running number of the days counted, so a deadline of N WD after a day is a lookup. Unit 'ALL' is
-- the city (city-wide windows only), for a unit the source list and the units seed do not know.
-- Indexed: every workflow deadline is a lookup here (macro workflow_due_date).
{{ config(indexes=[
    {'columns': ['department_code', 'calendar_date'], 'unique': true},
    {'columns': ['department_code', 'counted_number']},
]) }}
with calendar as (

    select * from {{ ref('int_calendar_days_numbered') }}
    where calendar_date >= make_date({{ var('disclosure_first_year') }}, 1, 1)

),

exemptions as (

    select * from {{ ref('stg_exchange__exemptions') }}
    where start_at is not null
        and scope in ('city', 'department')

),

units as (

    select department_code from {{ ref('units') }}
    union
    select department_code from {{ source('platform', 'sources') }}
    where department_code is not null
    union
    select 'ALL'

),

-- an open window runs to the evaluation date (T9)
exempt_days as (

    select distinct
        coalesce(exemptions.department_code, 'ALL') as department_code,
        exemptions.scope,
        calendar.calendar_date
    from exemptions
    inner join calendar
        on calendar.calendar_date between {{ shanghai_date('exemptions.start_at') }}
        and coalesce({{ shanghai_date('exemptions.end_at') }}, {{ as_of_date() }})
    where calendar.is_workday

),

-- a city-wide window exempts the day for every unit
exempt_unit_days as (

    select
        exempt_days.department_code,
        exempt_days.calendar_date
    from exempt_days
    where exempt_days.scope = 'department'
    union
    select
        units.department_code,
        exempt_days.calendar_date
    from exempt_days
    cross join units
    where exempt_days.scope = 'city'

),

days as (

    select
        units.department_code,
        calendar.calendar_date,
        calendar.workday_number,
        calendar.is_workday and exempt_unit_days.calendar_date is null as is_counted
    from units
    cross join calendar
    left join exempt_unit_days
        on exempt_unit_days.department_code = units.department_code
        and exempt_unit_days.calendar_date = calendar.calendar_date

),

final as (

    select
        department_code,
        calendar_date,
        workday_number,
        is_counted,
        (count(*) filter (where is_counted) over (
            partition by department_code order by calendar_date
        ))::integer as counted_number
    from days

)

select * from final
