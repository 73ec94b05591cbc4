-- P1 drill-down, 预警纠错 part (A1-A4): every card issue and every turn to red a monthly score
-- counts, by its month (a card that turned red appears twice). Revoked and exempt cards are not
-- counted and not listed. A view.
{{ config(materialized='view') }}
with cards as (

    select * from {{ ref('cards') }}
    where is_active

),

units as (

    select * from {{ ref('units') }}

),

final as (

    select
        date_trunc('month', card_days.on_date)::date as month_start,
        card_days.event,
        card_days.event_zh,
        card_days.on_date,
        cards.card_id,
        cards.rule_id,
        cards.rule_name,
        cards.department_code,
        cards.department_name,
        units.county_code,
        cards.case_no,
        cards.power_code,
        cards.color,
        cards.issued_on,
        cards.red_on,
        cards.detail
    from cards
    cross join lateral (
        values (cards.issued_on, 'issued', '出黄牌'), (cards.red_on, 'turned_red', '转红牌')
    ) as card_days (on_date, event, event_zh)
    left join units
        on units.department_code = cards.department_code
    where card_days.on_date is not null

)

select * from final
