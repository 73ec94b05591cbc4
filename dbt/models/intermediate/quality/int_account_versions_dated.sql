-- Q7 (O19): each version of a handler account with the period it was in force: from its
-- changed_at until the next version's changed_at. A node is checked against the version in force
-- when it started.
with accounts as (

    select * from {{ ref('stg_exchange__accounts') }}

),

final as (

    select
        department_code,
        account_id,
        version,
        post_codes,
        coalesce(enabled, false) as is_enabled,
        approved_by is not null and approved_at is not null as is_approved,
        approved_by,
        approved_at,
        changed_at as valid_from,
        lead(changed_at) over (partition by department_code, account_id order by version) as valid_to,
        uploaded_at,
        ingest_run_id
    from accounts

)

select * from final
