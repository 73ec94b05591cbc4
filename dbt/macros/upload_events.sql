{#- Q1: one event type of one exchange table's history: when it happened (current version) and
    when a version carrying it first reached the platform (the department's uploaded_at). With
    watermarks (an incremental build), only the records that have a version newer than them. -#}
{% macro upload_events(versions_model, record_type, occurred_column, key_columns, watermarks=none) -%}
    select
        department_code,
        '{{ record_type }}' as record_type,
        {{ key_columns | join("::text || '/' || ") }}::text as record_key,
        (array_agg({{ occurred_column }} order by is_current desc, uploaded_at desc)
            filter (where {{ occurred_column }} is not null))[1] as occurred_at,
        min(uploaded_at) filter (where {{ occurred_column }} is not null) as first_uploaded_at,
        max(ingest_run_id) as last_ingest_run_id,
        max(uploaded_at) as last_uploaded_at
    from {{ ref(versions_model) }}
    where true
        {{ has_new_version(ref(versions_model), key_columns, watermarks) }}
    group by department_code, {{ key_columns | join(', ') }}
    having count({{ occurred_column }}) > 0
{%- endmacro %}
