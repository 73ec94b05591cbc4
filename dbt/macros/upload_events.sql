{#- Q1: one event type of one exchange table's history: when it happened (current version) and
    when a version carrying it first reached the platform (the department's uploaded_at). With
    watermarks (an incremental build), only the records that have a version newer than them. -#}
{% macro upload_events(versions_model, record_type, occurred_column, key_columns, watermarks=none) -%}
    {%- set versions = ref(versions_model) -%}
    {%- set record_key = key_columns | join("::text || '/' || ") ~ '::text' -%}
    {%- if watermarks is none %}
    -- A full build: nearly every record arrives once, and its one version is the event, with no
    -- aggregate; the few with a second version are aggregated below.
    select
        department_code,
        '{{ record_type }}' as record_type,
        {{ record_key }} as record_key,
        {{ occurred_column }} as occurred_at,
        uploaded_at as first_uploaded_at,
        ingest_run_id as last_ingest_run_id,
        uploaded_at as last_uploaded_at
    from {{ versions }}
    where version_number = 1
        and is_current
        and {{ occurred_column }} is not null
    union all
    {%- endif %}
    select
        department_code,
        '{{ record_type }}' as record_type,
        {{ record_key }} as record_key,
        (array_agg({{ occurred_column }} order by is_current desc, uploaded_at desc)
            filter (where {{ occurred_column }} is not null))[1] as occurred_at,
        min(uploaded_at) filter (where {{ occurred_column }} is not null) as first_uploaded_at,
        max(ingest_run_id) as last_ingest_run_id,
        max(uploaded_at) as last_uploaded_at
    from {{ versions }}
    where true
        {%- if watermarks is none %}
        and (source_name, {{ key_columns | join(', ') }}) in (
            select source_name, {{ key_columns | join(', ') }} from {{ versions }}
            where version_number = 2
        )
        {%- else %}
        {{ has_new_version(versions, key_columns, watermarks) }}
        {%- endif %}
    group by department_code, {{ key_columns | join(', ') }}
    having count({{ occurred_column }}) > 0
{%- endmacro %}
