-- T7 (O18): one row per node of a case's internal flow, against the node limit of the power
-- version the case was accepted under. A node's WD are counted like the case's (T2-T4): the WD d
-- with start date < d <= finish date (the evaluation date while unfinished), suspended WD (T3)
-- removed. A node over its limit is a node-level warning.
-- Read twice (dates, suspended WD): inlined rather than written out whole.
-- Kept incrementally with the cases int_cases_measured recomputed (ADR 0006).
-- Indexed for 实时监控's list of open nodes over their limit (most over first, 1,000 rows): a partial
-- index in the list's order, its predicate spelled as Superset renders the chart's filters, lets
-- PostgreSQL read the first 1,000 entries instead of scanning all 3.4M nodes at 1M cases. Created
-- once per table (an incremental run keeps it up to date); unnamed, so a rebuild beside the old
-- table never collides with the old index's name.
{{ config(
    materialized='incremental',
    incremental_strategy='replace_cases',
    on_schema_change='append_new_columns',
    post_hook=[
        "{{ unique_key_index(['case_no', 'node_seq', 'department_code']) }}",
        "{{ create_index_once(
            '(elapsed_wd - limit_wd) desc, case_no, node_seq',
            'over_limit is true and is_finished is false',
            '%WHERE ((over_limit IS TRUE) AND (is_finished IS FALSE))',
        ) }}",
    ],
) }}
with case_nodes as not materialized (

    select * from {{ ref('stg_exchange__case_nodes') }}
    where true
        {{ recomputed_cases_only() }}

),

cases as (

    select * from {{ ref('int_cases_measured') }}
    where true
        {{ recomputed_cases_only() }}

),

flow_nodes as (

    select * from {{ ref('stg_exchange__power_flow_nodes') }}

),

suspension_periods as (

    select * from {{ ref('int_case_suspensions_merged') }}
    where true
        {{ recomputed_cases_only() }}

),

-- Read four times, so PostgreSQL would write it out; a CTE scan cannot run in a parallel worker,
-- which kept the 3.4M nodes' date lookups in one process (CTAS 9.0 s -> 6.8 s at 1M cases).
calendar as not materialized (

    select * from {{ ref('int_calendar_days_numbered') }}

),

nodes_dated as (

    select
        case_nodes.department_code,
        cases.department_name,
        case_nodes.case_no,
        case_nodes.node_seq,
        case_nodes.post_code,
        case_nodes.handler_account,
        case_nodes.opinion,
        case_nodes.started_at,
        case_nodes.finished_at,
        flow_nodes.node_name,
        flow_nodes.limit_wd,
        coalesce(flow_nodes.is_risk_point, false) as is_risk_point,
        {{ shanghai_date('case_nodes.started_at') }} as start_date,
        coalesce({{ shanghai_date('case_nodes.finished_at') }}, {{ as_of_date() }}) as end_date
    from case_nodes
    inner join cases
        on cases.department_code = case_nodes.department_code
        and cases.case_no = case_nodes.case_no
    left join flow_nodes
        on flow_nodes.department_code = cases.department_code
        and flow_nodes.power_code = cases.power_code
        and flow_nodes.version = cases.power_version
        and flow_nodes.node_seq = case_nodes.node_seq
    where case_nodes.started_at is not null

),

-- Each started node's own (start, end], narrow: only nodes of cases with a suspension need it.
node_periods as (

    select
        department_code,
        case_no,
        node_seq,
        {{ shanghai_date('started_at') }} as start_date,
        coalesce({{ shanghai_date('finished_at') }}, {{ as_of_date() }}) as end_date
    from case_nodes
    where started_at is not null

),

suspended as (

    -- WD of the case's suspension periods that fall inside the node's (start, end].
    select
        node_periods.department_code,
        node_periods.case_no,
        node_periods.node_seq,
        sum(greatest(overlap_end.workday_number - overlap_start.workday_number, 0))::integer as suspended_wd
    from node_periods
    inner join suspension_periods
        on suspension_periods.department_code = node_periods.department_code
        and suspension_periods.case_no = node_periods.case_no
        and suspension_periods.start_date < node_periods.end_date
        and suspension_periods.end_date > node_periods.start_date
    inner join calendar as overlap_start
        on overlap_start.calendar_date = greatest(suspension_periods.start_date, node_periods.start_date)
    inner join calendar as overlap_end
        on overlap_end.calendar_date = least(suspension_periods.end_date, node_periods.end_date)
    group by node_periods.department_code, node_periods.case_no, node_periods.node_seq

),

final as (

    select
        nodes_dated.department_code,
        nodes_dated.department_name,
        nodes_dated.case_no,
        nodes_dated.node_seq,
        nodes_dated.node_name,
        nodes_dated.post_code,
        nodes_dated.handler_account,
        nodes_dated.opinion,
        nodes_dated.is_risk_point,
        nodes_dated.started_at,
        nodes_dated.finished_at,
        nodes_dated.finished_at is not null as is_finished,
        nodes_dated.limit_wd,
        greatest(end_day.workday_number - start_day.workday_number - coalesce(suspended.suspended_wd, 0), 0)
            as elapsed_wd,
        coalesce(
            end_day.workday_number - start_day.workday_number - coalesce(suspended.suspended_wd, 0)
                > nodes_dated.limit_wd,
            false
        ) as over_limit,
        {{ as_of() }} as as_of
    from nodes_dated
    left join calendar as start_day on start_day.calendar_date = nodes_dated.start_date
    left join calendar as end_day on end_day.calendar_date = nodes_dated.end_date
    left join suspended
        on suspended.department_code = nodes_dated.department_code
        and suspended.case_no = nodes_dated.case_no
        and suspended.node_seq = nodes_dated.node_seq

)

select * from final
