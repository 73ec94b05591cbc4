-- P1 drill-down, 期限 part (T5, T9): every case a monthly score's timeliness part and bonus count,
-- by the month of its completion. The part's deduction is 100 x counts_as_late / cases here (capped
-- at the weight); the bonus counts is_early. A view: it costs the build nothing.
{{ config(materialized='view') }}
with case_timeliness as (

    select * from {{ ref('case_timeliness') }}

),

units as (

    select * from {{ ref('units') }}

),

final as (

    select
        date_trunc('month', case_timeliness.completion_date)::date as month_start,
        case_timeliness.department_code,
        case_timeliness.department_name,
        units.county_code,
        case_timeliness.power_code,
        case_timeliness.power_name,
        case_timeliness.case_no,
        case_timeliness.accepted_at,
        case_timeliness.completed_at,
        case_timeliness.promised_due_date,
        case_timeliness.elapsed_wd,
        case_timeliness.exempt_wd,
        case_timeliness.status,
        case_timeliness.status_label,
        case_timeliness.status = 'completed_late'
        and not coalesce(case_timeliness.late_only_because_exempt, false) as counts_as_late,
        case_timeliness.status = 'completed_early' as is_early
    from case_timeliness
    left join units
        on units.department_code = case_timeliness.department_code
    where case_timeliness.status in ('completed_early', 'completed_on_time', 'completed_late')

)

select * from final
