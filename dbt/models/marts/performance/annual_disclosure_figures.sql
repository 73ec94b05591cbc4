-- P3 (O29): per department and year, the figures its government information-disclosure annual
-- report publishes by 31 March of the next year: the catalogue (annual_disclosure_powers), cases
-- accepted and completed with their T5 statuses and mean working days, cards (A1-A4), supervision
-- tasks and complaints, uploads (Q1), the year's score and rank (P1, P2), and the case-derived cells
-- of table 二 of the national template (国办公开办函〔2021〕30号). A department has a year's row when
-- it had any figure that year. Provisional until the year has ended and the department's source and
-- the offices' sources have uploaded past 31 December.
with case_timeliness as (

    select * from {{ ref('case_timeliness') }}

),

cases_measured as (

    select * from {{ ref('int_cases_measured') }}

),

cards as (

    select * from {{ ref('cards') }}
    where is_issued

),

supervision_tasks as (

    select * from {{ ref('stg_exchange__supervision_tasks') }}

),

complaints as (

    select * from {{ ref('stg_exchange__complaints') }}

),

complaint_actions as (

    select * from {{ ref('stg_exchange__complaint_actions') }}

),

upload_timeliness_daily as (

    select * from {{ ref('upload_timeliness_daily') }}

),

catalogue as (

    select * from {{ ref('annual_disclosure_powers') }}

),

scores as (

    select * from {{ ref('performance_scores') }}
    where period_type = 'year' and unit_type = 'department'

),

horizons as (

    select * from {{ ref('int_source_upload_horizons') }}

),

units as (

    select * from {{ ref('units') }}

),

years as (

    select * from {{ ref('int_disclosure_years') }}

),

facts as (

    select
        year, department_code,
        sum(in_force) as powers_in_force, sum(added) as powers_added,
        sum(modified) as powers_modified, sum(cancelled) as powers_cancelled,
        0 as cases_accepted, 0 as cases_completed, 0 as completed_early, 0 as completed_on_time,
        0 as completed_late, 0 as measured_completions, 0 as wd_used_sum, 0 as promised_wd_sum,
        0 as yellow_cards, 0 as red_cards, 0 as cards_revoked, 0 as supervision_tasks,
        0 as complaints_received, 0 as complaints_accepted, 0 as events_uploaded, 0 as events_late,
        0 as t2_permit_decisions, 0 as t2_penalty_decisions, 0 as t2_enforcement_decisions,
        0 as fees_yuan
    from catalogue
    group by 1, 2
    union all
    select
        extract(year from accepted_date)::integer, department_code, 0, 0, 0, 0,
        count(*), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
    from case_timeliness
    group by 1, 2
    union all
    -- T5 statuses and the mean working days: over the completions with a T5 status
    select
        extract(year from completion_date)::integer, department_code, 0, 0, 0, 0, 0,
        count(*),
        count(*) filter (where status = 'completed_early'),
        count(*) filter (where status = 'completed_on_time'),
        count(*) filter (where status = 'completed_late'),
        count(*) filter (where status like 'completed_%'),
        coalesce(sum(elapsed_wd) filter (where status like 'completed_%'), 0),
        coalesce(sum(promised_limit_wd) filter (where status like 'completed_%'), 0),
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
    from case_timeliness
    where completion_date is not null
    group by 1, 2
    union all
    -- table 二: decisions are completions with a result other than withdrawn; fees over every completion
    select
        extract(year from completion_date)::integer, department_code, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        count(*) filter (where power_category = 'XK' and completion_result is distinct from 'withdrawn'),
        count(*) filter (where power_category = 'CF' and completion_result is distinct from 'withdrawn'),
        count(*) filter (where power_category = 'QZ' and completion_result is distinct from 'withdrawn'),
        coalesce(sum(fee_charged), 0)
    from cases_measured
    where completion_date is not null
    group by 1, 2
    union all
    -- A4: cards counted by issue day, by the day they turned red, and by revocation day
    select
        extract(year from card_days.on_date)::integer, cards.department_code, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0,
        count(*) filter (where card_days.kind = 'issued' and cards.is_active),
        count(*) filter (where card_days.kind = 'red' and cards.is_active),
        count(*) filter (where card_days.kind = 'revoked'),
        0, 0, 0, 0, 0, 0, 0, 0, 0
    from cards
    cross join lateral (
        values (cards.issued_on, 'issued'), (cards.red_on, 'red'), (cards.revoked_on, 'revoked')
    ) as card_days (on_date, kind)
    where card_days.on_date is not null
    group by 1, 2
    union all
    select
        extract(year from {{ shanghai_date('issued_at') }})::integer, target_department_code, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        count(*),
        0, 0, 0, 0, 0, 0, 0, 0
    from supervision_tasks
    where issued_at is not null
    group by 1, 2
    union all
    select
        extract(year from {{ shanghai_date('complaints.received_at') }})::integer,
        complaints.target_department_code, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        count(*),
        count(*) filter (where exists (
            select from complaint_actions
            where complaint_actions.complaint_no = complaints.complaint_no
                and complaint_actions.action = 'accept'
        )),
        0, 0, 0, 0, 0, 0
    from complaints
    where complaints.received_at is not null
    group by 1, 2
    union all
    select
        extract(year from occurred_date)::integer, department_code, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        sum(upload_events),
        sum(late_uploads),
        0, 0, 0, 0
    from upload_timeliness_daily
    group by 1, 2

),

yearly as (

    select
        year,
        department_code,
        {%- for column in [
            'powers_in_force', 'powers_added', 'powers_modified', 'powers_cancelled', 'cases_accepted',
            'cases_completed', 'completed_early', 'completed_on_time', 'completed_late',
            'measured_completions', 'wd_used_sum', 'promised_wd_sum', 'yellow_cards', 'red_cards',
            'cards_revoked', 'supervision_tasks', 'complaints_received', 'complaints_accepted',
            'events_uploaded', 'events_late', 't2_permit_decisions', 't2_penalty_decisions',
            't2_enforcement_decisions', 'fees_yuan',
        ] %}
        sum({{ column }}) as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from facts
    where facts.department_code is not null
        and facts.year in (select years.year from years)
    group by 1, 2

),

-- the offices' sources feed every department's figures; a department's own source its own
office_horizon as (

    select min(coalesce(last_uploaded_at, '-infinity')) as last_uploaded_at
    from horizons
    where kind <> 'department'

),

department_horizons as (

    select
        department_code,
        min(coalesce(last_uploaded_at, '-infinity')) as last_uploaded_at
    from horizons
    where kind = 'department'
    group by department_code

),

final as (

    select
        yearly.year,
        yearly.department_code,
        coalesce(units.name_zh, yearly.department_code) as department_name,
        units.county_code,
        yearly.powers_in_force::integer as powers_in_force,
        yearly.powers_added::integer as powers_added,
        yearly.powers_modified::integer as powers_modified,
        yearly.powers_cancelled::integer as powers_cancelled,
        yearly.cases_accepted::integer as cases_accepted,
        yearly.cases_completed::integer as cases_completed,
        yearly.completed_early::integer as completed_early,
        yearly.completed_on_time::integer as completed_on_time,
        yearly.completed_late::integer as completed_late,
        round(yearly.wd_used_sum::numeric / nullif(yearly.measured_completions, 0), 2) as wd_used_avg,
        round(yearly.promised_wd_sum::numeric / nullif(yearly.measured_completions, 0), 2) as promised_wd_avg,
        yearly.yellow_cards::integer as yellow_cards,
        yearly.red_cards::integer as red_cards,
        yearly.cards_revoked::integer as cards_revoked,
        yearly.supervision_tasks::integer as supervision_tasks,
        -- W1's reply deadlines are not built yet (issue 18): unknown, not 0
        null::integer as supervision_replies_on_time,
        yearly.complaints_received::integer as complaints_received,
        yearly.complaints_accepted::integer as complaints_accepted,
        yearly.events_uploaded::integer as events_uploaded,
        yearly.events_late::integer as events_late,
        scores.score,
        scores.rank,
        scores.grade,
        yearly.t2_permit_decisions::integer as t2_permit_decisions,
        yearly.t2_penalty_decisions::integer as t2_penalty_decisions,
        yearly.t2_enforcement_decisions::integer as t2_enforcement_decisions,
        round(yearly.fees_yuan / 10000, 4) as t2_fees_wan_yuan,
        {{ as_of_date() }} <= make_date(yearly.year, 12, 31)
        or coalesce(department_horizons.last_uploaded_at, '-infinity')
            < (make_date(yearly.year + 1, 1, 1))::timestamptz
        or coalesce(office_horizon.last_uploaded_at, 'infinity')
            < (make_date(yearly.year + 1, 1, 1))::timestamptz as provisional,
        {{ as_of() }} as as_of
    from yearly
    left join units
        on units.department_code = yearly.department_code
    left join scores
        on scores.unit_code = yearly.department_code
        and extract(year from scores.period_start) = yearly.year
    left join department_horizons
        on department_horizons.department_code = yearly.department_code
    cross join office_horizon

)

select * from final
