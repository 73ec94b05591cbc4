{#- Q5 (C11): a power version may be exercised by a case accepted at `accepted_at` when it was
    confirmed by then and in force on the acceptance date (effective_from <= date < effective_to). -#}
{% macro is_power_in_force(power, accepted_at) -%}
    ({{ power }}.status = 'confirmed'
        and {{ power }}.confirmed_at <= {{ accepted_at }}
        and {{ power }}.effective_from <= {{ shanghai_date(accepted_at) }}
        and ({{ power }}.effective_to is null or {{ shanghai_date(accepted_at) }} < {{ power }}.effective_to))
{%- endmacro %}
