-- A1.fee (S10): the fee charged at completion must not exceed the standard fee of the power version
-- the case was accepted under (no standard fee: a free item). Judged at every upload of the completion.
-- Kept incrementally with the cases whose records changed (no date dependence; ADR 0006).
{{ config(
    materialized='incremental',
    incremental_strategy='replace_changed_cases',
    on_schema_change='append_new_columns',
) }}
with completion_versions as (

    select * from {{ ref('stg_exchange__case_completion_versions') }}
    where true
        {{ recomputed_cases_only() }}

),

cases as (

    select * from {{ ref('int_cases_measured') }}
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
        completed_at,
        fee_charged,
        uploaded_at
    from completion_versions
    order by department_code, case_no, uploaded_at, version_number desc

),

counted as (

    select
        *,
        count(*) over (partition by department_code, case_no) as version_count
    from deduplicated

),

judged as (

    select
        counted.*,
        coalesce(counted.fee_charged > coalesce(power_items.standard_fee, 0), false) as is_anomaly,
        power_items.standard_fee
    from counted
    inner join cases
        on cases.department_code = counted.department_code
        and cases.case_no = counted.case_no
    inner join power_items
        on power_items.department_code = cases.department_code
        and power_items.power_code = cases.power_code
        and power_items.version = cases.power_version

),

final as (

    select
        'A1.fee' as rule_id,
        department_code,
        case_no,
        null::integer as node_seq,
        '' as record_key,
        uploaded_at as checked_at,
        {{ shanghai_date('completed_at') }} as event_on,
        is_anomaly,
        '收费 ' || coalesce(fee_charged::text, '') || ' 元，高于收费标准 '
        || coalesce(standard_fee, 0)::text || ' 元' as detail
    from judged
    -- a completion seen once and fine can never start an episode
    where is_anomaly or version_count > 1

)

select
    final.*,
    {{ as_of() }} as as_of
from final
