-- A1-A4: the supervision office's worklist, an outbox (ADR 0005). The run at as_of writes every card
-- event (new, red, corrected, revoked) that no earlier run (as_of before this one) wrote, so each
-- event reaches the office once; rerunning an as_of deletes and rewrites only that run's rows.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{% if is_incremental() %}delete from {{ this }} where as_of = {{ as_of() }}{% endif %}",
) }}
with cards as (

    select * from {{ ref('cards') }}
    where is_issued

),

events as (

    select card_id, 'new' as action, issued_on as action_date from cards
    union all
    select card_id, 'red' as action, red_on as action_date from cards where red_on is not null
    union all
    select card_id, 'corrected' as action, corrected_on as action_date from cards where corrected_on is not null
    union all
    select card_id, 'revoked' as action, revoked_on as action_date from cards where revoked_on is not null

),

unsent as (

    select events.* from events
    {% if is_incremental() %}
    where not exists (
        select 1
        from {{ this }} as sent
        where sent.card_id = events.card_id
            and sent.action = events.action
            and sent.as_of < {{ as_of() }}
    )
    {% endif %}

),

final as (

    select
        {{ as_of() }} as as_of,
        unsent.action,
        case unsent.action
            when 'new' then '新发黄牌'
            when 'red' then '转为红牌'
            when 'corrected' then '已整改'
            when 'revoked' then '已撤销'
        end as action_zh,
        unsent.card_id,
        cards.rule_id,
        cards.rule_name,
        cards.department_code,
        cards.department_name,
        cards.case_no,
        cards.color,
        cards.issued_on,
        cards.correction_deadline,
        unsent.action_date,
        cards.detail
    from unsent
    inner join cards
        on cards.card_id = unsent.card_id

)

select * from final
