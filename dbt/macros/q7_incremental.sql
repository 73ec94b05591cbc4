{#- Q7 kept incrementally (int_quality_q7_handler_accounts, ADR 0006). A node's check depends on
    its current version and on the versions of its handler account (the one in force when it
    started, whose period ends where the next version begins). -#}

{#- The table's watermarks (macro version_watermarks): its newest ingestion run and upload, node
    and account rows alike. A table built before it carried them is rebuilt whole. -#}
{% macro q7_watermarks() -%}
    {{ return(version_watermarks('last_ingest_run_id', 'last_uploaded_at', required_column='last_ingest_run_id')) }}
{%- endmacro %}

{#- Condition on stg_exchange__case_nodes: the nodes with a version newer than the watermarks, and
    every node of a handler account with a version newer than them. One set of node keys, so the
    planner can look the few new ones up by the current-node index instead of testing each of the
    3.4M nodes of a 1M-case city against two lists. -#}
{% macro q7_recomputed_nodes(watermarks) -%}
    (source_name, case_no, node_seq) in (
        {{ q7_recomputed_node_keys(watermarks, 'source_name, case_no, node_seq') }}
    )
{%- endmacro %}

{#- The recomputed nodes' keys as `columns` of the node tables: the node versions newer than the
    watermarks name their nodes themselves; the accounts are few, so they are looked at first and
    the current nodes are read for their handlers only when one changed. -#}
{% macro q7_recomputed_node_keys(watermarks, columns) -%}
    {%- set accounts = ref('stg_exchange__account_versions') -%}
    {%- set accounts_changed = run_query(
        "select exists (select from " ~ accounts ~ " where " ~ newer_than(watermarks) ~ ")"
    ).rows[0][0] -%}
    select {{ columns }} from {{ ref('stg_exchange__case_node_versions') }}
    where {{ newer_than(watermarks) }}
    {%- if accounts_changed %}
    union all
    select {{ columns }} from {{ ref('stg_exchange__case_nodes') }}
    where (department_code, handler_account) in (
        select department_code, account_id from {{ accounts }}
        where {{ newer_than(watermarks) }}
    )
    {%- endif %}
{%- endmacro %}

{#- Pre-hook: delete the rows this run recomputes (the account rows, and the recomputed nodes'),
    so that the new rows can be appended. Nothing to delete on a full build or an emptied table.
    The keys come straight from the node tables (a version carries its node's department):
    selecting the current nodes whose key is among them read all 3.4M of a 1M-case city (the
    delete took 3.0 s of a daily run, 1.3 s now). -#}
{% macro q7_delete_recomputed() -%}
    {%- set watermarks = q7_watermarks() if incremental_run() else none -%}
    {%- if watermarks is not none -%}
    delete from {{ this }}
    where record_type = 'account'
        or (record_type = 'case_node' and (department_code, record_key) in (
            {{ q7_recomputed_node_keys(watermarks, "department_code, case_no || '/' || node_seq") }}
        ))
    {%- endif -%}
{%- endmacro %}
