{#- T3/T4: a suspension period moves a due date (each removed WD one WD later) when it began while
    that limit still ran: fewer than `limit` WD used, or exactly `limit` on the due day itself (the
    limit expires at 24:00). One begun later — even on the weekend right after — moves nothing:
    it started after the limit had run out, an anomaly (A1). -#}
{% macro moves_due_date(period, limit) -%}
    ({{ period }}.used_wd_at_start < {{ limit }}
        or ({{ period }}.used_wd_at_start = {{ limit }} and {{ period }}.starts_on_workday))
{%- endmacro %}
