-- P1, P2 (S17, S18, O27): performance scores per month, quarter and year for departments,
-- counties, posts and powers. A month's row applies the scoring rules version in force on the
-- month's first day (seed scoring_rules): base 100, four parts whose deductions stop at the part's
-- weight (timeliness T5, uploads Q1, cards A1-A4, workflows W1-W3), a bonus per full step of early
-- completions (T5); posts are scored on their nodes (T7), powers on timeliness and the bonus.
-- Quarter and year rows are the means of the unit's monthly rows. rank: within period and unit
-- type, ties share a rank; score_change: against the same unit's previous period of the same type.
-- Each part is rounded to 2 decimals and deductions is their sum, so the columns add up.
with counts as (

    select * from {{ ref('int_score_counts_monthly') }}

),

rule_versions as (

    select * from {{ ref('int_scoring_rules_pivoted') }}

),

units as (

    select * from {{ ref('units') }}

),

power_catalogue as (

    select * from {{ ref('power_catalogue') }}

),

monthly_parts as (

    select
        counts.*,
        rule_versions.rule_version,
        rule_versions.base_points as base,
        rule_versions.grade_excellent_min,
        rule_versions.grade_good_min,
        rule_versions.grade_pass_min,
        round(least(rule_versions.timeliness_weight, case when counts.cases_completed > 0
            then rule_versions.timeliness_points_per_share * counts.cases_late / counts.cases_completed
            else 0 end), 2) as timeliness_deduction,
        round(least(rule_versions.uploads_weight, case when counts.upload_events > 0
            then rule_versions.uploads_points_per_share * counts.late_uploads / counts.upload_events
            else 0 end), 2) as uploads_deduction,
        round(least(rule_versions.cards_weight,
            rule_versions.cards_points_per_yellow * counts.yellow_cards
            + rule_versions.cards_points_per_red * counts.red_cards), 2) as cards_deduction,
        round(least(rule_versions.workflows_weight,
            rule_versions.workflows_points_per_breach * counts.workflow_breaches), 2) as workflows_deduction,
        round(least(rule_versions.nodes_weight, case when counts.nodes_finished > 0
            then rule_versions.nodes_points_per_share * counts.nodes_over_limit / counts.nodes_finished
            else 0 end), 2) as nodes_deduction,
        -- one bonus step per full step_share of the completions completed early
        case when counts.cases_completed > 0 and rule_versions.bonus_step_share > 0
            then least(rule_versions.bonus_cap, rule_versions.bonus_points_per_step
                * floor(counts.cases_early / (counts.cases_completed * rule_versions.bonus_step_share)))
            else 0 end as bonuses
    from counts
    inner join rule_versions
        on rule_versions.unit_type = counts.unit_type
        and rule_versions.effective_from <= counts.month_start
        and (rule_versions.superseded_from is null or counts.month_start < rule_versions.superseded_from)

),

monthly as (

    select
        'month' as period_type,
        month_start as period_start,
        (month_start + interval '1 month')::date - 1 as period_end,
        unit_type,
        unit_code,
        department_code,
        county_code,
        base,
        timeliness_deduction + uploads_deduction + cards_deduction + workflows_deduction + nodes_deduction
            as deductions,
        timeliness_deduction,
        uploads_deduction,
        cards_deduction,
        workflows_deduction,
        nodes_deduction,
        bonuses::numeric as bonuses,
        base - (timeliness_deduction + uploads_deduction + cards_deduction + workflows_deduction
            + nodes_deduction) + bonuses as score,
        rule_version,
        1 as months_scored,
        cases_accepted,
        cases_completed,
        cases_late,
        cases_early,
        upload_events,
        late_uploads,
        yellow_cards,
        red_cards,
        workflow_breaches,
        nodes_finished,
        nodes_over_limit
    from monthly_parts

),

-- quarter and year: the means of the unit's monthly rows; their counts are sums
longer_periods as (

    select
        periods.period_type,
        periods.period_start,
        (periods.period_start + periods.length)::date - 1 as period_end,
        monthly.unit_type,
        monthly.unit_code,
        monthly.department_code,
        monthly.county_code,
        round(avg(monthly.base), 2) as base,
        round(avg(monthly.deductions), 2) as deductions,
        round(avg(monthly.timeliness_deduction), 2) as timeliness_deduction,
        round(avg(monthly.uploads_deduction), 2) as uploads_deduction,
        round(avg(monthly.cards_deduction), 2) as cards_deduction,
        round(avg(monthly.workflows_deduction), 2) as workflows_deduction,
        round(avg(monthly.nodes_deduction), 2) as nodes_deduction,
        round(avg(monthly.bonuses), 2) as bonuses,
        round(avg(monthly.score), 2) as score,
        null::text as rule_version,
        count(*)::integer as months_scored,
        sum(monthly.cases_accepted) as cases_accepted,
        sum(monthly.cases_completed) as cases_completed,
        sum(monthly.cases_late) as cases_late,
        sum(monthly.cases_early) as cases_early,
        sum(monthly.upload_events) as upload_events,
        sum(monthly.late_uploads) as late_uploads,
        sum(monthly.yellow_cards) as yellow_cards,
        sum(monthly.red_cards) as red_cards,
        sum(monthly.workflow_breaches) as workflow_breaches,
        sum(monthly.nodes_finished) as nodes_finished,
        sum(monthly.nodes_over_limit) as nodes_over_limit
    from monthly
    cross join lateral (
        values
            ('quarter', date_trunc('quarter', monthly.period_start)::date, interval '3 months'),
            ('year', date_trunc('year', monthly.period_start)::date, interval '1 year')
    ) as periods (period_type, period_start, length)
    group by 1, 2, 3, 4, 5, 6, 7

),

scored as (

    select * from monthly
    union all
    -- P1: the rules version of a longer period is the one in force on its first day
    select
        longer_periods.period_type, longer_periods.period_start, longer_periods.period_end,
        longer_periods.unit_type, longer_periods.unit_code, longer_periods.department_code,
        longer_periods.county_code, longer_periods.base, longer_periods.deductions,
        longer_periods.timeliness_deduction, longer_periods.uploads_deduction, longer_periods.cards_deduction,
        longer_periods.workflows_deduction, longer_periods.nodes_deduction, longer_periods.bonuses,
        longer_periods.score, rule_versions.rule_version, longer_periods.months_scored,
        longer_periods.cases_accepted, longer_periods.cases_completed, longer_periods.cases_late,
        longer_periods.cases_early, longer_periods.upload_events, longer_periods.late_uploads,
        longer_periods.yellow_cards, longer_periods.red_cards, longer_periods.workflow_breaches,
        longer_periods.nodes_finished, longer_periods.nodes_over_limit
    from longer_periods
    inner join rule_versions
        on rule_versions.unit_type = longer_periods.unit_type
        and rule_versions.effective_from <= longer_periods.period_start
        and (rule_versions.superseded_from is null or longer_periods.period_start < rule_versions.superseded_from)

),

ranked as (

    select
        scored.*,
        rank() over (
            partition by scored.period_type, scored.period_start, scored.unit_type
            order by scored.score desc
        ) as rank,
        -- P2: the same unit's previous period of the same type
        lag(scored.score) over (
            partition by scored.period_type, scored.unit_type, scored.unit_code, scored.department_code
            order by scored.period_start
        ) as previous_score,
        lag(scored.period_start) over (
            partition by scored.period_type, scored.unit_type, scored.unit_code, scored.department_code
            order by scored.period_start
        ) as previous_period_start
    from scored

),

final as (

    select
        ranked.period_type,
        ranked.period_start,
        ranked.period_end,
        ranked.unit_type,
        ranked.unit_code,
        case ranked.unit_type
            when 'department' then coalesce(units.name_zh, ranked.unit_code)
            when 'county' then coalesce(counties.county_name_zh, ranked.unit_code)
            when 'power' then coalesce(power_catalogue.name, ranked.unit_code)
            else ranked.unit_code
        end as unit_name,
        ranked.department_code,
        coalesce(units.name_zh, ranked.department_code) as department_name,
        ranked.county_code,
        ranked.base::numeric(6, 2) as base,
        ranked.deductions::numeric(6, 2) as deductions,
        ranked.timeliness_deduction::numeric(6, 2) as timeliness_deduction,
        ranked.uploads_deduction::numeric(6, 2) as uploads_deduction,
        ranked.cards_deduction::numeric(6, 2) as cards_deduction,
        ranked.workflows_deduction::numeric(6, 2) as workflows_deduction,
        ranked.nodes_deduction::numeric(6, 2) as nodes_deduction,
        ranked.bonuses::numeric(6, 2) as bonuses,
        ranked.score::numeric(6, 2) as score,
        case
            when ranked.score >= rule_versions.grade_excellent_min then '优秀'
            when ranked.score >= rule_versions.grade_good_min then '良好'
            when ranked.score >= rule_versions.grade_pass_min then '合格'
            else '不合格'
        end as grade,
        ranked.rank::integer as rank,
        case when ranked.previous_period_start = (ranked.period_start - case ranked.period_type
            when 'month' then interval '1 month' when 'quarter' then interval '3 months'
            else interval '1 year' end)::date
            then (ranked.score - ranked.previous_score)::numeric(6, 2) end as score_change,
        ranked.rule_version,
        -- P1: a period not yet over at the evaluation time
        {{ as_of_date() }} <= ranked.period_end as provisional,
        {{ 'true' if workflow_breaches_built() else 'false' }} as workflows_scored,
        ranked.months_scored,
        ranked.cases_accepted::integer as cases_accepted,
        ranked.cases_completed::integer as cases_completed,
        ranked.cases_late::integer as cases_late,
        ranked.cases_early::integer as cases_early,
        ranked.upload_events::integer as upload_events,
        ranked.late_uploads::integer as late_uploads,
        ranked.yellow_cards::integer as yellow_cards,
        ranked.red_cards::integer as red_cards,
        ranked.workflow_breaches::integer as workflow_breaches,
        ranked.nodes_finished::integer as nodes_finished,
        ranked.nodes_over_limit::integer as nodes_over_limit,
        {{ as_of() }} as as_of
    from ranked
    inner join rule_versions
        on rule_versions.unit_type = ranked.unit_type
        and rule_versions.rule_version = ranked.rule_version
    left join units
        on units.department_code = ranked.department_code
    left join (select distinct county_code, county_name_zh from units) as counties
        on counties.county_code = ranked.county_code
    left join power_catalogue
        on ranked.unit_type = 'power'
        and power_catalogue.department_code = ranked.department_code
        and power_catalogue.power_code = ranked.unit_code

)

select * from final
