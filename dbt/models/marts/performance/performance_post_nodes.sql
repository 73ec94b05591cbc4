-- P1 drill-down, posts (T7): every finished node a post's monthly score counts, by the month it
-- finished. A post's deduction is 100 x over-limit nodes / finished nodes. A view.
{{ config(materialized='view') }}
with node_timeliness as (

    select * from {{ ref('node_timeliness') }}
    where is_finished

),

final as (

    select
        date_trunc('month', {{ shanghai_date('finished_at') }})::date as month_start,
        department_code,
        department_name,
        post_code,
        case_no,
        node_seq,
        node_name,
        handler_account,
        started_at,
        finished_at,
        limit_wd,
        elapsed_wd,
        over_limit
    from node_timeliness

)

select * from final
