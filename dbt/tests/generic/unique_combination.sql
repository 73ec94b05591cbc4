{#- A business key spanning several columns is unique. The big tables kept incrementally check
    their key with a unique index instead (macro unique_key_index). -#}
{% test unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as occurrences
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
