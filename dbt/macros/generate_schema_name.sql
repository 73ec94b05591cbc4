{#- Use the folder's schema as is (staging, intermediate, marts), not "<target>_<schema>":
    spec/OUTPUTS names the published relations marts.<name>. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name if custom_schema_name is not none else target.schema }}
{%- endmacro %}
