-- A1 (ADR 0005): every version of each case node with the period it was the current one on the
-- platform, from its upload until the next version's upload, so node anomalies (Q4, Q7, A1.order)
-- can be judged at every upload instant. Versions uploaded at the same instant: the last wins.
-- Kept incrementally: only the nodes with a version newer than the table's watermarks are
-- recomputed (macro version_watermarks); a backfill rebuilds it whole.
{{ config(
    materialized='incremental',
    unique_key=['department_code', 'case_no', 'node_seq'],
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
) }}
with node_versions as (

    select * from {{ ref('stg_exchange__case_node_versions') }}
    where true
        {{ has_new_version(ref('stg_exchange__case_node_versions'), ['case_no', 'node_seq'], version_watermarks()) }}

),

deduplicated as (

    select distinct on (department_code, case_no, node_seq, uploaded_at)
        department_code,
        case_no,
        node_seq,
        post_code,
        handler_account,
        started_at,
        finished_at,
        opinion,
        reason,
        uploaded_at,
        ingest_run_id
    from node_versions
    order by department_code, case_no, node_seq, uploaded_at, version_number desc

),

final as (

    select
        *,
        uploaded_at as valid_from,
        lead(uploaded_at) over node_history as valid_to,
        row_number() over node_history = 1 as is_first_version,
        -- most nodes arrive once: their one state only matters when it is an anomaly
        count(*) over (partition by department_code, case_no, node_seq) as version_count
    from deduplicated
    window node_history as (partition by department_code, case_no, node_seq order by uploaded_at)

)

select * from final
