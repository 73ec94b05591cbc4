-- P1 drill-down, 督办 part (W1-W3): every breach a monthly score counts, by the month it was due:
-- a task's missed reply deadline (W1), a transferred complaint's late or missing result (W2), a
-- catalogue-change step of the department late or missing (W3). 2 points each, capped. A view.
{{ config(materialized='view') }}
with breaches as (

    select * from {{ ref('int_workflow_breaches_dated') }}

),

rules as (

    select * from {{ ref('rules') }}

),

units as (

    select * from {{ ref('units') }}

),

final as (

    select
        date_trunc('month', breaches.due_date)::date as month_start,
        breaches.department_code,
        coalesce(units.name_zh, breaches.department_code) as department_name,
        units.county_code,
        breaches.rule_id,
        rules.name_zh as rule_name,
        breaches.record_key,
        breaches.due_date
    from breaches
    left join rules
        on rules.rule_id = breaches.rule_id
    left join units
        on units.department_code = breaches.department_code

)

select * from final
