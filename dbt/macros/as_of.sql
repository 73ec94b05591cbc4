{#- T4: the run's evaluation time, never the wall clock: the var as_of, else (as esup passes it)
    the environment variable ESUP_AS_OF. Read from the environment only when executing, so a new
    evaluation time does not make dbt parse the whole project again (about 3 s a run at 1M). -#}
{% macro as_of() -%}
    {%- set value = var('as_of') -%}
    {%- if value is none and execute -%}
        {%- set value = env_var('ESUP_AS_OF', '') or none -%}
    {%- endif -%}
    {%- if value is none and execute -%}
        {{ exceptions.raise_compiler_error("the evaluation time as_of (T4) is required: ESUP_AS_OF=2026-11-20T18:00:00+08:00 in the environment, or dbt build --vars \"{as_of: '2026-11-20T18:00:00+08:00'}\"") }}
    {%- endif -%}
    '{{ value }}'::timestamptz
{%- endmacro %}

{#- The evaluation date in Asia/Shanghai. -#}
{% macro as_of_date() -%}
    ({{ as_of() }} at time zone 'Asia/Shanghai')::date
{%- endmacro %}

{#- The Asia/Shanghai date of an instant (T4: 07:30 Beijing time on 6 May is a 6 May date). -#}
{% macro shanghai_date(column) -%}
    ({{ column }} at time zone 'Asia/Shanghai')::date
{%- endmacro %}
