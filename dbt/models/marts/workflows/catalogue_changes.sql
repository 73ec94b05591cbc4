-- W3 (C7, O17): one row per catalogue change request as of the run. The department declares the
-- change within catalogue_declare_wd WD of the law's publication or the reorganisation
-- (trigger_date); the legal office answers within catalogue_review_wd WD of the declaration; an
-- approved change is adjusted in the catalogue within catalogue_adjust_wd WD of the answer and at
-- least catalogue_adjust_before_effect_wd WD before it takes effect (the adjustment's date is at
-- most that many counted days before effective_date). Deadlines count like T2/T4 and move with the
-- department's T9 exempt WD. An on-time column is null while its step is neither done nor due.
with requests as (

    select * from {{ ref('stg_exchange__power_change_requests') }}

),

days as (

    select * from {{ ref('int_workflow_days_numbered') }}

),

units as (

    select * from {{ ref('units') }}

),

dated as (

    select
        requests.*,
        case when requests.trigger_date is not null
            then {{ workflow_due_date('requests.department_code', 'requests.trigger_date',
                limit_wd=var('catalogue_declare_wd')) }}
        end as declare_due_date,
        case when requests.declared_at is not null
            then {{ workflow_due_date('requests.department_code', shanghai_date('requests.declared_at'),
                limit_wd=var('catalogue_review_wd')) }}
        end as review_due_date,
        case when requests.review_result = 'approved' and requests.reviewed_at is not null
            then {{ workflow_due_date('requests.department_code', shanghai_date('requests.reviewed_at'),
                limit_wd=var('catalogue_adjust_wd')) }}
        end as adjust_due_date,
        -- the catalogue_adjust_before_effect_wd-th counted day before the effective date
        case when requests.review_result = 'approved' and requests.effective_date is not null then (
            select before_effect.calendar_date
            from days as before_effect
            where before_effect.department_code = coalesce(requests.department_code, 'ALL')
                and before_effect.is_counted
                and before_effect.calendar_date < requests.effective_date
            order by before_effect.calendar_date desc
            limit 1 offset {{ var('catalogue_adjust_before_effect_wd') }} - 1
        ) end as adjust_latest_date
    from requests

),

final as (

    select
        dated.request_id,
        dated.department_code,
        coalesce(units.name_zh, dated.department_code) as department_name,
        dated.power_code,
        dated.change_type,
        dated.trigger_type,
        dated.trigger_date,
        dated.declared_at,
        dated.declare_due_date,
        {{ on_time('dated.declared_at', 'dated.declare_due_date') }} as declared_on_time,
        dated.reviewed_at,
        dated.review_due_date,
        {{ on_time('dated.reviewed_at', 'dated.review_due_date') }} as review_on_time,
        dated.review_result,
        dated.adjusted_at,
        dated.adjust_due_date,
        {{ on_time('dated.adjusted_at', 'dated.adjust_due_date') }} as adjusted_on_time,
        dated.effective_date,
        dated.adjust_latest_date,
        {{ on_time('dated.adjusted_at', 'dated.adjust_latest_date') }} as adjusted_before_effect,
        {{ as_of() }} as as_of
    from dated
    left join units
        on units.department_code = dated.department_code

)

select * from final
