-- Q8 (S9(2), S24(1)): a case record whose time stamps or result change after its first upload is
-- flagged as possibly back-dated. Raw history keeps every version, so each later version is
-- compared with the first; a value filled in later (a node finished, a suspension ended) is not
-- a change. One row per record that has more than one version.
-- Kept incrementally: only the records with a version newer than the table's watermarks are
-- recomputed (macro version_watermarks); a backfill rebuilds it whole.
{{ config(
    materialized='incremental',
    unique_key=['department_code', 'record_type', 'record_key'],
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
) }}
{%- set watermarks = version_watermarks('last_ingest_run_id', 'last_uploaded_at') %}
{%- set compared = [
    ('case_accepted', 'stg_exchange__case_acceptance_versions', ['case_no'], [('accepted_at', '受理时间')]),
    ('case_node', 'stg_exchange__case_node_versions', ['case_no', 'node_seq'],
        [('started_at', '开始时间'), ('finished_at', '办结时间'), ('opinion', '意见')]),
    ('case_suspension', 'stg_exchange__case_suspension_versions', ['case_no', 'suspension_seq'],
        [('started_at', '开始时间'), ('ended_at', '结束时间')]),
    ('case_extension', 'stg_exchange__case_extension_versions', ['case_no', 'extension_seq'],
        [('approved_at', '批准时间'), ('extra_wd', '延长天数')]),
    ('case_completed', 'stg_exchange__case_completion_versions', ['case_no'],
        [('completed_at', '办结时间'), ('result', '办理结果')]),
] %}
with
{%- for record_type, model, key_columns, columns in compared %}
-- Nearly every record arrives once: the few with several versions are those with a second one.
{{ record_type }}_revised as (

    select source_name, {{ key_columns | join(', ') }}
    from {{ ref(model) }}
    where version_number = 2
        {{ has_new_version(ref(model), key_columns, watermarks) }}

),

{{ record_type }}_versions as (

    select
        history.department_code,
        history.case_no,
        history.{{ key_columns | join(" || '/' || history.") }} as record_key,
        {%- for column, _label in columns %}
        first_value(history.{{ column }}) over record_history as first_{{ column }},
        history.{{ column }},
        {%- endfor %}
        history.version_number,
        history.uploaded_at,
        history.ingest_run_id
    from {{ ref(model) }} as history
    inner join {{ record_type }}_revised as revised
        on revised.source_name = history.source_name
        {%- for column in key_columns %}
        and revised.{{ column }} = history.{{ column }}
        {%- endfor %}
    window record_history as (
        partition by history.source_name{% for column in key_columns %}, history.{{ column }}{% endfor %}
        order by history.version_number
    )

),

{{ record_type }}_compared as (

    select
        '{{ record_type }}' as record_type,
        department_code,
        case_no,
        record_key,
        min(uploaded_at) as first_uploaded_at,
        max(uploaded_at) as last_uploaded_at,
        max(ingest_run_id) as last_ingest_run_id,
        min(uploaded_at) filter (where
            {%- for column, _label in columns %}
            {{ 'or ' if not loop.first }}{{ column }} is distinct from first_{{ column }} and first_{{ column }} is not null
            {%- endfor %}
        ) as changed_at,
        nullif(concat_ws('；'
            {%- for column, label in columns %},
            string_agg(distinct case when {{ column }} is distinct from first_{{ column }} and first_{{ column }} is not null
                then '{{ label }}由' || first_{{ column }}::text || '改为' || coalesce({{ column }}::text, '空') end, '；')
            {%- endfor %}
        ), '') as detail
    from {{ record_type }}_versions
    group by department_code, case_no, record_key

),
{%- endfor %}

compared as (

    {%- for record_type, _model, _key_columns, _columns in compared %}
    {{ 'union all' if not loop.first }}
    select * from {{ record_type }}_compared
    {%- endfor %}

),

final as (

    select
        'Q8' as rule_id,
        department_code,
        record_type,
        record_key,
        case_no,
        coalesce(changed_at, first_uploaded_at) as detected_at,
        changed_at is null as is_unchanged_after_first_upload,
        changed_at is not null as is_breach,
        case when changed_at is not null then '首次上传后被修改：' || detail end as detail,
        last_ingest_run_id,
        last_uploaded_at
    from compared

)

select * from final
