-- Every version of exchange.case_node received up to as_of (history; Q8 reads it), with the period
-- each was current (ranged, for int_node_versions_ranged).
-- A table kept incrementally (macro has_new_version): the current table and Q1 read it.
-- Its newest versions are found through a BRIN index (macro upload_order_index), the nodes still
-- running through a partial one (int_cases_measured recomputes their cases every run); both are
-- built by the first daily run (macro create_incremental_indexes).
-- One current version per node is enforced by a unique partial index, checked on every write,
-- instead of a test that groups the 3.4M current nodes of a 1M-case city on every run.
{{ config(
    materialized='incremental',
    unique_key=['source_name', 'case_no', 'node_seq'],
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    post_hook="{{ create_index_once(
        'source_name, case_no, node_seq', 'is_current',
        '%(source_name, case_no, node_seq) NULLS NOT DISTINCT WHERE is_current', unique=true,
    ) }}",
) }}
{{ create_incremental_indexes([
    upload_order_index(),
    ['department_code, case_no', 'is_current and started_at is not null and finished_at is null',
     '%WHERE (is_current AND (started_at IS NOT NULL) AND (finished_at IS NULL))'],
]) }}
{{- exchange_versions('case_node', ['case_no', 'node_seq'], incremental=true, ranged=true) }}
