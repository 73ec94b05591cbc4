-- Q7 (O19): every node is handled by an account that was enabled when the node started and holds
-- the node's post; every account has an approval record. One row per case node with a handler
-- and one per account version.
-- Kept incrementally (ADR 0006): a run recomputes the nodes with a new version and every node of
-- a handler account with a new version (macro q7_recomputed_nodes); a pre-hook first deletes
-- their rows, so a node that lost its handler loses its row, and the few account rows, which are
-- recomputed every run. A backfill rebuilds it whole.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='append_new_columns',
    post_hook="{{ unique_key_index(['record_key', 'record_type', 'department_code']) }}",
    pre_hook="{{ q7_delete_recomputed() }}",
) }}
-- What an incremental run reads to find the nodes to recompute:
-- depends_on: {{ ref('stg_exchange__case_node_versions') }}, {{ ref('stg_exchange__account_versions') }}
{%- set watermarks = q7_watermarks() %}
with case_nodes as (

    select * from {{ ref('stg_exchange__case_nodes') }}
    {%- if watermarks is not none %}
    where {{ q7_recomputed_nodes(watermarks) }}
    {%- endif %}

),

account_versions as (

    select * from {{ ref('int_account_versions_dated') }}

),

-- Disjoint periods, so a node matches at most one (no per-node sort among overlapping versions).
accounts_in_force as (

    select * from {{ ref('int_account_versions_in_force') }}

),

nodes_matched as (

    select
        case_nodes.department_code,
        case_nodes.case_no,
        case_nodes.node_seq,
        case_nodes.post_code,
        case_nodes.handler_account,
        case_nodes.uploaded_at,
        accounts_in_force.account_id is not null as has_account,
        coalesce(accounts_in_force.is_enabled, false) as is_account_enabled,
        coalesce(case_nodes.post_code = any(accounts_in_force.post_codes), false) as holds_post,
        case_nodes.ingest_run_id
    from case_nodes
    left join accounts_in_force
        on accounts_in_force.department_code = case_nodes.department_code
        and accounts_in_force.account_id = case_nodes.handler_account
        and accounts_in_force.piece_from <= case_nodes.started_at
        and (accounts_in_force.piece_to is null or case_nodes.started_at < accounts_in_force.piece_to)
    where case_nodes.handler_account is not null

),

nodes_checked as (

    select
        'Q7' as rule_id,
        department_code,
        'case_node' as record_type,
        case_no || '/' || node_seq as record_key,
        case_no,
        uploaded_at as detected_at,
        is_account_enabled,
        holds_post,
        true as is_approved,
        not (is_account_enabled and holds_post) as is_breach,
        case
            when not has_account then '第' || node_seq || '环节办理账号' || handler_account || '在办理时不存在'
            when not (is_account_enabled and holds_post)
                then '第' || node_seq || '环节办理账号' || handler_account
                    || nullif(concat_ws('、',
                        case when not is_account_enabled then '未启用' end,
                        case when not holds_post then '不持有岗位' || coalesce(post_code, '（空）') end
                    ), '')
        end as detail,
        ingest_run_id as last_ingest_run_id,
        uploaded_at as last_uploaded_at
    from nodes_matched

),

accounts_checked as (

    select
        'Q7' as rule_id,
        department_code,
        'account' as record_type,
        account_id || ' v' || version as record_key,
        null::text as case_no,
        uploaded_at as detected_at,
        true as is_account_enabled,
        true as holds_post,
        is_approved,
        not is_approved as is_breach,
        case when not is_approved then '账号' || account_id || '第' || version || '版无审批记录' end as detail,
        ingest_run_id as last_ingest_run_id,
        uploaded_at as last_uploaded_at
    from account_versions

),

final as (

    select * from nodes_checked
    union all
    select * from accounts_checked

)

select
    final.*,
    {{ as_of() }} as as_of
from final
