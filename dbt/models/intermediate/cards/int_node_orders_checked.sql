-- A1.order (O10): a node must not start before the previous node of the same case (node_seq - 1)
-- finished. Judged at every instant either of the two nodes got a new version, with the versions
-- current then; a later upload fixing either time corrects it.
with node_versions as (

    select * from {{ ref('int_node_versions_ranged') }}

),

instants as (

    -- a node's state changes with its own uploads and with those of the node before it
    select department_code, case_no, node_seq, valid_from as checked_at
    from node_versions
    where node_seq > 1

    union

    select department_code, case_no, node_seq + 1 as node_seq, valid_from as checked_at
    from node_versions

),

judged as (

    select
        'A1.order' as rule_id,
        instants.department_code,
        instants.case_no,
        instants.node_seq,
        instants.node_seq::text as record_key,
        instants.checked_at,
        {{ shanghai_date('node.started_at') }} as event_on,
        coalesce(node.started_at < previous.finished_at, false) as is_anomaly,
        '第' || instants.node_seq || '环节开始于' || to_char(node.started_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI')
        || '，早于第' || previous.node_seq || '环节办结（'
        || to_char(previous.finished_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') || '）' as detail,
        node.version_count + previous.version_count > 2 as has_several_versions
    from instants
    inner join node_versions as node
        on node.department_code = instants.department_code
        and node.case_no = instants.case_no
        and node.node_seq = instants.node_seq
        and node.valid_from <= instants.checked_at
        and (node.valid_to is null or instants.checked_at < node.valid_to)
    inner join node_versions as previous
        on previous.department_code = instants.department_code
        and previous.case_no = instants.case_no
        and previous.node_seq = instants.node_seq - 1
        and previous.valid_from <= instants.checked_at
        and (previous.valid_to is null or instants.checked_at < previous.valid_to)

),

final as (

    -- two nodes seen once each and in order can never start an episode
    select rule_id, department_code, case_no, node_seq, record_key, checked_at, event_on, is_anomaly, detail
    from judged
    where is_anomaly or has_several_versions

)

select * from final
