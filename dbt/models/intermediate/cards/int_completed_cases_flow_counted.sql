-- Q9 (O9, O31), A1: per completed case, how many nodes its power's flow has (the version it was
-- accepted under) and how many of its nodes had reached the platform when its completion first did.
-- Kept incrementally with the cases whose records changed (no date dependence; ADR 0006).
{{ config(
    materialized='incremental',
    incremental_strategy='replace_changed_cases',
    on_schema_change='append_new_columns',
) }}
with completion_versions as not materialized (

    select * from {{ ref('stg_exchange__case_completion_versions') }}
    where true
        {{ recomputed_cases_only() }}

),

node_versions as (

    select * from {{ ref('int_node_versions_ranged') }}
    where true
        {{ recomputed_cases_only() }}

),

cases as (

    select * from {{ ref('int_cases_measured') }}
    where true
        {{ recomputed_cases_only() }}

),

completions as (

    {%- if not incremental_run() %}
    -- A full build: nearly every completion arrives once, and its one version is the answer,
    -- without the sort by upload the aggregate below needs (1.2 s of 6.8 s at 1M cases).
    select department_code, case_no, uploaded_at as first_uploaded_at, completed_at
    from completion_versions
    where version_number = 1 and is_current
    union all
    {%- endif %}
    select
        department_code,
        case_no,
        min(uploaded_at) as first_uploaded_at,
        (array_agg(completed_at order by uploaded_at desc, version_number desc))[1] as completed_at
    from completion_versions
    {%- if not incremental_run() %}
    where (source_name, case_no) in (
        select reuploaded.source_name, reuploaded.case_no from completion_versions as reuploaded
        where reuploaded.version_number = 2
    )
    {%- endif %}
    group by department_code, case_no

),

flows as (

    -- a case whose power version has no flow has nothing to count
    select department_code, case_no, flow_node_count as flow_nodes
    from cases
    where flow_node_count is not null

),

node_arrivals as (

    select department_code, case_no, node_seq, valid_from as first_uploaded_at
    from node_versions
    where is_first_version

),

-- Per case, its nodes that had reached the platform when its completion first did. Counted in the
-- final join rather than in a CTE of their own: read once, completions is inlined, which lets the
-- planner join the 3.4M node arrivals in parallel (7.4 s -> 5.4 s at 1M cases).
final as (

    select
        completions.department_code,
        completions.case_no,
        completions.first_uploaded_at,
        completions.completed_at,
        flows.flow_nodes,
        count(node_arrivals.case_no)::integer as nodes_at_completion
    from completions
    inner join flows
        on flows.department_code = completions.department_code
        and flows.case_no = completions.case_no
    left join node_arrivals
        on node_arrivals.department_code = completions.department_code
        and node_arrivals.case_no = completions.case_no
        and node_arrivals.first_uploaded_at <= completions.first_uploaded_at
    group by
        completions.department_code,
        completions.case_no,
        completions.first_uploaded_at,
        completions.completed_at,
        flows.flow_nodes

)

select
    final.*,
    {{ as_of() }} as as_of
from final
