{#- Every version of an exchange table's rows received up to as_of, cleaned and numbered.

    Staging only: trims text and turns empty strings into nulls, masks personal data (it stays in
    the raw layer only), keeps every version (Q8 reads
    them), numbers them per business key in upload order and marks the latest as current.
    For department tables the unit is the source's department (the source list), and the
    department code a row itself carries is kept as reported_department_code. With
    incremental=true (an incremental model) only the keys with a new version are computed. -#}
{% macro exchange_versions(table_name, key_columns, incremental=false) -%}
{%- set relation = source('exchange', table_name) -%}
{%- set columns = adapter.get_columns_in_relation(relation) if execute else [] -%}
{%- set meta = ['source_name', 'source_department_code', 'ingest_run_id', 'pulled_at', 'department_code'] -%}
{%- set partition = 'source_name, ' ~ key_columns | join(', ') -%}
with received as (

    select * from {{ relation }}
    where uploaded_at <= {{ as_of() }}
    {%- if incremental %}
        {{ has_new_version(relation, key_columns, version_watermarks()) }}
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

    -- One sort serves both: the current version is the last in upload order.
    select
        *,
        row_number() over (partition by {{ partition }} order by uploaded_at, exchange_id) as version_number,
        row_number() over (partition by {{ partition }} order by uploaded_at, exchange_id)
            = count(*) over (partition by {{ partition }}) as is_current
    from cleaned

)

select * from final
{%- endmacro %}
