// @ts-check
// Moving a draft to a newer version of its checklist (issue 17): offered on the inspection page
// when the phone knows of a newer published version; the move is made here, offline too, by the
// server's rule (model/carry.js) and queued as an `upgrade` op. What was carried and what was not
// (with the old values) stays shown until the inspector dismisses it; the server keeps the rest.
import { getDraft, putDraft } from '../lib/db.js'
import { h } from '../lib/dom.js'
import { L, t } from '../i18n/index.js'
import { carryAnswers, itemAt } from '../model/carry.js'
import { formModel } from '../model/form.js'
import { loadSchema } from '../sync/schemas.js'

const MOVABLE = new Set(['draft', 'returned'])
const REASONS = /** @type {const} */ ({ gone: 'upgrade_reason_gone', kind: 'upgrade_reason_kind', invalid: 'upgrade_reason_invalid' })

/** The checklist entry with a newer version than the inspection's, if it may move. @param {any} app @param {any} view */
export function newerVersion(app, view) {
  const checklist = (app.meta.checklists || []).find((/** @type {any} */ c) => c.id === view.checklist_id)
  return checklist && MOVABLE.has(view.status) && checklist.latest_version > view.version ? checklist : null
}

/** An old answer as text: choice labels, positions, photo counts. @param {any} item @param {any} value */
function shown(item, value) {
  const label = (/** @type {any} */ v) => L(item?.options?.find((/** @type {any} */ o) => o.value === v)?.label) || String(v)
  if (Array.isArray(value)) return item?.kind === 'photo' ? `📷 × ${value.length}` : value.map(label).join('、')
  if (value && typeof value === 'object') return 'lat' in value ? `${value.lat}, ${value.lon}` : JSON.stringify(value)
  return label(value)
}

/** A field path as the inspector reads it: item labels. @param {any} model @param {string} path */
function pathLabel(model, path) {
  const [top] = path.split('/')
  const item = itemAt(model, path)
  const group = model.items[top]
  return group && group !== item ? `${L(group.label)} › ${L(item?.label) || path.split('/')[2]}` : L(item?.label) || path
}

/**
 * Move the open draft to `checklist`'s latest version: carry its answers, queue the op, note the
 * outcome in the phone's draft record (shown until dismissed). Returns '' or what went wrong.
 * @param {any} app @param {any} checklist
 */
export async function moveDraft(app, checklist) {
  const page = app.page
  let schema
  try {
    schema = await loadSchema(checklist.latest_schema_url, app.meta.token)
  } catch {
    return t('upgrade_missing')
  }
  const from = page.model
  const moved = carryAnswers(from, formModel(schema), page.view.answers)
  const dropped = new Set(moved.uncarried.map((u) => u.path))
  const drop = [...dropped, ...Object.keys(page.view.answers).filter((k) => !(k in moved.answers))]
  await app.edit('upgrade', page.id, { version: checklist.latest_version }, { drop })
  const draft = await getDraft(app.db, page.id)
  draft.moved = {
    from: page.view.version,
    to: checklist.latest_version,
    carried: Object.keys(moved.answers).length,
    uncarried: moved.uncarried.map((u) => ({ ...u, label: pathLabel(from, u.path), text: shown(itemAt(from, u.path), u.value) })),
  }
  await putDraft(app.db, draft)
  return ''
}

/**
 * The offer to move and the last move's report, or null. `reopen` reloads the page after a move.
 * @param {any} app @param {() => Promise<void>} reopen
 */
export function upgradePanel(app, reopen) {
  const page = app.page
  const newer = newerVersion(app, page.view)
  const moved = page.draft?.moved
  if (!newer && !moved) return null
  const error = h('p', { class: 'num-note bad' })
  const move = async () => {
    error.textContent = await moveDraft(app, newer)
    if (!error.textContent) await reopen()
  }
  const dismiss = async () => {
    const draft = await getDraft(app.db, page.id)
    delete draft.moved
    await putDraft(app.db, draft)
    await reopen()
  }
  return h(
    'section',
    { class: 'card banner', 'data-panel': 'upgrade' },
    newer
      ? h('div', null,
        h('p', null, t('upgrade_offer', { to: newer.latest_version, from: page.view.version })),
        h('button', { type: 'button', class: 'btn primary', 'data-action': 'upgrade', onclick: move }, t('upgrade_move')),
        error)
      : null,
    moved
      ? h('div', { 'data-moved': `${moved.from}-${moved.to}` },
        h('p', null, t('upgrade_done', { to: moved.to, carried: moved.carried })),
        moved.uncarried.length ? h('p', null, t('upgrade_uncarried', { n: moved.uncarried.length })) : null,
        h('ul', { class: 'uncarried' }, moved.uncarried.map((/** @type {any} */ u) =>
          h('li', { 'data-uncarried': u.path, 'data-reason': u.reason },
            h('strong', null, u.label), ` ${u.text} — `, h('span', { class: 'muted' }, t(REASONS[/** @type {keyof typeof REASONS} */ (u.reason)]))))),
        h('button', { type: 'button', class: 'btn', 'data-action': 'dismiss-upgrade', onclick: dismiss }, t('upgrade_dismiss')))
      : null,
  )
}
