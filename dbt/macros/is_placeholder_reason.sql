{#- Q4 (O11): true when a reason is missing or only a placeholder ("不同意", "无", "同上" …, the
    dbt var placeholder_reasons), compared without whitespace and trailing punctuation. -#}
{% macro is_placeholder_reason(reason) -%}
    (coalesce(
        rtrim(regexp_replace({{ reason }}, '\s', '', 'g'), '。.，,；;！!'), ''
    ) in ('' {%- for placeholder in var('placeholder_reasons') %}, '{{ placeholder }}'{% endfor %}))
{%- endmacro %}

{#- Q4: an opinion that disagrees or sends the file back must give a reason. -#}
{% macro is_negative_opinion(opinion) -%}
    ({{ opinion }} in ('disagree', 'return'))
{%- endmacro %}
