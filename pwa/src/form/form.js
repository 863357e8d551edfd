// @ts-check
// The inspection page: one section at a time, rendered from the form model, with the
// supervisor's comments, conflicts and refused changes shown on the items they concern.
import { h } from '../lib/dom.js'
import {
  evidenceNeeded,
  failedPointers,
  evidencePhotoItem,
  holds,
  outcome,
  pointerLabel,
  progress,
  sectionOf,
  visibleItems,
  visibleSections,
} from '../model/form.js'
import { colon, L, statusText, t } from '../i18n/index.js'
import { photoList, widget } from './widgets.js'
import { draftTools, nextButton, sectionList, sectionTools } from './shortcuts.js'
import { itemNote } from './notes.js'

/**
 * @typedef {import('./widgets.js').WidgetContext & {
 *   model: ReturnType<typeof import('../model/form.js').formModel>,
 *   view: any,
 *   site: any,
 *   section: number,
 *   conflicts: Record<string, any[]>,
 *   comments: Record<string, any[]>,
 *   rejected: any[],
 *   evidence: Record<string, string[]>,
 *   stale: Set<string>,
 *   missing: string[]|null,
 *   syncState: string,
 *   go: (section: number) => void,
 *   back: () => void,
 *   submit: () => void,
 *   discard: (clientSeq: number) => void,
 *   focusPointer: (pointer: string) => void,
 *   panel?: HTMLElement|null,
 *   shortcuts?: import('./shortcuts.js').Shortcuts,
 *   saveNote?: (path: string, text: string) => void,
 *   saveVoice?: (path: string, blob: Blob, durationMs: number) => Promise<void>|void,
 *   deleteVoice?: (path: string) => Promise<void>|void,
 *   voiceUrl?: (sha256: string) => Promise<string|null>,
 * }} FormContext
 */

/** The whole page. @param {FormContext} ctx */
export function renderForm(ctx) {
  const { model, view } = ctx
  const answers = view.answers
  const sections = visibleSections(model, answers)
  const index = Math.min(Math.max(0, ctx.section), sections.length - 1)
  const section = sections[index]
  const total = progress(sections, answers)
  const last = index === sections.length - 1
  const editable = !ctx.readOnly
  /** @type {Record<string, number>} */
  const failures = {}
  for (const pointer of failedPointers(model, answers)) {
    const at = sectionOf(model, pointer.split('/')[1])
    if (at >= 0) failures[model.sections[at].id] = (failures[model.sections[at].id] || 0) + 1
  }
  return h(
    'div',
    { class: 'form-page', 'data-inspection': view.id, 'data-status': view.status, 'data-sync': ctx.syncState },
    h(
      'header',
      { class: 'bar' },
      h('button', { type: 'button', class: 'icon-btn', 'aria-label': t('back'), onclick: ctx.back }, '‹'),
      h(
        'div',
        { class: 'bar-title' },
        h('strong', null, L(model.title)),
        h('span', { class: 'muted' }, ctx.site ? ctx.site.name : view.site_id),
      ),
      h('span', { class: ['badge', `st-${view.status}`] }, statusText(view.status)),
    ),
    banners(ctx),
    ctx.panel || null,
    sectionList(ctx, sections, index, failures),
    h(
      'nav',
      { class: 'sections', 'aria-label': t('section') },
      sections.map((s, i) => {
        const p = progress([s], answers)
        return h(
          'button',
          {
            type: 'button',
            class: ['sec', i === index && 'on', p.total > 0 && p.done === p.total && 'done'],
            'data-section': s.id,
            'aria-current': i === index ? 'step' : false,
            onclick: () => ctx.go(i),
          },
          h('span', { class: 'sec-title' }, L(s.title)),
          h('span', { class: 'sec-count' }, `${p.done}/${p.total}`,
            failures[s.id] ? h('span', { class: 'sec-fail' }, ` · ✕${failures[s.id]}`) : null),
        )
      }),
    ),
    h(
      'main',
      { class: 'section', 'data-section': section.id },
      h('h2', null, L(section.title)),
      sectionTools(ctx, section),
      visibleItems(section, answers).map((item) => itemCard(item, item.id, answers[item.id], ctx, answers)),
    ),
    ctx.missing && ctx.missing.length > 0 && missingList(ctx),
    draftTools(ctx),
    h(
      'footer',
      { class: 'bottom' },
      h(
        'div',
        { class: 'meter', role: 'progressbar', 'aria-label': t('progress'), 'aria-valuenow': total.done, 'aria-valuemax': total.total },
        h('span', { class: 'meter-fill', style: { width: `${total.total ? (100 * total.done) / total.total : 0}%` } }),
      ),
      nextButton(ctx, index),
      h(
        'div',
        { class: 'bottom-row' },
        h('button', { type: 'button', class: 'btn nav-btn', disabled: index === 0, onclick: () => ctx.go(index - 1) }, t('prev')),
        h('span', { class: 'muted total' }, `${index + 1}/${sections.length} · ${total.done}/${total.total}`),
        last && editable && ['draft', 'returned'].includes(view.status)
          ? h('button', { type: 'button', class: 'btn primary nav-btn', 'data-action': 'submit', onclick: ctx.submit },
              view.status === 'returned' ? t('resubmit') : t('submit'))
          : h('button', { type: 'button', class: 'btn primary nav-btn', disabled: last, onclick: () => ctx.go(index + 1) }, t('next')),
      ),
    ),
  )
}

/** @param {FormContext} ctx */
function banners(ctx) {
  const { view } = ctx
  const whole = ctx.comments[''] || []
  const out = []
  if (view.status === 'returned') {
    out.push(
      h('div', { class: 'banner warn', 'data-banner': 'returned' }, h('strong', null, t('returned_note')),
        whole.map((c) => h('p', { class: 'comment' }, `${t('comment_from')}：${c.text}`))),
    )
  } else if (whole.length) {
    out.push(h('div', { class: 'banner' }, whole.map((c) => h('p', { class: 'comment' }, `${t('comment_from')}：${c.text}`))))
  }
  if (view.status === 'submitted') out.push(h('div', { class: 'banner ok' }, t('submitted_note')))
  if (view.status === 'approved') out.push(h('div', { class: 'banner ok' }, t('locked_note')))
  if (ctx.rejected.length) {
    out.push(
      h(
        'div',
        { class: 'banner bad', 'data-banner': 'refused' },
        h('strong', null, t('refused_title')),
        ctx.rejected.map((r) => refusal(r, ctx)),
      ),
    )
  }
  return out
}

/** A refused op: its problem and every pointer mapped to an item label. @param {any} record @param {FormContext} ctx */
export function refusal(record, ctx) {
  const problem = record.problem || {}
  const errors = problem.errors || []
  return h(
    'div',
    { class: 'refusal', 'data-refused': record.client_seq },
    h('p', null, problem.detail || problem.title || problem.type),
    errors.length > 0 &&
      h(
        'ul',
        null,
        errors.map((/** @type {any} */ e) =>
          h('li', null, h('a', { href: '#', onclick: (/** @type {Event} */ ev) => (ev.preventDefault(), ctx.focusPointer(e.pointer)) },
            pointerLabel(ctx.model, e.pointer, L, ctx.view.answers)), `${colon()}${e.detail}`),
        ),
      ),
    h('button', { type: 'button', class: 'btn small', onclick: () => ctx.discard(record.client_seq) }, t('discard')),
  )
}

/** @param {FormContext} ctx */
function missingList(ctx) {
  return h(
    'div',
    { class: 'banner warn missing', 'data-banner': 'missing' },
    h('strong', null, t('submit_missing')),
    h(
      'ul',
      null,
      (ctx.missing || []).map((pointer) =>
        h('li', null, h('a', { href: '#', onclick: (/** @type {Event} */ e) => (e.preventDefault(), ctx.focusPointer(pointer)) },
          pointerLabel(ctx.model, pointer, L, ctx.view.answers))),
      ),
    ),
  )
}

/**
 * One item's card: label, clause, widget, and what concerns it.
 * @param {import('../model/form.js').Item} item @param {string} path @param {any} value @param {FormContext} ctx
 * @param {Record<string, any>} scope answers the item's show-if reads (the entry, inside groups)
 * @returns {HTMLElement}
 */
function itemCard(item, path, value, ctx, scope) {
  const result = outcome(item, value)
  const pending = ctx.view.pending_paths?.includes(path)
  return h(
    'section',
    {
      class: ['item', result === 'fail' && 'failed', pending && 'pending', `kind-${item.kind}`],
      'data-path': path,
      'data-kind': item.kind,
      id: `item-${path.replace(/\//g, '-')}`,
    },
    h(
      'div',
      { class: 'item-head' },
      h('h3', null, L(item.label)),
      item.severity !== 'minor' && h('span', { class: ['sev', `sev-${item.severity}`] }, t(/** @type {any} */ (`severity_${item.severity}`))),
    ),
    h(
      'p',
      { class: 'clause' },
      item.clause,
      item.required ? '' : ` · ${t('optional')}`,
      pending ? h('span', { class: 'pending-mark' }, ` · ${t('pending_mark')}`) : '',
    ),
    item.help && h('details', { class: 'help' }, h('summary', null, t('help')), h('p', null, L(item.help))),
    item.kind === 'group' ? groupEntries(item, path, value, ctx) : widget(item, path, value, ctx),
    item.kind === 'signature' && signatureState(item, path, value, ctx),
    evidencePrompt(item, path, value, ctx, scope),
    item.kind !== 'group' && h('div', { class: 'note-slot' }, itemNote(ctx.view.id, path, ctx.view.notes?.[path], ctx)),
    (ctx.comments[path] || []).map((c) => h('div', { class: 'note comment', 'data-comment': c.id }, h('strong', null, `${t('comment_from')}${colon()}`), c.text)),
    (ctx.conflicts[path] || []).filter((c) => c.status === 'open' || c.kind !== 'signature_stale').map((c) => conflictNote(c, item)),
    ctx.rejected
      .filter((r) => (r.problem?.errors || []).some((/** @type {any} */ e) => pointerItem(e.pointer) === path))
      .map((r) => h('div', { class: 'note bad' }, r.problem.detail)),
  )
}

/** The item path a pointer names ("/a/b/c" → "a/b/c" for group children, else "a"). @param {string} pointer */
function pointerItem(pointer) {
  const parts = pointer.replace(/^\/answers(?=\/)/, '').split('/').slice(1)
  return parts.length >= 3 && /^[0-9a-f-]{36}$/.test(parts[1]) ? parts.slice(0, 3).join('/') : parts[0]
}

/** @param {any} conflict @param {import('../model/form.js').Item} item */
function conflictNote(conflict, item) {
  const labelOf = (/** @type {any} */ v) => {
    if (item.kind === 'pass_fail' && typeof v === 'string') return t(/** @type {any} */ (v))
    const option = item.options?.find((o) => o.value === v)
    if (option) return L(option.label)
    return typeof v === 'object' ? JSON.stringify(v) : String(v)
  }
  const open = conflict.status === 'open'
  const headline =
    conflict.kind === 'signature_stale' ? t('conflict_stale')
      : conflict.kind === 'locked' || conflict.kind === 'edit_vs_delete' ? t('conflict_locked')
        : !open ? t('conflict_resolved')
          : conflict.mine ? t('conflict_mine') : t('conflict_other')
  return h(
    'div',
    { class: ['note', open ? 'conflict' : 'resolved'], 'data-conflict': conflict.id, 'data-mine': conflict.mine ? 'true' : 'false' },
    h('strong', null, headline),
    conflict.kind !== 'signature_stale' &&
      h('ul', { class: 'candidates' }, conflict.candidates.map((/** @type {any} */ c) => h('li', null, labelOf(c.value)))),
  )
}

/** @param {import('../model/form.js').Item} item @param {string} path @param {any} value @param {FormContext} ctx @param {Record<string, any>} scope */
function evidencePrompt(item, path, value, ctx, scope) {
  const needs = evidenceNeeded(item, value)
  if (!needs.length || !holds(item.show_if, scope)) return null
  const out = []
  if (needs.includes('photo')) {
    const [group, entry] = path.split('/')
    const groupItem = entry ? ctx.model.items[group] : null
    const inEntry = groupItem?.children?.find((c) => c.kind === 'photo')
    const photoItem = inEntry || evidencePhotoItem(ctx.model)
    if (photoItem) {
      const photoPath = inEntry ? `${group}/${entry}/${inEntry.id}` : photoItem.id
      const held = ctx.evidence[path] || []
      out.push(
        h('div', { class: 'evidence', 'data-evidence': 'photo' }, h('p', null, t('evidence_photo')),
          photoList(photoItem, photoPath, getAnswer(ctx.view.answers, photoPath), ctx, { forItem: path, only: held })),
      )
    }
  }
  if (needs.includes('signature')) {
    const signature = Object.values(ctx.model.items).find((i) => i.kind === 'signature')
    out.push(
      h('div', { class: 'evidence', 'data-evidence': 'signature' }, h('p', null, t('evidence_signature')),
        signature && h('button', { type: 'button', class: 'btn small', onclick: () => ctx.go(sectionIndex(ctx, signature.id)) }, t('go_sign'))),
    )
  }
  return out
}

/** @param {FormContext} ctx @param {string} itemId */
function sectionIndex(ctx, itemId) {
  const section = ctx.model.sections[sectionOf(ctx.model, itemId)]
  return visibleSections(ctx.model, ctx.view.answers).indexOf(section)
}

/** @param {Record<string, any>} answers @param {string} path */
function getAnswer(answers, path) {
  const [a, b, c] = path.split('/')
  return b === undefined ? answers[a] : answers[a]?.[b]?.[c]
}

/** @param {import('../model/form.js').Item} item @param {string} path @param {any} value @param {FormContext} ctx */
function signatureState(item, path, value, ctx) {
  const signed = value && value.status === 'signed'
  const refused = value && value.status === 'refused'
  const img = signed ? /** @type {HTMLImageElement} */ (h('img', { class: 'sig-img', alt: '' })) : null
  if (img) ctx.actions.thumb(img, value.image_sha256)
  return h(
    'div',
    { class: 'sig-state', 'data-signature': value ? value.status : 'none' },
    item.signer && h('p', { class: 'muted' }, L(item.signer)),
    img,
    signed && h('p', null, `${t('signed_by')}${colon()}${value.signer_name} (${value.signer_role}) · ${value.signed_at.replace('T', ' ').slice(0, 16)}`),
    refused && h('p', null, `${t('refused_by')}${colon()}${value.signer_name} (${value.signer_role}) · ${value.reason}`),
    ctx.stale.has(path) && h('p', { class: 'note bad', 'data-stale': 'true' }, t('resign_needed')),
    !ctx.readOnly &&
      h('button', { type: 'button', class: ['btn', !value && 'primary'], 'data-action': 'sign', onclick: () => ctx.actions.openSignature(path) },
        value ? t('sign_again') : t('sign')),
  )
}

/** @param {import('../model/form.js').Item} item @param {string} path @param {any} value @param {FormContext} ctx @returns {HTMLElement} */
function groupEntries(item, path, value, ctx) {
  const entries = Object.entries(value || {})
  const full = item.max_entries !== undefined && entries.length >= item.max_entries
  return h(
    'div',
    { class: 'group' },
    entries.map(([entryId, entry], n) =>
      h(
        'div',
        { class: 'entry', 'data-entry': entryId },
        h('div', { class: 'entry-head' }, h('strong', null, `${L(item.entry_label)} ${n + 1}`),
          !ctx.readOnly && h('button', { type: 'button', class: 'btn small', onclick: () => ctx.actions.removeEntry(item.id, entryId) }, t('remove_entry'))),
        (item.children || [])
          .filter((child) => holds(child.show_if, entry))
          .map((child) => itemCard(child, `${path}/${entryId}/${child.id}`, entry?.[child.id], ctx, entry || {})),
      ),
    ),
    !ctx.readOnly && !full &&
      h('button', { type: 'button', class: 'btn add', 'data-action': 'add-entry', onclick: () => ctx.actions.addEntry(item.id) },
        `+ ${t('add_entry')} ${L(item.entry_label)}`),
  )
}
