{#- P1's 督办 part (W1-W3) counts the rows of model int_workflow_breaches_dated. A deployment that
    replaces that model by a placeholder (config meta placeholder: true, no rows), as it was before
    the workflow models existed, scores the part 0 for every unit; the score rows then say
    workflows_scored = false, so that 0 is never read as merit. -#}
{% macro workflow_breaches_built() -%}
    {%- if not execute -%}
        {{- return(false) -}}
    {%- endif -%}
    {%- for node in graph.get('nodes', {}).values() if node.resource_type == 'model' and node.name == 'int_workflow_breaches_dated' -%}
        {{- return(not node.config.meta.get('placeholder', false)) -}}
    {%- endfor -%}
    {{- return(false) -}}
{%- endmacro %}
