{#- Incremental staging of the big case tables (history and current versions).

    Such a table holds what a full build at the last run's as_of gave, so its own watermarks say
    what is new: a row pulled by a later ingestion run, or uploaded after the latest upload the
    table holds. Only the business keys with such a row are recomputed (delete+insert on the key);
    every other key's rows are what a full build would give. A run evaluated earlier than an upload
    the table holds (a backfill, ADR 0004) empties it and rebuilds it whole. -#}

{#- The table's watermarks (max ingest_run_id, max uploaded_at), or none when every key must be
    computed: a full build, an empty table, a backfill. A backfill empties the table here, before
    the build: an empty table is always a valid state (the next build computes every key).
    A model derived per key from the history tables keeps the same pattern: it carries, per row,
    the latest ingest run and upload of the versions it was computed from (run_column,
    uploaded_column), and recomputes only the keys with a newer version. -#}
{% macro version_watermarks(run_column='ingest_run_id', uploaded_column='uploaded_at', required_column=none) -%}
    {%- if not incremental_run() -%}
        {{ return(none) }}
    {%- endif -%}
    {#- A table built before it carried watermarks (an upgrade): compute every key; the model's
        on_schema_change='append_new_columns' adds the columns. A column every row needs
        (required_column) empties the table first. -#}
    {%- set existing = adapter.get_columns_in_relation(this) | map(attribute='name') | list -%}
    {%- if required_column and required_column not in existing -%}
        {%- do run_query("truncate " ~ this) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if run_column not in existing -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set row = run_query(
        "select max(" ~ run_column ~ "), max(" ~ uploaded_column ~ ")::text, coalesce(bool_or("
        ~ uploaded_column ~ " > " ~ as_of() ~ "), false) from " ~ this
    ).rows[0] -%}
    {%- if row[2] -%}
        {%- do run_query("truncate " ~ this) -%}
    {%- endif -%}
    {{ return(none if row[0] is none or row[2] else row) }}
{%- endmacro %}

{#- Condition on the rows of `relation` (raw or history): their business key has a row newer than
    the watermarks. Empty (no condition) when every key is computed. -#}
{% macro has_new_version(relation, key_columns, watermarks) -%}
    {%- if watermarks is not none -%}
    {%- set key = 'source_name, ' ~ key_columns | join(', ') -%}
    and ({{ key }}) in (
        select {{ key }} from {{ relation }}
        where {{ newer_than(watermarks) }}
    )
    {%- endif -%}
{%- endmacro %}

{#- Condition on the rows of a raw or history relation: received up to as_of, and newer than the
    watermarks (a later ingestion run, or a later upload). -#}
{% macro newer_than(watermarks) -%}
    uploaded_at <= {{ as_of() }}
    and (ingest_run_id > {{ watermarks[0] }} or uploaded_at > '{{ watermarks[1] }}'::timestamptz)
{%- endmacro %}

{#- An incremental build of a model that exists (not parsing, not a dbt unit test, where `this`
    is none). -#}
{% macro incremental_run() -%}
    {{ return(execute and this is not none and is_incremental()) }}
{%- endmacro %}
