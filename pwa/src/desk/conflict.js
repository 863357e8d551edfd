// @ts-check
// The supervisor's desk: one conflict with its candidates side by side (value, who, when,
// device) and two ways to resolve it in place, each with a note (required): "选用 / choose" a
// candidate, or enter a value with an input fitting the item (pass/fail, number, text, choices).
import { ApiError, json } from '../lib/api.js'
import { deviceName } from './directory.js'
import { h } from '../lib/dom.js'
import { colon, L, t } from '../i18n/index.js'
import { valueView } from './answer.js'
import { when, who } from './shell.js'

/** Kinds a value can be entered for; the others are resolved by choosing a candidate. */
const ENTERABLE = new Set(['pass_fail', 'number', 'text', 'single_choice', 'multi_choice'])

/**
 * The item a conflict's path names: `item`, or a group's child for `group/<entry>/child`.
 * @param {{items: Record<string, any>}} model @param {string} path
 * @returns {import('../model/form.js').Item|undefined}
 */
export function itemAt(model, path) {
  const [top, , child] = String(path).split('/')
  const item = model.items[top]
  if (!child) return item
  return item?.children?.find((/** @type {any} */ c) => c.id === child)
}

/**
 * An input for entering a value of `item`: its element and a reader that says what was entered.
 * Null for kinds a supervisor cannot type (photos, signatures, positions, entries).
 * @param {import('../model/form.js').Item|undefined} item
 * @returns {{el: HTMLElement, read: () => {value?: any, error?: string}}|null}
 */
export function valueEntry(item) {
  if (!item || !ENTERABLE.has(item.kind)) return null
  const attrs = { class: 'text', name: 'value', 'data-value-input': item.kind }
  switch (item.kind) {
    case 'pass_fail':
    case 'single_choice': {
      const options = item.kind === 'pass_fail'
        ? ['pass', 'fail', ...(item.allow_na ? ['na'] : [])].map((v) => ({ value: v, label: t(/** @type {any} */ (v)) }))
        : (item.options || []).map((o) => ({ value: o.value, label: L(o.label) || o.value }))
      const select = /** @type {HTMLSelectElement} */ (h('select', attrs, h('option', { value: '' }, t('desk_enter_choose')),
        options.map((o) => h('option', { value: o.value }, o.label))))
      return { el: select, read: () => (select.value ? { value: select.value } : { error: t('desk_enter_missing') }) }
    }
    case 'multi_choice': {
      const boxes = (item.options || []).map((o) => /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', value: o.value, name: 'value' })))
      const el = h('div', { class: 'desk-enter-choices', 'data-value-input': item.kind },
        boxes.map((box, i) => h('label', { class: 'check' }, box, L(item.options?.[i].label) || box.value)))
      return { el, read: () => ({ value: boxes.filter((b) => b.checked).map((b) => b.value) }) }
    }
    case 'number': {
      const input = /** @type {HTMLInputElement} */ (h('input', { ...attrs, type: 'number', step: 'any', inputmode: 'decimal', placeholder: item.unit || '' }))
      return {
        el: h('span', { class: 'desk-enter-number' }, input, item.unit ? ` ${item.unit}` : ''),
        read: () => {
          const value = input.value.trim() === '' ? NaN : Number(input.value)
          return Number.isFinite(value) ? { value } : { error: t('desk_enter_number') }
        },
      }
    }
    default: {
      const input = /** @type {HTMLInputElement} */ (h('input', { ...attrs, type: 'text', maxlength: item.max_length || 2000 }))
      return { el: input, read: () => (input.value.trim() ? { value: input.value.trim() } : { error: t('desk_enter_missing') }) }
    }
  }
}

/**
 * @param {any} app @param {any} conflict @param {import('../model/form.js').Item|undefined} item
 * @param {() => Promise<void>} reload called after a resolution
 * @param {{context?: any}} [options] context: shown above the candidates (the conflicts page)
 */
export function conflictCard(app, conflict, item, reload, options = {}) {
  const open = conflict.status === 'open'
  const note = /** @type {HTMLInputElement} */ (h('input', { class: 'text', name: 'note', placeholder: t('desk_note_here'), maxlength: 2000, required: true }))
  const error = h('p', { class: 'num-note bad', 'aria-live': 'polite', 'data-error': true })
  /** @param {Record<string, any>} choice @param {HTMLButtonElement} button */
  const resolve = async (choice, button) => {
    error.textContent = ''
    if (!note.value.trim()) {
      error.textContent = t('desk_note_required')
      note.focus()
      return
    }
    button.disabled = true
    try {
      await json(`/api/conflicts/${conflict.id}/resolve`, {
        method: 'POST',
        token: app.meta.token,
        body: { ...choice, note: note.value.trim() },
      })
      await reload()
    } catch (e) {
      error.textContent = e instanceof ApiError ? `${t('problem_title')}${colon()}${e.type} · ${e.problem.detail || ''}` : t('network_error').split('，')[0]
      button.disabled = false
    }
  }
  const winner = conflict.resolution?.winner
  const entered = conflict.resolution && !conflict.candidates.some((/** @type {any} */ c) => c.id === winner)
  const entry = open && conflict.kind !== 'edit_vs_delete' && conflict.kind !== 'signature_stale' ? valueEntry(item) : null
  const enterButton = /** @type {HTMLButtonElement} */ (h('button', { type: 'button', class: 'btn small', 'data-action': 'resolve-value' }, t('desk_resolve_value')))
  enterButton.addEventListener('click', () => {
    const read = entry?.read()
    if (!read || read.error) error.textContent = read?.error || ''
    else resolve({ value: read.value }, enterButton)
  })
  return h(
    'div',
    { class: ['desk-conflict', open ? 'open' : 'resolved'], 'data-conflict': conflict.id, 'data-conflict-status': conflict.status, 'data-kind': conflict.kind },
    h('div', { class: 'desk-conflict-head' },
      h('span', { class: 'badge conflict' }, `⚠ ${open ? t('desk_conflict_open') : t('desk_conflict_resolved')}`),
      h('span', { class: 'muted' }, `${item ? L(item.label) : conflict.path} · ${kindText(conflict.kind)} · ${when(conflict.opened_at)}`)),
    options.context || null,
    h('div', { class: 'desk-candidates' },
      conflict.candidates.map((/** @type {any} */ c) => {
        const button = /** @type {HTMLButtonElement} */ (h('button', { type: 'button', class: 'btn small primary', 'data-action': 'choose' }, t('desk_choose')))
        button.addEventListener('click', () => resolve({ candidate_id: c.id }, button))
        return h('div', { class: ['desk-candidate', winner === c.id && 'chosen'], 'data-candidate': c.id },
          h('div', { class: 'desk-candidate-value', 'data-value': JSON.stringify(c.value) }, item ? valueView(app, item, c.value) : JSON.stringify(c.value)),
          h('div', { class: 'muted', 'data-by': c.user_id }, `${t('desk_by')}${colon()}${who(app, c.user_id)}`),
          h('div', { class: 'muted' }, `${t('desk_when')}${colon()}${when(c.received_at)}`),
          h('div', { class: 'muted', 'data-device': c.device_id || '' }, `${t('desk_device')}${colon()}${deviceName(c, t('desk_server'))}`),
          open ? button : winner === c.id ? h('span', { class: 'badge st-approved' }, t('desk_chosen')) : null)
      })),
    open ? h('div', { class: 'desk-note' },
      note,
      entry ? h('div', { class: 'desk-enter' }, h('span', { class: 'muted' }, t('desk_or_enter')), entry.el, enterButton) : null,
      error) : null,
    !open && conflict.resolution
      ? h('p', { class: 'muted', 'data-resolution': 'true' },
        entered ? [`${t('desk_entered_value')}${colon()}`, h('span', { 'data-entered': JSON.stringify(conflict.resolution.value) }, item ? valueView(app, item, conflict.resolution.value) : JSON.stringify(conflict.resolution.value)), ' · '] : null,
        `${t('desk_resolved_by')} ${who(app, conflict.resolved_by)} · ${when(conflict.resolved_at)}`,
        conflict.resolution.note ? ` · ${conflict.resolution.note}` : '')
      : null,
  )
}

/** @param {string} kind */
export function kindText(kind) {
  const key = /** @type {any} */ (`desk_kind_${kind}`)
  const text = t(key)
  return text === key ? kind : text
}
