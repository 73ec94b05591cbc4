-- Q5 (C11), A1: a case may only be accepted under a power in the catalogue that had a confirmed
-- version in force then (confirmed_at <= accepted_at, effective_from <= accepted date <
-- effective_to); a code the catalogue does not know at all was never confirmed either (as in the
-- Q5 check model). Judged at every upload of the acceptance.
-- Kept incrementally with the cases whose records changed (no date dependence; ADR 0006).
{{ config(
    materialized='incremental',
    incremental_strategy='replace_changed_cases',
    on_schema_change='append_new_columns',
) }}
with acceptance_versions as (

    select * from {{ ref('stg_exchange__case_acceptance_versions') }}
    where true
        {{ recomputed_cases_only() }}

),

power_items as (

    select * from {{ ref('stg_exchange__power_items') }}

),

deduplicated as (

    select distinct on (department_code, case_no, uploaded_at)
        department_code,
        case_no,
        power_code,
        accepted_at,
        uploaded_at
    from acceptance_versions
    order by department_code, case_no, uploaded_at, version_number desc

),

counted as (

    select
        *,
        count(*) over (partition by department_code, case_no) as version_count
    from deduplicated

),

-- A hash join on the power code and one aggregate, not a subquery per acceptance version.
judged as (

    select
        counted.department_code,
        counted.case_no,
        counted.power_code,
        counted.accepted_at,
        counted.uploaded_at,
        counted.version_count,
        coalesce(bool_or({{ is_power_in_force('power_items', 'counted.accepted_at') }}), false)
            as is_confirmed_in_force
    from counted
    left join power_items
        on power_items.department_code = counted.department_code
        and power_items.power_code = counted.power_code
    where counted.accepted_at is not null
    group by
        counted.department_code,
        counted.case_no,
        counted.power_code,
        counted.accepted_at,
        counted.uploaded_at,
        counted.version_count

),

final as (

    select
        'Q5' as rule_id,
        department_code,
        case_no,
        null::integer as node_seq,
        '' as record_key,
        uploaded_at as checked_at,
        {{ shanghai_date('accepted_at') }} as event_on,
        not is_confirmed_in_force as is_anomaly,
        '受理时权力事项 ' || power_code || ' 无已确认且有效的版本' as detail
    from judged
    -- an acceptance seen once and fine can never start an episode
    where not is_confirmed_in_force or version_count > 1

)

select
    final.*,
    {{ as_of() }} as as_of
from final
