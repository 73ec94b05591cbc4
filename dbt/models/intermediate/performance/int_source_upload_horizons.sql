-- P3: how far each source has uploaded, so a year's disclosure figures are final only once every
-- source it depends on has uploaded past 31 December. The newest upload of the records that every
-- working source sends: a department's acceptances and completions, the legal office's change
-- requests, the portal's complaints, the supervision office's tasks. A listed source with nothing
-- uploaded has a null horizon (never past any year end).
with sources as (

    select * from {{ source('platform', 'sources') }}

),

uploads as (

    {%- for model in [
        'stg_exchange__case_acceptances', 'stg_exchange__case_completions',
        'stg_exchange__power_change_requests', 'stg_exchange__complaints', 'stg_exchange__supervision_tasks',
    ] %}
    select
        source_name,
        max(uploaded_at) as last_uploaded_at
    from {{ ref(model) }}
    group by source_name
    {{- '\n    union all' if not loop.last }}
    {%- endfor %}

),

final as (

    select
        sources.source_name,
        sources.kind,
        sources.department_code,
        max(uploads.last_uploaded_at) as last_uploaded_at
    from sources
    left join uploads
        on uploads.source_name = sources.source_name
    group by sources.source_name, sources.kind, sources.department_code

)

select * from final
