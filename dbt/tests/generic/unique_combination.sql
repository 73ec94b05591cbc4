{#- A business key spanning several columns is unique. A model kept incrementally (ADR 0006) checks
    only the rows this run computed (computed_this_run: its rows carry the run's as_of); a full build
    computes, so checks, every row. The filter is here, not in the test's `where` config: that is
    rendered when dbt parses the project, so it could only read the evaluation time from a var,
    and a new var each run makes dbt parse the whole project again. -#}
{% test unique_combination(model, columns, computed_this_run=false) %}
select {{ columns | join(', ') }}, count(*) as occurrences
from {{ model }}
{%- if computed_this_run %}
where as_of = {{ as_of() }}
{%- endif %}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
