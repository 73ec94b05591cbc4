-- Q9 (O9, O31), A1: a completed case must have gone through every node of its power version's flow;
-- fewer distinct nodes than the flow means it was handled offline. Two instants decide it: the
-- completion's first upload (nodes known then) and, for the few cases short of nodes then, the
-- arrival of the node that completes the count (the n-th arrival for a flow of n nodes), which
-- corrects it.
-- Kept incrementally with the cases whose records changed (no date dependence; ADR 0006).
{{ config(
    materialized='incremental',
    incremental_strategy='replace_changed_cases',
    on_schema_change='append_new_columns',
) }}
with counted as (

    select * from {{ ref('int_completed_cases_flow_counted') }}
    where true
        {{ recomputed_cases_only() }}

),

node_versions as (

    select * from {{ ref('int_node_versions_ranged') }}
    where true
        {{ recomputed_cases_only() }}

),

short_cases as (

    select * from {{ ref('int_completed_cases_flow_counted') }}
    where nodes_at_completion < flow_nodes

),

later_arrivals_ranked as (

    select
        short_cases.department_code,
        short_cases.case_no,
        short_cases.first_uploaded_at as completion_uploaded_at,
        short_cases.completed_at,
        short_cases.flow_nodes,
        node_versions.valid_from as arrived_at,
        row_number() over (
            partition by short_cases.department_code, short_cases.case_no order by node_versions.valid_from
        ) as arrival_rank
    from short_cases
    inner join node_versions
        on node_versions.department_code = short_cases.department_code
        and node_versions.case_no = short_cases.case_no
        and node_versions.is_first_version

),

instants as (

    select
        department_code,
        case_no,
        first_uploaded_at as checked_at,
        completed_at,
        flow_nodes,
        nodes_at_completion as nodes_known
    from counted
    -- a case complete when its completion arrived can never start an episode
    where nodes_at_completion < flow_nodes

    union all

    select
        department_code,
        case_no,
        arrived_at as checked_at,
        completed_at,
        flow_nodes,
        flow_nodes as nodes_known
    from later_arrivals_ranked
    where arrival_rank = flow_nodes
        and arrived_at > completion_uploaded_at

),

final as (

    select
        'Q9' as rule_id,
        department_code,
        case_no,
        null::integer as node_seq,
        '' as record_key,
        checked_at,
        {{ shanghai_date('completed_at') }} as event_on,
        nodes_known < flow_nodes as is_anomaly,
        '已办结但仅有 ' || nodes_known || ' 个环节，流程共 ' || flow_nodes || ' 个环节（网下运行）' as detail
    from instants

)

select
    final.*,
    {{ as_of() }} as as_of
from final
