-- Each case with the power version it was accepted under, its limits (T5, T8), the size of that
-- version's flow (Q9, A1) and the date it is measured on (T4): its completion date when completed,
-- else the evaluation date.
-- Kept incrementally, and decides which cases the whole case chain recomputes (macro
-- cases_to_recompute, ADR 0006); as_of is the run that computed the row, records_changed_as_of
-- the run that last saw its records change. Both are indexed, by the first daily run (macro
-- create_incremental_indexes): every model after it picks the cases it recomputes by them (macro
-- recomputed_cases), about 30 reads a run that would each scan the whole table (0.4 s at 1M cases)
-- for the tenth or less a daily run recomputes.
-- No nested loops (pre-hook): the planner cannot count the recomputed cases (a grouped union) and
-- guesses 200, and a day after a daily run it guessed one case to compute. It then scanned the
-- completions once per recomputed case: 7-10 s instead of under 1 s at 20,000 cases.
{{ config(
    materialized='incremental',
    incremental_strategy='replace_cases',
    on_schema_change='append_new_columns',
    pre_hook="set local enable_nestloop = off",
) }}
{{ create_incremental_indexes([
    ['as_of', none, '%USING btree (as_of)'],
    ['records_changed_as_of', none, '%USING btree (records_changed_as_of)'],
]) }}
-- What an incremental run reads to find the cases to recompute:
-- depends_on: {{ ref('stg_exchange__case_acceptance_versions') }}, {{ ref('stg_exchange__case_completion_versions') }}
-- depends_on: {{ ref('stg_exchange__case_node_versions') }}, {{ ref('stg_exchange__case_suspension_versions') }}
-- depends_on: {{ ref('stg_exchange__case_extension_versions') }}, {{ ref('stg_exchange__case_nodes') }}
-- depends_on: {{ ref('stg_exchange__power_item_versions') }}, {{ ref('stg_exchange__power_flow_node_versions') }}
-- depends_on: {{ ref('stg_exchange__exemption_versions') }}
{%- set fingerprint = case_reference_fingerprint() %}
{%- set watermarks = case_watermarks(fingerprint) %}
with
{%- if watermarks is not none %}
recomputed as (

    select department_code, case_no, bool_or(records_changed) as records_changed
    from (
        {{ cases_to_recompute(watermarks) }}
    ) as candidates
    group by department_code, case_no

),

previous as (

    select department_code, case_no, records_changed_as_of from {{ this }}

),
{%- endif %}

cases as (

    select * from {{ ref('stg_exchange__case_acceptances') }}
    {%- if watermarks is not none %}
    where (department_code, case_no) in (select recomputed.department_code, recomputed.case_no from recomputed)
    {%- endif %}

),

completions as (

    select * from {{ ref('stg_exchange__case_completions') }}
    {%- if watermarks is not none %}
    where (department_code, case_no) in (select recomputed.department_code, recomputed.case_no from recomputed)
    {%- endif %}

),

power_items as (

    select * from {{ ref('stg_exchange__power_items') }}

),

flow_nodes as (

    select * from {{ ref('stg_exchange__power_flow_nodes') }}

),

-- How many nodes each power version's flow has (Q9, A1): counted once per version, not per case.
flow_sizes as (

    select department_code, power_code, version, count(*)::integer as flow_node_count
    from flow_nodes
    group by department_code, power_code, version

),

extensions as (

    select * from {{ ref('stg_exchange__case_extensions') }}
    {%- if watermarks is not none %}
    where (department_code, case_no) in (select recomputed.department_code, recomputed.case_no from recomputed)
    {%- endif %}

),

units as (

    select * from {{ ref('units') }}

),

cases_dated as (

    select
        cases.department_code,
        cases.case_no,
        cases.power_code,
        cases.channel,
        cases.accepted_at,
        {{ shanghai_date('cases.accepted_at') }} as accepted_date,
        completions.completed_at,
        {{ shanghai_date('completions.completed_at') }} as completion_date,
        completions.result as completion_result,
        completions.fee_charged
    from cases
    left join completions
        on completions.department_code = cases.department_code
        and completions.case_no = cases.case_no

),

power_versions_ranked as (

    -- Prefer the confirmed version in force on the acceptance date; else the latest version.
    -- From the acceptances themselves, so cases_dated is read once (not materialised).
    select
        acceptances.department_code,
        acceptances.case_no,
        power_items.version as power_version,
        power_items.name as power_name,
        power_items.category as power_category,
        power_items.promised_limit_wd,
        power_items.legal_limit_wd,
        coalesce(power_items.is_risk_point, false) as is_risk_point,
        flow_sizes.flow_node_count,
        row_number() over (
            partition by acceptances.department_code, acceptances.case_no
            order by
                (power_items.status = 'confirmed'
                 and power_items.effective_from <= acceptances.accepted_date
                 and (power_items.effective_to is null or acceptances.accepted_date < power_items.effective_to))
                    desc nulls last,
                power_items.version desc
        ) as preference
    from (
        select
            department_code,
            case_no,
            power_code,
            {{ shanghai_date('accepted_at') }} as accepted_date
        from cases
    ) as acceptances
    inner join power_items
        on power_items.department_code = acceptances.department_code
        and power_items.power_code = acceptances.power_code
    left join flow_sizes
        on flow_sizes.department_code = power_items.department_code
        and flow_sizes.power_code = power_items.power_code
        and flow_sizes.version = power_items.version

),

extension_totals as (

    select
        department_code,
        case_no,
        sum(extra_wd)::integer as extension_wd
    from extensions
    where extra_wd > 0
    group by department_code, case_no

),

final as (

    select
        cases_dated.department_code,
        coalesce(units.name_zh, cases_dated.department_code) as department_name,
        cases_dated.case_no,
        cases_dated.power_code,
        power_versions_ranked.power_version,
        power_versions_ranked.power_name,
        power_versions_ranked.power_category,
        power_versions_ranked.is_risk_point,
        power_versions_ranked.promised_limit_wd,
        power_versions_ranked.legal_limit_wd,
        -- null: the version has no flow
        power_versions_ranked.flow_node_count,
        coalesce(extension_totals.extension_wd, 0) as extension_wd,
        cases_dated.channel,
        cases_dated.accepted_at,
        cases_dated.accepted_date,
        cases_dated.completed_at,
        cases_dated.completion_date,
        cases_dated.completion_result,
        cases_dated.fee_charged,
        cases_dated.completed_at is not null as is_completed,
        coalesce(cases_dated.completion_date, {{ as_of_date() }}) as measured_on,
        (select max(ingest_log.ingest_run_id) from {{ source('platform', 'ingest_log') }} as ingest_log)
            as ingest_watermark,
        '{{ fingerprint }}' as reference_fingerprint,
        -- the run that last saw the case's records change (models that do not depend on the
        -- evaluation date recompute only these cases: strategy replace_changed_cases)
        {%- if watermarks is not none %}
        case when recomputed.records_changed then {{ as_of() }}
            else coalesce(previous.records_changed_as_of, {{ as_of() }}) end as records_changed_as_of,
        {%- else %}
        {{ as_of() }} as records_changed_as_of,
        {%- endif %}
        {{ as_of() }} as as_of
    from cases_dated
    left join power_versions_ranked
        on power_versions_ranked.department_code = cases_dated.department_code
        and power_versions_ranked.case_no = cases_dated.case_no
        and power_versions_ranked.preference = 1
    left join extension_totals
        on extension_totals.department_code = cases_dated.department_code
        and extension_totals.case_no = cases_dated.case_no
    left join units
        on units.department_code = cases_dated.department_code
    {%- if watermarks is not none %}
    inner join recomputed
        on recomputed.department_code = cases_dated.department_code
        and recomputed.case_no = cases_dated.case_no
    left join previous
        on previous.department_code = cases_dated.department_code
        and previous.case_no = cases_dated.case_no
    {%- endif %}

)

select * from final
