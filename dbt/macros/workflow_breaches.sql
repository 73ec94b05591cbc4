{#- P1's 督办 part (W1-W3) counts the rows of model int_workflow_breaches_dated. Until the workflow
    rules (issue 18) give that model its body, it is a placeholder (meta placeholder: true) with no
    rows: the part is 0 for every unit, the placeholder says so once in every run's log, and the
    score rows carry workflows_scored = false, so a 0 is never silent. -#}
{% macro workflow_breaches_built() -%}
    {%- if not execute -%}
        {{- return(false) -}}
    {%- endif -%}
    {%- for node in graph.get('nodes', {}).values() if node.resource_type == 'model' and node.name == 'int_workflow_breaches_dated' -%}
        {{- return(not node.config.meta.get('placeholder', false)) -}}
    {%- endfor -%}
    {{- return(false) -}}
{%- endmacro %}

{#- Said once per run, by the placeholder itself. -#}
{% macro warn_workflow_part_unscored() -%}
    {%- if execute -%}
        {%- do log("P1: the 督办 part (W1-W3) scores 0 for every unit: the workflow models are not built yet (int_workflow_breaches_dated is a placeholder); score rows say workflows_scored = false", info=true) -%}
    {%- endif -%}
{%- endmacro %}
