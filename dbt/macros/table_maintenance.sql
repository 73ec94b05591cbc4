{#- Post-hook: ANALYZE a table built afresh (it has no planner statistics yet) or one whose rows
    changed by more than a fifth since its last analyze; an incremental run that rewrote a few
    cases of a big table skips it (an ANALYZE of 3M rows costs seconds). -#}
{% macro analyze_if_new() -%}
do $$
begin
    if coalesce((
        select (last_analyze is null and last_autoanalyze is null)
            or n_mod_since_analyze > 0.2 * greatest(n_live_tup, 1)
        from pg_stat_user_tables
        where relid = '{{ this.schema }}.{{ this.identifier }}'::regclass
    ), true) then
        analyze {{ this }};
    end if;
end
$$
{%- endmacro %}

{#- Post-hook (or, by macro create_incremental_indexes, a daily run before the model's SQL): create
    an index (partial with a predicate; BRIN with method='brin') unless the table
    has one whose definition ends like `definition_like` (a LIKE pattern on pg_indexes.indexdef).
    An incremental table keeps its index across runs; the index is unnamed, so a rebuild beside the
    old table never collides with the old index's name. A unique one treats nulls as equal, as a
    GROUP BY does. -#}
{% macro create_index_once(expressions, predicate, definition_like, unique=false, method='btree') -%}
do $$
begin
    if not exists (
        select 1 from pg_indexes
        where schemaname = '{{ this.schema }}' and tablename = '{{ this.identifier }}'
            and indexdef like '{{ definition_like }}'
    ) then
        create {{ 'unique ' if unique }}index on {{ this }} using {{ method }} ({{ expressions }})
            {{- ' nulls not distinct' if unique }}{{ ' where ' ~ predicate if predicate }};
    end if;
end
$$
{%- endmacro %}

{#- Post-hook: a unique index on the model's business key, in place of a test that groups the
    whole table. It checks every write against every row, the rows an incremental run keeps
    included. List the columns most distinct first: the index sorts on the first one's leading
    bytes, so at 1M cases upload_timeliness' key builds in 2.3 s with record_key first against
    5.8 s with department_code first, and Q7's 3.4M rows in 1.1 s against the test's 3.2 s. The
    case marts rewrite a tenth of their rows a day; keeping their index up to date costs about
    what their test cost a daily run. Figures in ADR 0006. -#}
{% macro unique_key_index(columns) -%}
    {{ create_index_once(
        columns | join(', '), none,
        '%USING btree (' ~ columns | join(', ') ~ ') NULLS NOT DISTINCT', unique=true,
    ) }}
{%- endmacro %}

{#- The indexes only a daily (incremental) run reads, created by the first such run before the
    model's own SQL: a full build has no use for them (every row carries the same as_of), and
    building them there would cost it about 5 % at 1M cases. A full refresh drops them with the
    table; the next daily run builds them again. `indexes` is a list of create_index_once
    argument lists. -#}
{% macro create_incremental_indexes(indexes) -%}
    {%- if incremental_run() -%}
        {%- for index in indexes -%}
            {%- do run_query(create_index_once(*index)) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{#- A BRIN index on (ingest_run_id, uploaded_at), for the condition of macro newer_than. Rows arrive
    in upload order, so each block range holds a narrow span of both: a daily run reads the last
    ranges instead of the whole table (0.6 s at 1M cases for the node versions). A few kilobytes,
    built in one pass. The raw layer has the same index (esup.ingest). -#}
{% macro upload_order_index() -%}
    {{ return(['ingest_run_id, uploaded_at', none, '%USING brin (ingest_run_id, uploaded_at)', false, 'brin']) }}
{%- endmacro %}
