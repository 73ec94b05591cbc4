-- T1: one row per date with whether it is a Chinese working day, where that comes from, and a
-- running working-day number, so working-day arithmetic is a lookup, never a loop.
-- Precedence: reviewed override seed > chinese-calendar package > plain Mon-Fri (provisional).
-- Indexed: every timeliness model looks dates up here, per case and per suspension.
{{ config(indexes=[
    {'columns': ['calendar_date'], 'unique': true},
    {'columns': ['workday_number']},
]) }}
with package_days as (

    select * from {{ source('platform', 'chinese_calendar') }}

),

overrides as (

    select * from {{ ref('calendar_overrides') }}

),

bounds as (

    -- Up to two years past the evaluation date, so due dates of
    -- 20-WD cases accepted late in a year always find their day.
    select
        -- 1970 so even impossible timestamps (Q8) find a row instead of vanishing in a join.
        date '1970-01-01' as first_date,
        greatest(max(calendar_date), make_date(extract(year from {{ as_of_date() }})::integer + 2, 12, 31))
            as last_date
    from package_days

),

days as (

    select generate_series(first_date, last_date, interval '1 day')::date as calendar_date
    from bounds

),

classified as (

    select
        days.calendar_date,
        coalesce(overrides.is_workday, package_days.is_workday, extract(isodow from days.calendar_date) < 6)
            as is_workday,
        case
            when overrides.calendar_date is not null then 'override'
            when package_days.calendar_date is not null then 'chinese_calendar'
            else 'weekday_rule'
        end as calendar_source,
        overrides.calendar_date is null and package_days.calendar_date is null as is_provisional,
        overrides.notice
    from days
    left join package_days on package_days.calendar_date = days.calendar_date
    left join overrides on overrides.calendar_date = days.calendar_date

),

final as (

    select
        *,
        -- Working days up to and including this date: elapsed WD between two dates is a difference.
        sum(case when is_workday then 1 else 0 end) over (order by calendar_date)::integer as workday_number,
        -- Provisional days up to and including this date: a range used one iff the count grows.
        sum(case when is_provisional then 1 else 0 end) over (order by calendar_date)::integer
            as provisional_day_number
    from classified

)

select * from final
