{#- W1-W3: the due date of an act that must follow `start_date` within `limit_wd` working days, or
    by the explicit `due_date`, for the workflows of `department` (model int_workflow_days_numbered).
    Counted like T2/T4: the day after start_date is WD 1 and a limit of N WD ends with the N-th. T9:
    every exempt WD on the way moves it one counted day later; an explicit date moves by the exempt
    WD between the start and it, and never earlier than itself. A unit the calendar does not know
    counts with the city-wide windows only ('ALL'). -#}
{% macro workflow_due_date(department, start_date, limit_wd=none, due_date=none) -%}
    {%- set days = ref('int_workflow_days_numbered') -%}
    {%- set unit -%}
        coalesce((select known.department_code from {{ days }} as known
            where known.department_code = {{ department }} and known.calendar_date = {{ start_date }}), 'ALL')
    {%- endset -%}
    {%- set start_row -%}
        (select start_day.counted_number, start_day.workday_number from {{ days }} as start_day
            where start_day.department_code = {{ unit }} and start_day.calendar_date = {{ start_date }})
    {%- endset -%}
    {%- if due_date is not none -%}
    greatest({{ due_date }}, (
        select due.calendar_date
        from {{ days }} as due
        where due.department_code = {{ unit }}
            and due.is_counted
            and due.counted_number = (select counted_number from {{ start_row }} as start_day)
                + (select plain_due.workday_number from {{ days }} as plain_due
                    where plain_due.department_code = 'ALL' and plain_due.calendar_date = {{ due_date }})
                - (select workday_number from {{ start_row }} as start_day)
    ))
    {%- else -%}
    (
        select due.calendar_date
        from {{ days }} as due
        where due.department_code = {{ unit }}
            and due.is_counted
            and due.counted_number = (select counted_number from {{ start_row }} as start_day) + {{ limit_wd }}
    )
    {%- endif %}
{%- endmacro %}

{#- W1-W3: whether an act was on time against its due date: true when done by it (Beijing date),
    false when done later or not done by the end of its due date, null while neither done nor due. -#}
{% macro on_time(acted_at, due_date) -%}
    case
        when {{ due_date }} is null then null
        when {{ acted_at }} is not null then {{ shanghai_date(acted_at) }} <= {{ due_date }}
        when {{ as_of_date() }} > {{ due_date }} then false
    end
{%- endmacro %}
