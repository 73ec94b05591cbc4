-- Q7 (O19), A1: the account that handled a node must, in its version in force when the node
-- started, be enabled and hold the node's post. Judged at every upload of the node, and again when
-- the account version in force reaches the platform after the node (until then there is no account).
with node_versions as (

    select * from {{ ref('int_node_versions_ranged') }}

),

-- Disjoint periods, each with the version in force (the highest covering it), as Q7 reads them.
accounts_in_force as (

    select * from {{ ref('int_account_versions_in_force') }}

),

matched as (

    select
        node_versions.department_code,
        node_versions.case_no,
        node_versions.node_seq,
        node_versions.post_code,
        node_versions.handler_account,
        node_versions.started_at,
        node_versions.valid_from,
        node_versions.valid_to,
        node_versions.has_several_versions,
        accounts_in_force.account_id is not null as has_account,
        accounts_in_force.uploaded_at as account_uploaded_at,
        coalesce(accounts_in_force.is_enabled, false) as is_enabled,
        coalesce(node_versions.post_code = any(accounts_in_force.post_codes), false) as holds_post
    from node_versions
    left join accounts_in_force
        on accounts_in_force.department_code = node_versions.department_code
        and accounts_in_force.account_id = node_versions.handler_account
        and accounts_in_force.piece_from <= node_versions.started_at
        and (accounts_in_force.piece_to is null or node_versions.started_at < accounts_in_force.piece_to)
    where node_versions.handler_account is not null
        and node_versions.started_at is not null

),

-- The rows states can keep (an anomaly, several versions, or an account arriving later): the
-- rest, nearly every node, is dropped before both branches read it.
candidates as (

    select * from matched
    where not (has_account and is_enabled and holds_post)
        or account_uploaded_at > valid_from
        or has_several_versions

),

states as (

    -- at the node's upload: the account counts only if it had been uploaded by then
    select
        *,
        valid_from as checked_at,
        has_account and account_uploaded_at <= valid_from as account_known,
        false as is_account_arrival
    from candidates

    union all

    -- the account version arriving while this node version is current
    select
        *,
        account_uploaded_at as checked_at,
        true as account_known,
        true as is_account_arrival
    from candidates
    where has_account
        and account_uploaded_at > valid_from
        and (valid_to is null or account_uploaded_at < valid_to)

),

judged as (

    select
        'Q7' as rule_id,
        department_code,
        case_no,
        node_seq,
        node_seq::text as record_key,
        checked_at,
        {{ shanghai_date('started_at') }} as event_on,
        not (account_known and is_enabled and holds_post) as is_anomaly,
        '第' || node_seq || '环节办理账号 ' || handler_account
        || case
            when not account_known then ' 在环节开始时不存在'
            when not is_enabled then ' 在环节开始时未启用'
            else ' 不持有岗位 ' || coalesce(post_code, '（空）')
        end as detail,
        has_several_versions,
        is_account_arrival
    from states

),

final as (

    -- a node seen once and fine can never start an episode (int_record_anomalies_episoded)
    select rule_id, department_code, case_no, node_seq, record_key, checked_at, event_on, is_anomaly, detail
    from judged
    where is_anomaly or has_several_versions or is_account_arrival

)

-- as_of like the other check models of int_record_anomalies_episoded (kept incrementally, ADR 0006)
select
    final.*,
    {{ as_of() }} as as_of
from final
