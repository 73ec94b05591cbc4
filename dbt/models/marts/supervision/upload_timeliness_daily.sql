-- Q1 (O12): upload_timeliness counted per department, event type and day the event happened
-- (Asia/Shanghai): events, late uploads (more than 24 hours after the event) and on-time uploads.
-- Exists for the dashboards: their upload-compliance charts read a few thousand rows here instead of
-- aggregating the 5.4M event rows of upload_timeliness at 1M cases on every request. The rates are
-- sums over these rows (sum(late_uploads) / sum(upload_events)), equal to the averages over events.
-- The 数据统计时点 chart reads as_of here too (the same evaluation time as every mart of the run).
with uploads as (

    select * from {{ ref('upload_timeliness') }}

),

final as (

    select
        department_code,
        department_name,
        record_type,
        occurred_date,
        count(*) as upload_events,
        count(*) filter (where is_late) as late_uploads,
        -- is_late is false only for an event uploaded within the deadline: anything else is not on time
        count(*) filter (where is_late is false) as on_time_uploads,
        {{ as_of() }} as as_of
    from uploads
    group by department_code, department_name, record_type, occurred_date

)

select * from final
