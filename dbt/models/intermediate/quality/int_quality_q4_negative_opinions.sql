-- Q4 (O11): every node opinion that disagrees or sends the file back gives a specific reason,
-- not a placeholder such as 不同意, 无 or 同上 (the dbt var placeholder_reasons).
with case_nodes as (

    select * from {{ ref('stg_exchange__case_nodes') }}

),

final as (

    select
        'Q4' as rule_id,
        department_code,
        'case_node' as record_type,
        case_no || '/' || node_seq as record_key,
        case_no,
        uploaded_at as detected_at,
        not {{ is_placeholder_reason('reason') }} as has_specific_reason,
        {{ is_placeholder_reason('reason') }} as is_breach,
        case when {{ is_placeholder_reason('reason') }}
            then '第' || node_seq || '环节意见为“'
                || case opinion when 'disagree' then '不同意' else '退回' end
                || '”，理由' || coalesce('仅为“' || reason || '”', '为空') end as detail
    from case_nodes
    where {{ is_negative_opinion('opinion') }}

)

select * from final
