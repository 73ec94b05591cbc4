-- A4 (S12): the dashboard's card trends, one row per day x department x rule (plus department 'ALL'
-- for the city) from the first issue day to the evaluation date: cards issued (by issue day), turned
-- red, corrected, revoked (by revocation day), and the yellow and red cards open at the end of the
-- day. Cards never issued (T9: exempt by their issue day) are not counted. Open counts are running
-- sums of entries minus exits, so the cost grows with cards plus days, not cards times days.
with cards as (

    select * from {{ ref('cards') }}
    where is_issued

),

both_levels as (

    select department_code, rule_id, issued_on, red_on, corrected_on, revoked_on from cards
    union all
    select 'ALL' as department_code, rule_id, issued_on, red_on, corrected_on, revoked_on from cards

),

events as (

    -- a card is yellow from its issue day until it turns red, is corrected or revoked; red from its
    -- red day until it is corrected or revoked (an exit on day d: not open at the end of d)
    select department_code, rule_id, issued_on as calendar_date, 'issued' as event from both_levels
    union all
    select department_code, rule_id, red_on, 'turned_red' from both_levels where red_on is not null
    union all
    select department_code, rule_id, corrected_on, 'corrected' from both_levels where corrected_on is not null
    union all
    select department_code, rule_id, revoked_on, 'revoked' from both_levels where revoked_on is not null
    union all
    select department_code, rule_id, greatest(least(red_on, corrected_on, revoked_on), issued_on), 'yellow_out'
    from both_levels
    where coalesce(red_on, corrected_on, revoked_on) is not null
    union all
    select department_code, rule_id, greatest(least(corrected_on, revoked_on), red_on), 'red_out'
    from both_levels
    where red_on is not null and coalesce(corrected_on, revoked_on) is not null

),

per_day as (

    select
        department_code,
        rule_id,
        calendar_date,
        count(*) filter (where event = 'issued')::integer as issued,
        count(*) filter (where event = 'turned_red')::integer as turned_red,
        count(*) filter (where event = 'corrected')::integer as corrected,
        count(*) filter (where event = 'revoked')::integer as revoked,
        count(*) filter (where event = 'yellow_out')::integer as yellow_out,
        count(*) filter (where event = 'red_out')::integer as red_out
    from events
    where calendar_date <= {{ as_of_date() }}
    group by department_code, rule_id, calendar_date

),

series as (

    select
        groups.department_code,
        groups.rule_id,
        day::date as calendar_date
    from (
        select
            department_code,
            rule_id,
            min(issued_on) as first_issued_on
        from both_levels
        group by department_code, rule_id
    ) as groups
    cross join lateral generate_series(groups.first_issued_on, {{ as_of_date() }}, interval '1 day') as day

),

filled as (

    select
        series.calendar_date,
        series.department_code,
        series.rule_id,
        coalesce(per_day.issued, 0) as issued,
        coalesce(per_day.turned_red, 0) as turned_red,
        coalesce(per_day.corrected, 0) as corrected,
        coalesce(per_day.revoked, 0) as revoked,
        coalesce(per_day.yellow_out, 0) as yellow_out,
        coalesce(per_day.red_out, 0) as red_out
    from series
    left join per_day
        on per_day.department_code = series.department_code
        and per_day.rule_id = series.rule_id
        and per_day.calendar_date = series.calendar_date

),

final as (

    select
        calendar_date,
        department_code,
        rule_id,
        issued,
        turned_red,
        corrected,
        revoked,
        (sum(issued - yellow_out) over running)::integer as open_yellow_eod,
        (sum(turned_red - red_out) over running)::integer as open_red_eod,
        {{ as_of() }} as as_of
    from filled
    window running as (partition by department_code, rule_id order by calendar_date)

)

select * from final
