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

    select * from {{ ref('supervision_tasks') }}

),

complaints as (

    select * from {{ ref('complaints') }}

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

catalogue_years as (

    select
        year,
        department_code,
        sum(in_force) as powers_in_force,
        sum(added) as powers_added,
        sum(modified) as powers_modified,
        sum(cancelled) as powers_cancelled
    from catalogue
    group by 1, 2

),

accepted_years as (

    select
        extract(year from accepted_date)::integer as year,
        department_code,
        count(*) as cases_accepted
    from case_timeliness
    group by 1, 2

),

-- T5 statuses and the mean working days: over the completions with a T5 status
completed_years as (

    select
        extract(year from completion_date)::integer as year,
        department_code,
        count(*) as cases_completed,
        count(*) filter (where status = 'completed_early') as completed_early,
        count(*) filter (where status = 'completed_on_time') as completed_on_time,
        count(*) filter (where status = 'completed_late') as completed_late,
        round(avg(elapsed_wd) filter (where status like 'completed_%'), 2) as wd_used_avg,
        round(avg(promised_limit_wd) filter (where status like 'completed_%'), 2) as promised_wd_avg
    from case_timeliness
    where completion_date is not null
    group by 1, 2

),

-- table 二: decisions are completions with a result other than withdrawn; fees over every completion
decision_years as (

    select
        extract(year from completion_date)::integer as year,
        department_code,
        count(*) filter (where power_category = 'XK' and completion_result is distinct from 'withdrawn')
            as t2_permit_decisions,
        count(*) filter (where power_category = 'CF' and completion_result is distinct from 'withdrawn')
            as t2_penalty_decisions,
        count(*) filter (where power_category = 'QZ' and completion_result is distinct from 'withdrawn')
            as t2_enforcement_decisions,
        round(coalesce(sum(fee_charged), 0) / 10000, 4) as t2_fees_wan_yuan
    from cases_measured
    where completion_date is not null
    group by 1, 2

),

-- A4: cards counted by issue day, by the day they turned red, and by revocation day
card_years as (

    select
        extract(year from card_days.on_date)::integer as year,
        cards.department_code,
        count(*) filter (where card_days.kind = 'issued' and cards.is_active) as yellow_cards,
        count(*) filter (where card_days.kind = 'red' and cards.is_active) as red_cards,
        count(*) filter (where card_days.kind = 'revoked') as cards_revoked
    from cards
    cross join lateral (
        values (cards.issued_on, 'issued'), (cards.red_on, 'red'), (cards.revoked_on, 'revoked')
    ) as card_days (on_date, kind)
    where card_days.on_date is not null
    group by 1, 2

),

-- W1: tasks issued in the year, and those whose (last) reply met the deadline in force
task_years as (

    select
        extract(year from {{ shanghai_date('issued_at') }})::integer as year,
        target_department_code as department_code,
        count(*) as supervision_tasks,
        count(*) filter (where reply_on_time) as supervision_replies_on_time
    from supervision_tasks
    group by 1, 2

),

complaint_years as (

    select
        extract(year from {{ shanghai_date('received_at') }})::integer as year,
        target_department_code as department_code,
        count(*) as complaints_received,
        count(*) filter (where decision = 'accept') as complaints_accepted
    from complaints
    group by 1, 2

),

upload_years as (

    select
        extract(year from occurred_date)::integer as year,
        department_code,
        sum(upload_events) as events_uploaded,
        sum(late_uploads) as events_late
    from upload_timeliness_daily
    group by 1, 2

),

department_years as (

    {%- for part in ['catalogue_years', 'accepted_years', 'completed_years', 'decision_years', 'card_years',
        'task_years', 'complaint_years', 'upload_years'] %}
    select {{ part }}.year, {{ part }}.department_code from {{ part }}
    {{- '\n    union' if not loop.last }}
    {%- endfor %}

),

yearly as (

    select
        department_years.year,
        department_years.department_code,
        {%- for column in ['powers_in_force', 'powers_added', 'powers_modified', 'powers_cancelled'] %}
        coalesce(catalogue_years.{{ column }}, 0) as {{ column }},
        {%- endfor %}
        coalesce(accepted_years.cases_accepted, 0) as cases_accepted,
        {%- for column in ['cases_completed', 'completed_early', 'completed_on_time', 'completed_late'] %}
        coalesce(completed_years.{{ column }}, 0) as {{ column }},
        {%- endfor %}
        completed_years.wd_used_avg,
        completed_years.promised_wd_avg,
        {%- for column in ['t2_permit_decisions', 't2_penalty_decisions', 't2_enforcement_decisions', 't2_fees_wan_yuan'] %}
        coalesce(decision_years.{{ column }}, 0) as {{ column }},
        {%- endfor %}
        {%- for column in ['yellow_cards', 'red_cards', 'cards_revoked'] %}
        coalesce(card_years.{{ column }}, 0) as {{ column }},
        {%- endfor %}
        coalesce(task_years.supervision_tasks, 0) as supervision_tasks,
        coalesce(task_years.supervision_replies_on_time, 0) as supervision_replies_on_time,
        coalesce(complaint_years.complaints_received, 0) as complaints_received,
        coalesce(complaint_years.complaints_accepted, 0) as complaints_accepted,
        coalesce(upload_years.events_uploaded, 0) as events_uploaded,
        coalesce(upload_years.events_late, 0) as events_late
    from department_years
    {%- for part in ['catalogue_years', 'accepted_years', 'completed_years', 'decision_years', 'card_years',
        'task_years', 'complaint_years', 'upload_years'] %}
    left join {{ part }}
        on {{ part }}.year = department_years.year
        and {{ part }}.department_code = department_years.department_code
    {%- endfor %}
    where department_years.department_code is not null
        and department_years.year in (select years.year from years)

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
        yearly.wd_used_avg,
        yearly.promised_wd_avg,
        yearly.yellow_cards::integer as yellow_cards,
        yearly.red_cards::integer as red_cards,
        yearly.cards_revoked::integer as cards_revoked,
        yearly.supervision_tasks::integer as supervision_tasks,
        yearly.supervision_replies_on_time::integer as supervision_replies_on_time,
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
        yearly.t2_fees_wan_yuan,
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
