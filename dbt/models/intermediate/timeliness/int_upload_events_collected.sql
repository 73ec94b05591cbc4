-- Q1 (O12): every event a department must upload within 24 hours, with when it happened and
-- when it first arrived. Casts the key columns to text so all events share one record_key.
-- A view: upload_timeliness, its one reader, aggregates the history once instead of twice.
{{ config(materialized='view') }}
with acceptances as (

    {{ upload_events('stg_exchange__case_acceptance_versions', 'acceptance', 'accepted_at', ['case_no']) }}

),

node_finishes as (

    {{ upload_events('stg_exchange__case_node_versions', 'node_finish', 'finished_at', ['case_no', 'node_seq::text']) }}

),

suspension_starts as (

    {{ upload_events('stg_exchange__case_suspension_versions', 'suspension_start', 'started_at', ['case_no', 'suspension_seq::text']) }}

),

suspension_ends as (

    {{ upload_events('stg_exchange__case_suspension_versions', 'suspension_end', 'ended_at', ['case_no', 'suspension_seq::text']) }}

),

completions as (

    {{ upload_events('stg_exchange__case_completion_versions', 'completion', 'completed_at', ['case_no']) }}

),

final as (

    select * from acceptances
    union all
    select * from node_finishes
    union all
    select * from suspension_starts
    union all
    select * from suspension_ends
    union all
    select * from completions

)

select * from final
