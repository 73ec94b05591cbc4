-- Q5 (C11), A1: a case may only be accepted under a power in the catalogue that had a confirmed
-- version in force then (confirmed_at <= accepted_at, effective_from <= accepted date <
-- effective_to); a code the catalogue does not know at all was never confirmed either (as in the
-- Q5 check model). Judged at every upload of the acceptance.
with acceptance_versions as (

    select * from {{ ref('stg_exchange__case_acceptance_versions') }}

),

power_items as (

    select * from {{ ref('stg_exchange__power_items') }}

),

deduplicated as (

    select distinct on (department_code, case_no, uploaded_at)
        department_code,
        case_no,
        power_code,
        accepted_at,
        uploaded_at
    from acceptance_versions
    order by department_code, case_no, uploaded_at, version_number desc

),

-- A hash join on the power code and one aggregate, not a subquery per acceptance version.
judged as (

    select
        deduplicated.department_code,
        deduplicated.case_no,
        deduplicated.power_code,
        deduplicated.accepted_at,
        deduplicated.uploaded_at,
        coalesce(bool_or({{ is_power_in_force('power_items', 'deduplicated.accepted_at') }}), false)
            as is_confirmed_in_force
    from deduplicated
    left join power_items
        on power_items.department_code = deduplicated.department_code
        and power_items.power_code = deduplicated.power_code
    where deduplicated.accepted_at is not null
    group by
        deduplicated.department_code,
        deduplicated.case_no,
        deduplicated.power_code,
        deduplicated.accepted_at,
        deduplicated.uploaded_at

),

final as (

    select
        'Q5' as rule_id,
        department_code,
        case_no,
        null::integer as node_seq,
        '' as record_key,
        uploaded_at as checked_at,
        {{ shanghai_date('accepted_at') }} as event_on,
        not is_confirmed_in_force as is_anomaly,
        '受理时权力事项 ' || power_code || ' 无已确认且有效的版本' as detail
    from judged

)

select * from final
