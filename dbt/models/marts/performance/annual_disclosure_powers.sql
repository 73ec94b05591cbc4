-- P3 (O29, C7): the catalogue figures of each department's annual information-disclosure report,
-- by power category: powers confirmed and in force on 31 December of the year, and the approved
-- change requests (add, modify, cancel) that took effect in the year. Years: int_disclosure_years.
with power_items as (

    select * from {{ ref('stg_exchange__power_items') }}

),

change_requests as (

    select * from {{ ref('stg_exchange__power_change_requests') }}

),

power_catalogue as (

    select * from {{ ref('power_catalogue') }}

),

years as (

    select * from {{ ref('int_disclosure_years') }}

),

-- each power as its latest version effective by 31 December says
year_end_versions as (

    select distinct on (years.year, power_items.department_code, power_items.power_code)
        years.year,
        power_items.department_code,
        power_items.power_code,
        power_items.category,
        power_items.status = 'confirmed'
        and (power_items.effective_to is null or power_items.effective_to > make_date(years.year, 12, 31))
            as is_in_force
    from years
    inner join power_items
        on power_items.effective_from <= make_date(years.year, 12, 31)
    order by years.year, power_items.department_code, power_items.power_code, power_items.version desc

),

in_force as (

    select
        year,
        department_code,
        category,
        count(*) filter (where is_in_force) as in_force,
        0 as added,
        0 as modified,
        0 as cancelled
    from year_end_versions
    group by 1, 2, 3

),

changes as (

    select
        extract(year from change_requests.effective_date)::integer as year,
        change_requests.department_code,
        coalesce(power_catalogue.category, 'UNKNOWN') as category,
        0 as in_force,
        count(*) filter (where change_requests.change_type = 'add') as added,
        count(*) filter (where change_requests.change_type = 'modify') as modified,
        count(*) filter (where change_requests.change_type = 'cancel') as cancelled
    from change_requests
    left join power_catalogue
        on power_catalogue.department_code = change_requests.department_code
        and power_catalogue.power_code = change_requests.power_code
    where change_requests.review_result = 'approved'
        and change_requests.department_code is not null
        and extract(year from change_requests.effective_date)::integer in (select years.year from years)
    group by 1, 2, 3

),

final as (

    select
        year,
        department_code,
        category,
        sum(in_force)::integer as in_force,
        sum(added)::integer as added,
        sum(modified)::integer as modified,
        sum(cancelled)::integer as cancelled,
        {{ as_of() }} as as_of
    from (select * from in_force union all select * from changes) as catalogue
    where department_code is not null
    group by 1, 2, 3

)

select * from final
