{#- Personal data lands in the raw layer only (exchange contract); from staging on it is masked.
    Returns the masking expression for a personal column, or none for any other column. -#}
{% macro mask_personal_data(column_name) -%}
    {%- set trimmed = "nullif(btrim(" ~ column_name ~ "), '')" -%}
    {%- if column_name in ('applicant_name', 'complainant_name') -%}
        left({{ trimmed }}, 1) || '**'
    {%- elif column_name == 'applicant_id_no' -%}
        left({{ trimmed }}, 6) || '********' || right({{ trimmed }}, 4)
    {%- elif column_name in ('complainant_phone', 'mobile') -%}
        left({{ trimmed }}, 3) || '****' || right({{ trimmed }}, 4)
    {%- endif -%}
{%- endmacro %}
