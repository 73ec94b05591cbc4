-- Q3 (O18): the internal flow of each power's latest version fits its promise: node limits sum to
-- no more than the promised limit, and every node names its post, division and documents.
with power_items as (

    select * from {{ ref('stg_exchange__power_items') }}

),

flow_nodes as (

    select * from {{ ref('stg_exchange__power_flow_nodes') }}

),

latest_versions as (

    select distinct on (department_code, power_code)
        department_code,
        power_code,
        version,
        promised_limit_wd,
        uploaded_at
    from power_items
    where status is distinct from 'cancelled'
    order by department_code, power_code, version desc

),

flows as (

    select
        department_code,
        power_code,
        version,
        count(*) as node_count,
        sum(limit_wd) as flow_limit_wd,
        string_agg(
            case when post_code is null or division is null or documents is null then node_seq::text end,
            '、' order by node_seq
        ) as incomplete_node_seqs
    from flow_nodes
    group by department_code, power_code, version

),

checked as (

    select
        latest_versions.department_code,
        latest_versions.power_code,
        latest_versions.version,
        latest_versions.promised_limit_wd,
        flows.flow_limit_wd,
        flows.incomplete_node_seqs,
        latest_versions.uploaded_at,
        -- A power without a flow is a Q2 breach; Q3 has nothing to compare then.
        coalesce(flows.flow_limit_wd <= latest_versions.promised_limit_wd, true) as is_flow_within_promise,
        flows.incomplete_node_seqs is null as has_node_posts_divisions_documents
    from latest_versions
    left join flows
        on flows.department_code = latest_versions.department_code
        and flows.power_code = latest_versions.power_code
        and flows.version = latest_versions.version

),

final as (

    select
        'Q3' as rule_id,
        department_code,
        'power_item' as record_type,
        power_code || ' v' || version as record_key,
        null::text as case_no,
        uploaded_at as detected_at,
        is_flow_within_promise,
        has_node_posts_divisions_documents,
        not (is_flow_within_promise and has_node_posts_divisions_documents) as is_breach,
        nullif(concat_ws(
            '；',
            case when not is_flow_within_promise
                then '环节时限合计' || flow_limit_wd || '个工作日，超过承诺期限' || promised_limit_wd || '个工作日' end,
            case when not has_node_posts_divisions_documents
                then '第' || incomplete_node_seqs || '环节未明确岗位、处室或文书' end
        ), '') as detail
    from checked

)

select * from final
