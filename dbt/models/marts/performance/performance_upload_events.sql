-- P1 drill-down, 数据报送 part (Q1): every upload event a monthly score counts, by the month it
-- happened. The part's deduction is 100 x late events / events (capped at the weight). A view.
{{ config(materialized='view') }}
with upload_timeliness as (

    select * from {{ ref('upload_timeliness') }}

),

units as (

    select * from {{ ref('units') }}

),

final as (

    select
        date_trunc('month', upload_timeliness.occurred_date)::date as month_start,
        upload_timeliness.department_code,
        upload_timeliness.department_name,
        units.county_code,
        upload_timeliness.record_type,
        upload_timeliness.record_key,
        upload_timeliness.occurred_at,
        upload_timeliness.first_uploaded_at,
        upload_timeliness.delay_hours,
        upload_timeliness.is_late
    from upload_timeliness
    left join units
        on units.department_code = upload_timeliness.department_code

)

select * from final
