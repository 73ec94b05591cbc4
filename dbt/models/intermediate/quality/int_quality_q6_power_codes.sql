-- Q6 (C10): a cancelled power code is never used again, and a newly added power's code sorts after
-- every code its department already had in that category.
with power_item_versions as (

    select * from {{ ref('stg_exchange__power_item_versions') }}

),

change_requests as (

    select * from {{ ref('stg_exchange__power_change_requests') }}

),

codes as (

    select
        department_code,
        power_code,
        min(category) as category,
        min(effective_from) as first_effective_from,
        max(uploaded_at) as last_uploaded_at,
        min(version) filter (where status = 'cancelled') as cancelled_version,
        max(version) filter (where status is distinct from 'cancelled') as last_active_version
    from power_item_versions
    group by department_code, power_code

),

-- Codes the legal office approved for addition after they had been cancelled.
re_added as (

    select distinct
        change_requests.department_code,
        change_requests.power_code
    from change_requests
    inner join power_item_versions as cancellations
        on cancellations.department_code = change_requests.department_code
        and cancellations.power_code = change_requests.power_code
        and cancellations.status = 'cancelled'
        and cancellations.uploaded_at < change_requests.declared_at
    where change_requests.change_type = 'add'

),

-- A newly added power is one the legal office approved for addition (C10: 经政府法制部门审核后
-- 新增); its code must sort after every code of its department and category that took effect
-- before it.
added_codes as (

    select distinct department_code, power_code
    from change_requests
    where change_type = 'add' and review_result = 'approved'

),

appended as (

    select
        new_codes.department_code,
        new_codes.power_code,
        max(earlier.power_code) as highest_earlier_code
    from added_codes
    inner join codes as new_codes
        on new_codes.department_code = added_codes.department_code
        and new_codes.power_code = added_codes.power_code
    inner join codes as earlier
        on earlier.department_code = new_codes.department_code
        and earlier.category = new_codes.category
        and earlier.first_effective_from < new_codes.first_effective_from
    group by new_codes.department_code, new_codes.power_code

),

checked as (

    select
        codes.department_code,
        codes.power_code,
        codes.last_uploaded_at,
        appended.highest_earlier_code,
        coalesce(not codes.cancelled_version < codes.last_active_version, true)
        and re_added.power_code is null as is_cancelled_code_unused,
        coalesce(codes.power_code > appended.highest_earlier_code, true) as is_new_code_appended
    from codes
    left join re_added
        on re_added.department_code = codes.department_code
        and re_added.power_code = codes.power_code
    left join appended
        on appended.department_code = codes.department_code
        and appended.power_code = codes.power_code

),

final as (

    select
        'Q6' as rule_id,
        department_code,
        'power_item' as record_type,
        power_code as record_key,
        null::text as case_no,
        last_uploaded_at as detected_at,
        is_cancelled_code_unused,
        is_new_code_appended,
        not (is_cancelled_code_unused and is_new_code_appended) as is_breach,
        nullif(concat_ws(
            '；',
            case when not is_cancelled_code_unused then '已取消的编码' || power_code || '被再次使用' end,
            case when not is_new_code_appended
                then '新增编码' || power_code || '未排在同类已有编码' || highest_earlier_code || '之后' end
        ), '') as detail
    from checked

)

select * from final
