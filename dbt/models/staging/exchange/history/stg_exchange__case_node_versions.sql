-- Every version of exchange.case_node received up to as_of (history; Q8 reads it), with the period
-- each was current (ranged, for int_node_versions_ranged).
-- A table kept incrementally (macro has_new_version): the current table and Q1 read it.
{{ config(
    materialized='incremental',
    unique_key=['source_name', 'case_no', 'node_seq'],
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
) }}
{{ exchange_versions('case_node', ['case_no', 'node_seq'], incremental=true, ranged=true) }}
