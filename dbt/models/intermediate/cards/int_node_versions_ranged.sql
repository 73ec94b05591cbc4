-- A1 (ADR 0005): every version of each case node with the period it was the current one on the
-- platform, from its upload until the next version's upload, so node anomalies (Q4, Q7, A1.order)
-- can be judged at every upload instant. Versions uploaded at the same instant: the last wins.
-- A view: the node history computes the periods in the sort that numbers the versions, so this
-- costs a filtered scan instead of a second sort and a 3.4M-row copy at 1M cases.
{{ config(materialized='view') }}
with node_versions as (

    select * from {{ ref('stg_exchange__case_node_versions') }}

),

final as (

    select
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
        ingest_run_id,
        uploaded_at as valid_from,
        next_uploaded_at as valid_to,
        is_first_upload as is_first_version,
        -- most nodes arrive once: their one state only matters when it is an anomaly
        is_reuploaded as has_several_versions
    from node_versions
    -- the last version uploaded at its instant
    where next_uploaded_at is distinct from uploaded_at

)

select * from final
