{#- The case chain kept incrementally (ADR 0006): int_cases_measured, int_case_suspensions_merged,
    int_case_exemptions_counted, case_timeliness, node_timeliness and the per-case checks of the
    rule library (Q5, Q9, A1) that read them.

    A case's rows can change only when a version of one of its records arrives, when it depends on
    the evaluation date (open, or a node still running), or when the reference data it was judged
    with changes. int_cases_measured decides which cases a run recomputes (cases_to_recompute) and
    stamps them with the run's as_of; each model after it recomputes the cases stamped since its own
    last run (recomputed_cases_only). The strategy replace_cases first deletes those cases' rows, so
    a row that no longer exists (two suspensions merged into one) goes, and on a backfill every row
    computed for a later evaluation time. A full build, an empty table, a backfill or changed
    reference data (calendar, units, warning shares) recomputes every case. -#}

{#- What a case is judged with besides its own records and its power's catalogue: the numbered
    calendar, the units' names, the warning shares (T6) and the placeholder opinions (Q4). A change
    recomputes every case. -#}
{% macro case_reference_fingerprint() -%}
    {%- set query -%}
    select md5(
        (select string_agg(calendar_date || '/' || is_workday || '/' || workday_number || '/'
            || provisional_day_number, ',' order by calendar_date)
         from {{ ref('int_calendar_days_numbered') }})
        || (select string_agg(department_code || '/' || coalesce(name_zh, ''), ',' order by department_code)
            from {{ ref('units') }})
        || '/{{ var("approaching_share") }}/{{ var("risk_point_approaching_share") }}'
        || '/{{ var("placeholder_reasons") | join("|") }}'
    )
    {%- endset -%}
    {{ return(run_query(query).rows[0][0] if execute else '') }}
{%- endmacro %}

{#- int_cases_measured's last state: the ingestion run and evaluation time its rows include (a
    pair, like version_watermarks', for macro newer_than), or none when every case must be
    computed. -#}
{% macro case_watermarks(fingerprint) -%}
    {%- if not incremental_run() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set existing = adapter.get_columns_in_relation(this) | map(attribute='name') | list -%}
    {%- if 'reference_fingerprint' not in existing or 'records_changed_as_of' not in existing
        or 'flow_node_count' not in existing -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set row = run_query(
        "select max(ingest_watermark), max(as_of)::text, coalesce(max(as_of) <= " ~ as_of()
        ~ ", false), coalesce(bool_and(reference_fingerprint = '" ~ fingerprint ~ "'), false) from " ~ this
    ).rows[0] -%}
    {{ return([row[0], row[1]] if row[0] is not none and row[2] and row[3] else none) }}
{%- endmacro %}

{#- The cases (department_code, case_no) whose rows may differ from the last run's, and whether
    what they are judged with changed (records_changed: a new version of a record, of their
    power's catalogue or flow, a new exempt window) or only the evaluation date moved. Each branch
    reads an index, not the whole table (a daily run at 1M cases: 0.1 s each, not 0.7-1.3 s). -#}
{% macro cases_to_recompute(watermarks) -%}
    {#- the catalogue, flows and exempt windows are small: look first, and join the cases to them
        only when one changed -#}
    {%- set changed = run_query(
        "select exists (select from " ~ ref('stg_exchange__power_item_versions') ~ " where " ~ newer_than(watermarks) ~ ")"
        ~ " or exists (select from " ~ ref('stg_exchange__power_flow_node_versions') ~ " where " ~ newer_than(watermarks) ~ "),"
        ~ " exists (select from " ~ ref('stg_exchange__exemption_versions') ~ " where " ~ newer_than(watermarks) ~ ")"
    ).rows[0] -%}
    {%- for model in [
        'stg_exchange__case_acceptance_versions', 'stg_exchange__case_completion_versions',
        'stg_exchange__case_node_versions', 'stg_exchange__case_suspension_versions',
        'stg_exchange__case_extension_versions'] %}
    select department_code, case_no, true as records_changed from {{ ref(model) }}
    where {{ newer_than(watermarks) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
    union all
    -- measured to the evaluation date: open cases (every run recomputes them, so all carry the
    -- last run's as_of, which the index finds), and nodes still running (also in completed cases;
    -- a partial index of stg_exchange__case_node_versions)
    select department_code, case_no, false from {{ this }}
    where as_of = '{{ watermarks[1] }}'::timestamptz and not is_completed
    union all
    select department_code, case_no, false from {{ ref('stg_exchange__case_nodes') }}
    where started_at is not null and finished_at is null
    {%- if changed[0] %}
    union all
    -- a new catalogue or flow version can change the limits of every case of its power
    select previous.department_code, previous.case_no, true
    from {{ this }} as previous
    inner join (
        select department_code, power_code from {{ ref('stg_exchange__power_item_versions') }}
        where {{ newer_than(watermarks) }}
        union
        select department_code, power_code from {{ ref('stg_exchange__power_flow_node_versions') }}
        where {{ newer_than(watermarks) }}
    ) as changed_powers
        on changed_powers.department_code = previous.department_code
        and changed_powers.power_code = previous.power_code
    {%- endif %}
    {%- if changed[1] %}
    union all
    -- a new exempt window (T9): every case in its scope
    select previous.department_code, previous.case_no, true
    from {{ this }} as previous
    inner join (
        select scope, department_code, case_no from {{ ref('stg_exchange__exemption_versions') }}
        where {{ newer_than(watermarks) }}
    ) as changed_exemptions
        on changed_exemptions.scope = 'city'
        or (changed_exemptions.scope = 'department' and changed_exemptions.department_code = previous.department_code)
        or (changed_exemptions.department_code = previous.department_code and changed_exemptions.case_no = previous.case_no)
    {%- endif %}
{%- endmacro %}

{#- In a model after int_cases_measured: a condition keeping the cases it recomputed since this
    model's last run (every case on a full build). A model with the strategy replace_changed_cases
    does not depend on the evaluation date: it keeps only the cases whose records changed. -#}
{% macro recomputed_cases_only(department_column='department_code', case_column='case_no') -%}
    {%- set measured = ref('int_cases_measured') -%}
    {#- a table built before it carried as_of (an upgrade) recomputes every case -#}
    {%- if incremental_run()
        and 'as_of' in adapter.get_columns_in_relation(this) | map(attribute='name') | list %}
    and ({{ department_column }}, {{ case_column }}) in (
        {{ recomputed_cases(measured, config.get('incremental_strategy') == 'replace_changed_cases') }}
    )
    {%- endif -%}
{%- endmacro %}

{#- The cases int_cases_measured recomputed (or, with changed_records_only, whose records changed)
    after this model's last run; at that run's evaluation time again (a rerun), since that run. -#}
{% macro recomputed_cases(measured, changed_records_only=false) -%}
    {#- a subquery, not a literal: with statistics from the full build a literal makes the planner
        expect no such case and pick nested loops -#}
    select department_code, case_no from {{ measured }}
    where {{ 'records_changed_as_of' if changed_records_only else 'as_of' }} > least(
        -- never recorded (a new model, or an upgrade, which recomputes every case anyway): all
        coalesce(
            (select case_model_runs.as_of from platform.case_model_runs
             where case_model_runs.model_name = '{{ this.identifier }}'),
            '-infinity'
        ),
        {{ as_of() }} - interval '1 microsecond'
    )
{%- endmacro %}

{#- on-run-start: the table of the case models' last evaluation times. A model's rows cannot tell
    it: a check with no breach has no row (an empty table would recompute every case each run). -#}
{% macro create_case_model_runs() -%}
    create schema if not exists platform;
    create table if not exists platform.case_model_runs (
        model_name text primary key,
        as_of timestamptz not null
    )
{%- endmacro %}

{#- post-hook: a case model records the evaluation time of the run that just built it. -#}
{% macro record_case_model_run() -%}
    {%- if config.get('incremental_strategy') in ('replace_cases', 'replace_changed_cases') -%}
    insert into platform.case_model_runs (model_name, as_of)
    values ('{{ this.identifier }}', {{ as_of() }})
    on conflict (model_name) do update set as_of = excluded.as_of
    {%- endif -%}
{%- endmacro %}

{#- incremental_strategy='replace_cases': delete the recomputed cases' rows, and every row computed
    for a later evaluation time than this run's (a backfill), then insert the new rows. In
    int_cases_measured (one row per case) the recomputed cases are the new rows' own.
    incremental_strategy='replace_changed_cases': the same for a model that does not depend on the
    evaluation date, which recomputes only the cases whose records changed. -#}
{% macro get_incremental_replace_cases_sql(arg_dict) -%}
    {{ return(replace_cases_sql(arg_dict, changed_records_only=false)) }}
{%- endmacro %}

{% macro get_incremental_replace_changed_cases_sql(arg_dict) -%}
    {{ return(replace_cases_sql(arg_dict, changed_records_only=true)) }}
{%- endmacro %}

{% macro replace_cases_sql(arg_dict, changed_records_only) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set new_rows = arg_dict['temp_relation'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ target }}
    where as_of > {{ as_of() }}
        or (department_code, case_no) in (
            {%- if target.identifier == 'int_cases_measured' %}
            select department_code, case_no from {{ new_rows }}
            {%- else %}
            {{ recomputed_cases(ref('int_cases_measured'), changed_records_only) }}
            {%- endif %}
        );
    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ new_rows }}
{%- endmacro %}
