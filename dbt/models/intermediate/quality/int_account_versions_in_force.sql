-- Q7 (O19), A1: which version of a handler account was in force at any time, as disjoint periods
-- [piece_from, piece_to): each account's time is cut at every version's start and end, and each
-- piece gets the highest version covering it (versions may arrive with out-of-order start times).
-- A node started at t then matches at most one piece: Q7 and the A1 handler check need no
-- per-node sort among overlapping versions (3.4M nodes at 1M cases), and, as a table, the planner
-- knows its size.
with account_versions as (

    select * from {{ ref('int_account_versions_dated') }}

),

account_bounds as (

    select department_code, account_id, valid_from as bound_at from account_versions
    union
    select department_code, account_id, valid_to from account_versions
    where valid_to is not null

),

account_pieces as (

    select
        department_code,
        account_id,
        bound_at as piece_from,
        lead(bound_at) over (partition by department_code, account_id order by bound_at) as piece_to
    from account_bounds

),

accounts_in_force as (

    select distinct on (account_pieces.department_code, account_pieces.account_id, account_pieces.piece_from)
        account_pieces.piece_from,
        account_pieces.piece_to,
        account_versions.*
    from account_pieces
    inner join account_versions
        on account_versions.department_code = account_pieces.department_code
        and account_versions.account_id = account_pieces.account_id
        and account_versions.valid_from <= account_pieces.piece_from
        and (account_versions.valid_to is null or account_pieces.piece_from < account_versions.valid_to)
    order by
        account_pieces.department_code, account_pieces.account_id, account_pieces.piece_from,
        account_versions.version desc

)

select * from accounts_in_force
