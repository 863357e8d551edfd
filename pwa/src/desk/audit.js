// @ts-check
// The desk's audit trail of one inspection (GET /api/inspections/{id}/audit), folded away
// until opened: every op sent for it, oldest first, with who sent it from which device, when,
// what it touched (item labels from the checklist) and its outcome.
import { ApiError, json } from '../lib/api.js'
import { deviceName } from './directory.js'
import { h, replace } from '../lib/dom.js'
import { colon, L, statusText, t } from '../i18n/index.js'
import { setPairs } from '../model/inspection.js'
import { when, who } from './shell.js'

const OUTCOME_CLASS = { applied: 'st-approved', merged: 'st-submitted', conflict: 'conflict', rejected: 'st-fail', gap: 'st-fail' }

/**
 * The collapsible trail; loaded the first time it is opened.
 * @param {any} app @param {string} inspectionId @param {{items: Record<string, any>}} model
 */
export function auditTrail(app, inspectionId, model) {
  const body = h('div', { class: 'desk-audit-body' }, h('p', { class: 'muted' }, '…'))
  const details = /** @type {HTMLDetailsElement} */ (h('details', { class: 'card desk-audit', 'data-audit': 'closed' },
    h('summary', null, h('strong', null, t('desk_audit'))), body))
  let loaded = false
  details.addEventListener('toggle', async () => {
    details.dataset.audit = details.open ? 'loading' : 'closed'
    if (!details.open || loaded) {
      if (details.open) details.dataset.audit = 'loaded'
      return
    }
    try {
      const entries = await json(`/api/inspections/${inspectionId}/audit`, { token: app.meta.token })
      loaded = true
      replace(body, auditTable(app, entries, model))
      details.dataset.audit = 'loaded'
    } catch (e) {
      replace(body, h('p', { class: 'bad' }, e instanceof ApiError ? `${t('problem_title')}${colon()}${e.type}` : t('network_error').split('，')[0]))
      details.dataset.audit = 'failed'
    }
  })
  return details
}

/** @param {any} app @param {any[]} entries @param {{items: Record<string, any>}} model */
export function auditTable(app, entries, model) {
  if (!entries.length) return h('p', { class: 'muted' }, t('desk_audit_empty'))
  const heads = ['desk_when', 'desk_by', 'desk_device', 'desk_audit_op', 'desk_audit_outcome']
  return h('div', { class: 'desk-table-wrap' }, h('table', { class: 'desk-table desk-audit-table' },
    h('thead', null, h('tr', null, heads.map((k) => h('th', null, t(/** @type {any} */ (k)))))),
    h('tbody', null, entries.map((e) => h('tr', { 'data-audit-seq': e.seq, 'data-kind': e.kind, 'data-outcome': e.outcome },
      h('td', null, when(e.received_at)),
      h('td', { 'data-user': e.user_id }, who(app, e.user_id)),
      h('td', null, deviceName(e, t('desk_server'))),
      h('td', { class: 'desk-audit-what' }, opText(e, model)),
      h('td', null, h('span', { class: ['badge', /** @type {any} */ (OUTCOME_CLASS)[e.outcome] || ''] }, outcomeText(e.outcome)),
        e.result?.problem ? h('span', { class: 'muted' }, ` ${e.result.problem.type}`) : null))))))
}

/** An item path as its label: "licence", "stalls/<entry>/prices" → "证照", "摊位 › 明码标价". @param {string} path @param {{items: Record<string, any>}} model */
export function pathLabel(path, model) {
  const [top, , child] = String(path || '').split('/')
  const item = model.items[top]
  if (!item) return path || t('whole_inspection')
  const inner = child ? item.children?.find((/** @type {any} */ c) => c.id === child) : null
  return inner ? `${L(item.label)} › ${L(inner.label)}` : L(item.label)
}

/** What one op did, in a few words. @param {any} e an audit entry @param {{items: Record<string, any>}} model */
export function opText(e, model) {
  const op = e.op || {}
  const kind = t(/** @type {any} */ (`desk_op_${e.kind}`))
  switch (e.kind) {
    case 'set':
      return `${kind}${colon()}${setPairs(op).map(([path, value]) => `${pathLabel(path, model)} = ${short(value)}`).join('; ')}${uncarriedText(e, model)}`
    case 'upgrade':
      return `${kind} → ${op.version}${uncarriedText(e, model)}`
    case 'attach':
    case 'detach':
    case 'sign':
      return `${kind}${colon()}${pathLabel(op.path, model)}`
    case 'add_entry':
    case 'remove_entry':
      return `${kind}${colon()}${pathLabel(op.group, model)}`
    case 'transition':
      return `${kind} → ${statusText(op.to)}${op.reason ? ` · ${op.reason}` : ''}`
    case 'resolve':
      return `${kind}${colon()}${short(op.value)}${op.note ? ` · ${op.note}` : ''}`
    case 'finding':
      return `${kind}${colon()}${op.action || ''}`
    default:
      return kind.startsWith('desk_op_') ? e.kind : kind
  }
}

/** The answers an op could not carry to a newer checklist version, kept with their values. @param {any} e @param {{items: Record<string, any>}} model */
function uncarriedText(e, model) {
  const kept = e.result?.uncarried || []
  if (!kept.length) return ''
  return ` · ${t('desk_uncarried')}${colon()}${kept.map((/** @type {any} */ u) => `${pathLabel(u.path, model)} = ${short(u.value)}`).join('; ')}`
}

/** A value in a few characters; pass/fail/N/A in words. @param {any} value */
function short(value) {
  if (value === 'pass' || value === 'fail' || value === 'na') return t(value)
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return text && text.length > 60 ? `${text.slice(0, 57)}…` : String(text)
}

/** @param {string} outcome */
function outcomeText(outcome) {
  const key = /** @type {any} */ (`desk_outcome_${outcome}`)
  const text = t(key)
  return text === key ? outcome : text
}
