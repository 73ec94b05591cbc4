-- P1 (S17, S18): what each unit's monthly score is computed from, one row per Beijing calendar
-- month and unit (department, county, post, power): cases completed with a T5 status and those
-- late without a T9 excuse or early (T5), upload events and late ones (Q1), yellow cards issued and
-- cards turned red that are neither revoked nor exempt (A1-A4), workflow breaches due (W1-W3),
-- nodes finished and over their limit (T7). A unit has a month's row when it had a case accepted or
-- completed, an upload event, a card or a workflow breach due in that month (P1 also names tasks and
-- complaints: they count here through their breaches); a post when it finished a node.
with case_timeliness as (

    select * from {{ ref('case_timeliness') }}

),

upload_timeliness_daily as (

    select * from {{ ref('upload_timeliness_daily') }}

),

cards as (

    select * from {{ ref('cards') }}
    where is_active

),

node_timeliness as (

    select * from {{ ref('node_timeliness') }}
    where is_finished

),

units as (

    select * from {{ ref('units') }}

),

workflow_breaches as (

    select
        department_code,
        date_trunc('month', due_date)::date as month_start,
        count(*) as workflow_breaches
    from {{ ref('int_workflow_breaches_dated') }}
    group by 1, 2

),

-- each case counts in the month it was accepted and in the month it was completed
case_months as (

    select
        case_timeliness.department_code,
        case_timeliness.power_code,
        date_trunc('month', case_months.on_date)::date as month_start,
        count(*) filter (where case_months.is_acceptance) as cases_accepted,
        count(*) filter (where not case_months.is_acceptance
            and case_timeliness.status in ('completed_early', 'completed_on_time', 'completed_late'))
            as cases_completed,
        count(*) filter (where not case_months.is_acceptance
            and case_timeliness.status = 'completed_late'
            and not coalesce(case_timeliness.late_only_because_exempt, false)) as cases_late,
        count(*) filter (where not case_months.is_acceptance
            and case_timeliness.status = 'completed_early') as cases_early
    from case_timeliness
    cross join lateral (
        values (case_timeliness.accepted_date, true), (case_timeliness.completion_date, false)
    ) as case_months (on_date, is_acceptance)
    where case_months.on_date is not null
    group by 1, 2, 3

),

upload_months as (

    select
        department_code,
        date_trunc('month', occurred_date)::date as month_start,
        sum(upload_events) as upload_events,
        sum(late_uploads) as late_uploads
    from upload_timeliness_daily
    group by 1, 2

),

card_months as (

    select
        cards.department_code,
        date_trunc('month', card_days.on_date)::date as month_start,
        count(*) filter (where card_days.is_issue) as yellow_cards,
        count(*) filter (where not card_days.is_issue) as red_cards
    from cards
    cross join lateral (values (cards.issued_on, true), (cards.red_on, false)) as card_days (on_date, is_issue)
    where card_days.on_date is not null
    group by 1, 2

),

department_facts as (

    select
        department_code, month_start, cases_accepted, cases_completed, cases_late, cases_early,
        0 as upload_events, 0 as late_uploads, 0 as yellow_cards, 0 as red_cards, 0 as workflow_breaches
    from case_months
    union all
    select department_code, month_start, 0, 0, 0, 0, upload_events, late_uploads, 0, 0, 0
    from upload_months
    union all
    select department_code, month_start, 0, 0, 0, 0, 0, 0, yellow_cards, red_cards, 0
    from card_months
    union all
    select department_code, month_start, 0, 0, 0, 0, 0, 0, 0, 0, workflow_breaches
    from workflow_breaches

),

department_months as (

    select
        department_facts.department_code,
        units.county_code,
        department_facts.month_start,
        sum(department_facts.cases_accepted) as cases_accepted,
        sum(department_facts.cases_completed) as cases_completed,
        sum(department_facts.cases_late) as cases_late,
        sum(department_facts.cases_early) as cases_early,
        sum(department_facts.upload_events) as upload_events,
        sum(department_facts.late_uploads) as late_uploads,
        sum(department_facts.yellow_cards) as yellow_cards,
        sum(department_facts.red_cards) as red_cards,
        sum(department_facts.workflow_breaches) as workflow_breaches
    from department_facts
    left join units
        on units.department_code = department_facts.department_code
    group by 1, 2, 3

),

node_months as (

    select
        department_code,
        post_code,
        date_trunc('month', {{ shanghai_date('finished_at') }})::date as month_start,
        count(*) as nodes_finished,
        count(*) filter (where over_limit) as nodes_over_limit
    from node_timeliness
    where post_code is not null
    group by 1, 2, 3

),

final as (

    select
        month_start, 'department' as unit_type, department_code as unit_code, department_code, county_code,
        cases_accepted, cases_completed, cases_late, cases_early, upload_events, late_uploads,
        yellow_cards, red_cards, workflow_breaches, 0 as nodes_finished, 0 as nodes_over_limit
    from department_months
    union all
    -- a department without a county in the units seed belongs to no county
    select
        month_start, 'county', county_code, null, county_code,
        sum(cases_accepted), sum(cases_completed), sum(cases_late), sum(cases_early),
        sum(upload_events), sum(late_uploads), sum(yellow_cards), sum(red_cards),
        sum(workflow_breaches), 0, 0
    from department_months
    where county_code is not null
    group by month_start, county_code
    union all
    select
        case_months.month_start, 'power', case_months.power_code, case_months.department_code, units.county_code,
        case_months.cases_accepted, case_months.cases_completed, case_months.cases_late, case_months.cases_early,
        0, 0, 0, 0, 0, 0, 0
    from case_months
    left join units
        on units.department_code = case_months.department_code
    where case_months.power_code is not null
    union all
    select
        node_months.month_start, 'post', node_months.post_code, node_months.department_code, units.county_code,
        0, 0, 0, 0, 0, 0, 0, 0, 0, node_months.nodes_finished, node_months.nodes_over_limit
    from node_months
    left join units
        on units.department_code = node_months.department_code

)

select * from final
