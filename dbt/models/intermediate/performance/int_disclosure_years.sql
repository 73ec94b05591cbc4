-- P3: the years the disclosure figures cover: from the first year with a case accepted on the
-- platform (not before disclosure_first_year, so an impossible 1970 timestamp opens no year) to
-- the evaluation year.
with case_timeliness as (

    select * from {{ ref('case_timeliness') }}

),

final as (

    select generate_series(
        extract(year from min(accepted_date))::integer,
        extract(year from {{ as_of_date() }})::integer
    ) as year
    from case_timeliness
    where accepted_date >= make_date({{ var('disclosure_first_year') }}, 1, 1)

)

select * from final
