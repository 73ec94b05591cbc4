{#- Every version of an exchange table's rows received up to as_of, cleaned and numbered.

    Staging only: trims text and turns empty strings into nulls, masks personal data (it stays in
    the raw layer only), keeps every version (Q8 reads
    them), numbers them per business key in upload order and marks the latest as current.
    For department tables the unit is the source's department (the source list), and the
    department code a row itself carries is kept as reported_department_code. With
    incremental=true (an incremental model) only the keys with a new version are computed.
    With ranged=true each version also carries, from the same sort, what A1 needs to know when it
    was current (ADR 0005): the next version's upload (next_uploaded_at), whether it was uploaded
    at its record's first upload instant (is_first_upload), and whether its record was uploaded at
    more than one instant (is_reuploaded). Stored flags, not comparisons in a view, so the planner
    has statistics for them. -#}
{% macro exchange_versions(table_name, key_columns, incremental=false, ranged=false) -%}
{%- set relation = source('exchange', table_name) -%}
{%- set columns = adapter.get_columns_in_relation(relation) if execute else [] -%}
{%- set meta = ['source_name', 'source_department_code', 'ingest_run_id', 'pulled_at', 'department_code'] -%}
{%- set partition = 'source_name, ' ~ key_columns | join(', ') -%}
with received as (

    select * from {{ relation }}
    where uploaded_at <= {{ as_of() }}
    {%- if incremental %}
        {# a table built before it carried the ranged columns (an upgrade) is rebuilt whole #}
        {{ has_new_version(relation, key_columns, version_watermarks(
            required_column='is_reuploaded' if ranged else none)) }}
    {%- endif %}

),

cleaned as (

    select
        source_name,
        {%- if columns | selectattr('name', 'equalto', 'department_code') | list %}
        coalesce(source_department_code, nullif(btrim(department_code), '')) as department_code,
        nullif(btrim(department_code), '') as reported_department_code,
        {%- elif table_name.startswith(('power_', 'account', 'case_')) %}
        source_department_code as department_code,
        {%- endif %}
        {%- for column in columns if column.name not in meta %}
        {% if mask_personal_data(column.name) | trim -%}
        {{ mask_personal_data(column.name) }} as {{ column.name }},
        {%- elif column.is_string() -%}
        nullif(btrim({{ column.name }}), '') as {{ column.name }},
        {%- else -%}
        {{ column.name }},
        {%- endif %}
        {%- endfor %}
        pulled_at,
        ingest_run_id
    from received

),

final as (

    -- One sort and one pass: the current version is the last in upload order. The frame is the
    -- whole record, so count, min and max see all its versions (row_number and lead ignore the
    -- frame); a second window without the order would buffer every record again (1.3 s of the
    -- node history's 9 s at 1M cases).
    select
        *,
        row_number() over record as version_number,
        row_number() over record = count(*) over record as is_current
        {%- if ranged %},
        lead(uploaded_at) over record as next_uploaded_at,
        uploaded_at = min(uploaded_at) over record as is_first_upload,
        min(uploaded_at) over record < max(uploaded_at) over record as is_reuploaded
        {%- endif %}
    from cleaned
    window record as (
        partition by {{ partition }} order by uploaded_at, exchange_id
        rows between unbounded preceding and unbounded following
    )

)

select * from final
{%- endmacro %}
