-- Q9 (O9, O31): a completed case must have gone through every node of its power version's flow;
-- fewer distinct nodes than the flow means it was handled offline. Judged when the completion first
-- reached the platform and again whenever a missing node arrives later (which corrects it).
with completion_versions as (

    select * from {{ ref('stg_exchange__case_completion_versions') }}

),

node_versions as (

    select * from {{ ref('int_node_versions_ranged') }}

),

cases as (

    select * from {{ ref('int_cases_measured') }}

),

flow_nodes as (

    select * from {{ ref('stg_exchange__power_flow_nodes') }}

),

flows as (

    select
        cases.department_code,
        cases.case_no,
        count(distinct flow_nodes.node_seq)::integer as flow_nodes
    from cases
    inner join flow_nodes
        on flow_nodes.department_code = cases.department_code
        and flow_nodes.power_code = cases.power_code
        and flow_nodes.version = cases.power_version
    group by cases.department_code, cases.case_no

),

completions as (

    select
        department_code,
        case_no,
        min(uploaded_at) as first_uploaded_at,
        (array_agg(completed_at order by uploaded_at desc, version_number desc))[1] as completed_at
    from completion_versions
    group by department_code, case_no

),

node_arrivals as (

    select
        department_code,
        case_no,
        node_seq,
        min(uploaded_at) as first_uploaded_at
    from node_versions
    group by department_code, case_no, node_seq

),

-- Two instants decide the anomaly: the completion's first upload (nodes known then) and, for the
-- few cases short of nodes then, the arrival of the node that completes the count (the n-th
-- arrival for a flow of n nodes).
nodes_at_completion as (

    select
        completions.department_code,
        completions.case_no,
        count(node_arrivals.node_seq) filter (
            where node_arrivals.first_uploaded_at <= completions.first_uploaded_at
        )::integer as nodes_known
    from completions
    left join node_arrivals
        on node_arrivals.department_code = completions.department_code
        and node_arrivals.case_no = completions.case_no
    group by completions.department_code, completions.case_no

),

counted as (

    select
        completions.department_code,
        completions.case_no,
        completions.first_uploaded_at,
        completions.completed_at,
        flows.flow_nodes,
        nodes_at_completion.nodes_known as nodes_at_completion
    from completions
    inner join flows
        on flows.department_code = completions.department_code
        and flows.case_no = completions.case_no
    inner join nodes_at_completion
        on nodes_at_completion.department_code = completions.department_code
        and nodes_at_completion.case_no = completions.case_no

),

later_arrivals_ranked as (

    select
        counted.department_code,
        counted.case_no,
        counted.flow_nodes,
        node_arrivals.first_uploaded_at,
        row_number() over (
            partition by counted.department_code, counted.case_no order by node_arrivals.first_uploaded_at
        ) as arrival_rank
    from counted
    inner join node_arrivals
        on node_arrivals.department_code = counted.department_code
        and node_arrivals.case_no = counted.case_no
    where counted.nodes_at_completion < counted.flow_nodes

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

    union all

    select
        counted.department_code,
        counted.case_no,
        later_arrivals_ranked.first_uploaded_at as checked_at,
        counted.completed_at,
        counted.flow_nodes,
        counted.flow_nodes as nodes_known
    from counted
    inner join later_arrivals_ranked
        on later_arrivals_ranked.department_code = counted.department_code
        and later_arrivals_ranked.case_no = counted.case_no
        and later_arrivals_ranked.arrival_rank = counted.flow_nodes
    where later_arrivals_ranked.first_uploaded_at > counted.first_uploaded_at

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

select * from final
