"""Checklists the tests publish through the real API.

``SYNC_TEMPLATE``: a small checklist with every merge policy, for the sync tests;
:func:`minimal_template`: one pass/fail item, for publishing and authorization tests.
"""

from __future__ import annotations

from typing import Any

SYNC_TEMPLATE: dict[str, Any] = {
    "checklist_id": "sync_probe",
    "version": 1,
    "title": {"zh": "同步测试检查表", "en": "Sync probe checklist"},
    "description": {"zh": "覆盖每种合并规则", "en": "Covers every merge policy"},
    "sources": [{"title": "超市服务管理规范"}],
    "sections": [
        {
            "id": "main",
            "title": {"zh": "检查项", "en": "Checks"},
            "items": [
                {
                    "kind": "pass_fail",
                    "id": "licence",
                    "label": {"zh": "证照", "en": "Licence"},
                    "clause": "市场管理办法 第十条",
                    "severity": "critical",
                    "weight": 3,
                },
                {
                    "kind": "number",
                    "id": "frozen_temp",
                    "label": {"zh": "冷冻温度", "en": "Frozen temp"},
                    "clause": "超市服务管理规范 6.2.1",
                    "unit": "℃",
                    "acceptable": {"max": -18},
                    "bounds": {"min": -60, "max": 40},
                },
                {
                    "kind": "multi_choice",
                    "id": "issues",
                    "label": {"zh": "问题", "en": "Issues"},
                    "clause": "超市服务管理规范 5.1",
                    "required": False,
                    "options": [
                        {"value": "dirty", "label": {"zh": "脏", "en": "Dirty"}},
                        {"value": "dark", "label": {"zh": "暗", "en": "Dark"}},
                        {"value": "noisy", "label": {"zh": "吵", "en": "Noisy"}},
                    ],
                },
                {
                    "kind": "photo",
                    "id": "photos",
                    "label": {"zh": "照片", "en": "Photos"},
                    "clause": "服务质量检验办法 4.1",
                    "min_count": 0,
                    "max_count": 20,
                    "required": False,
                },
                {
                    "kind": "text",
                    "id": "notes",
                    "label": {"zh": "备注", "en": "Notes"},
                    "clause": "服务质量检验办法 4.1",
                    "merge": "append",
                    "required": False,
                },
                {
                    "kind": "gps",
                    "id": "position",
                    "label": {"zh": "位置", "en": "Position"},
                    "clause": "服务质量检验办法 4.1",
                    "required": False,
                },
                {
                    "kind": "group",
                    "id": "stalls",
                    "label": {"zh": "摊位", "en": "Stalls"},
                    "clause": "市场管理办法",
                    "entry_label": {"zh": "摊位", "en": "Stall"},
                    "required": False,
                    "items": [
                        {
                            "kind": "text",
                            "id": "stall_no",
                            "label": {"zh": "摊位号", "en": "Stall no"},
                            "clause": "市场管理办法",
                        },
                        {
                            "kind": "pass_fail",
                            "id": "prices",
                            "label": {"zh": "明码标价", "en": "Prices shown"},
                            "clause": "市场管理办法 第十二条",
                        },
                    ],
                },
                {
                    "kind": "signature",
                    "id": "manager_sign",
                    "label": {"zh": "负责人签字", "en": "Manager signs"},
                    "clause": "服务质量检验办法 4.1",
                    "signer": {"zh": "负责人", "en": "Manager"},
                    "covers": ["licence", "frozen_temp"],
                    "required": False,
                },
            ],
        }
    ],
}


def minimal_template(checklist_id: str = "night_market", version: int = 1, label: str = "摊位卫生") -> dict[str, Any]:
    return {
        "checklist_id": checklist_id,
        "version": version,
        "title": {"zh": "夜市巡查", "en": "Night market patrol"},
        "description": {"zh": "夜市秩序", "en": "Night market order"},
        "sources": [{"title": "市场管理办法"}],
        "sections": [
            {
                "id": "main",
                "title": {"zh": "检查", "en": "Checks"},
                "items": [
                    {
                        "kind": "pass_fail",
                        "id": "stall_hygiene",
                        "label": {"zh": label, "en": "Stall hygiene"},
                        "clause": "市场管理办法 第十条",
                    }
                ],
            }
        ],
    }
