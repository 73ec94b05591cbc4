"""Simulated exchange databases (前置库) for Yancheng: what the city's source systems would send.

One exchange database per source on a PostgreSQL server, named ``exchange_<source name>``, schema
``exchange``, tables exactly as :mod:`esup.exchange` defines them:

- one ``department`` source per unit of ``dbt/seeds/units.csv`` (catalogue with all eleven power
  categories, internal flows, accounts, and months of cases with nodes, suspensions, extensions and
  completions),
- ``legal_office`` (catalogue change requests), ``portal`` (complaints) and ``supervision``
  (supervision tasks, card revocations, exemptions).

The data carries a small, counted share of what real systems send wrong (late uploads, placeholder
reasons, back-dated corrections, duplicates, unknown codes, impossible timestamps, ...), and the
workflows (W1-W3) mostly meet their deadlines, counted in working days with the T9 exemption windows
(planned first, so every office and department meets the deadlines the platform will compute), with
a counted minority of late, missing or out-of-order acts. Unit XSX
(响水县) runs a legacy system with all-text exchange tables; a few of its rows cannot be typed at all.
Every injected error is counted per source and table in the summary, so tests and the ingestion can
reconcile: source rows = loaded + quarantined.

Deterministic: the same seed and flags give the same rows, exchange_ids included (each source draws
from its own random streams, seeded from the seed and the source name). Rows are streamed with COPY
in uploaded_at order with bounded memory: 100,000 cases take about 15 s, 1,000,000 about 2 minutes
(one process, ~110 MB).

Times are handled internally as integer seconds since 1970-01-01 00:00 Asia/Shanghai ("local
seconds"; Shanghai has had no DST since 1991) and written as ``YYYY-MM-DD HH:MM:SS+08``.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import functools
import heapq
import json
import operator
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from esup import pg, settings
from esup.exchange import POWER_CATEGORIES, ExchangeTable, exchange_ddl, tables_of_kind
from esup.sources import Source, write_sources

# --------------------------------------------------------------------------------------------
# Settings of the simulation
# --------------------------------------------------------------------------------------------

SIZES = {"tiny": 600, "small": 20_000, "medium": 100_000, "large": 1_000_000}
DEFAULT_SIZE = "small"
DEFAULT_SEED = 2010
DEFAULT_START = date(2026, 6, 1)
DEFAULT_END = date(2026, 11, 20)
DATABASE_PREFIX = "exchange_"
SCHEMA = "exchange"
SUMMARY_FILE = "simulation_summary.json"
# Units whose case-handling system is a legacy one exposing all-text exchange tables.
LEGACY_ALL_TEXT_UNITS = frozenset({"XSX"})
COPY_CHUNK_ROWS = 10_000

DAY = 86_400
HOUR = 3_600
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
WHITESPACE = " \u3000"  # ASCII and full-width space: what stray whitespace in Chinese data looks like
BAD_TIMESTAMP = "2026-13-45 25:61:00"

# Shares of the realistic process (per case unless said otherwise).
P_SUSPENSION = 0.10
P_SECOND_SUSPENSION = 0.15  # of suspended cases: a second, overlapping suspension
P_EXTENSION = 0.035  # of cases on powers with a legal limit
P_STUCK = 0.02  # cases that stall far beyond their limit
P_LATE = 0.03
P_ON_TIME = 0.22
P_RETURN = 0.04  # a middle node returns the file for rework
P_WEEKEND_DAY_WEIGHT = 0.03  # acceptance volume of a weekend/holiday relative to a working day
P_OFF_HOURS = 0.03

# Workflow limits in working days, as the dbt project's vars set them (W1-W3).
SUPERVISION_REPLY_WD = 5
COMPLAINT_DECISION_WD = 5
COMPLAINT_NOTIFY_WD = 5
COMPLAINT_FEEDBACK_WD = 5
CATALOGUE_DECLARE_WD = 10
CATALOGUE_REVIEW_WD = 3
CATALOGUE_ADJUST_WD = 2
CATALOGUE_ADJUST_BEFORE_EFFECT_WD = 2

# Shares of injected errors.
P_PLACEHOLDER_REASON = 0.2  # of negative opinions
P_DUPLICATE = 0.006  # of rows of the tables in DUPLICATE_TABLES
P_STRAGGLER_LATE = 0.012  # of uploads: more than 24 h late
P_STRAGGLER = 0.02  # of uploads: hours late, still within 24 h (rows out of event-time order)
P_GARBLED = 0.006  # of rows of an all-text source: an extra unparsable row
P_EMPTY_ID = 0.002
P_NAME_WHITESPACE = 0.003
P_OPINION_EMPTY = 0.002
P_OPINION_WHITESPACE = 0.002
# At most one of these per case, drawn in this order. Every run also forces MIN_INJECTIONS of each
# kind onto cases spread over the departments, so even a tiny city shows every kind.
MIN_INJECTIONS = 3
CASE_INJECTIONS = (
    ("unknown_code", 0.002),
    ("unconfirmed_power", 0.004),
    ("missing_nodes", 0.003),
    ("impossible_timestamp", 0.003),
    ("backdated_completion", 0.004),
    ("fee_above_standard", 0.003),
    ("handler_without_post", 0.002),
)

# The workflows (W1-W3): most acts meet their deadlines; these shares break them, each counted in
# the summary. Every run also forces MIN_WORKFLOW_INJECTIONS of each kind onto acts early enough in
# the window to be judged, so even a tiny city shows every kind.
MIN_WORKFLOW_INJECTIONS = 1
TASK_INJECTIONS = (  # W1, per supervision task (the return kinds: per task with a return)
    ("late_reply", 0.08),
    ("return_without_reason", 0.08),
    ("return_without_deadline", 0.06),
    ("review_before_reply", 0.02),
    ("archive_before_final_review", 0.02),
)
P_TASK_RETURN = 0.15  # tasks whose first reply the office returns (退办) for rework
COMPLAINT_INJECTIONS = (  # W2, per complaint that the kind can apply to
    ("late_decision", 0.04),
    ("reject_without_reason", 0.05),  # of rejections
    ("late_notice", 0.03),  # of real-name complaints
    ("missing_notice", 0.02),
    ("late_result", 0.08),  # of transferred complaints
    ("missing_result", 0.03),
    ("missing_feedback", 0.03),  # of real-name complaints with a result
)
CHANGE_INJECTIONS = (  # W3, per catalogue change request that the kind can apply to
    ("late_declaration", 0.06),
    ("late_review", 0.05),
    ("late_adjustment", 0.05),  # of approved changes
    ("adjustment_after_effect", 0.03),
)

# Error kinds of the summary and what each counts (rows, unless said otherwise).
ERROR_KINDS = {
    "late_upload": "case rows uploaded more than 24 h after their event "
    "(event = accepted_at, coalesce(finished_at, started_at), coalesce(ended_at, started_at), "
    "approved_at, completed_at; events before the start date not counted)",
    "out_of_order": "case rows whose event time is earlier than the latest event time of a row with a "
    "smaller exchange_id in the same table",
    "duplicate": "exact copies of an earlier row (same content, uploaded_at included, new exchange_id)",
    "placeholder_reason": "case_node rows with opinion disagree/return and a reason that is null, blank, "
    "不同意, 无 or 同上",
    "backdated_completion": "case_completed rows whose completed_at is earlier than that of a row of the "
    "same case uploaded before it",
    "unconfirmed_power": "case_accepted rows whose power_code is in the catalogue but had no confirmed "
    "version in force (confirmed_at <= accepted_at, effective_from <= accepted date "
    "< effective_to) when accepted",
    "unknown_code": "case_accepted rows whose power_code is not in the catalogue; complaint rows whose "
    "target_department_code is not a unit of units.csv",
    "impossible_timestamp": "case_completed rows completed before acceptance or before 2000; case_node rows "
    "finished before 2000",
    "missing_nodes": "case_completed rows (one per case) of cases with fewer distinct nodes than the "
    "version-1 flow of their power (handled offline, Q9)",
    "fee_above_standard": "case_completed rows whose fee_charged is above every standard_fee of the power",
    "handler_without_post": "case_node rows whose handler_account holds the node's post in no version",
    "flow_exceeds_promise": "power_item rows (first upload of a power version) whose flow limits sum to "
    "more than the promised limit (Q3)",
    "incomplete_power": "power_item rows with a null or blank name, handling_division, location, phone, "
    "service_guide, legal_basis or required_materials (Q2)",
    "unapproved_account": "account rows without approved_by or approved_at (Q7)",
    "empty_string": "rows with an empty string ('') in a text column",
    "stray_whitespace": "rows with a text value that starts or ends with a space or a full-width space",
    "reject_without_reason": "complaint_action rows with action reject and a null or blank reason",
    "return_without_reason": "supervision_task_action rows with action return and a null or blank reason",
    "return_without_deadline": "supervision_task_action rows with action return and no new_deadline_date",
    # The workflow kinds below are judged as the W1-W3 rules judge them at the end of the window:
    # Beijing dates, deadlines in working days after the starting act's date, T9 exempt working days
    # (written city-wide windows and the unit's own) not counted, and an act that is not in the
    # exchange at the end is missing (late once its due date has passed). One per act, request or
    # complaint, whatever its duplicates.
    "late_reply": "supervision_task_action replies dated after the deadline in force (the task's "
    "deadline_date, or 5 WD after issue without one; replaced by the new_deadline_date of a return "
    "before the reply); supervision_task rows (tasks) still awaiting a reply (no act, or a return last) "
    "whose deadline in force had passed",
    "review_before_reply": "supervision_task_action initial_review or final_review acts before any reply "
    "of their task (in acted_at, action_seq order)",
    "archive_before_final_review": "supervision_task_action archive acts before any final_review of their task",
    "late_decision": "complaint rows (complaints) whose first accept or reject came more than 5 WD after "
    "receipt, or had not come when those had passed",
    "late_notice": "complaint rows of real-name complainants notified more than 5 WD after the decision",
    "missing_notice": "complaint rows of real-name complainants decided but not notified when 5 WD after the "
    "decision had passed",
    "late_result": "complaint rows of transferred complaints whose result was reported after the transfer's "
    "deadline_date",
    "missing_result": "complaint rows of transferred complaints without a reported result when the "
    "transfer's deadline_date had passed",
    "missing_feedback": "complaint rows of real-name complainants whose result was not fed back within 5 WD "
    "of its report (none when those had passed, or a later one)",
    "late_declaration": "power_change_request rows (requests) declared more than 10 WD after trigger_date",
    "late_review": "power_change_request rows (requests) answered more than 3 WD after the declaration, or "
    "unanswered when those had passed",
    "late_adjustment": "power_change_request rows (requests) approved and adjusted more than 2 WD after the "
    "answer, or not adjusted when those had passed",
    "adjustment_after_effect": "power_change_request rows (requests) approved and adjusted after the 2nd WD "
    "before effective_date (most on or after it), or not adjusted when that day had passed",
    "unparsable": "rows of an all-text source with a value that cannot be cast to the contract type, or a "
    "null or blank business key column",
}

EVENT_COLUMNS = {
    "case_accepted": ("accepted_at",),
    "case_node": ("finished_at", "started_at"),
    "case_suspension": ("ended_at", "started_at"),
    "case_extension": ("approved_at",),
    "case_completed": ("completed_at",),
}
DUPLICATE_TABLES = frozenset(
    {
        "case_accepted",
        "case_node",
        "case_suspension",
        "case_completed",
        "complaint",
        "complaint_action",
        "supervision_task_action",
    }
)
PLACEHOLDER_REASONS = ("", None, "不同意", "无", "同上")
REQUIRED_POWER_FIELDS = (
    "name",
    "handling_division",
    "location",
    "phone",
    "service_guide",
    "legal_basis",
    "required_materials",
)

CATEGORIES = tuple(POWER_CATEGORIES)
CATEGORY_NAMES = POWER_CATEGORIES
# Relative case volume of a category, and how many of its powers a unit lists.
CATEGORY_WEIGHT = {
    "XK": 30,
    "CF": 12,
    "FXK": 6,
    "ZS": 4,
    "QZ": 3,
    "QR": 30,
    "JF": 5,
    "JL": 2,
    "ZY": 1,
    "CJ": 1.5,
    "QT": 8,
}
COMPANY_SHARE = {
    "XK": 0.65,
    "CF": 0.55,
    "FXK": 0.6,
    "ZS": 0.7,
    "QZ": 0.5,
    "QR": 0.35,
    "JF": 0.05,
    "JL": 0.3,
    "ZY": 0.6,
    "CJ": 0.4,
    "QT": 0.4,
}
RISK_SHARE = {"CF": 0.4, "QZ": 0.4, "XK": 0.2, "ZS": 0.2}
# (legal limit choices; None = no statutory limit), (promised range)
LIMITS = {
    "XK": ((20,), (1, 15)),
    "CF": ((60, None), (15, 20)),
    "FXK": ((20, None), (3, 15)),
    "ZS": ((10, None), (1, 5)),
    "QZ": ((20,), (5, 15)),
    "QR": ((30,), (1, 10)),
    "JF": ((20, None), (5, 15)),
    "JL": ((None,), (10, 20)),
    "ZY": ((None,), (1, 5)),
    "CJ": ((60, None), (15, 20)),
    "QT": ((None,), (3, 15)),
}
# Result mix of a category: (result, weight).
RESULTS = {
    "CF": (("penalised", 88), ("other", 12)),
    "QZ": (("other", 75), ("approved", 25)),
    "ZY": (("other", 100),),
    "QT": (("other", 60), ("approved", 40)),
}
DEFAULT_RESULTS = (("approved", 90), ("rejected", 7), ("withdrawn", 3))
SUSPENSION_TYPES = (  # reason_type, weight, WD range ("other" is mostly waiting for the applicant)
    ("hearing", 12, (10, 30)),
    ("expert_review", 25, (5, 30)),
    ("testing", 30, (3, 20)),
    ("quarantine", 8, (5, 20)),
    ("other", 25, (5, 60)),
)

# --------------------------------------------------------------------------------------------
# Content: what the catalogues of Yancheng's units hold
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Domain:
    """A field of administration: its bureau name, divisions, laws and powers by category."""

    bureau: str
    divisions: tuple[str, ...]
    laws: tuple[str, ...]
    powers: dict[str, tuple[str, ...]]


def _domain(bureau: str, divisions: str, laws: str, **powers: str) -> Domain:
    return Domain(
        bureau,
        tuple(divisions.split()),
        tuple(laws.split()),
        {cat: tuple(names.split()) for cat, names in powers.items()},
    )


DOMAINS: dict[str, Domain] = {
    "market": _domain(
        "市场监督管理局",
        "登记注册处 食品经营安全监督管理处 食品生产安全监督管理处 特种设备安全监察处 药品流通监督管理处 "
        "价格监督检查和反不正当竞争处 执法稽查局 知识产权保护处",
        "《中华人民共和国食品安全法》 《中华人民共和国特种设备安全法》 《中华人民共和国产品质量法》 "
        "《中华人民共和国反不正当竞争法》 《中华人民共和国市场主体登记管理条例》 《中华人民共和国药品管理法》",
        XK="食品经营许可证核发 食品生产许可证核发 特种设备安装改造维修许可 药品零售企业经营许可 工业产品生产许可证核发 "
        "计量标准器具核准 移动式压力容器充装许可 医疗器械经营许可",
        CF="对经营超过保质期食品的行政处罚 对未取得食品经营许可从事食品经营活动的行政处罚 "
        "对作虚假或者引人误解的商业宣传的行政处罚 对使用未经定期检验特种设备的行政处罚 "
        "对生产销售不合格产品的行政处罚 对未按规定公示年度报告的行政处罚 对哄抬价格行为的行政处罚 "
        "对侵犯注册商标专用权行为的行政处罚",
        FXK="药品广告审查 食品小作坊登记证核发 特殊医学用途配方食品广告审查",
        ZS="特种设备检验检测费征收 计量器具强制检定费征收",
        QZ="查封扣押不符合食品安全标准的食品 查封违法从事生产经营活动的场所 扣押不符合安全技术规范要求的特种设备",
        QR="市场主体设立登记 市场主体变更登记 动产抵押登记 特种设备使用登记",
        JF="个体工商户纾困补贴给付 首次商标注册资助资金给付",
        JL="对举报食品安全违法行为的奖励 市长质量奖评选表彰 对举报假冒伪劣产品行为的奖励",
        ZY="食品安全事故应急处置中征用检验检测设备",
        CJ="企业名称争议裁决 专利侵权纠纷行政裁决",
        QT="消费者投诉举报处理 企业经营异常名录移出 食品安全事故调查处理",
    ),
    "housing": _domain(
        "住房和城乡建设局",
        "建筑市场监管处 工程质量安全监管处 房地产市场监管处 城市建设处 住房保障处 村镇建设处 燃气管理处",
        "《中华人民共和国建筑法》 《建设工程质量管理条例》 《中华人民共和国城市房地产管理法》 《城镇燃气管理条例》 "
        "《物业管理条例》 《建设工程消防设计审查验收管理暂行规定》",
        XK="建筑工程施工许可证核发 商品房预售许可 建筑业企业资质核准 燃气经营许可证核发 城市建筑垃圾处置核准 "
        "建设工程消防设计审查 燃气设施改动审批",
        CF="对未取得施工许可证擅自施工的行政处罚 对施工单位违反工程质量管理规定的行政处罚 "
        "对房地产开发企业违规销售商品房的行政处罚 对燃气经营企业违法行为的行政处罚 "
        "对物业服务企业违反物业管理规定的行政处罚 对违法分包转包行为的行政处罚",
        FXK="超限高层建筑工程抗震设防审批 城市新建民用建筑配建防空地下室审核 建设工程项目招标方式核准",
        ZS="城市基础设施配套费征收 城镇垃圾处理费征收 防空地下室易地建设费征收",
        QZ="查封违法建设施工现场 扣押违法施工机械设备 强制拆除违法建设工程",
        QR="建设工程消防验收 房屋建筑工程竣工验收备案 商品房买卖合同网签备案",
        JF="公共租赁住房租赁补贴发放 城镇住房困难家庭住房保障补贴给付",
        JL="市级优质工程奖评选表彰 对举报违法建设行为的奖励",
        ZY="抢险救灾中征用施工机械设备",
        CJ="国有土地上房屋征收补偿决定 物业服务收费争议处理",
        QT="建筑工程质量投诉处理 建设工程招标投标情况书面报告备案",
    ),
    "land": _domain(
        "自然资源和规划局",
        "国土空间规划处 建设用地审批处 不动产登记中心 耕地保护监督处 矿产资源管理处 测绘地理信息处 执法监察支队",
        "《中华人民共和国土地管理法》 《中华人民共和国城乡规划法》 《中华人民共和国矿产资源法》 《不动产登记暂行条例》 "
        "《中华人民共和国测绘法》",
        XK="建设用地规划许可证核发 建设工程规划许可证核发 乡村建设规划许可证核发 采矿许可证核发 临时用地审批 "
        "国有建设用地使用权划拨审批",
        CF="对未经批准非法占用土地的行政处罚 对未取得建设工程规划许可证进行建设的行政处罚 对无证采矿的行政处罚 "
        "对违法测绘行为的行政处罚 对破坏耕地行为的行政处罚",
        FXK="建设项目用地预审与选址意见书核发 开发未确定使用权的国有荒山荒地审批",
        ZS="土地复垦费征收 耕地开垦费征收 土地闲置费征收",
        QZ="查封扣押与非法采矿有关的工具设备 查封违法占地施工场所",
        QR="不动产首次登记 不动产转移登记 不动产抵押登记 不动产变更登记",
        JF="耕地地力保护补贴资金给付",
        JL="对测绘工作中作出突出贡献的单位和个人的奖励 对举报违法用地行为的奖励",
        ZY="抢险救灾临时征用土地",
        CJ="土地权属争议行政裁决 林地林木权属争议处理",
        QT="规划条件核实 国有建设用地使用权出让",
    ),
    "environment": _domain(
        "生态环境局",
        "环境影响评价与排放管理处 大气环境处 水生态环境处 固体废物与化学品处 辐射安全管理处 生态环境执法局 "
        "土壤生态环境处",
        "《中华人民共和国环境保护法》 《中华人民共和国环境影响评价法》 《中华人民共和国大气污染防治法》 "
        "《中华人民共和国水污染防治法》 《中华人民共和国固体废物污染环境防治法》 《排污许可管理条例》",
        XK="建设项目环境影响报告书审批 建设项目环境影响报告表审批 排污许可证核发 危险废物经营许可证核发 "
        "辐射安全许可证核发",
        CF="对超标排放大气污染物的行政处罚 对建设项目未批先建的行政处罚 对违法处置危险废物的行政处罚 "
        "对无证排污的行政处罚 对篡改伪造监测数据的行政处罚",
        FXK="入河排污口设置审核 危险废物跨省转移审批",
        ZS="生态环境损害赔偿资金收缴",
        QZ="查封扣押造成污染物排放的设施设备 查封违法排污场所",
        QR="突发环境事件应急预案备案 排污单位自行监测方案备案",
        JF="大气污染防治专项资金给付",
        JL="对举报环境违法行为的奖励",
        ZY="突发环境事件应急处置中征用物资设备",
        CJ="环境污染损害赔偿纠纷调解处理",
        QT="环境信访投诉处理 清洁生产审核评估验收",
    ),
    "transport": _domain(
        "交通运输局",
        "运输管理处 公路管理处 港航事业发展中心 综合执法支队 建设管理处 安全监督处",
        "《中华人民共和国道路运输条例》 《中华人民共和国公路法》 《中华人民共和国港口法》 "
        "《巡游出租汽车经营服务管理规定》 《超限运输车辆行驶公路管理规定》",
        XK="道路旅客运输经营许可 道路货物运输经营许可 出租汽车经营许可 公路超限运输许可 涉路施工许可 港口经营许可",
        CF="对未取得道路运输经营许可擅自从事道路运输的行政处罚 对车辆违法超限运输的行政处罚 "
        "对出租汽车驾驶员违规经营的行政处罚 对水路运输违法行为的行政处罚 对擅自占用挖掘公路的行政处罚",
        FXK="公路建设项目施工许可 更新采伐护路林审批",
        ZS="公路路产损失赔偿费收缴 车辆通行费征收",
        QZ="暂扣非法营运车辆 扣留违法超限运输车辆",
        QR="道路运输从业人员从业资格认定 机动车维修经营备案",
        JF="城市公交成品油价格补助给付 农村客运补贴资金给付",
        JL="对举报非法营运行为的奖励",
        ZY="紧急情况下征用运输工具",
        CJ="公路路产损害赔偿争议处理",
        QT="交通运输服务投诉处理 出租汽车驾驶员从业资格注册",
    ),
    "health": _domain(
        "卫生健康委员会",
        "医政医管处 疾病预防控制处 妇幼健康处 综合监督处 基层卫生健康处 人口监测与家庭发展处 卫生健康监督所",
        "《中华人民共和国基本医疗卫生与健康促进法》 《医疗机构管理条例》 《中华人民共和国医师法》 "
        "《公共场所卫生管理条例》 《中华人民共和国传染病防治法》 《中华人民共和国母婴保健法》",
        XK="医疗机构执业许可 医师执业注册 护士执业注册 公共场所卫生许可 放射诊疗许可 母婴保健技术服务执业许可",
        CF="对非法行医的行政处罚 对医疗机构违规执业的行政处罚 对公共场所卫生违法行为的行政处罚 "
        "对供水单位违反卫生规定的行政处罚 对医疗废物处置违法行为的行政处罚",
        FXK="医疗广告审查 乙类大型医用设备配置审核",
        ZS="预防接种异常反应鉴定费收缴",
        QZ="对甲类传染病病人强制隔离治疗 封存被污染的公共饮用水源 查封非法行医场所",
        QR="出生医学证明签发 医疗事故技术鉴定 职业病诊断鉴定",
        JF="计划生育家庭特别扶助金给付 农村部分计划生育家庭奖励扶助金给付",
        JL="对传染病防治工作中作出显著成绩的单位和个人的表彰奖励 无偿献血表彰奖励",
        ZY="突发公共卫生事件应急征用房屋交通工具及相关设施设备",
        CJ="医疗损害争议行政调解",
        QT="医疗服务投诉处理 传染病疫情报告管理",
    ),
    "police": _domain(
        "公安局",
        "治安管理支队 交通警察支队 出入境管理支队 户政管理处 网络安全保卫支队 法制支队 禁毒支队",
        "《中华人民共和国治安管理处罚法》 《中华人民共和国道路交通安全法》 《中华人民共和国出境入境管理法》 "
        "《中华人民共和国居民身份证法》 《民用爆炸物品安全管理条例》",
        XK="户口迁移审批 爆破作业单位许可 剧毒化学品购买许可 大型群众性活动安全许可 旅馆业特种行业许可证核发 "
        "公章刻制业特种行业许可 内地居民往来港澳通行证签发",
        CF="对违反治安管理行为的行政处罚 对道路交通安全违法行为的行政处罚 对违反出境入境管理规定的行政处罚 "
        "对违反网络安全管理规定的行政处罚 对违规经营旅馆业的行政处罚",
        FXK="机动车临时通行牌证核发 校车驾驶资格审核",
        ZS="居民身份证工本费征收 机动车号牌工本费征收",
        QZ="强制传唤 扣留机动车 强制隔离戒毒 扣押涉案物品",
        QR="居民身份证核发 机动车注册登记 出生登记",
        JF="见义勇为伤亡人员抚恤金给付",
        JL="见义勇为表彰奖励 对举报违法犯罪线索的奖励",
        ZY="紧急情况下征用单位和个人的交通工具和通信工具",
        CJ="道路交通事故损害赔偿调解",
        QT="治安调解 公民身份号码更正",
    ),
    "approval": _domain(
        "行政审批局",
        "投资项目审批处 社会事务审批处 市场准入审批处 建设工程审批处 农业水利审批处 政务服务管理处",
        "《中华人民共和国行政许可法》 《企业投资项目核准和备案管理条例》 《中华人民共和国民办教育促进法》 "
        "《人力资源市场暂行条例》 《旅行社条例》 《中华人民共和国水法》",
        XK="企业投资项目核准 民办学校设立审批 人力资源服务许可 劳务派遣经营许可 旅行社设立许可 娱乐场所经营许可 "
        "出版物零售业务许可 取水许可 农作物种子生产经营许可",
        CF="对以欺骗贿赂等不正当手段取得行政许可的行政处罚 对涂改倒卖出租出借行政许可证件的行政处罚",
        FXK="政府投资项目可行性研究报告审批 政府投资项目初步设计审批",
        ZS="水资源费征收",
        QZ="收缴以欺骗手段取得的许可证件",
        QR="社会团体成立登记 民办非企业单位成立登记",
        JF="创业担保贷款贴息资金给付",
        JL="对举报行政审批违法违规行为的奖励",
        ZY="应急状态下征用政务服务场所设施",
        CJ="水事纠纷行政裁决",
        QT="政务服务好差评投诉处理 证照遗失补办",
    ),
}
# The city department whose field a unit code covers; counties cover every field.
DEPARTMENT_DOMAINS = {
    "SCJGJ": "market",
    "ZJJ": "housing",
    "ZRZYGHJ": "land",
    "STHJJ": "environment",
    "JTYSJ": "transport",
    "WJW": "health",
    "GAJ": "police",
    "XZSPJ": "approval",
}
# Share of all cases a unit handles (units not named here get the average of the rest).
UNIT_CASE_WEIGHT = {
    "XZSPJ": 14,
    "SCJGJ": 10,
    "GAJ": 9,
    "ZRZYGHJ": 6,
    "ZJJ": 5,
    "WJW": 4,
    "JTYSJ": 4,
    "STHJJ": 3,
    "DTS": 6,
    "YDQ": 5.5,
    "THQ": 5.5,
    "JHX": 5,
    "SYX": 5,
    "FNX": 5,
    "BHX": 4.5,
    "DFQ": 5,
    "XSX": 4,
}
COASTAL_UNITS = ("XSX", "BHX", "SYX", "DFQ", "DTS")
# Fixed fees of well-known items (yuan); other fee-charging items get a plausible amount.
KNOWN_FEES = {
    "不动产首次登记": 80,
    "不动产转移登记": 80,
    "不动产抵押登记": 80,
    "居民身份证工本费征收": 20,
    "机动车号牌工本费征收": 100,
    "内地居民往来港澳通行证签发": 60,
    "机动车注册登记": 10,
}

# Internal flow templates by category: (node name, role). Roles map to posts.
FLOW_TEMPLATES = {
    "CF": (("立案", "ZF"), ("调查取证", "ZF"), ("法制审核", "FZ"), ("处罚决定", "SP"), ("送达执行", "BJ")),
    "QZ": (("立案审批", "ZF"), ("现场实施", "ZF"), ("法制审核", "FZ"), ("强制决定", "SP"), ("送达解除", "BJ")),
    "QR": (("受理", "SL"), ("审核", "SC"), ("复核", "SH"), ("确认登记", "SP"), ("发证", "BJ")),
    "ZS": (("受理", "SL"), ("核定", "SC"), ("审核", "SH"), ("征收决定", "SP"), ("缴款办结", "BJ")),
    "JF": (("受理", "SL"), ("审核", "SC"), ("公示", "SH"), ("审批", "SP"), ("发放", "BJ")),
    "JL": (("受理", "SL"), ("审核", "SC"), ("评审公示", "SH"), ("奖励决定", "SP"), ("兑现", "BJ")),
    "ZY": (("征用申请", "SL"), ("核实", "ZF"), ("审核", "SH"), ("征用决定", "SP"), ("补偿归还", "BJ")),
    "CJ": (("受理", "SL"), ("调查", "SC"), ("审理", "SH"), ("裁决", "SP"), ("送达", "BJ")),
    "QT": (("受理", "SL"), ("办理", "SC"), ("审核", "SH"), ("办结", "BJ")),
}
DEFAULT_FLOW = (("受理", "SL"), ("审查", "SC"), ("审核", "SH"), ("审批", "SP"), ("办结", "BJ"))
# Which template nodes a flow of n nodes keeps.
FLOW_SUBSETS = {2: (0, 3), 3: (0, 1, 3), 4: (0, 1, 2, 3), 5: (0, 1, 2, 3, 4)}
ROLE_DOCUMENTS = {
    "SL": "受理通知书；申请材料接收凭证",
    "SC": "审查意见表；现场核查记录",
    "SH": "审核意见表",
    "SP": "审批表；决定文书",
    "BJ": "证照或批准文书；送达回证",
    "ZF": "立案审批表；调查询问笔录；现场检查笔录",
    "FZ": "法制审核意见书",
}
# Relative share of a flow's time limit each role gets.
ROLE_WORK = {"SL": 1, "SC": 3, "SH": 2, "SP": 1.5, "BJ": 1, "ZF": 3, "FZ": 1.5}
AGREE_TEXTS = {
    "SL": ("申请材料齐全，符合法定形式，予以受理", "材料齐全，同意受理", "经核对原件，予以受理"),
    "SC": ("经审查，申请材料真实有效，符合条件，建议准予", "经审查符合规定，拟同意", "现场核查情况与申请材料一致"),
    "SH": ("同意审查意见", "审核无误，同意", "经审核，符合条件"),
    "SP": ("同意", "同意审核意见，准予办理", "准予"),
    "BJ": ("已办结，文书已送达", "已制证并送达申请人", "已办结归档"),
    "ZF": ("经调查，违法事实清楚，证据确实充分", "已立案，指定两名执法人员办理", "已现场检查并制作笔录"),
    "FZ": ("经法制审核，事实清楚、证据确凿、适用依据正确、程序合法，同意", "法制审核通过"),
}
REJECT_REASONS = (
    "申请人提交的经营场所证明与实际经营地址不符，不符合法定条件，不予许可",
    "申请材料经核查存在虚假内容，依据《中华人民共和国行政许可法》第七十八条不予许可",
    "项目选址位于生态保护红线范围内，不符合国土空间规划要求",
    "现场核查发现设施设备不满足相关标准要求，不予通过",
    "申请人不具备法定资格条件，依法不予批准",
    "申请事项不属于本机关职权范围，已告知申请人向有权机关申请",
)
RETURN_REASONS = (
    "申请材料缺少法定代表人身份证明，退回补正",
    "现场核查记录不完整，退回重新核查",
    "审查意见未引用法律依据，退回修改",
    "证据材料缺少当事人签字确认，退回补充",
)
NO_PENALTY_REASON = "违法行为轻微并及时改正，没有造成危害后果，依法不予行政处罚"
WITHDRAW_REASON = "申请人主动申请撤回，终止办理"
EXTENSION_REASONS = (
    "情况复杂，需组织专家论证，经本机关负责人批准延长十个工作日",
    "需征求相关部门意见，经负责人批准延长审批期限",
    "涉及公共利益需听证公示，经负责人批准延长期限",
)
COMPLAINT_CATEGORIES = (("delay", 35), ("attitude", 20), ("fee", 10), ("misconduct", 20), ("other", 15))
COMPLAINT_CHANNELS = (("hotline", 45), ("web", 20), ("wechat", 20), ("letter", 5), ("visit", 10))
# Codes of pre-reform departments that complainants and old systems still use.
STALE_DEPARTMENT_CODES = ("WSJ", "HBJ", "GTJ", "JTJ", "GSJ", "ZJJ2")
SUPERVISION_OFFICE = "JCB"  # actor_unit of the supervision office's own complaint actions


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def day_of(d: date) -> int:
    """Day number (days since 1970-01-01) of a date."""
    return d.toordinal() - EPOCH_ORDINAL


def date_of(day: int) -> date:
    return date.fromordinal(day + EPOCH_ORDINAL)


_DATE_TEXT: dict[int, str] = {}
_CLOCK_TEXT = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+08" for s in range(DAY)]


def date_text(day: int) -> str:
    text = _DATE_TEXT.get(day)
    if text is None:
        text = _DATE_TEXT[day] = date_of(day).isoformat()
    return text


def timestamp_text(ts: int) -> str:
    """Local seconds as a PostgreSQL timestamptz literal in Asia/Shanghai."""
    day = ts // DAY
    return date_text(day) + " " + _CLOCK_TEXT[ts - day * DAY]


def money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def limit_text(halves: int) -> str:
    return str(halves // 2) if halves % 2 == 0 else f"{halves // 2}.5"


def weighted(rng: random.Random, pairs) -> str:
    """Pick the first item of one of (item, weight, ...) tuples by weight."""
    total = sum(p[1] for p in pairs)
    x = rng.random() * total
    for p in pairs:
        x -= p[1]
        if x < 0:
            return p[0]
    return pairs[-1][0]


def chinese_number(n: int) -> str:
    """1–99 in Chinese numerals, as articles of a law are cited (第三十五条)."""
    digits = "零一二三四五六七八九"
    tens, ones = divmod(n, 10)
    if tens == 0:
        return digits[ones]
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip(WHITESPACE) == "")


def apportion(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` into integer parts proportional to ``weights`` (largest remainder)."""
    weight_sum = sum(weights)
    if total <= 0 or weight_sum <= 0:
        return [0] * len(weights)
    exact = [total * w / weight_sum for w in weights]
    parts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (parts[i] - exact[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def database_name(source_name: str, prefix: str = DATABASE_PREFIX) -> str:
    return f"{prefix}{source_name}"


def database_url(server_url: str, database: str) -> str:
    """The URL of ``database`` on the server of ``server_url`` (credentials, host, options kept)."""
    parts = urlsplit(server_url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + database, parts.query, parts.fragment))


# --------------------------------------------------------------------------------------------
# Working-day calendar (T1): chinese-calendar where it has data, Mon–Fri elsewhere
# --------------------------------------------------------------------------------------------


class Calendar:
    """Working days of a range of days, with rank arithmetic (n-th working day after a day)."""

    def __init__(self, first: date, last: date):
        import chinese_calendar

        self.first = day_of(first)
        size = (last - first).days + 1
        self.is_wd = bytearray(size)
        for i in range(size):
            d = first + timedelta(days=i)
            try:
                self.is_wd[i] = chinese_calendar.is_workday(d)
            except NotImplementedError:
                self.is_wd[i] = d.weekday() < 5
        self.rank = []  # working days on or before the day
        count = 0
        for flag in self.is_wd:
            count += flag
            self.rank.append(count)
        self.workdays = [self.first + i for i, flag in enumerate(self.is_wd) if flag]

    def is_workday(self, day: int) -> bool:
        return bool(self.is_wd[day - self.first])

    def wd_after(self, day: int, n: int) -> int:
        """The n-th working day strictly after ``day`` (``day`` itself for n = 0)."""
        if n <= 0:
            return day
        index = self.rank[day - self.first] + n - 1
        return self.workdays[min(index, len(self.workdays) - 1)]

    def workday_number(self, day: int) -> int:
        """Working days from the first day of the calendar up to ``day`` included."""
        return self.rank[day - self.first]


CITY = "ALL"  # the unit of the city-wide exempt windows, and of the office's own deadlines


class WorkflowCalendar:
    """Working days as the workflow rules W1-W3 count them (the dbt macro workflow_due_date).

    Like T2/T4 (the day after the starting act's Beijing date is WD 1, a limit of N WD ends with the
    N-th), but T9 exempt working days do not count: those of the city-wide windows for every unit,
    and a department's own. ``CITY`` (the office's own deadlines, and codes no unit has) counts with
    the city-wide windows only.
    """

    def __init__(self, cal: Calendar, exempt: dict[str, list[int]] | None = None):
        self.cal = cal
        exempt = exempt or {}
        self.city = frozenset(exempt.get(CITY, ()))
        self.skipped = {code: self.city | frozenset(days) for code, days in exempt.items()}

    def _skip(self, unit: str) -> frozenset[int]:
        return self.skipped.get(unit, self.city)

    def after(self, unit: str, day: int, n: int) -> int:
        """The n-th counted day strictly after ``day`` (n >= 1): the due date of a limit of n WD."""
        skip = self._skip(unit)
        cal = self.cal
        if not skip:
            return cal.wd_after(day, n)
        while n > 0:
            day = cal.wd_after(day, 1)
            if day not in skip:
                n -= 1
        return day

    def before(self, unit: str, day: int, n: int) -> int:
        """The n-th counted day strictly before ``day`` (n >= 1)."""
        skip = self._skip(unit)
        cal = self.cal
        while n > 0:
            day -= 1
            if cal.is_workday(day) and day not in skip:
                n -= 1
        return day

    def by(self, unit: str, day: int, due: int) -> int:
        """The due date of an act due by the date ``due`` after ``day``: ``due`` moved one counted day
        later for every exempt working day on the way, never earlier than itself."""
        span = self.cal.workday_number(due) - self.cal.workday_number(day)
        moved = self.after(unit, day, span) if span > 0 else self.before(unit, day + 1, 1 - span)
        return max(due, moved)

    def within(self, rng: random.Random, unit: str, day: int, due: int, most: int) -> int:
        """A counted day after ``day`` and on or before ``due``: the n-th, n drawn from 1 to ``most``,
        or the last one by ``due`` (``day`` itself when there is none)."""
        picked = self.after(unit, day, rng.randint(1, most))
        if picked > due:
            picked = max(day, self.before(unit, due + 1, 1))
        return picked


def office_clock(rng: random.Random) -> int:
    """Seconds after midnight inside office hours (08:30–12:00, 13:30–17:30)."""
    s = rng.randrange(450 * 60)
    return 30_600 + s if s < 12_600 else 48_600 + s - 12_600


# --------------------------------------------------------------------------------------------
# People: precomputed pools from Faker('zh_CN'), so large runs never call Faker per row
# --------------------------------------------------------------------------------------------


@dataclass
class Pools:
    names: list[str]
    id_numbers: list[str]
    phones: list[str]
    companies: list[str]
    credit_codes: list[str]

    @classmethod
    def build(cls, seed: int, size: int = 2000) -> Pools:
        from faker import Faker

        fake = Faker("zh_CN")
        fake.seed_instance(seed)
        rng = random.Random(f"pools:{seed}")
        names = [fake.name() for _ in range(size)]
        id_numbers = [fake.ssn() for _ in range(size)]
        phones = [fake.phone_number() for _ in range(size)]
        companies = [f"盐城{fake.company()}" if i % 3 == 0 else fake.company() for i in range(size // 2)]
        alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        credit = ["91320900" + "".join(rng.choice(alphabet) for _ in range(10)) for _ in range(size // 2)]
        return cls(names, id_numbers, phones, companies, credit)


_POOLS: dict[int, Pools] = {}


def pools_for(seed: int) -> Pools:
    if seed not in _POOLS:
        _POOLS[seed] = Pools.build(seed)
    return _POOLS[seed]


# --------------------------------------------------------------------------------------------
# Writing one exchange database: rows ordered by uploaded_at, exchange_ids, COPY, error counts
# --------------------------------------------------------------------------------------------


class TableSpec:
    """How rows (dicts keyed by contract column) of one table are checked and written."""

    def __init__(self, table: ExchangeTable):
        self.name = table.name
        self.key = table.key
        types = table.types()
        self.columns = table.columns
        self.values_of = operator.itemgetter(*table.columns)
        self.timestamp_positions = [i for i, c in enumerate(table.columns) if types[c] == "timestamptz"]
        self.date_positions = [i for i, c in enumerate(table.columns) if types[c] == "date"]
        self.text_columns = tuple(c for c in table.columns if types[c] == "text")
        self.types = [types[c] for c in table.columns]
        self.event_columns = EVENT_COLUMNS.get(table.name)
        self.copy_sql = f"copy {SCHEMA}.{table.name} ({', '.join(table.all_columns)}) from stdin"


def _placeholder_reason(row: dict) -> bool:
    return row["opinion"] in ("disagree", "return") and (
        row["reason"] is None or row["reason"].strip(WHITESPACE) in ("", "不同意", "无", "同上")
    )


# Row-level checks computed from the written values, per table: (error kind, predicate).
VALUE_CHECKS: dict[str, tuple[tuple[str, Callable[[dict], bool]], ...]] = {
    "case_node": (("placeholder_reason", _placeholder_reason),),
    "power_item": (("incomplete_power", lambda r: any(blank(r[c]) for c in REQUIRED_POWER_FIELDS)),),
    "account": (("unapproved_account", lambda r: blank(r["approved_by"]) or r["approved_at"] is None),),
    "complaint_action": (("reject_without_reason", lambda r: r["action"] == "reject" and blank(r["reason"])),),
    "supervision_task_action": (
        ("return_without_reason", lambda r: r["action"] == "return" and blank(r["reason"])),
        ("return_without_deadline", lambda r: r["action"] == "return" and r["new_deadline_date"] is None),
    ),
}


# Workflow judges (W1-W3): the breaches of one task, complaint or change request in the rows of it
# that are written (pushed before the end: every such row reaches the exchange), judged as the
# platform judges them on the window's last day (``end_day``; an act missing by then is late once
# its due date has passed). The callers count them with ExchangeWriter.count.


def _late(day: int | None, due: int, end_day: int) -> bool:
    """An act (its Beijing date, None when missing) is late: done after ``due``, or not done when it has passed."""
    return day > due if day is not None else due < end_day


def _first(acts: list[dict], *actions: str) -> dict | None:
    return next((a for a in acts if a["action"] in actions), None)


def _day(act: dict | None, column: str = "acted_at") -> int | None:
    return None if act is None or act[column] is None else act[column] // DAY


def judge_task(wf: WorkflowCalendar, task: dict, acts: list[dict], end_day: int) -> list[tuple[str, str]]:
    """W1 (int_supervision_task_acts_ordered): (kind, table) of every late reply, review before any
    reply and archive before the final review, and the task itself when it still awaits a reply
    past the deadline in force. A return with a new deadline sets the deadline for the next reply."""
    target, issued_day = task["target_department_code"], task["issued_at"] // DAY
    if task["deadline_date"] is not None:
        deadline = wf.by(target, issued_day, task["deadline_date"])
    else:
        deadline = wf.after(target, issued_day, SUPERVISION_REPLY_WD)
    breaches = []
    replies = final_reviews = 0
    last = None
    for act in sorted(acts, key=lambda a: (a["acted_at"], a["action_seq"])):
        action, day = act["action"], act["acted_at"] // DAY
        if action == "reply":
            replies += 1
            if day > deadline:
                breaches.append(("late_reply", "supervision_task_action"))
        elif action == "return":
            if act["new_deadline_date"] is not None:
                deadline = wf.by(target, day, act["new_deadline_date"])
        elif action in ("initial_review", "final_review"):
            if not replies:
                breaches.append(("review_before_reply", "supervision_task_action"))
            final_reviews += action == "final_review"
        elif action == "archive" and not final_reviews:
            breaches.append(("archive_before_final_review", "supervision_task_action"))
        last = action
    if last in (None, "return") and deadline < end_day:
        breaches.append(("late_reply", "supervision_task"))
    return breaches


def judge_complaint(wf: WorkflowCalendar, complaint: dict, acts: list[dict], end_day: int) -> list[str]:
    """W2 (int_complaint_acts_dated): the kinds one complaint breaks, by the first act of each kind.
    The office decides within 5 WD of receipt and notifies a real-name complainant within 5 WD of
    the decision (city-wide windows only); a transferred result is due by the transfer's
    deadline_date (the target department's windows); the result is fed back within 5 WD."""
    acts = sorted(acts, key=lambda a: (a["acted_at"], a["action_seq"]))
    real_name = bool(complaint["is_real_name"])
    breaches = []
    decision = _first(acts, "accept", "reject")
    due = wf.after(CITY, complaint["received_at"] // DAY, COMPLAINT_DECISION_WD)
    if _late(_day(decision), due, end_day):
        breaches.append("late_decision")
    if decision is not None and real_name:
        due = wf.after(CITY, _day(decision), COMPLAINT_NOTIFY_WD)
        notified = _day(_first(acts, "notify"))
        if notified is not None and notified > due:
            breaches.append("late_notice")
        elif notified is None and due < end_day:
            breaches.append("missing_notice")
    handling = _first(acts, "self_handle", "transfer")
    result = _first(acts, "result_reported")
    if handling is not None and handling["action"] == "transfer" and handling["deadline_date"] is not None:
        due = wf.by(complaint["target_department_code"], _day(handling), handling["deadline_date"])
        if result is not None and _day(result) > due:
            breaches.append("late_result")
        elif result is None and due < end_day:
            breaches.append("missing_result")
    if result is not None and real_name:
        due = wf.after(CITY, _day(result), COMPLAINT_FEEDBACK_WD)
        if _late(_day(_first(acts, "feedback")), due, end_day):
            breaches.append("missing_feedback")
    return breaches


def judge_change_request(wf: WorkflowCalendar, request: dict, end_day: int) -> list[str]:
    """W3 (catalogue_changes): the kinds the latest written version of one request breaks. The
    department declares within 10 WD of trigger_date, the legal office answers within 3 WD, an
    approved change is adjusted within 2 WD of the answer and by the 2nd WD before effective_date
    (the department's windows)."""
    code = request["department_code"]
    declared, reviewed, adjusted = (
        _day(request, "declared_at"),
        _day(request, "reviewed_at"),
        _day(request, "adjusted_at"),
    )
    breaches = []
    if declared > wf.after(code, request["trigger_date"], CATALOGUE_DECLARE_WD):
        breaches.append("late_declaration")
    if _late(reviewed, wf.after(code, declared, CATALOGUE_REVIEW_WD), end_day):
        breaches.append("late_review")
    if reviewed is not None and request["review_result"] == "approved":
        if _late(adjusted, wf.after(code, reviewed, CATALOGUE_ADJUST_WD), end_day):
            breaches.append("late_adjustment")
        latest = wf.before(code, request["effective_date"], CATALOGUE_ADJUST_BEFORE_EFFECT_WD)
        if _late(adjusted, latest, end_day):
            breaches.append("adjustment_after_effect")
    return breaches


class ExchangeWriter:
    """Collects the rows of one exchange database and writes them in uploaded_at order.

    Rows are pushed with their upload time; ``release(before)`` writes every row uploaded before
    ``before`` (the caller guarantees no later push uploads earlier), assigning exchange_ids per
    table in that order. Rows uploaded at or after the end of the simulation are never written (they
    have not reached the exchange yet). Error kinds are counted on the rows actually written.
    """

    def __init__(
        self,
        conn: psycopg.Connection | None,
        source_name: str,
        kind: str,
        *,
        all_text: bool,
        start_ts: int,
        end_ts: int,
        seed: int,
    ):
        self.conn = conn
        self.source = source_name
        self.all_text = all_text
        self.start_ts = start_ts
        self.end_ts = end_ts
        self.rng = random.Random(f"writer:{seed}:{source_name}")
        self.specs = {t.name: TableSpec(t) for t in tables_of_kind(kind)}
        self.heap: list = []
        self.sequence = 0
        self.buffers: dict[str, list] = {name: [] for name in self.specs}
        self.next_id = dict.fromkeys(self.specs, 1)
        self.rows = Counter({name: 0 for name in self.specs})
        self.errors: dict[str, Counter] = defaultdict(Counter)
        self.latest_event = dict.fromkeys(self.specs, -1)
        self.garbled_first = set()  # tables that already carry an unparsable row
        self.checked = set()  # tables whose first row was checked against the contract

    # -- collecting
    def push(self, table: str, row: dict, uploaded: int, order: int = 0, tag: str | None = None) -> bool:
        """Queue a row; False if it is uploaded too late to be in the exchange at the end."""
        if uploaded >= self.end_ts:
            return False
        self.sequence += 1
        heapq.heappush(self.heap, (uploaded, order, self.sequence, table, row, tag))
        if tag is None and table in DUPLICATE_TABLES and self.rng.random() < P_DUPLICATE:
            self.sequence += 1
            heapq.heappush(self.heap, (uploaded, order, self.sequence, table, row, "duplicate"))
        return True

    def count(self, kind: str, table: str) -> None:
        """Count one error of ``kind`` judged from rows already pushed (so written: see push)."""
        self.errors[kind][table] += 1

    def release(self, before: int) -> None:
        heap = self.heap
        while heap and heap[0][0] < before:
            uploaded, _order, _seq, table, row, tag = heapq.heappop(heap)
            self._write(table, row, uploaded, tag)

    def close(self) -> None:
        self.release(self.end_ts)
        for table in self.specs:
            self._flush(table)

    # -- writing
    def _write(self, table: str, row: dict, uploaded: int, tag: str | None) -> None:
        spec = self.specs[table]
        if table not in self.checked:
            if set(row) != set(spec.columns):
                raise AssertionError(f"{table}: row columns {sorted(row)} differ from the contract")
            self.checked.add(table)
        values = list(spec.values_of(row))
        for i in spec.timestamp_positions:
            if values[i] is not None:
                values[i] = timestamp_text(values[i])
        for i in spec.date_positions:
            if values[i] is not None:
                values[i] = date_text(values[i])
        uploaded_text = timestamp_text(uploaded)
        if self.all_text and (table not in self.garbled_first or self.rng.random() < P_GARBLED):
            self.garbled_first.add(table)
            self._append(table, self._garble(spec, values, uploaded_text))
            self.errors["unparsable"][table] += 1
        self._count(spec, row, uploaded, tag)
        self._append(table, (*values, uploaded_text))

    def _append(self, table: str, values: tuple) -> None:
        exchange_id = self.next_id[table]
        self.next_id[table] = exchange_id + 1
        self.rows[table] += 1
        buffer = self.buffers[table]
        buffer.append((exchange_id, *values))
        if len(buffer) >= COPY_CHUNK_ROWS:
            self._flush(table)

    def _flush(self, table: str) -> None:
        buffer = self.buffers[table]
        if not buffer or self.conn is None:
            buffer.clear()
            return
        with self.conn.cursor() as cur, cur.copy(self.specs[table].copy_sql) as copy:
            for values in buffer:
                copy.write_row(values)
        buffer.clear()

    def _count(self, spec: TableSpec, row: dict, uploaded: int, tag: str | None) -> None:
        errors = self.errors
        table = spec.name
        if tag is not None:
            errors[tag][table] += 1
        if spec.event_columns is not None:
            event = None
            for column in spec.event_columns:
                event = row[column]
                if event is not None:
                    break
            if event >= self.start_ts and uploaded - event > DAY:
                errors["late_upload"][table] += 1
            if event < self.latest_event[table]:
                errors["out_of_order"][table] += 1
            else:
                self.latest_event[table] = event
        empty = stray = False
        for column in spec.text_columns:
            value = row[column]
            if value.__class__ is str:
                if value == "":
                    empty = True
                elif value[0] in WHITESPACE or value[-1] in WHITESPACE:
                    stray = True
        if empty:
            errors["empty_string"][table] += 1
        if stray:
            errors["stray_whitespace"][table] += 1
        for kind, check in VALUE_CHECKS.get(table, ()):
            if check(row):
                errors[kind][table] += 1

    def _garble(self, spec: TableSpec, values: list, uploaded_text: str) -> tuple:
        """An unparsable copy of a row, as a legacy system sends it: one value cannot be typed."""
        rng = self.rng
        garbled = list(values)
        uploaded = uploaded_text
        choices = []
        for i, (column, typ) in enumerate(zip(spec.columns, spec.types, strict=True)):
            if typ == "timestamptz":
                choices.append((i, BAD_TIMESTAMP))
            elif typ == "numeric(12,2)":
                choices.append((i, rng.choice(("免费", "五十元", "待定"))))
            elif typ == "numeric":
                choices.append((i, rng.choice(("半天", "0.5天"))))
            elif column.endswith("_wd"):
                choices.append((i, rng.choice(("五", "十五", "5天", "abc"))))
            elif typ == "integer":
                choices.append((i, rng.choice(("二", "abc", "v2"))))
            elif typ == "date":
                choices.append((i, rng.choice(("2026-02-30", "20261301"))))
            elif typ == "boolean":
                choices.append((i, rng.choice(("是", "否"))))
            elif typ == "text[]":
                choices.append((i, str(values[i] or "").strip("{}")))
        choices.append((spec.columns.index(spec.key[0]), rng.choice((None, "", "  "))))
        choices.append((-1, BAD_TIMESTAMP))  # uploaded_at itself
        position, bad = rng.choice(choices)
        if position == -1:
            uploaded = bad
        else:
            garbled[position] = bad
        return (*garbled, uploaded)

    def summary(self) -> tuple[dict, dict]:
        return dict(self.rows), {kind: dict(c) for kind, c in self.errors.items() if c}


# --------------------------------------------------------------------------------------------
# Upload behaviour of a source system (when rows reach the exchange)
# --------------------------------------------------------------------------------------------


class Uplink:
    """A source system's sync job: batches every ``interval`` minutes, stragglers, outages."""

    def __init__(
        self,
        rng: random.Random,
        start_ts: int,
        end_ts: int,
        *,
        interval_min: int,
        phase_s: int,
        outage_rate: float = 0.6,
    ):
        self.rng = rng
        self.interval = interval_min * 60
        self.phase = phase_s % self.interval
        self.outages: list[tuple[int, int]] = []
        ts = start_ts - 30 * DAY
        while ts < end_ts:
            if rng.random() < outage_rate:
                begin = ts + rng.randrange(30 * DAY)
                hours = rng.choice((3, 5, 8, 12, 20, 30, 40, 60, 80))
                self.outages.append((begin, begin + hours * HOUR + rng.randrange(HOUR)))
            ts += 30 * DAY
        self.outages.sort()
        self.outage_starts = [o[0] for o in self.outages]

    def batch(self, ts: int) -> int:
        """The first sync strictly after ``ts``."""
        return ((ts - self.phase) // self.interval + 1) * self.interval + self.phase

    def clean(self, ts: int) -> int:
        """Upload time without stragglers or outages (catalogue and account syncs)."""
        return self.batch(ts)

    def __call__(self, ts: int) -> int:
        uploaded = self.batch(ts)
        r = self.rng.random()
        if r < P_STRAGGLER_LATE:
            uploaded += self.rng.randrange(25 * HOUR, 6 * DAY)
        elif r < P_STRAGGLER_LATE + P_STRAGGLER:
            uploaded += self.rng.randrange(HOUR, 18 * HOUR)
        i = bisect.bisect_right(self.outage_starts, uploaded) - 1
        if i >= 0 and uploaded < self.outages[i][1]:
            uploaded = self.batch(self.outages[i][1])
        return uploaded


# --------------------------------------------------------------------------------------------
# Units, catalogue and accounts of a department source
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    unit_type: str
    county_code: str
    county_name: str


def load_units(path: Path | None = None) -> list[Unit]:
    """The supervised units of ``dbt/seeds/units.csv``."""
    path = path or settings.PROJECT_ROOT / "dbt/seeds/units.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        return [
            Unit(
                r["department_code"].strip(),
                r["name_zh"].strip(),
                r["unit_type"].strip(),
                r["county_code"].strip(),
                r["county_name_zh"].strip(),
            )
            for r in csv.DictReader(handle)
        ]


@dataclass
class FlowNode:
    seq: int
    name: str
    role: str
    post: str
    division: str
    limit_halves: int
    documents: str
    is_risk_point: bool


@dataclass
class PowerVersion:
    version: int
    status: str  # final status: confirmed, pending, cancelled
    confirmed_ts: int | None
    effective_from: int  # day
    effective_to: int | None  # day, exclusive
    promised: int
    legal: int | None
    fee_cents: int
    flow: list[FlowNode]
    uploads: list[tuple[int, dict]] = field(default_factory=list)  # (upload time, overrides)


@dataclass
class Power:
    code: str
    category: str
    name: str
    division: str
    domain: str
    is_risk_point: bool
    weight: float
    versions: list[PowerVersion]

    def in_force(self, day: int) -> PowerVersion | None:
        """The confirmed version in force all of ``day`` (Q5): a version confirmed only after it took
        effect (a catalogue adjusted late, W3) leaves the power idle until the day after."""
        for v in self.versions:
            if (
                v.status == "confirmed"
                and v.effective_from <= day
                and (v.effective_to is None or day < v.effective_to)
                and (v.confirmed_ts is None or v.confirmed_ts < day * DAY)
            ):
                return v
        return None


@dataclass
class Account:
    account_id: str
    name: str
    mobile: str
    posts: list[str]
    hired_ts: int
    approved: bool
    change_ts: int | None = None  # a second version from this time on
    change: str | None = None  # "disable" or "add_post"
    added_post: str | None = None

    def holds(self, post: str, ts: int) -> bool:
        if self.change_ts is not None and ts >= self.change_ts:
            if self.change == "disable":
                return False
            if self.change == "add_post" and post == self.added_post:
                return True
        return post in self.posts and ts >= self.hired_ts


@dataclass
class CatalogueChange:
    """A change of one power declared to the legal office (W3)."""

    department_code: str
    power_code: str
    change_type: str  # add, modify, cancel
    trigger_type: str
    trigger_day: int
    declared_ts: int
    reviewed_ts: int | None
    review_result: str | None
    adjusted_ts: int | None
    effective_day: int


# Character pairs too common in division and power names to tell them apart.
COMMON_PAIRS = frozenset(
    {
        "管理",
        "监督",
        "行政",
        "处罚",
        "许可",
        "审批",
        "生态",
        "环境",
        "中华",
        "华人",
        "人民",
        "民共",
        "共和",
        "和国",
        "条例",
        "规定",
    }
)


def _pairs(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} - COMMON_PAIRS


def _short_county(name: str) -> str:
    return name[:-1] if name[-1:] in "市县区" and len(name) > 2 else name


class DepartmentSimulator:
    """Generates the exchange rows of one department (or county) unit."""

    def __init__(
        self,
        unit: Unit,
        writer: ExchangeWriter,
        cal: Calendar,
        pools: Pools,
        *,
        seed: int,
        start: date,
        end: date,
        cases: int,
        forced: list[str] = (),
        wf: WorkflowCalendar | None = None,
        forced_changes: list[str] = (),
    ):
        self.unit = unit
        self.wf = wf or WorkflowCalendar(cal)
        self.forced_changes = list(forced_changes)  # W3 kinds forced onto this unit's first adjusted changes
        self.code = unit.code
        self.writer = writer
        self.cal = cal
        self.pools = pools
        self.rng = random.Random(f"department:{seed}:{unit.code}")
        self.start_day = day_of(start)
        self.end_day = day_of(end)
        self.start_ts = self.start_day * DAY
        self.end_ts = (self.end_day + 1) * DAY
        self.cases = cases
        self.forced_kinds = list(forced)
        self.forced: dict[int, str] = {}  # case number in the run of this unit -> injection
        self.case_number = 0
        self.is_county = unit.unit_type == "county" or unit.code not in DEPARTMENT_DOMAINS
        rng = self.rng
        legacy = unit.code in LEGACY_ALL_TEXT_UNITS
        interval = 1440 if legacy else rng.choice((5, 10, 15, 30, 60, 120, 240))
        phase = 5400 if legacy else rng.randrange(interval * 60)
        self.uplink = Uplink(
            random.Random(f"uplink:{seed}:{unit.code}"),
            self.start_ts,
            self.end_ts,
            interval_min=interval,
            phase_s=phase,
        )
        # Go-live of the exchange: the initial catalogue and accounts arrive in one bulk sync.
        self.golive_ts = (self.start_day - 10) * DAY + 20 * HOUR + rng.randrange(HOUR)
        self.powers: list[Power] = []
        self.changes: list[CatalogueChange] = []
        self.accounts: list[Account] = []
        self.holders: dict[str, list[Account]] = {}
        self.outsiders: dict[str, list[Account]] = {}
        self.leader_post = f"{self.code}-LD"
        self.facts = Counter()
        self.case_sample: list[dict] = []
        self.problem_sample: list[dict] = []
        self._sampled = 0
        self._problems = 0

    # -- catalogue -------------------------------------------------------------------------
    def _domains(self) -> list[str]:
        if not self.is_county:
            return [DEPARTMENT_DOMAINS[self.code]]
        return list(DOMAINS)

    def _division_of(self, domain: str, power_name: str = "") -> str:
        """The division (city) or bureau (county) that handles a power of ``domain``.

        A city department's division is the one whose name shares the most words (character
        pairs) with the power's name: 特种设备使用登记 goes to 特种设备安全监察处.
        """
        if not self.is_county:
            pairs = _pairs(power_name)
            scored = [(len(pairs & _pairs(d)), self.rng.random(), d) for d in self.divisions]
            return max(scored)[2]
        county = self.unit.county_name or self.unit.name
        if domain == "environment":
            return f"盐城市{_short_county(county)}生态环境局"
        return f"{county}{DOMAINS[domain].bureau}"

    def build_catalogue(self) -> None:
        rng = self.rng
        domains = self._domains()
        if self.is_county:
            self.divisions = [self._division_of(d) for d in domains]
        else:
            self.divisions = list(DOMAINS[domains[0]].divisions)
        self._build_posts()
        self.window_division = (
            f"{self.unit.county_name}政务服务中心窗口" if self.is_county else f"市政务服务中心{self.unit.name[1:]}窗口"
        )
        self.phones = {div: f"0515-{rng.randrange(60_000_000, 89_999_999)}" for div in self.divisions}
        sequence = Counter()
        for category in CATEGORIES:
            names = []
            for domain in domains:
                names.extend((domain, n) for n in DOMAINS[domain].powers.get(category, ()))
            if self.is_county:  # a county lists a share of every field's items
                keep = max(2 if category in ("XK", "CF", "QR") else 1, round(len(names) * 0.35))
                names = rng.sample(names, min(len(names), keep))
            for domain, name in names:
                sequence[category] += 1
                self.powers.append(self._new_power(category, name, domain, sequence[category]))
        golive = self.uplink.clean(self.golive_ts)
        for power in self.powers:
            power.versions[0].uploads.append((golive, {}))
        self._catalogue_changes(sequence)
        self._emit_catalogue()

    def _new_power(
        self,
        category: str,
        name: str,
        domain: str,
        seq: int,
        *,
        confirmed_ts: int | None = None,
        effective_from: int | None = None,
        status: str = "confirmed",
    ) -> Power:
        rng = self.rng
        legal_choices, (lo, hi) = LIMITS[category]
        promised = rng.randint(lo, hi)
        legal = rng.choice(legal_choices)
        if legal is not None:
            legal = max(legal, promised)
        fee = 0
        if name in KNOWN_FEES:
            fee = KNOWN_FEES[name] * 100
        elif category == "ZS":
            fee = rng.choice((50, 100, 200, 500, 1000, 2000, 5000)) * 100
        elif category in ("XK", "QR") and rng.random() < 0.08:
            fee = rng.choice((10, 20, 50)) * 100
        if status == "confirmed" and confirmed_ts is None:  # part of the catalogue before go-live
            confirmed_day = self.start_day - rng.randint(60, 900)
            confirmed_ts = confirmed_day * DAY + office_clock(rng)
            effective_from = min(confirmed_day + rng.randint(1, 30), self.golive_ts // DAY - 1)
        division = self._division_of(domain, name)
        risk = rng.random() < RISK_SHARE.get(category, 0.05)
        power = Power(
            code=f"{self.code}-{category}-{seq:04d}",
            category=category,
            name=name,
            division=division,
            domain=domain,
            is_risk_point=risk,
            weight=CATEGORY_WEIGHT[category] * rng.paretovariate(1.6),
            versions=[],
        )
        version = PowerVersion(
            1, status, confirmed_ts if status == "confirmed" else None, effective_from, None, promised, legal, fee, []
        )
        version.flow = self._flow(power, promised)
        power.versions.append(version)
        return power

    def _build_posts(self) -> None:
        code = self.code
        posts = {f"{code}-CK": 6, f"{code}-FZ": 2, self.leader_post: 3, f"{code}-BJ": 3}
        self.division_posts = {}
        for i, division in enumerate(self.divisions, start=1):
            self.division_posts[division] = {role: f"{code}-{i:02d}{role}" for role in ("SC", "SH", "ZF")}
            posts[f"{code}-{i:02d}SC"] = 3
            posts[f"{code}-{i:02d}SH"] = 2
            posts[f"{code}-{i:02d}ZF"] = 3
        self.posts = posts

    def _post_for(self, role: str, division: str) -> str:
        code = self.code
        if role == "SL":
            return f"{code}-CK"
        if role == "BJ":
            return f"{code}-BJ"
        if role == "FZ":
            return f"{code}-FZ"
        if role == "SP":
            return self.leader_post
        return self.division_posts[division][role]

    def _flow(
        self, power: Power, promised: int, nodes: int | None = None, over_promise: bool | None = None
    ) -> list[FlowNode]:
        rng = self.rng
        template = FLOW_TEMPLATES.get(power.category, DEFAULT_FLOW)
        most = min(len(template), 2 * promised)
        if nodes is None:
            nodes = min(most, rng.choice((2, 3, 3, 4, 4, 4, 5, 5)))
        nodes = max(2, nodes)
        picked = [template[i] for i in FLOW_SUBSETS[nodes] if i < len(template)]
        if len(picked) < nodes:
            picked = list(template[:nodes])
        if over_promise is None:
            over_promise = rng.random() < 0.02
        # Node limits in half working days, shared by the weight of each role's work.
        total = 2 * promised + rng.randint(1, 4) if over_promise else rng.randint(nodes, 2 * promised)
        weights = [ROLE_WORK[role] * rng.uniform(0.7, 1.3) for _name, role in picked]
        halves = [1 + extra for extra in apportion(total - nodes, weights)]
        flow = []
        for seq, ((name, role), limit) in enumerate(zip(picked, halves, strict=True), start=1):
            division = self.window_division if role in ("SL", "BJ") else power.division
            risk = power.is_risk_point and role in ("SP", "FZ", "SH")
            flow.append(
                FlowNode(
                    seq, name, role, self._post_for(role, power.division), division, limit, ROLE_DOCUMENTS[role], risk
                )
            )
        return flow

    def _catalogue_changes(self, sequence: Counter) -> None:
        """Changes during the window: modified, cancelled, added and pending powers (W3)."""
        rng = self.rng
        window = self.end_day - self.start_day
        if window < 45:
            return
        existing = list(self.powers)
        rng.shuffle(existing)
        plan = ["modify"] * rng.randint(2, 3) + ["cancel"] * (rng.random() < 0.7) + ["add"]
        plan += ["pending_confirmed", "pending"] + ["rejected"] * (rng.random() < 0.5)
        wf, code = self.wf, self.code
        added = []  # (power, change) of every added power
        for kind in plan:
            adjusted_kind = kind in ("modify", "cancel", "add", "pending_confirmed")
            forced = self.forced_changes.pop(0) if adjusted_kind and self.forced_changes else None
            if forced is not None:  # early enough in the window to be judged at its end
                trigger = self.start_day + rng.randrange(max(1, window // 2))
            else:
                trigger = self.start_day - 20 + rng.randrange(max(1, window - 25))
            mess = {k for k, share in CHANGE_INJECTIONS if rng.random() < share} if forced is None else {forced}
            # Deadlines of W3 as the department and the legal office meet them, T9 exempt days included.
            declare_due = wf.after(code, trigger, CATALOGUE_DECLARE_WD)
            if "late_declaration" in mess:
                declared_day = wf.after(code, declare_due, rng.randint(1, 6))
            else:
                declared_day = wf.within(rng, code, trigger, declare_due, CATALOGUE_DECLARE_WD)
            declared = declared_day * DAY + office_clock(rng)
            review_due = wf.after(code, declared_day, CATALOGUE_REVIEW_WD)
            if "late_review" in mess:
                reviewed_day = wf.after(code, review_due, rng.randint(1, 4))
            else:
                reviewed_day = wf.within(rng, code, declared_day, review_due, CATALOGUE_REVIEW_WD)
            reviewed = reviewed_day * DAY + office_clock(rng)
            adjust_due = wf.after(code, reviewed_day, CATALOGUE_ADJUST_WD)
            if "late_adjustment" in mess:
                adjusted_day = wf.after(code, adjust_due, rng.randint(1, 3))
            else:
                wait = rng.randint(0, CATALOGUE_ADJUST_WD)
                adjusted_day = wf.after(code, reviewed_day, wait) if wait else reviewed_day
            adjusted = max(reviewed + 600, adjusted_day * DAY + office_clock(rng))
            if "adjustment_after_effect" in mess and declared_day >= self.start_day:
                # The change took effect before the catalogue was adjusted (never before the declaration,
                # nor before the window, where the version it replaces may have begun).
                effective = max(declared_day + 1, adjusted_day - rng.randint(0, 3))
            else:  # in force from at least the 2nd counted day after the adjustment
                effective = wf.after(code, adjusted_day, rng.randint(CATALOGUE_ADJUST_BEFORE_EFFECT_WD, 15))
            trigger_type = "law" if rng.random() < 0.7 else "reorganisation"
            change = CatalogueChange(
                self.code, "", "modify", trigger_type, trigger, declared, reviewed, "approved", adjusted, effective
            )
            if kind in ("modify", "cancel", "rejected"):
                power = next((p for p in existing if len(p.versions) == 1), None)
                if power is None:
                    continue
                existing.remove(power)
                change.power_code = power.code
                if kind == "rejected":
                    change.review_result = "rejected"
                    change.adjusted_ts = None
                elif kind == "modify":
                    self._modify(power, adjusted, effective)
                else:
                    change.change_type = "cancel"
                    self._cancel(power, adjusted, effective)
            else:
                category = rng.choice(("XK", "XK", "QR", "CF", "FXK", "QT"))
                domain = rng.choice(self._domains())
                names = DOMAINS[domain].powers[category]
                sequence[category] += 1
                name = rng.choice(names) + ("（告知承诺制）" if category in ("XK", "QR") else "（新增）")
                change.change_type = "add"
                if kind == "add":
                    power = self._new_power(
                        category, name, domain, sequence[category], confirmed_ts=adjusted, effective_from=effective
                    )
                    power.versions[0].uploads.append((self.uplink.clean(adjusted), {}))
                else:
                    power = self._new_power(
                        category, name, domain, sequence[category], status="pending", effective_from=effective
                    )
                    version = power.versions[0]
                    version.uploads.append((self.uplink.clean(declared), {"status": "pending", "confirmed_at": None}))
                    if kind == "pending_confirmed":
                        version.status = "confirmed"
                        version.confirmed_ts = adjusted
                        version.uploads.append((self.uplink.clean(adjusted), {}))
                    else:  # still under review at the end: declared so lately that no answer is due yet
                        change.reviewed_ts = change.review_result = change.adjusted_ts = None
                        declared_day = wf.before(code, self.end_day + 1, rng.randint(1, CATALOGUE_REVIEW_WD))
                        change.trigger_day = wf.before(code, declared_day, rng.randint(1, CATALOGUE_DECLARE_WD))
                        change.declared_ts = declared_day * DAY + office_clock(rng)
                        change.effective_day = self.cal.wd_after(declared_day, 15)
                        version.effective_from = change.effective_day
                        version.uploads[0] = (self.uplink.clean(change.declared_ts), version.uploads[0][1])
                self.powers.append(power)
                change.power_code = power.code
                added.append((power, change))
            self.changes.append(change)
        # C10 (Q6): a new code sorts after every code of its category in force before it, so the
        # added powers of a category are numbered in the order they take effect.
        by_category = defaultdict(list)
        for power, change in added:
            by_category[power.category].append((power, change))
        for group in by_category.values():
            codes = sorted(power.code for power, _change in group)
            group.sort(key=lambda pair: (pair[0].versions[0].effective_from, pair[0].code))
            for new_code, (power, change) in zip(codes, group, strict=True):
                power.code = change.power_code = new_code

    def _modify(self, power: Power, adjusted: int, effective: int) -> None:
        """A new version from ``effective`` on; often the promise is cut (减时限)."""
        rng = self.rng
        old = power.versions[-1]
        old.effective_to = effective
        old.uploads.append((self.uplink.clean(adjusted), {"effective_to": effective}))
        nodes = len(old.flow)
        promised = old.promised
        if promised > 2 and rng.random() < 0.6:
            promised = max((nodes + 1) // 2, promised - rng.randint(1, promised // 2))
        new = PowerVersion(
            old.version + 1, "confirmed", adjusted, effective, None, promised, old.legal, old.fee_cents, []
        )
        new.flow = self._flow(power, promised, nodes=nodes)
        new.uploads.append((self.uplink.clean(adjusted) + 1, {}))
        power.versions.append(new)

    def _cancel(self, power: Power, adjusted: int, effective: int) -> None:
        old = power.versions[-1]
        old.effective_to = effective
        old.uploads.append((self.uplink.clean(adjusted), {"effective_to": effective}))
        gone = PowerVersion(
            old.version + 1, "cancelled", adjusted, effective, None, old.promised, old.legal, old.fee_cents, []
        )
        gone.uploads.append((self.uplink.clean(adjusted) + 1, {}))
        power.versions.append(gone)
        power.weight *= 0.3

    def _power_row(self, power: Power, version: PowerVersion) -> dict:
        rng = self.rng
        category = power.category
        location = (
            f"{self.unit.county_name}政务服务中心{rng.randint(1, 4)}楼{rng.randint(1, 60)}号窗口"
            if self.is_county
            else f"市政务服务中心{rng.randint(1, 5)}楼{self.unit.name[1:]}窗口（{rng.randint(1, 90)}号）"
        )
        # The law that shares the most words with the power's name (食品… → 食品安全法).
        pairs = _pairs(power.name)
        law = max((len(pairs & _pairs(law)), rng.random(), law) for law in DOMAINS[power.domain].laws)[2]
        basis = f"{law}第{chinese_number(rng.randint(5, 90))}条"
        if category == "XK":
            basis += "；《中华人民共和国行政许可法》第十二条"
        elif category == "CF":
            basis += "；《中华人民共和国行政处罚法》第八条"
        elif category == "QZ":
            basis += "；《中华人民共和国行政强制法》第九条"
        fee_text = f"{money(version.fee_cents)}元" if version.fee_cents else "不收费"
        guide = (
            f"{power.name}（{CATEGORY_NAMES[category]}）办事指南：申请人可通过江苏政务服务网在线申请，"
            f"或至{location}现场办理；"
            f"承诺时限{version.promised}个工作日；收费标准：{fee_text}。"
        )
        materials = {
            "CF": "1.立案审批表；2.调查询问笔录；3.现场检查笔录；4.证据材料；5.陈述申辩材料",
            "QZ": "1.立案审批表；2.现场笔录；3.强制措施决定书；4.物品清单",
            "JF": "1.申请表；2.身份证明；3.资格证明材料；4.银行账户信息",
            "JL": "1.举报或推荐材料；2.身份证明；3.查证属实的证明材料",
        }.get(category, "1.申请书；2.营业执照或身份证明复印件；3.场所证明材料；4.相关技术资料")
        discretion = None
        if category == "CF":
            base = rng.choice((1000, 2000, 5000, 10000))
            discretion = (
                f"依据《盐城市{self.unit.name}行政处罚裁量基准》：情节轻微的，处{base}元以下罚款；"
                f"情节一般的，处{base}元以上{base * 5}元以下罚款；情节严重的，处{base * 5}元以上"
                f"{base * 10}元以下罚款"
            )
        return {
            "power_code": power.code,
            "version": version.version,
            "department_code": self.code,
            "category": category,
            "name": power.name,
            "handling_division": power.division,
            "legal_limit_wd": version.legal,
            "promised_limit_wd": version.promised,
            "location": location,
            "phone": self.phones.get(power.division) or f"0515-{rng.randrange(60000000, 89999999)}",
            "service_guide": guide,
            "legal_basis": basis,
            "required_materials": materials,
            "discretion_standard": discretion,
            "standard_fee": money(version.fee_cents),
            "is_risk_point": power.is_risk_point,
            "status": version.status,
            "confirmed_at": version.confirmed_ts,
            "effective_from": version.effective_from,
            "effective_to": None,
        }

    def _emit_catalogue(self) -> None:
        rng = self.rng
        writer = self.writer
        for power in self.powers:
            for version in power.versions:
                base = self._power_row(power, version)
                if rng.random() < 0.03:  # Q2: a required field left empty by the department
                    base[rng.choice(REQUIRED_POWER_FIELDS[2:])] = rng.choice(("", None))
                over_promise = sum(n.limit_halves for n in version.flow) > 2 * version.promised
                for i, (uploaded, overrides) in enumerate(version.uploads):
                    row = {**base, **overrides}
                    tag = "flow_exceeds_promise" if i == 0 and version.flow and over_promise else None
                    writer.push("power_item", row, uploaded, tag=tag)
                for node in version.flow:
                    writer.push(
                        "power_flow_node",
                        {
                            "power_code": power.code,
                            "version": version.version,
                            "node_seq": node.seq,
                            "node_name": node.name,
                            "post_code": node.post,
                            "division": node.division,
                            "limit_wd": limit_text(node.limit_halves),
                            "documents": node.documents,
                            "is_risk_point": node.is_risk_point,
                        },
                        version.uploads[0][0],
                    )

    # -- accounts --------------------------------------------------------------------------
    def build_accounts(self) -> None:
        rng = self.rng
        pools = self.pools
        number = 0
        by_post: dict[str, list[Account]] = {}
        latest_hire = self.golive_ts - DAY
        for post, count in self.posts.items():
            for _ in range(count):
                number += 1
                person = rng.randrange(len(pools.names))
                hired = latest_hire - rng.randrange(20 * DAY, 2000 * DAY)
                hired = hired // DAY * DAY + office_clock(rng)
                account = Account(
                    f"{self.code.lower()}{number:03d}",
                    pools.names[person],
                    pools.phones[person],
                    [post],
                    hired,
                    rng.random() >= 0.02,
                )
                self.accounts.append(account)
                by_post.setdefault(post, []).append(account)
        # Division heads (审核岗) also review (审查岗) in half of the divisions.
        for posts in self.division_posts.values():
            if rng.random() < 0.5:
                for account in by_post[posts["SH"]]:
                    account.posts.append(posts["SC"])
                    by_post[posts["SC"]].append(account)
        # A few accounts change during the window: disabled, or given another review post.
        window = self.end_ts - self.start_ts
        review_posts = [posts["SC"] for posts in self.division_posts.values()]
        for account in self.accounts:
            if rng.random() >= 0.06 or window < 10 * DAY:
                continue
            account.change_ts = self.start_ts + rng.randrange(window - DAY)
            enabled_elsewhere = all(sum(1 for a in by_post[p] if a.change != "disable") >= 3 for p in account.posts)
            if enabled_elsewhere and rng.random() < 0.5:
                account.change = "disable"
            else:
                account.change = "add_post"
                account.added_post = rng.choice(review_posts)
                if account.added_post in account.posts:
                    account.change_ts = account.change = account.added_post = None
                    continue
                by_post[account.added_post].append(account)
        self.holders = by_post
        for post in self.posts:
            self.outsiders[post] = [a for a in self.accounts if post not in a.posts and a.added_post != post]
        self._emit_accounts()

    def _emit_accounts(self) -> None:
        rng = self.rng
        golive = self.uplink.clean(self.golive_ts)
        approver = rng.choice(self.pools.names)
        for account in self.accounts:
            approved_at = (
                (account.hired_ts // DAY - rng.randint(1, 5)) * DAY + office_clock(rng) if account.approved else None
            )
            row = {
                "account_id": account.account_id,
                "version": 1,
                "department_code": self.code,
                "name_zh": account.name,
                "mobile": account.mobile,
                "post_codes": "{" + ",".join(account.posts) + "}",
                "approved_by": approver if account.approved else None,
                "approved_at": approved_at,
                "enabled": True,
                "changed_at": account.hired_ts,
            }
            self.writer.push("account", row, golive)
            if account.change is not None:
                posts = account.posts + ([account.added_post] if account.change == "add_post" else [])
                change = dict(
                    row,
                    version=2,
                    post_codes="{" + ",".join(posts) + "}",
                    approved_by=approver,
                    approved_at=(account.change_ts // DAY - rng.randint(1, 3)) * DAY + office_clock(rng),
                    enabled=account.change != "disable",
                    changed_at=account.change_ts,
                )
                self.writer.push("account", change, self.uplink.clean(account.change_ts))

    def _handler(self, post: str, ts: int) -> str:
        rng = self.rng
        holders = self.holders[post]
        for _ in range(6):
            account = rng.choice(holders)
            if account.holds(post, ts):
                return account.account_id
        for account in holders:
            if account.holds(post, ts):
                return account.account_id
        return holders[0].account_id

    # -- cases -----------------------------------------------------------------------------
    def run_cases(self, cases: int, on_progress: Callable[[int], None] | None = None) -> None:
        """Accept ``cases`` cases over the window, day by day, and write their rows."""
        cal = self.cal
        # Forced injections fall in the first half of the window, so their cases are mostly complete.
        for i, kind in enumerate(self.forced_kinds):
            self.forced[(i + 1) * cases // (2 * len(self.forced_kinds) + 2)] = kind
        self.sample_size = max(30, cases // 40)
        self.problem_size = max(20, cases // 80)
        days = list(range(self.start_day, self.end_day + 1))
        weekday_factor = (1.15, 1.05, 1.0, 1.0, 0.9, 0.9, 0.9)
        # Volume grows over the window as more items go online (0.7 → 1.3).
        span = max(1, len(days) - 1)
        weights = [
            (weekday_factor[date_of(d).weekday()] if cal.is_workday(d) else P_WEEKEND_DAY_WEIGHT)
            * (0.7 + 0.6 * i / span)
            for i, d in enumerate(days)
        ]
        for day, count in zip(days, self._spread(cases, weights), strict=True):
            if count:
                self._prepare_day(day)
                working = cal.is_workday(day)
                clocks = sorted(self._accept_clock(working) for _ in range(count))
                prefix = f"{self.code}{date_of(day):%Y%m%d}"
                for number, clock in enumerate(clocks, start=1):
                    self._case(day, day * DAY + clock, f"{prefix}{number:05d}", working)
            self.writer.release((day + 1) * DAY)
            if on_progress is not None:
                on_progress(count)
        self.facts["cases"] += cases

    def _spread(self, cases: int, weights: list[float]) -> list[int]:
        """Cases per day: stratified sampling of the weighted days (no bias towards any day)."""
        cumulative = []
        total = 0.0
        for w in weights:
            total += w
            cumulative.append(total)
        counts = [0] * len(weights)
        rng = self.rng
        for k in range(cases):
            x = (k + rng.random()) / cases * total
            counts[min(bisect.bisect_right(cumulative, x), len(weights) - 1)] += 1
        return counts

    def _accept_clock(self, working: bool) -> int:
        rng = self.rng
        if not working:
            return rng.randrange(9 * HOUR, 17 * HOUR)
        if rng.random() < P_OFF_HOURS:
            return rng.choice(
                (rng.randrange(27_600, 30_600), rng.randrange(43_200, 48_600), rng.randrange(63_000, 70_200))
            )
        return office_clock(rng)

    def _prepare_day(self, day: int) -> None:
        """Powers in force (and known but not in force) on ``day``, with cumulative weights."""
        in_force, weights, idle = [], [], []
        for power in self.powers:
            version = power.in_force(day)
            if version is not None:
                in_force.append((power, version))
                weights.append(power.weight)
            else:
                idle.append(power)
        total = 0.0
        cumulative = []
        for w in weights:
            total += w
            cumulative.append(total)
        self.day_powers = in_force
        self.day_cumulative = cumulative
        self.day_idle = idle

    def _pick_power(self) -> tuple[Power, PowerVersion]:
        x = self.rng.random() * self.day_cumulative[-1]
        return self.day_powers[bisect.bisect_right(self.day_cumulative, x)]

    def _stamp(self, current: int, target_day: int) -> int:
        """A time on ``target_day`` (or the next possible one) strictly after ``current``."""
        rng = self.rng
        current_day = current // DAY
        if target_day > current_day:
            return target_day * DAY + office_clock(rng)
        clock = current - current_day * DAY
        if clock < 62_400:
            return current + rng.randint(300, min(7200, 63_000 - clock))
        return self.cal.wd_after(current_day, 1) * DAY + office_clock(rng)

    def _case(self, day: int, accepted: int, case_no: str, working: bool) -> None:
        rng = self.rng
        cal = self.cal
        writer = self.writer
        uplink = self.uplink
        end_ts = self.end_ts
        code = self.code

        injection = None
        r = rng.random()
        for kind, share in CASE_INJECTIONS:
            if r < share:
                injection = kind
                break
            r -= share
        injection = self.forced.get(self.case_number, injection)
        self.case_number += 1
        if injection == "unconfirmed_power" and self.day_idle:
            power = rng.choice(self.day_idle)
            version = next(v for v in power.versions if v.flow)
        else:
            if injection == "unconfirmed_power":
                injection = None
            power, version = self._pick_power()
        power_code = power.code
        if injection == "unknown_code":
            power_code = (
                f"{code}-{power.category}-{9000 + rng.randrange(1000)}"
                if rng.random() < 0.5
                else f"{self.unit.county_code}{power.category}{rng.randrange(100_000):05d}"
            )
        promised = version.promised
        legal = version.legal
        flow = version.flow
        nodes = len(flow)

        # How many working days the case takes, and how they fall on its nodes.
        r = rng.random()
        extended = legal is not None and r < P_EXTENSION
        if extended:
            total = promised + rng.randint(1, 10)
        elif r < P_EXTENSION + P_STUCK:
            total = 2 * promised + rng.randint(5, 60)
        elif r < P_EXTENSION + P_STUCK + P_LATE:
            total = promised + rng.randint(1, promised // 3 + 2)
        elif r < P_EXTENSION + P_STUCK + P_LATE + P_ON_TIME:
            total = promised
        else:
            total = rng.randint(0 if promised <= 3 else 1, promised - 1) if promised > 1 else 0
        offsets = sorted(rng.randint(0, total) for _ in range(nodes - 1))
        offsets.append(total)

        marks = []  # (working-day offset from acceptance, kind, index)
        suspensions = []
        shift = 0
        if rng.random() < P_SUSPENSION:
            j = rng.randrange(nodes)
            begin = rng.randint(offsets[j - 1] if j else 0, offsets[j])
            reason, _w, (lo, hi) = SUSPENSION_TYPES[self._suspension_type()]
            suspensions.append([begin, begin + rng.randint(lo, hi), reason])
            if rng.random() < P_SECOND_SUSPENSION:
                later = begin + rng.randrange(suspensions[0][1] - begin)
                reason2, _w, (lo2, hi2) = SUSPENSION_TYPES[self._suspension_type()]
                suspensions.append([later, later + rng.randint(lo2, hi2), reason2])
            shift = max(s[1] for s in suspensions) - begin
            for i in range(j, nodes):
                offsets[i] += shift
            # Sort key: working-day offset, then the logical place inside the flow (node j).
            for k, s in enumerate(suspensions):
                marks.append((s[0], 10 * j + 1 + k, 0, k))
                marks.append((s[1], 10 * j + 5, 1, k))
        if extended and nodes > 1:
            choices = [i for i in range(1, nodes) if not suspensions or i != j]
            if choices:
                x = rng.choice(choices)
                lo = offsets[x - 1]
                marks.append((rng.randint(lo, max(lo, min(offsets[x], (legal or 1) - 1))), 10 * x + 3, 2, 0))
        for i in range(nodes):
            marks.append((offsets[i], 10 * i + 9, 3, i))
        marks.sort()

        current = accepted
        finished = [0] * nodes
        suspension_times = [[0, 0] for _ in suspensions]
        extension_ts = None
        for offset, _place, kind, index in marks:
            current = self._stamp(current, cal.wd_after(day, offset))
            if kind == 3:
                finished[index] = current
            elif kind == 2:
                extension_ts = current
            else:
                suspension_times[index][kind] = current
        completed = finished[-1] + rng.randint(60, 1200)
        is_completed = completed < end_ts

        # Outcome and opinions.
        result = weighted(rng, RESULTS.get(power.category, DEFAULT_RESULTS))
        opinions = [("agree", rng.choice(AGREE_TEXTS[node.role]), None) for node in flow]
        decision = next((i for i in range(nodes - 1, -1, -1) if flow[i].role == "SP"), nodes - 1)
        if result == "rejected":
            opinions[decision] = ("disagree", "不予批准", rng.choice(REJECT_REASONS))
        elif result == "withdrawn":
            opinions[-1] = ("other", "终止办理", WITHDRAW_REASON)
        elif result == "other" and power.category == "CF":
            opinions[decision] = ("other", "不予行政处罚", NO_PENALTY_REASON)
        if nodes > 2 and rng.random() < P_RETURN:
            k = rng.randrange(1, nodes - 1)
            if opinions[k][0] == "agree":
                opinions[k] = ("return", "退回", rng.choice(RETURN_REASONS))
        for k, (opinion, text, _reason) in enumerate(opinions):
            if opinion in ("disagree", "return") and rng.random() < P_PLACEHOLDER_REASON:
                opinions[k] = (opinion, rng.choice(("不同意", "退回", text)), rng.choice(PLACEHOLDER_REASONS))
        if injection == "missing_nodes" and not is_completed:
            injection = None
        omitted = rng.randrange(1, nodes) if injection == "missing_nodes" else -1
        impossible_node = -1
        if injection == "impossible_timestamp" and rng.random() < 0.4:
            impossible_node = rng.randrange(nodes)
            if finished[impossible_node] >= end_ts:
                injection = None
        wrong_node = -1
        if injection == "handler_without_post":
            wrong_node = rng.randrange(nodes)
            if not self.outsiders[flow[wrong_node].post] or accepted >= end_ts:
                injection = None

        # Rows.
        person = rng.randrange(len(self.pools.names))
        if rng.random() < COMPANY_SHARE[power.category]:
            company = person % len(self.pools.companies)
            applicant, id_no = self.pools.companies[company], self.pools.credit_codes[company]
        else:
            applicant, id_no = self.pools.names[person], self.pools.id_numbers[person]
        if rng.random() < P_NAME_WHITESPACE:
            applicant = rng.choice((" ", "\u3000")) + applicant if rng.random() < 0.5 else applicant + " "
        if rng.random() < P_EMPTY_ID:
            id_no = ""
        handlers = []
        started = accepted
        for i, node in enumerate(flow):
            if started >= end_ts:
                break
            handler = self._handler(node.post, started)
            if i == wrong_node and injection == "handler_without_post":
                handler = rng.choice(self.outsiders[node.post]).account_id
            handlers.append((started, handler))
            started = finished[i]
        upload_accepted = uplink(accepted)
        accepted_tag = injection if injection in ("unknown_code", "unconfirmed_power") else None
        writer.push(
            "case_accepted",
            {
                "case_no": case_no,
                "department_code": code,
                "power_code": power_code,
                "applicant_name": applicant,
                "applicant_id_no": id_no,
                "channel": "online" if not working or rng.random() < 0.55 else "window",
                "accepted_at": accepted,
                "accepted_by": handlers[0][1] if handlers else None,
            },
            upload_accepted,
            accepted,
            tag=accepted_tag,
        )
        latest_upload = upload_accepted
        for i, (node_start, handler) in enumerate(handlers):
            node = flow[i]
            node_end = finished[i] if finished[i] < end_ts else None
            if i == omitted:
                continue
            opinion, text, reason = opinions[i] if node_end is not None else (None, None, None)
            if text is not None and rng.random() < P_OPINION_EMPTY + P_OPINION_WHITESPACE:
                text = "" if rng.random() < 0.5 else text + rng.choice((" ", "\u3000"))
            tag = None
            if i == impossible_node and injection == "impossible_timestamp":
                node_end, tag = 0, "impossible_timestamp"
            elif i == wrong_node and injection == "handler_without_post":
                tag = "handler_without_post"
            event = finished[i] if finished[i] < end_ts else node_start
            uploaded = uplink(event)
            writer.push(
                "case_node",
                {
                    "case_no": case_no,
                    "node_seq": node.seq,
                    "post_code": node.post,
                    "handler_account": handler,
                    "started_at": node_start,
                    "finished_at": node_end,
                    "opinion": opinion,
                    "opinion_text": text,
                    "reason": reason,
                },
                uploaded,
                event if node_end is None else node_end,
                tag=tag,
            )
            # The completion is sent after the trace it closes.
            latest_upload = max(latest_upload, uploaded)
        open_suspensions = 0
        for seq, ((_b, _e, reason_type), (begin, end)) in enumerate(zip(suspensions, suspension_times, strict=True), 1):
            if begin >= end_ts:
                continue
            row = {
                "case_no": case_no,
                "suspension_seq": seq,
                "reason_type": reason_type,
                "started_at": begin,
                "ended_at": None,
            }
            uploaded = uplink(begin)
            writer.push("case_suspension", row, uploaded, begin)
            if end < end_ts:
                writer.push("case_suspension", dict(row, ended_at=end), max(uplink(end), uploaded), end)
            else:
                open_suspensions += 1
        if extension_ts is not None and extension_ts < end_ts:
            writer.push(
                "case_extension",
                {
                    "case_no": case_no,
                    "extension_seq": 1,
                    "extra_wd": 10 if power.category == "XK" else rng.choice((5, 10, 15)),
                    "reason": rng.choice(EXTENSION_REASONS),
                    "approved_by": self._handler(self.leader_post, extension_ts),
                    "approved_at": extension_ts,
                },
                uplink(extension_ts),
                extension_ts,
            )
        due_day = cal.wd_after(day, promised + shift)
        if is_completed:
            fee = version.fee_cents if result == "approved" else 0
            completed_value, tag = completed, None
            if injection == "impossible_timestamp" and impossible_node < 0:
                completed_value = 0 if rng.random() < 0.5 else accepted - rng.randrange(HOUR, 3 * DAY)
                tag = "impossible_timestamp"
            elif injection == "fee_above_standard":  # more than the standard, or a fee for a free item
                fee = (
                    version.fee_cents * rng.choice((3, 4, 6)) // 2
                    if version.fee_cents
                    else rng.choice((50, 100, 200, 500)) * 100
                )
                tag = "fee_above_standard"
            elif injection == "missing_nodes":
                tag = "missing_nodes"
            row = {"case_no": case_no, "completed_at": completed_value, "result": result, "fee_charged": money(fee)}
            uploaded = max(uplink(completed), latest_upload)
            writer.push("case_completed", row, uploaded, completed_value, tag=tag)
            if injection == "backdated_completion" and completed - accepted > 900:
                earlier = completed - min(rng.randrange(DAY, 5 * DAY), completed - accepted - 300)
                correction = uploaded + rng.randrange(DAY, 20 * DAY)
                writer.push(
                    "case_completed", dict(row, completed_at=earlier), correction, earlier, tag="backdated_completion"
                )
        self._record(
            case_no,
            accepted,
            power,
            promised,
            due_day,
            completed if is_completed else None,
            bool(suspensions),
            open_suspensions,
            extension_ts is not None and extension_ts < end_ts,
        )

    def _suspension_type(self) -> int:
        x = self.rng.random() * 100
        for i, (_reason, weight, _range) in enumerate(SUSPENSION_TYPES):
            x -= weight
            if x < 0:
                return i
        return len(SUSPENSION_TYPES) - 1

    def _record(
        self,
        case_no: str,
        accepted: int,
        power: Power,
        promised: int,
        due_day: int,
        completed: int | None,
        suspended: bool,
        open_suspensions: int,
        extended: bool,
    ) -> None:
        """Facts of the simulated truth, and samples of cases other sources refer to."""
        facts = self.facts
        rng = self.rng
        if completed is not None:
            facts["completed"] += 1
            done = completed // DAY
            late = done > due_day
            facts["completed_late" if late else "completed_on_time" if done == due_day else "completed_early"] += 1
        else:
            facts["open_at_end"] += 1
            late = self.end_day > due_day
            facts["overdue_open" if late else "in_progress_open"] += 1
        facts["suspended_cases"] += suspended
        facts["suspensions_open_at_end"] += open_suspensions
        facts["extended_cases"] += extended
        entry = {
            "case_no": case_no,
            "department_code": self.code,
            "accepted_ts": accepted,
            "power_name": power.name,
            "completed_ts": completed,
            "due_day": due_day,
        }
        self._sampled += 1
        if len(self.case_sample) < self.sample_size:
            self.case_sample.append(entry)
        else:
            k = rng.randrange(self._sampled)
            if k < self.sample_size:
                self.case_sample[k] = entry
        if late:
            self._problems += 1
            if len(self.problem_sample) < self.problem_size:
                self.problem_sample.append(entry)
            else:
                k = rng.randrange(self._problems)
                if k < self.problem_size:
                    self.problem_sample[k] = entry


# --------------------------------------------------------------------------------------------
# The legal office, the portal and the supervision office
# --------------------------------------------------------------------------------------------


def simulate_legal_office(
    writer: ExchangeWriter,
    changes: list[CatalogueChange],
    wf: WorkflowCalendar,
    *,
    seed: int,
    start_ts: int,
    end_ts: int,
) -> Counter:
    """Catalogue change requests (W3): one row when declared, another when reviewed, another when adjusted."""
    uplink = Uplink(
        random.Random(f"uplink:{seed}:legal_office"), start_ts, end_ts, interval_min=30, phase_s=420, outage_rate=0.2
    )
    facts = Counter()
    numbers = Counter()
    for change in sorted(changes, key=lambda c: (c.declared_ts, c.department_code, c.power_code)):
        year = date_of(change.declared_ts // DAY).year
        numbers[year] += 1
        row = {
            "request_id": f"FZ{year}{numbers[year]:05d}",
            "department_code": change.department_code,
            "power_code": change.power_code,
            "change_type": change.change_type,
            "trigger_type": change.trigger_type,
            "trigger_date": change.trigger_day,
            "declared_at": change.declared_ts,
            "reviewed_at": None,
            "review_result": None,
            "adjusted_at": None,
            "effective_date": change.effective_day,
        }
        if not writer.push("power_change_request", row, uplink.clean(change.declared_ts)):
            continue
        facts["change_requests"] += 1
        written = row
        if change.reviewed_ts is not None:
            row = dict(row, reviewed_at=change.reviewed_ts, review_result=change.review_result)
            if writer.push("power_change_request", row, uplink.clean(change.reviewed_ts)):
                written = row
                if change.adjusted_ts is not None:
                    row = dict(row, adjusted_at=change.adjusted_ts)
                    if writer.push("power_change_request", row, uplink.clean(change.adjusted_ts)):
                        written = row
        for kind in judge_change_request(wf, written, writer.end_ts // DAY - 1):
            writer.count(kind, "power_change_request")
    return facts


COMPLAINT_TEXTS = {
    "delay": "{date}在{unit}申请办理{power}，已超过承诺时限仍未办结，工作人员称还在审核，请求督促办理。",
    "attitude": "{date}到{unit}窗口咨询{power}，工作人员态度生硬，未一次性告知所需材料。",
    "fee": "{date}在{unit}办理{power}时被要求缴纳费用，未出具收费依据，怀疑违规收费。",
    "misconduct": "{unit}办理{power}时要求提供清单以外的材料，多次往返仍未受理。",
    "other": "建议{unit}将{power}纳入网上办理，减少群众跑腿次数。",
}


@dataclass
class ComplaintRecord:
    complaint_no: str
    target: str
    case_no: str | None
    received_ts: int
    accepted: bool


def inject_kinds(
    rng: random.Random,
    count: int,
    shares: tuple[tuple[str, float], ...],
    applies: Callable[[int, str, set[str], bool], bool],
    early: Callable[[int], bool],
) -> list[set[str]]:
    """The workflow mess of ``count`` tasks or complaints: per item, the kinds injected into it.

    Each kind hits an item it applies to (``applies(item, kind, kinds so far, forced)``) with its
    share; then every kind short of MIN_WORKFLOW_INJECTIONS on items early enough to be judged at the
    end (``early``) is forced onto such items, those without any other kind first.
    """
    kinds: list[set[str]] = [set() for _ in range(count)]
    for item in range(count):
        for kind, share in shares:
            if applies(item, kind, kinds[item], False) and rng.random() < share:
                kinds[item].add(kind)
    for kind, _share in shares:
        candidates = [i for i in range(count) if early(i)]
        short = MIN_WORKFLOW_INJECTIONS - sum(kind in kinds[i] for i in candidates)
        if short <= 0:
            continue
        pool = [i for i in candidates if not kinds[i] and applies(i, kind, kinds[i], True)]
        pool = pool or [i for i in candidates if kind not in kinds[i] and applies(i, kind, kinds[i], True)]
        for item in rng.sample(pool, min(short, len(pool))):
            kinds[item].add(kind)
    return kinds


@dataclass
class _Complaint:
    row: dict
    written: bool
    real_name: bool
    handling: str | None  # None: rejected; self_handle or transfer


# Which complaints a kind of W2 mess applies to, given the kinds it already has.
_COMPLAINT_APPLIES: dict[str, Callable[[_Complaint, set[str]], bool]] = {
    "late_decision": lambda c, k: True,
    "reject_without_reason": lambda c, k: c.handling is None,
    "late_notice": lambda c, k: c.real_name and "missing_notice" not in k,
    "missing_notice": lambda c, k: c.real_name and "late_notice" not in k,
    "late_result": lambda c, k: c.handling == "transfer" and "missing_result" not in k,
    "missing_result": lambda c, k: c.handling == "transfer" and not k & {"late_result", "missing_feedback"},
    "missing_feedback": lambda c, k: c.real_name and c.handling is not None and "missing_result" not in k,
}
REJECTION_REASONS = (
    "不属于效能投诉受理范围，已告知向有关部门反映",
    "反映事项已进入诉讼程序，依法不予受理",
    "重复投诉，已于前次答复",
    "投诉事项无具体事实依据",
)


def simulate_portal(
    writer: ExchangeWriter,
    wf: WorkflowCalendar,
    pools: Pools,
    units: list[Unit],
    samples: dict[str, list[dict]],
    *,
    seed: int,
    start: date,
    end: date,
    cases: int,
) -> tuple[Counter, list[ComplaintRecord]]:
    """Complaints to the city portal and the actions taken on them (W2)."""
    rng = random.Random(f"portal:{seed}")
    start_ts, end_ts = day_of(start) * DAY, (day_of(end) + 1) * DAY
    uplink = Uplink(
        random.Random(f"uplink:{seed}:portal"), start_ts, end_ts, interval_min=10, phase_s=60, outage_rate=0.3
    )
    unit_names = {u.code: u.name for u in units}
    weights = [(u.code, UNIT_CASE_WEIGHT.get(u.code, 5)) for u in units]
    count = max(20, cases // 80)
    received = []
    for _ in range(count):
        ts = start_ts + rng.randrange(end_ts - start_ts - 2 * HOUR)
        channel = weighted(rng, COMPLAINT_CHANNELS)
        if channel in ("visit", "letter"):  # registered by the office in office hours
            ts = ts // DAY * DAY + office_clock(rng)
        elif rng.random() < 0.7:  # most calls and messages come in daytime
            ts = ts // DAY * DAY + rng.randrange(8 * HOUR, 21 * HOUR)
        received.append((ts, channel))
    received.sort()
    facts = Counter()
    records = []
    complaints = []
    per_day = Counter()
    for index, (ts, channel) in enumerate(received):
        day = ts // DAY
        per_day[day] += 1
        complaint_no = f"TS{date_of(day):%Y%m%d}{per_day[day]:04d}"
        target = weighted(rng, weights)
        tag = None
        if rng.random() < 0.01 or index == count // 3:  # at least one per run
            target, tag = rng.choice(STALE_DEPARTMENT_CODES), "unknown_code"
        category = weighted(rng, COMPLAINT_CATEGORIES)
        case = None
        if tag is None and rng.random() < 0.35:
            linked = [c for c in samples.get(target, ()) if c["accepted_ts"] < ts]
            if linked:
                case = rng.choice(linked)
        power = case["power_name"] if case else "相关事项"
        when = date_of((case["accepted_ts"] if case else ts - rng.randrange(DAY, 20 * DAY)) // DAY)
        content = COMPLAINT_TEXTS[category].format(
            date=f"{when.month}月{when.day}日", unit=unit_names.get(target, "有关部门"), power=power
        )
        if rng.random() < 0.004:
            content = content + "\u3000"
        real_name = rng.random() < 0.7
        person = rng.randrange(len(pools.names))
        row = {
            "complaint_no": complaint_no,
            "received_at": ts,
            "channel": channel,
            "is_real_name": real_name,
            "complainant_name": pools.names[person] if real_name else None,
            "complainant_phone": pools.phones[person] if real_name else None,
            "target_department_code": target,
            "case_no": case["case_no"] if case else None,
            "category": category,
            "content": content,
        }
        pushed = writer.push("complaint", row, uplink(ts), ts, tag=tag)
        facts["complaints"] += pushed
        # At least two rejections per run; the others are accepted, then handled by the office or
        # transferred to the department.
        accepted = rng.random() < 0.85 and index not in (count // 4, count // 2)
        handling = ("transfer" if rng.random() < 0.6 else "self_handle") if accepted else None
        complaints.append(_Complaint(row, pushed, real_name, handling))
        records.append(ComplaintRecord(complaint_no, target, case["case_no"] if case else None, ts, accepted))
    # Every step of the complaints forced to go wrong is due well before the end (~30 WD at most).
    judged_by = end_ts - 60 * DAY
    injected = inject_kinds(
        rng,
        len(complaints),
        COMPLAINT_INJECTIONS,
        lambda i, kind, kinds, _forced: _COMPLAINT_APPLIES[kind](complaints[i], kinds),
        lambda i: complaints[i].written and complaints[i].row["received_at"] < judged_by,
    )
    for complaint, kinds in zip(complaints, injected, strict=True):
        _complaint_actions(writer, rng, wf, uplink, complaint, kinds)
    return facts, records


def _complaint_actions(
    writer: ExchangeWriter,
    rng: random.Random,
    wf: WorkflowCalendar,
    uplink: Uplink,
    complaint: _Complaint,
    kinds: set[str],
) -> None:
    """The office's and the department's acts on one complaint, on time unless ``kinds`` says not."""
    cal = wf.cal
    row = complaint.row
    received, target = row["received_at"], row["target_department_code"]
    actions = []
    due = wf.after(CITY, received // DAY, COMPLAINT_DECISION_WD)
    if "late_decision" in kinds:
        decided_day = wf.after(CITY, due, rng.randint(1, 4))
    else:
        decided_day = wf.within(rng, CITY, received // DAY, due, COMPLAINT_DECISION_WD)
    decided = decided_day * DAY + office_clock(rng)
    if complaint.handling is not None:
        actions.append(("accept", decided, SUPERVISION_OFFICE, None, None))
    else:
        reason = None if "reject_without_reason" in kinds else rng.choice(REJECTION_REASONS)
        actions.append(("reject", decided, SUPERVISION_OFFICE, reason, None))
    if complaint.real_name and "missing_notice" not in kinds:
        due = wf.after(CITY, decided_day, COMPLAINT_NOTIFY_WD)
        if "late_notice" in kinds:
            notified_day = wf.after(CITY, due, rng.randint(1, 5))
        else:
            wait = rng.randint(0, 2)
            notified_day = wf.after(CITY, decided_day, wait) if wait else decided_day
        actions.append(
            ("notify", max(decided + 600, notified_day * DAY + office_clock(rng)), SUPERVISION_OFFICE, None, None)
        )
    if complaint.handling is not None:
        handled = max(decided + 600, cal.wd_after(decided_day, rng.randint(0, 2)) * DAY + office_clock(rng))
        handled_day = handled // DAY
        reported_day = None
        if complaint.handling == "self_handle":
            actions.append(("self_handle", handled, SUPERVISION_OFFICE, None, None))
            reporter = SUPERVISION_OFFICE
            reported_day = cal.wd_after(handled_day, rng.randint(3, 13))
        else:
            deadline = cal.wd_after(handled_day, 10)
            actions.append(("transfer", handled, SUPERVISION_OFFICE, None, deadline))
            reporter = target
            due = wf.by(target, handled_day, deadline)
            if "late_result" in kinds:
                reported_day = wf.after(target, due, rng.randint(1, 8))
            elif "missing_result" not in kinds:  # with it, the department never answers
                reported_day = wf.within(rng, target, handled_day, due, 10)
        if reported_day is not None:
            reported = max(handled + 600, reported_day * DAY + office_clock(rng))
            actions.append(("result_reported", reported, reporter, None, None))
            if complaint.real_name and "missing_feedback" not in kinds:
                fed_back_day = wf.after(CITY, reported_day, rng.randint(1, 3))
                fed_back = max(reported + 600, fed_back_day * DAY + office_clock(rng))
                actions.append(("feedback", fed_back, SUPERVISION_OFFICE, None, None))
    written = []
    actions.sort(key=lambda a: a[1])
    for seq, (action, acted, actor, reason, deadline) in enumerate(actions, start=1):
        act = {
            "complaint_no": row["complaint_no"],
            "action_seq": seq,
            "action": action,
            "acted_at": acted,
            "actor_unit": actor,
            "reason": reason,
            "deadline_date": deadline,
        }
        if writer.push("complaint_action", act, uplink(acted), acted):
            written.append(act)
    if complaint.written:
        for kind in judge_complaint(wf, row, written, writer.end_ts // DAY - 1):
            writer.count(kind, "complaint")


def card_id(rule: str, department_code: str, case_no: str, day: int) -> str:
    """The simulator's id of a card; the platform derives its own from rule, case and detection day."""
    return f"YC-{rule}-{department_code}-{case_no}-{date_of(day):%Y%m%d}"


RETURN_REASONS = (
    "整改材料不完整，请补充说明超期原因及整改措施",
    "反馈内容与核查情况不符，请重新核实",
    "未落实责任追究，请补充处理意见",
)
RETURN_KINDS = frozenset({"return_without_reason", "return_without_deadline"})


def simulate_supervision(
    writer: ExchangeWriter,
    wf: WorkflowCalendar,
    units: list[Unit],
    problems: list[dict],
    samples: list[dict],
    complaints: list[ComplaintRecord],
    exemptions: list[ExemptWindow],
    *,
    seed: int,
    start: date,
    end: date,
    cases: int,
) -> Counter:
    """Supervision tasks (W1) with their actions, card revocations and no-fault exemptions (T9)."""
    rng = random.Random(f"supervision:{seed}")
    cal = wf.cal
    start_day, end_day = day_of(start), day_of(end)
    start_ts, end_ts = start_day * DAY, (end_day + 1) * DAY
    uplink = Uplink(
        random.Random(f"uplink:{seed}:supervision"), start_ts, end_ts, interval_min=15, phase_s=300, outage_rate=0.2
    )
    staff = [f"jcb{n:03d}" for n in range(2, 12)]
    leader = "jcb001"
    facts = Counter()
    codes = [u.code for u in units]

    def office_time(day: int) -> int:
        return (day if cal.is_workday(day) else cal.wd_after(day, 1)) * DAY + office_clock(rng)

    # Tasks: (issued, origin, target, case_no, card).
    planned = []
    cards = []
    unsupervised = list(problems)  # each late or overdue case gets at most one task
    rng.shuffle(unsupervised)
    for _ in range(max(12, cases // 300)):
        origin = weighted(rng, (("self", 45), ("card", 25), ("complaint", 20), ("superior", 10)))
        case_no = card = None
        if origin in ("self", "card") and unsupervised:
            case = unsupervised.pop()
            target, case_no = case["department_code"], case["case_no"]
            detected = case["due_day"] + 1
            issued = office_time(cal.wd_after(detected, rng.randint(0, 5)))
            if origin == "card":
                # A4: lateness is one card, rule T6, detected the day after the promised due date,
                # whether the case is still open or was completed late (as the platform derives it).
                card = card_id("T6", target, case_no, detected)
                cards.append((card, issued))
        elif origin == "complaint" and complaints:
            complaint = rng.choice(complaints)
            target, case_no = complaint.target, complaint.case_no
            issued = office_time(cal.wd_after(complaint.received_ts // DAY, rng.randint(2, 8)))
        else:
            origin = "superior"
            target = rng.choice(codes)
            issued = office_time(start_day + rng.randrange(max(1, end_day - start_day)))
        if issued < end_ts:
            planned.append((issued, origin, target, case_no, card))
    planned.sort()
    returned = [rng.random() < P_TASK_RETURN for _ in planned]
    # A task forced to go wrong is issued early enough for its every act to be due before the end.
    judged_by = end_ts - 45 * DAY
    injected = inject_kinds(
        rng,
        len(planned),
        TASK_INJECTIONS,
        lambda i, kind, _kinds, forced: forced or kind not in RETURN_KINDS or returned[i],
        lambda i: planned[i][0] < judged_by,
    )
    per_day = Counter()
    for (issued, origin, target, case_no, card), kinds, returns in zip(planned, injected, returned, strict=True):
        day = issued // DAY
        per_day[day] += 1
        task_no = f"DB{date_of(day):%Y%m%d}{per_day[day]:03d}"
        r = rng.random()
        deadline = None if r < 0.15 else cal.wd_after(day, 10 if r < 0.25 else SUPERVISION_REPLY_WD)
        task = {
            "task_no": task_no,
            "origin": origin,
            "target_department_code": target,
            "case_no": case_no,
            "card_id": card,
            "issued_at": issued,
            "deadline_date": deadline,
        }
        task_written = writer.push("supervision_task", task, uplink(issued), issued)
        facts["supervision_tasks"] += task_written
        # The reply deadline in force, T9 exempt days of the department included.
        if deadline is not None:
            due = wf.by(target, day, deadline)
        else:
            due = wf.after(target, day, SUPERVISION_REPLY_WD)
        actions = []
        at = issued
        rounds = 2 if returns or kinds & RETURN_KINDS else 1
        for round_no in range(rounds):
            last_round = round_no == rounds - 1
            if last_round and "late_reply" in kinds:
                reply_day = wf.after(target, max(due, at // DAY), rng.randint(1, 5))
            elif due >= at // DAY:
                reply_day = wf.within(rng, target, at // DAY, due, SUPERVISION_REPLY_WD)
            else:  # returned without a new deadline: the old one has passed, the reply comes late
                reply_day = wf.after(target, at // DAY, rng.randint(1, SUPERVISION_REPLY_WD))
            at = max(at + 600, reply_day * DAY + office_clock(rng))
            actions.append(["reply", at, target, None, None])
            at = max(at + 600, cal.wd_after(at // DAY, rng.randint(1, 2)) * DAY + office_clock(rng))
            actions.append(["initial_review", at, rng.choice(staff), None, None])
            if not last_round:
                reason = None if "return_without_reason" in kinds else rng.choice(RETURN_REASONS)
                new_deadline = None if "return_without_deadline" in kinds else cal.wd_after(at // DAY, 5)
                at += 300
                actions.append(["return", at, rng.choice(staff), reason, new_deadline])
                if new_deadline is not None:  # without one the old deadline stays in force
                    due = wf.by(target, at // DAY, new_deadline)
        at = max(at + 600, cal.wd_after(at // DAY, rng.randint(1, 3)) * DAY + office_clock(rng))
        actions.append(["final_review", at, leader, None, None])
        at = max(at + 600, cal.wd_after(at // DAY, rng.randint(0, 2)) * DAY + office_clock(rng))
        actions.append(["archive", at, rng.choice(staff), None, None])
        if "review_before_reply" in kinds:  # the first review is logged before the reply it reviews
            actions[1][1] = max(issued + 300, actions[0][1] - rng.randint(600, 3 * HOUR))
        if "archive_before_final_review" in kinds:  # the clerk archives before the leader signs off
            actions[-1][1] = max(actions[-3][1] + 300, actions[-2][1] - rng.randint(600, 2 * HOUR))
        actions.sort(key=lambda a: a[1])
        written = []
        for seq, (action, acted, actor, reason, new_deadline) in enumerate(actions, start=1):
            act = {
                "task_no": task_no,
                "action_seq": seq,
                "action": action,
                "acted_at": acted,
                "actor": actor,
                "reason": reason,
                "new_deadline_date": new_deadline,
            }
            if writer.push("supervision_task_action", act, uplink(acted), acted):
                written.append(act)
        if task_written:
            for kind, table in judge_task(wf, task, written, end_day):
                writer.count(kind, table)

    # Card revocations: appeals upheld, exemptions registered later.
    for case in rng.sample(problems, min(len(problems), max(2, cases // 4000))):
        detected = case["due_day"] + 1
        cards.append((card_id("T6", case["department_code"], case["case_no"], detected), detected * DAY))
    cards = sorted(dict(cards).items())
    revoked_cards = rng.sample(cards, min(len(cards), max(2, len(cards) // 6)))
    for card, issued in sorted(revoked_cards):
        revoked = office_time(cal.wd_after(issued // DAY, rng.randint(2, 15)))
        reason = rng.choice(
            (
                "申诉成立：超期系申请人补正材料所致",
                "补登无过错豁免：系统故障期间无法办理",
                "经核实系数据上传错误，已更正",
            )
        )
        if writer.push(
            "card_revocation",
            {"card_id": card, "revoked_at": revoked, "reason": reason, "approved_by": leader},
            uplink(revoked),
            revoked,
        ):
            facts["card_revocations"] += 1

    # Exemptions: the city-wide and department windows planned before the simulation (they move the
    # workflow deadlines everyone met), and fraud cases.
    windows = [w for w in exemptions if w.scope != "case"]
    for case in rng.sample(samples, min(len(samples), max(2, cases // 5000))):
        begin = case["accepted_ts"]
        finish = begin + rng.randint(3, 20) * DAY
        registered = office_time(cal.wd_after(finish // DAY, rng.randint(1, 5)))
        windows.append(
            ExemptWindow("case", case["department_code"], case["case_no"], "applicant_fraud", begin, finish, registered)
        )
    windows.sort(key=lambda w: (w.begin, w.department_code or "", w.case_no or ""))
    numbers = Counter()
    for window in windows:
        year = date_of(window.begin // DAY).year
        numbers[year] += 1
        # The office's own registrations sync without delay: written iff registered before the end,
        # as plan_exemptions assumes for the windows that move workflow deadlines.
        pushed = writer.push(
            "exemption",
            {
                "exemption_id": f"MZ{year}{numbers[year]:04d}",
                "scope": window.scope,
                "department_code": window.department_code,
                "case_no": window.case_no,
                "reason_type": window.reason_type,
                "start_at": window.begin,
                "end_at": window.finish,
                "approved_by": leader,
            },
            uplink.clean(window.registered),
            window.registered,
        )
        if pushed != (window.registered < end_ts):
            raise AssertionError(f"exemption registered at {timestamp_text(window.registered)} synced after the end")
        facts["exemptions"] += pushed
    return facts


@dataclass(frozen=True)
class ExemptWindow:
    """A no-fault exemption window (T9) as the supervision office registers it."""

    scope: str  # city, department, case
    department_code: str | None
    case_no: str | None
    reason_type: str
    begin: int
    finish: int
    registered: int  # when the office registers it: the row's time


def plan_exemptions(cal: Calendar, codes: list[str], *, seed: int, start: date, end: date) -> list[ExemptWindow]:
    """The city-wide and department exemption windows (T9): city-wide failures, departments hit by
    typhoons or conflicting laws. Drawn before anything else, because the workflow deadlines that
    departments and offices meet (W1-W3) move with them."""
    rng = random.Random(f"exemptions:{seed}")
    start_day, end_day = day_of(start), day_of(end)
    span = max(1, end_day - start_day)
    windows = []

    def add(scope: str, code: str | None, reason_type: str, begin: int, finish: int) -> None:
        registered = cal.wd_after(finish // DAY, rng.randint(1, 5)) * DAY + office_clock(rng)
        windows.append(ExemptWindow(scope, code, None, reason_type, begin, finish, registered))

    for _ in range(2):
        day = cal.wd_after(start_day + rng.randrange(span), 0)
        begin = day * DAY + rng.randrange(9 * HOUR, 14 * HOUR)
        add("city", None, "system_failure", begin, begin + rng.randrange(2 * HOUR, 8 * HOUR))
    coastal = [c for c in COASTAL_UNITS if c in codes]
    if coastal:
        typhoon = day_of(date(start.year, 8, 1)) + rng.randrange(45)
        if start_day <= typhoon <= end_day:
            for code in rng.sample(coastal, min(len(coastal), 3)):
                add("department", code, "force_majeure", typhoon * DAY, (typhoon + rng.randint(1, 2)) * DAY)
    for _ in range(3):
        code = rng.choice(codes)
        day = start_day + rng.randrange(span)
        kind = rng.choice(("system_failure", "law_conflict"))
        length = rng.randrange(3 * HOUR, 10 * HOUR) if kind == "system_failure" else rng.randint(2, 10) * DAY
        add("department", code, kind, day * DAY + 9 * HOUR, day * DAY + 9 * HOUR + length)
    return windows


def workflow_exempt_days(cal: Calendar, windows: list[ExemptWindow], end_ts: int) -> dict[str, list[int]]:
    """The exempt working days of the written city-wide (``CITY``) and department windows, per unit:
    every working day from the Beijing date of a window's start to that of its end."""
    days: dict[str, set[int]] = defaultdict(set)
    for w in windows:
        if w.scope == "case" or w.registered >= end_ts:
            continue
        unit = CITY if w.scope == "city" else w.department_code
        days[unit].update(d for d in range(w.begin // DAY, w.finish // DAY + 1) if cal.is_workday(d))
    return {unit: sorted(d) for unit, d in sorted(days.items())}


# --------------------------------------------------------------------------------------------
# Orchestration
# --------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _calendar(start: date, end: date) -> Calendar:
    return Calendar(start - timedelta(days=400), end + timedelta(days=500))


def _prepare_database(server_url: str, database: str, kind: str, all_text: bool) -> str:
    """(Re)create one exchange database's schema with its empty tables; return the database URL.

    The database is created when missing; an existing one gets its ``exchange`` schema dropped and
    recreated (much faster than recreating the database, with the same result).
    """
    pg.ensure_database(server_url, database)
    url = database_url(server_url, database)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"drop schema if exists {SCHEMA} cascade")
        conn.execute(f"create schema {SCHEMA}")
        for table in tables_of_kind(kind):
            conn.execute(exchange_ddl(table, SCHEMA, all_text=all_text))
    return url


def _index_tables(conn: psycopg.Connection, kind: str) -> None:
    """The extraction cursor of every table is indexed, as a real exchange database would have it."""
    for table in tables_of_kind(kind):
        conn.execute(f"create index on {SCHEMA}.{table.name} (exchange_id)")


def _run_department(job: dict, on_progress: Callable[[int], None] | None) -> dict:
    """Write one department source and return its counts, facts and the samples others refer to."""
    unit = Unit(**job["unit"])
    start, end = date.fromisoformat(job["start"]), date.fromisoformat(job["end"])
    seed = job["seed"]
    cal = _calendar(start, end)
    start_ts, end_ts = day_of(start) * DAY, (day_of(end) + 1) * DAY
    with psycopg.connect(job["url"]) as conn:
        writer = ExchangeWriter(
            conn, job["source"], "department", all_text=job["all_text"], start_ts=start_ts, end_ts=end_ts, seed=seed
        )
        sim = DepartmentSimulator(
            unit,
            writer,
            cal,
            pools_for(seed),
            seed=seed,
            start=start,
            end=end,
            cases=job["cases"],
            forced=job["forced"],
            wf=WorkflowCalendar(cal, job["exempt_days"]),
            forced_changes=job["forced_changes"],
        )
        sim.build_catalogue()
        sim.build_accounts()
        sim.run_cases(job["cases"], on_progress)
        writer.close()
        _index_tables(conn, "department")
        conn.commit()
    rows, errors = writer.summary()
    return {
        "source": job["source"],
        "rows": rows,
        "errors": errors,
        "facts": dict(sim.facts),
        "case_sample": sim.case_sample,
        "problem_sample": sim.problem_sample,
        "changes": sim.changes,
        "powers": len(sim.powers),
        "accounts": len(sim.accounts),
    }


class _Progress:
    """Case progress on the terminal with rich; silent when disabled."""

    def __init__(self, enabled: bool, total: int):
        self.bar = None
        if enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(
                TextColumn("[bold]simulate[/]"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("cases"),
                TimeElapsedColumn(),
                transient=False,
            )
            self.task = self.bar.add_task("cases", total=total)

    def __enter__(self):
        if self.bar:
            self.bar.__enter__()
        return self

    def __exit__(self, *exc):
        if self.bar:
            self.bar.__exit__(*exc)

    def advance(self, count: int) -> None:
        if self.bar and count:
            self.bar.advance(self.task, count)


def _merge_errors(summary_errors: dict, source: str, errors: dict) -> None:
    for kind, tables in errors.items():
        for table, count in sorted(tables.items()):
            if count:
                summary_errors[kind][f"{source}.{table}"] = count


def simulate(
    server_url: str,
    sources_file: Path,
    *,
    cases: int,
    seed: int = DEFAULT_SEED,
    start: date = DEFAULT_START,
    end: date = DEFAULT_END,
    progress: bool = True,
    database_prefix: str = DATABASE_PREFIX,
) -> dict:
    """Write every exchange database on ``server_url`` and the source list; return the summary.

    Databases are named ``<database_prefix><source name>``; their ``exchange`` schema is recreated.
    The summary is also written as ``simulation_summary.json`` next to ``sources_file``.
    """
    if cases < 1:
        raise ValueError("cases must be at least 1")
    if end <= start:
        raise ValueError("end must be after start")
    sources_file = Path(sources_file)
    units = load_units()
    cal = _calendar(start, end)
    start_ts, end_ts = day_of(start) * DAY, (day_of(end) + 1) * DAY
    # The T9 windows first: every workflow deadline of the window moves with them.
    exemptions = plan_exemptions(cal, [u.code for u in units], seed=seed, start=start, end=end)
    exempt_days = workflow_exempt_days(cal, exemptions, end_ts)
    wf = WorkflowCalendar(cal, exempt_days)
    weights = [UNIT_CASE_WEIGHT.get(u.code, 5.0) for u in units]
    allocation = apportion(cases, weights)
    sources: list[Source] = []
    jobs = []
    for unit, unit_cases in zip(units, allocation, strict=True):
        name = unit.code.lower()
        database = database_name(name, database_prefix)
        all_text = unit.code in LEGACY_ALL_TEXT_UNITS
        url = _prepare_database(server_url, database, "department", all_text)
        sources.append(
            Source(name, "department", database_url(server_url, database), unit.code, unit.county_code or None)
        )
        jobs.append(
            {
                "unit": unit.__dict__,
                "source": name,
                "url": url,
                "cases": unit_cases,
                "seed": seed,
                "start": start.isoformat(),
                "end": end.isoformat(),
                "all_text": all_text,
                "forced": [],
                "forced_changes": [],
                "exempt_days": exempt_days,
            }
        )
    # MIN_INJECTIONS of every per-case injection, dealt round-robin over the departments.
    kinds = [kind for kind, _share in CASE_INJECTIONS]
    for slot in range(MIN_INJECTIONS * len(kinds)):
        jobs[slot % len(jobs)]["forced"].append(kinds[slot % len(kinds)])
    # MIN_WORKFLOW_INJECTIONS of every catalogue-change kind, dealt from the other end.
    kinds = [kind for kind, _share in CHANGE_INJECTIONS]
    for slot in range(MIN_WORKFLOW_INJECTIONS * len(kinds)):
        jobs[-1 - slot % len(jobs)]["forced_changes"].append(kinds[slot % len(kinds)])
    other_urls = {}
    for kind in ("legal_office", "portal", "supervision"):
        database = database_name(kind, database_prefix)
        other_urls[kind] = _prepare_database(server_url, database, kind, False)
        sources.append(Source(kind, kind, database_url(server_url, database)))

    results = {}
    with _Progress(progress, cases) as bar:
        for job in jobs:
            results[job["source"]] = _run_department(job, bar.advance)

    summary_sources = {}
    summary_errors: dict[str, dict[str, int]] = {kind: {} for kind in ERROR_KINDS}
    facts = Counter()
    by_department = {}
    changes, problems, samples, samples_by_unit = [], [], [], {}
    for unit in units:
        result = results[unit.code.lower()]
        name = result["source"]
        summary_sources[name] = {
            "kind": "department",
            "database": database_name(name, database_prefix),
            "department_code": unit.code,
            "all_text": unit.code in LEGACY_ALL_TEXT_UNITS,
            "rows": result["rows"],
            "total_rows": sum(result["rows"].values()),
        }
        _merge_errors(summary_errors, name, result["errors"])
        department_facts = dict(result["facts"], powers=result["powers"], accounts=result["accounts"])
        by_department[unit.code] = department_facts
        facts.update(department_facts)
        changes.extend(result["changes"])
        problems.extend(result["problem_sample"])
        samples.extend(result["case_sample"])
        samples_by_unit[unit.code] = result["case_sample"]

    pools = pools_for(seed)
    for kind in ("legal_office", "portal", "supervision"):
        with psycopg.connect(other_urls[kind]) as conn:
            writer = ExchangeWriter(conn, kind, kind, all_text=False, start_ts=start_ts, end_ts=end_ts, seed=seed)
            if kind == "legal_office":
                facts.update(simulate_legal_office(writer, changes, wf, seed=seed, start_ts=start_ts, end_ts=end_ts))
            elif kind == "portal":
                portal_facts, complaints = simulate_portal(
                    writer, wf, pools, units, samples_by_unit, seed=seed, start=start, end=end, cases=cases
                )
                facts.update(portal_facts)
            else:
                facts.update(
                    simulate_supervision(
                        writer,
                        wf,
                        units,
                        problems,
                        samples,
                        [c for c in complaints if c.accepted],
                        exemptions,
                        seed=seed,
                        start=start,
                        end=end,
                        cases=cases,
                    )
                )
            writer.close()
            _index_tables(conn, kind)
            conn.commit()
        rows, errors = writer.summary()
        summary_sources[kind] = {
            "kind": kind,
            "database": database_name(kind, database_prefix),
            "all_text": False,
            "rows": rows,
            "total_rows": sum(rows.values()),
        }
        _merge_errors(summary_errors, kind, errors)

    summary = {
        "seed": seed,
        "cases": cases,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "end_of_data": f"{(end + timedelta(days=1)).isoformat()} 00:00:00+08",
        "database_prefix": database_prefix,
        "sources_file": str(sources_file),
        "total_rows": sum(s["total_rows"] for s in summary_sources.values()),
        "sources": summary_sources,
        "errors": summary_errors,
        "error_totals": {kind: sum(counts.values()) for kind, counts in summary_errors.items()},
        "facts": {**dict(sorted(facts.items())), "by_department": by_department},
        "definitions": ERROR_KINDS,
    }
    write_sources(sources_file, sources)
    (sources_file.parent / SUMMARY_FILE).write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    return summary


# --------------------------------------------------------------------------------------------
# CLI: esup simulate
# --------------------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    # Values are validated in run() so that a bad value is a one-line error (exit 2).
    parser.add_argument(
        "--size",
        metavar="SIZE",
        help=f"tiny|small|medium|large ({', '.join(f'{k} {v:,}' for k, v in SIZES.items())} "
        f"cases; default {DEFAULT_SIZE})",
    )
    parser.add_argument("--cases", metavar="N", help="number of cases (instead of --size)")
    parser.add_argument("--seed", metavar="N", default=str(DEFAULT_SEED), help=f"default {DEFAULT_SEED}")
    parser.add_argument(
        "--start",
        metavar="DATE",
        default=DEFAULT_START.isoformat(),
        help=f"first day of the simulated window (ISO date, default {DEFAULT_START})",
    )
    parser.add_argument(
        "--end",
        metavar="DATE",
        default=DEFAULT_END.isoformat(),
        help=f"last day of the window, the exchange as it stands at its 24:00 (default {DEFAULT_END})",
    )
    parser.add_argument(
        "--server",
        metavar="URL",
        help="PostgreSQL server URL (its postgres database); default: start the embedded server",
    )
    parser.add_argument(
        "--sources-out",
        metavar="PATH",
        help="where to write the source list (default: ESUP_SOURCES or .esup/sources.yml); the summary goes next to it",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def _positive_int(value: str, flag: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        from esup.cli import UsageError

        raise UsageError(f"{flag} must be a positive whole number, got {value!r}")
    return number


def _iso_date(value: str, flag: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        from esup.cli import UsageError

        raise UsageError(f"{flag} must be an ISO date (YYYY-MM-DD), got {value!r}") from None


def run(args: argparse.Namespace) -> int:
    from esup.cli import UsageError

    if args.size is not None and args.cases is not None:
        raise UsageError("give either --size or --cases, not both")
    if args.cases is not None:
        cases = _positive_int(args.cases, "--cases")
    else:
        size = args.size or DEFAULT_SIZE
        if size not in SIZES:
            raise UsageError(f"--size must be one of {', '.join(SIZES)}, got {size!r}")
        cases = SIZES[size]
    seed = int(args.seed) if str(args.seed).lstrip("-").isdigit() else None
    if seed is None:
        raise UsageError(f"--seed must be a whole number, got {args.seed!r}")
    start = _iso_date(args.start, "--start")
    end = _iso_date(args.end, "--end")
    if end <= start:
        raise UsageError(f"--end ({end}) must be after --start ({start})")
    if args.server is not None and not args.server.startswith(("postgresql://", "postgres://")):
        raise UsageError(f"--server must be a postgresql:// URL, got {args.server!r}")
    server = args.server or pg.start()
    sources_out = Path(args.sources_out) if args.sources_out else settings.sources_file()
    began = time.monotonic()
    summary = simulate(server, sources_out, cases=cases, seed=seed, start=start, end=end, progress=not args.no_progress)
    elapsed = time.monotonic() - began
    errors = ", ".join(f"{kind} {total}" for kind, total in summary["error_totals"].items() if total)
    print(
        f"wrote {summary['total_rows']:,} rows for {cases:,} cases into {len(summary['sources'])} exchange "
        f"databases in {elapsed:.1f} s"
    )
    print(f"source list: {sources_out}; summary: {sources_out.parent / SUMMARY_FILE}")
    print(f"injected errors: {errors}")
    return 0
