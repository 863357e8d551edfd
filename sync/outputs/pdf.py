"""The PDF report of one inspection, in Chinese with a CJK font embedded (subset).

Site, inspector, score, failed items with their clauses, item notes (with their voice memos), photos,
corrective actions and signatures.

Rendered with fpdf2. The font is Noto Sans CJK SC from Debian's ``fonts-noto-cjk`` unless
another is given; without one the report cannot be made (:class:`FontMissing`).
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from schemas.catalog import Catalog
from schemas.template import Template
from sync.db.store import Store
from sync.engine.document import resolve_item
from sync.errors import DomainError
from sync.evidence.blobs import blob_key, blob_states
from sync.evidence.objects import BlobStore, read_all
from sync.evidence.originals import custody_views
from sync.org.accounts import User, get_user
from sync.org.sites import get_site
from sync.review.register import FindingFilter, list_findings
from sync.review.views import InspectionView, get_inspection

# (file, index of Simplified Chinese in the collection)
FONT_CANDIDATES = [
    (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), 2),
    (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0),
]
STATUS_ZH = {
    "draft": "草稿",
    "submitted": "已提交",
    "returned": "已退回",
    "approved": "已批准",
    "rejected": "已驳回",
    "deleted": "已删除",
}
ACTION_ZH = {"open": "待整改", "fixed_reported": "已报整改", "verified": "已验证", "closed": "已关闭"}
MAX_PHOTOS = 12


class FontMissing(DomainError):
    """No CJK font to embed: install Debian's fonts-noto-cjk or set XUNJIAN_CJK_FONT."""


def find_cjk_font(explicit: Path | None = None) -> tuple[Path, int]:
    """The font file and collection index to embed."""
    if explicit is not None:
        if explicit.is_file():
            return explicit, 2 if explicit.suffix == ".ttc" and "Noto" in explicit.name else 0
        raise FontMissing(f"the CJK font {explicit} does not exist")
    for path, index in FONT_CANDIDATES:
        if path.is_file():
            return path, index
    raise FontMissing("no CJK font found: install Debian's fonts-noto-cjk or set XUNJIAN_CJK_FONT")


def render_inspection_pdf(
    store: Store, catalog: Catalog, user: User, inspection_id: str, evidence: BlobStore, font: Path | None = None
) -> bytes:
    """The report as PDF bytes, for an inspection in the caller's scope."""
    font_file, index = find_cjk_font(font)
    view = get_inspection(store, catalog, user, inspection_id)
    template = catalog.get(view.checklist_id, view.version)
    assert template is not None
    site = get_site(store, user, view.site_id)
    inspector = get_user(store, user.org_id, view.inspector_id)
    pdf = _Report(font_file, index)
    pdf.heading(f"{template.title.zh} 检查报告", template.title.en)
    pdf.pairs(
        [
            ("场所 Site", f"{site.name}  {site.address}"),
            ("检查员 Inspector", inspector.display_name),
            ("状态 Status", f"{STATUS_ZH.get(view.status, view.status)} ({view.status})"),
            ("开始 Started", view.created_at),
            ("更新 Updated", view.updated_at),
            ("检查表 Checklist", f"{view.checklist_id} v{view.version}"),
            ("得分 Score", _score_text(view)),
        ]
    )
    _failed_items(pdf, template, view, evidence, user.org_id)
    _notes(pdf, store, template, view, user.org_id)
    _photos(pdf, view, evidence, user.org_id)
    _custody(pdf, store, user, view)
    _actions(pdf, store, user, inspection_id)
    _signatures(pdf, template, view, evidence, user.org_id)
    return bytes(pdf.output())


class _Report(FPDF):
    def __init__(self, font_file: Path, index: int) -> None:
        super().__init__(format="A4")
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(auto=True, margin=15)
        self.add_font("cjk", fname=str(font_file), collection_font_number=index)
        self.add_page()
        self.set_font("cjk", size=10)

    def heading(self, zh: str, en: str) -> None:
        self.set_font("cjk", size=16)
        self.multi_cell(0, 9, zh, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("cjk", size=10)
        self.multi_cell(0, 6, en, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(3)

    def section(self, title: str) -> None:
        self.ln(4)
        self.set_font("cjk", size=13)
        self.set_fill_color(230, 242, 240)
        self.cell(0, 8, title, fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("cjk", size=10)
        self.ln(1)

    def pairs(self, rows: list[tuple[str, str]]) -> None:
        for key, value in rows:
            self.set_text_color(90, 90, 90)
            self.cell(42, 6, key)
            self.set_text_color(0, 0, 0)
            self.multi_cell(0, 6, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def line_text(self, text: str, *, colour: tuple[int, int, int] = (0, 0, 0)) -> None:
        self.set_text_color(*colour)
        self.multi_cell(0, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)


def _score_text(view: InspectionView) -> str:
    score = view.score
    if score is None or score.score is None:
        return "无评分项 (nothing scored)"
    verdict = "合格 pass" if score.passed else "不合格 fail"
    critical = f"；严重不合格 {len(score.failed_critical)} 项" if score.failed_critical else ""
    return f"{score.score} / 100（合格线 {score.pass_mark}）{verdict}{critical}"


def _value_text(value: Any) -> str:
    if isinstance(value, str):
        return {"pass": "合格", "fail": "不合格", "na": "不适用"}.get(value, value)
    return json.dumps(value, ensure_ascii=False)


def _failed_items(pdf: _Report, template: Template, view: InspectionView, root: BlobStore, org_id: str) -> None:
    pdf.section(f"不合格项 Failed items（{len(view.failed_items)}）")
    if not view.failed_items:
        pdf.line_text("无 none")
    items = {item.id: item for section in template.sections for item in section.items}
    for pointer in view.failed_items:
        path = pointer.lstrip("/")
        item = resolve_item(items, path)
        label = f"{item.label.zh} / {item.label.en}" if item is not None else path
        clause = item.clause if item is not None else ""
        parts = path.split("/")
        value: Any = view.answers.get(parts[0])
        if len(parts) == 3 and isinstance(value, dict):
            value = value.get(parts[1], {}).get(parts[2])
        unit = getattr(item, "unit", "")
        pdf.line_text(f"• {label}", colour=(170, 20, 20))
        pdf.line_text(f"   依据 {clause}；答案 {_value_text(value)}{unit}")
        linked = view.photo_evidence.get(path, [])
        if linked:
            pdf.line_text(f"   取证照片 evidence photos: {len(linked)}")
            _thumb_rows(pdf, _ready_thumbs(view, linked, root, org_id), 30.0)


def _notes(pdf: _Report, store: Store, template: Template, view: InspectionView, org_id: str) -> None:
    """Each item's note: its text, and its voice memo by length and the SHA-256 of the recording, received or not."""
    notes = {path: note for path, note in view.notes.items() if note.get("text") or note.get("voice")}
    if not notes:
        return
    pdf.section(f"备注 Item notes（{len(notes)}）")
    items = {item.id: item for section in template.sections for item in section.items}
    voices = [note["voice"]["sha256"] for note in notes.values() if isinstance(note.get("voice"), dict)]
    states = blob_states(store, org_id, voices)
    for path, note in notes.items():
        item = resolve_item(items, path)
        pdf.line_text(f"• {f'{item.label.zh} / {item.label.en}' if item is not None else path}")
        if note.get("text"):
            pdf.line_text(f"   {note['text']}")
        voice = note.get("voice")
        if isinstance(voice, dict):
            seconds = round(int(voice.get("duration_ms", 0)) / 1000)
            held = states.get(voice["sha256"]) == "ready"
            state = "已收到 received" if held else "尚未上传 not uploaded yet"
            pdf.line_text(f"   语音备注 voice memo {seconds // 60}:{seconds % 60:02d}（{state}）SHA-256:")
            pdf.line_text(f"   {voice['sha256']}", colour=(0, 0, 0) if held else (150, 90, 0))


def _photos(pdf: _Report, view: InspectionView, root: BlobStore, org_id: str) -> None:
    received, expected = view.evidence.photos_received, view.evidence.photos_expected
    pdf.section(f"照片 Photos（已收到 {received} / {expected}）")
    thumbs = _ready_thumbs(view, list(view.evidence.states), root, org_id)
    if _thumb_rows(pdf, thumbs[:MAX_PHOTOS], 40.0) == 0:
        pdf.line_text("无已收到的照片 none received")


def _custody(pdf: _Report, store: Store, user: User, view: InspectionView) -> None:
    """Each received photo's chain of custody: capture hash, time, phone, position, whether the original is held.

    The position only for those who may read the originals (admins, supervisors, the photographer).
    """
    ready = [sha for sha, state in view.evidence.states.items() if state == "ready"]
    records = custody_views(store, user.org_id, ready)
    if not records:
        return
    pdf.section("证据链 Chain of custody")
    for number, sha in enumerate(ready, start=1):
        record = records.get(sha)
        if record is None:
            continue
        pdf.line_text(f"#{number} 照片 photo {sha}")
        pdf.line_text("   拍摄哈希 capture SHA-256:")
        pdf.line_text(f"   {record.capture_sha256}")
        where = ""
        if (
            record.lat is not None
            and record.lon is not None
            and (user.role != "inspector" or record.declared_by == user.id)
        ):
            where = f"  位置 position {record.lat:.6f}, {record.lon:.6f}"
        pdf.line_text(f"   拍摄 taken {record.captured_at or '未记录 not recorded'}  {record.device or ''}{where}")
        held = f"已保存 held ({record.original_size} bytes)" if record.original_held else "尚未上传 not uploaded yet"
        pdf.line_text(
            f"   相机原图 camera original: {held}", colour=(0, 0, 0) if record.original_held else (150, 90, 0)
        )


def _ready_thumbs(view: InspectionView, shas: list[str], root: BlobStore, org_id: str) -> list[io.BytesIO]:
    """The thumbnails of those photos that have arrived (read from the evidence store)."""
    ready = [sha for sha in shas if view.evidence.states.get(sha) == "ready"]
    return [thumb for sha in ready if (thumb := _read(root, blob_key(org_id, sha, "thumb"))) is not None]


def _read(root: BlobStore, key: str) -> io.BytesIO | None:
    try:
        return io.BytesIO(read_all(root, key))
    except FileNotFoundError:  # removed by garbage collection a moment ago
        return None


def _thumb_rows(pdf: _Report, thumbs: list[io.BytesIO], size: float) -> int:
    """Images four to a row, a new page when a row does not fit; returns how many were placed."""
    x0, y = pdf.l_margin, pdf.get_y()
    for placed, thumb in enumerate(thumbs):
        if placed % 4 == 0 and y + size > pdf.h - pdf.b_margin:
            pdf.add_page()
            y = pdf.get_y()
        pdf.image(thumb, x=x0 + (placed % 4) * (size + 4), y=y, w=size, h=size, keep_aspect_ratio=True)
        if placed % 4 == 3:
            y += size + 4
    if len(thumbs) % 4:
        y += size + 4
    pdf.set_y(y)
    return len(thumbs)


def _actions(pdf: _Report, store: Store, user: User, inspection_id: str) -> None:
    findings = list_findings(store, user, FindingFilter(inspection_id=inspection_id))
    pdf.section(f"整改 Corrective actions（{len(findings)}）")
    if not findings:
        pdf.line_text("无 none")
    for finding in findings:
        action = finding.action
        status = ACTION_ZH.get(action.status, action.status)
        overdue = "；已逾期 overdue" if action.overdue else ""
        pdf.line_text(f"• {finding.label.get('zh', '')}（{finding.clause}）")
        pdf.line_text(
            f"   {status}；责任人 {action.responsible or '未指定'}；期限 {action.deadline or '未定'}{overdue}"
        )


def _signatures(pdf: _Report, template: Template, view: InspectionView, root: BlobStore, org_id: str) -> None:
    pdf.section("签字 Signatures")
    signed = 0
    for section in template.sections:
        for item in section.items:
            value = view.answers.get(item.id)
            if item.__struct_config__.tag != "signature" or not isinstance(value, dict):
                continue
            signed += 1
            stale = view.fields.get(item.id)
            mark = "（内容已变更，签字失效 stale）" if stale is not None and stale.stale else ""
            if value.get("status") == "refused":
                witness = value.get("witness_name") or "无"
                who = f"{value['signer_name']}（{value['signer_role']}）"
                text = f"拒签 refused：{who}，理由 {value['reason']}，见证人 {witness}"
            else:
                text = f"{value['signer_name']}（{value['signer_role']}）于 {value['signed_at']} 签字"
            pdf.line_text(f"• {item.label.zh}：{text}{mark}")
            image = value.get("image_sha256")
            drawing = _read(root, blob_key(org_id, image)) if isinstance(image, str) else None
            if drawing is not None:
                try:
                    pdf.image(drawing, w=50)
                except (ValueError, OSError, RuntimeError):
                    pdf.line_text("   （签字图像无法嵌入 the drawing could not be embedded）")
    if not signed:
        pdf.line_text("无 none")
