-- Q1 (O12): one row per event; late when it reached the platform more than 24 hours after it
-- happened. The department's own uploaded_at is the clock, never when the platform pulled it.
-- Kept incrementally: a record's event changes only with a new version of it, so a run recomputes
-- just the records with a version newer than the table's watermarks (macro version_watermarks);
-- as_of is the run that produced the row. A backfill rebuilds it whole.
{{ config(
    materialized='incremental',
    unique_key=['department_code', 'record_type', 'record_key'],
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    post_hook="{{ unique_key_index(['record_key', 'record_type', 'department_code']) }}",
) }}
{%- set watermarks = version_watermarks('last_ingest_run_id', 'last_uploaded_at') %}
with acceptances as (

    {{ upload_events('stg_exchange__case_acceptance_versions', 'acceptance', 'accepted_at', ['case_no'], watermarks) }}

),

node_finishes as (

    {{ upload_events('stg_exchange__case_node_versions', 'node_finish', 'finished_at', ['case_no', 'node_seq'], watermarks) }}

),

suspension_starts as (

    {{ upload_events('stg_exchange__case_suspension_versions', 'suspension_start', 'started_at', ['case_no', 'suspension_seq'], watermarks) }}

),

suspension_ends as (

    {{ upload_events('stg_exchange__case_suspension_versions', 'suspension_end', 'ended_at', ['case_no', 'suspension_seq'], watermarks) }}

),

completions as (

    {{ upload_events('stg_exchange__case_completion_versions', 'completion', 'completed_at', ['case_no'], watermarks) }}

),

events as (

    select * from acceptances
    union all
    select * from node_finishes
    union all
    select * from suspension_starts
    union all
    select * from suspension_ends
    union all
    select * from completions

),

units as (

    select * from {{ ref('units') }}

),

final as (

    select
        events.department_code,
        coalesce(units.name_zh, events.department_code) as department_name,
        events.record_type,
        events.record_key,
        events.occurred_at,
        {{ shanghai_date('events.occurred_at') }} as occurred_date,
        events.first_uploaded_at,
        round((extract(epoch from events.first_uploaded_at - events.occurred_at) / 3600)::numeric, 2)
            as delay_hours,
        events.first_uploaded_at - events.occurred_at > interval '{{ var("upload_deadline_hours") }} hours'
            as is_late,
        events.last_ingest_run_id,
        events.last_uploaded_at,
        {{ as_of() }} as as_of
    from events
    left join units on units.department_code = events.department_code

)

select * from final
