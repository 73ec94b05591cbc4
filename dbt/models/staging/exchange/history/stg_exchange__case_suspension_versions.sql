-- Every version of exchange.case_suspension received up to as_of (history; Q8 reads it).
-- A table kept incrementally (macro has_new_version): the current table and Q1 read it.
-- Its newest versions are found through a BRIN index (macro upload_order_index), built by the
-- first daily run (macro create_incremental_indexes).
{{ config(
    materialized='incremental',
    unique_key=['source_name', 'case_no', 'suspension_seq'],
    incremental_strategy='delete+insert',
    on_schema_change='fail',
) }}
{{ create_incremental_indexes([upload_order_index()]) }}
{{- exchange_versions('case_suspension', ['case_no', 'suspension_seq'], incremental=true) }}
