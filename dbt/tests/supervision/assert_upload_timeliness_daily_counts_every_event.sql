-- Q1 (O12): the daily upload mart the dashboards read adds up to the events of upload_timeliness,
-- per department: as many events, late uploads and on-time uploads (is_late is false). Returns the
-- departments where they differ.
with events as (

    select
        department_code,
        count(*) as upload_events,
        count(*) filter (where is_late) as late_uploads,
        count(*) filter (where is_late is false) as on_time_uploads
    from {{ ref('upload_timeliness') }}
    group by department_code

),

daily as (

    select
        department_code,
        sum(upload_events) as upload_events,
        sum(late_uploads) as late_uploads,
        sum(on_time_uploads) as on_time_uploads
    from {{ ref('upload_timeliness_daily') }}
    group by department_code

)

select
    coalesce(events.department_code, daily.department_code) as department_code,
    events.upload_events as event_upload_events,
    daily.upload_events as daily_upload_events,
    events.late_uploads as event_late_uploads,
    daily.late_uploads as daily_late_uploads,
    events.on_time_uploads as event_on_time_uploads,
    daily.on_time_uploads as daily_on_time_uploads
from events
full outer join daily on daily.department_code = events.department_code
where events.upload_events is distinct from daily.upload_events
    or events.late_uploads is distinct from daily.late_uploads
    or events.on_time_uploads is distinct from daily.on_time_uploads
