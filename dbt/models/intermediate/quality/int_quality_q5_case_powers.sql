-- Q5 (C11): a case's power was in the catalogue, confirmed and in force when the case was
-- accepted: a version with status confirmed, confirmed by the acceptance, and
-- effective_from <= accepted date < effective_to.
-- Kept incrementally with the cases whose records changed (no date dependence; ADR 0006).
{{ config(
    materialized='incremental',
    incremental_strategy='replace_changed_cases',
    on_schema_change='append_new_columns',
    post_hook="{{ unique_key_index(['record_key', 'record_type', 'department_code']) }}",
) }}
with cases as (

    select * from {{ ref('stg_exchange__case_acceptances') }}
    where true
        {{ recomputed_cases_only() }}

),

power_items as (

    select * from {{ ref('stg_exchange__power_items') }}

),

matched as (

    select
        cases.department_code,
        cases.case_no,
        cases.power_code,
        cases.accepted_at,
        cases.uploaded_at,
        count(power_items.power_code) > 0 as is_power_in_catalogue,
        coalesce(bool_or({{ is_power_in_force('power_items', 'cases.accepted_at') }}), false)
            as is_power_confirmed_in_force
    from cases
    left join power_items
        on power_items.department_code = cases.department_code
        and power_items.power_code = cases.power_code
    group by cases.department_code, cases.case_no, cases.power_code, cases.accepted_at, cases.uploaded_at

),

final as (

    select
        'Q5' as rule_id,
        department_code,
        'case_accepted' as record_type,
        case_no as record_key,
        case_no,
        uploaded_at as detected_at,
        is_power_in_catalogue,
        is_power_confirmed_in_force,
        not is_power_confirmed_in_force as is_breach,
        case
            when not is_power_in_catalogue then '事项编码' || coalesce(power_code, '（空）') || '不在权力目录中'
            when not is_power_confirmed_in_force
                then '受理时事项' || power_code || '未经确认或不在有效期内'
        end as detail
    from matched

)

select
    final.*,
    {{ as_of() }} as as_of
from final
