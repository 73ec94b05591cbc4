-- Q1 (O12): one row per event; late when it reached the platform more than 24 hours after it
-- happened. The department's own uploaded_at is the clock, never when the platform pulled it.
with events as (

    select * from {{ ref('int_upload_events_collected') }}

),

units as (

    select * from {{ ref('units') }}

),

final as (

    select
        events.department_code,
        coalesce(units.name_zh, events.department_code) as department_name,
        events.record_type,
        events.record_key,
        events.occurred_at,
        {{ shanghai_date('events.occurred_at') }} as occurred_date,
        events.first_uploaded_at,
        round((extract(epoch from events.first_uploaded_at - events.occurred_at) / 3600)::numeric, 2)
            as delay_hours,
        events.first_uploaded_at - events.occurred_at > interval '{{ var("upload_deadline_hours") }} hours'
            as is_late,
        {{ as_of() }} as as_of
    from events
    left join units on units.department_code = events.department_code

)

select * from final
