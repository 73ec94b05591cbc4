-- A1.order (O10): a node must not start before the previous node of the same case (node_seq - 1)
-- finished. Judged for every pair of versions of the two nodes that were current together, from the
-- later of their uploads; a later upload fixing either time corrects it.
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

-- The same relation under its second role; two single-use imports let the planner see its
-- statistics (a CTE read twice is materialised without them).
previous_node_versions as (

    select * from {{ ref('int_node_versions_ranged') }}
    where true
        {{ recomputed_cases_only() }}

),

judged as (

    select
        'A1.order' as rule_id,
        node.department_code,
        node.case_no,
        node.node_seq,
        node.node_seq::text as record_key,
        greatest(node.valid_from, previous.valid_from) as checked_at,
        {{ shanghai_date('node.started_at') }} as event_on,
        coalesce(node.started_at < previous.finished_at, false) as is_anomaly,
        '第' || node.node_seq || '环节开始于' || to_char(node.started_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI')
        || '，早于第' || previous.node_seq || '环节办结（'
        || to_char(previous.finished_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') || '）' as detail,
        node.has_several_versions or previous.has_several_versions as has_several_versions
    from node_versions as node
    inner join previous_node_versions as previous
        on previous.department_code = node.department_code
        and previous.case_no = node.case_no
        and previous.node_seq = node.node_seq - 1
        -- versions current at the same time
        and previous.valid_from < coalesce(node.valid_to, 'infinity')
        and node.valid_from < coalesce(previous.valid_to, 'infinity')

),

final as (

    -- two nodes seen once each and in order can never start an episode
    select rule_id, department_code, case_no, node_seq, record_key, checked_at, event_on, is_anomaly, detail
    from judged
    where is_anomaly or has_several_versions

)

select
    final.*,
    {{ as_of() }} as as_of
from final
