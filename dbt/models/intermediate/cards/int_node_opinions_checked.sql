-- Q4 (O11), A1: a node's opinion at every upload of it: a negative opinion (disagree, return)
-- whose reason is missing or a placeholder ("不同意", "无", "同上" …) is an anomaly.
-- Kept incrementally with the cases whose records changed (no date dependence; ADR 0006).
{{ config(
    materialized='incremental',
    incremental_strategy='replace_changed_cases',
    on_schema_change='append_new_columns',
) }}
with node_versions as (

    select * from {{ ref('int_node_versions_ranged') }}
    where true
        {{ recomputed_cases_only() }}

),

judged as (

    select
        'Q4' as rule_id,
        department_code,
        case_no,
        node_seq,
        node_seq::text as record_key,
        valid_from as checked_at,
        {{ shanghai_date('coalesce(finished_at, started_at)') }} as event_on,
        coalesce({{ is_negative_opinion('opinion') }} and {{ is_placeholder_reason('reason') }}, false)
            as is_anomaly,
        '第' || node_seq || '环节持否定意见（' || coalesce(opinion, '') || '）未说明具体理由：'
        || coalesce(reason, '（空）') as detail,
        has_several_versions
    from node_versions

),

final as (

    -- a node seen once and fine can never start an episode (int_record_anomalies_episoded)
    select rule_id, department_code, case_no, node_seq, record_key, checked_at, event_on, is_anomaly, detail
    from judged
    where is_anomaly or has_several_versions

)

select
    final.*,
    {{ as_of() }} as as_of
from final
