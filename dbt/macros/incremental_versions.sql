{#- Incremental staging of the big case tables (history and current versions).

    Such a table holds what a full build at the last run's as_of gave, so its own watermarks say
    what is new: a row pulled by a later ingestion run, or uploaded after the latest upload the
    table holds. Only the business keys with such a row are recomputed (delete+insert on the key);
    every other key's rows are what a full build would give. A run evaluated earlier than an upload
    the table holds (a backfill, ADR 0004) empties it and rebuilds it whole. -#}

{#- The table's watermarks (max ingest_run_id, max uploaded_at), or none when every key must be
    computed: a full build, an empty table, a backfill. A backfill empties the table here, before
    the build: an empty table is always a valid state (the next build computes every key). -#}
{% macro version_watermarks() -%}
    {%- if not (execute and is_incremental()) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set row = run_query(
        "select max(ingest_run_id), max(uploaded_at)::text, coalesce(bool_or(uploaded_at > "
        ~ as_of() ~ "), false) from " ~ this
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
        where uploaded_at <= {{ as_of() }}
            and (ingest_run_id > {{ watermarks[0] }} or uploaded_at > '{{ watermarks[1] }}'::timestamptz)
    )
    {%- endif -%}
{%- endmacro %}
