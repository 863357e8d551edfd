// @ts-check
// The supervisor's desk: one conflict with its candidates side by side (value, who, when,
// device) and a "选用 / choose" button per candidate that resolves it in place with a note.
import { ApiError, json } from './api.js'
import { h } from './dom.js'
import { t } from './i18n.js'
import { valueView } from './desk_inspection.js'
import { when, who } from './desk_queue.js'

/**
 * @param {any} app @param {any} conflict @param {import('./form.js').Item|undefined} item
 * @param {() => Promise<void>} reload called after a resolution
 */
export function conflictCard(app, conflict, item, reload) {
  const open = conflict.status === 'open'
  const note = /** @type {HTMLInputElement} */ (h('input', { class: 'text', name: 'note', placeholder: t('desk_note_here'), maxlength: 2000 }))
  const error = h('p', { class: 'num-note bad', 'aria-live': 'polite' })
  /** @param {any} candidate @param {HTMLButtonElement} button */
  const choose = async (candidate, button) => {
    button.disabled = true
    try {
      await json(`/api/conflicts/${conflict.id}/resolve`, {
        method: 'POST',
        token: app.meta.token,
        body: { candidate_id: candidate.id, note: note.value.trim() },
      })
      await reload()
    } catch (e) {
      error.textContent = e instanceof ApiError ? `${t('problem_title')}: ${e.type}` : t('network_error').split('，')[0]
      button.disabled = false
    }
  }
  const winner = conflict.resolution?.winner
  return h(
    'div',
    { class: ['desk-conflict', open ? 'open' : 'resolved'], 'data-conflict': conflict.id, 'data-conflict-status': conflict.status, 'data-kind': conflict.kind },
    h('div', { class: 'desk-conflict-head' },
      h('span', { class: 'badge conflict' }, `⚠ ${open ? t('desk_conflict_open') : t('desk_conflict_resolved')}`),
      h('span', { class: 'muted' }, `${conflict.path} · ${conflict.kind} · ${when(conflict.opened_at)}`)),
    h('div', { class: 'desk-candidates' },
      conflict.candidates.map((/** @type {any} */ c) => {
        const button = /** @type {HTMLButtonElement} */ (h('button', { type: 'button', class: 'btn small primary', 'data-action': 'choose' }, t('desk_choose')))
        button.addEventListener('click', () => choose(c, button))
        return h('div', { class: ['desk-candidate', winner === c.id && 'chosen'], 'data-candidate': c.id },
          h('div', { class: 'desk-candidate-value', 'data-value': JSON.stringify(c.value) }, item ? valueView(app, item, c.value) : JSON.stringify(c.value)),
          h('div', { class: 'muted' }, `${t('desk_by')}: ${who(app, c.user_id)}`),
          h('div', { class: 'muted' }, `${t('desk_when')}: ${when(c.received_at)}`),
          h('div', { class: 'muted' }, `${t('desk_device')}: ${c.client_id ? c.client_id.slice(0, 8) : t('desk_server')}`),
          open ? button : winner === c.id ? h('span', { class: 'badge st-approved' }, t('desk_chosen')) : null)
      })),
    open ? h('div', { class: 'desk-note' }, note, error) : null,
    !open && conflict.resolution
      ? h('p', { class: 'muted', 'data-resolution': 'true' },
        `${t('desk_resolved_by')} ${who(app, conflict.resolved_by)} · ${when(conflict.resolved_at)}`,
        conflict.resolution.note ? ` · ${conflict.resolution.note}` : '')
      : null,
  )
}
