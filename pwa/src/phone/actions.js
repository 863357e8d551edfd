// @ts-check
// The phone's corrective actions (整改), shown offline from the pulled views: on an inspection
// with findings, the “整改” panel (each finding's item, severity, action state, responsible,
// deadline, overdue and repeat marks, a kept fix report waiting to sync or refused) with
// “报告整改” on an open action: a note and photos, kept as a request (sync/requests.js) that sync
// sends after the photos; and on the home page the “待整改” card (open and overdue per site).
import { h } from '../lib/dom.js'
import { actionState, actionsBySite, chinaDay, isOverdue } from '../model/findings.js'
import { pointerLabel } from '../model/form.js'
import { L, t } from '../i18n/index.js'
import { preparePhoto } from '../media/photos.js'
import { storeBlob, thumbUrl } from '../sync/blobs.js'
import { dismissRequest, queueFixReport } from '../sync/requests.js'

/** The text of an action state (整改中, 已报整改, …). @param {string} state */
export function actionStateText(state) {
  return t(/** @type {any} */ (`pa_${state}`))
}

/** Where a fix photo is kept on the device (blobs' `path`). @param {string} findingId */
const fixPath = (findingId) => `fix/${findingId}`

/** The kept requests of an inspection. @param {import('idb').IDBPDatabase<any>} db @param {string} inspectionId */
export async function requestsOf(db, inspectionId) {
  const all = await db.getAll('requests')
  return all.filter((r) => r.inspection_id === inspectionId).sort((a, b) => a.created_at - b.created_at)
}

/** The panel on the inspection page, or null when the inspection has no findings. @param {any} app */
export function actionsPanel(app) {
  const page = app.page
  const findings = page.view.findings || []
  if (!findings.length) return null
  const today = chinaDay(Date.now())
  return h(
    'section',
    { class: 'card actions-panel', 'data-panel': 'actions' },
    h('h3', null, t('pa_title')),
    h('ul', { class: 'action-list' }, findings.map((/** @type {any} */ f) => findingRow(app, f, today))),
  )
}

/** @param {any} app @param {any} finding @param {string} today */
function findingRow(app, finding, today) {
  const page = app.page
  const state = actionState(finding)
  const overdue = isOverdue(finding, today)
  const requests = (page.requests || []).filter((/** @type {any} */ r) => r.finding_id === finding.id)
  const waiting = requests.find((/** @type {any} */ r) => r.state === 'pending')
  const item = page.model.items[finding.pointer.replace(/^\/answers(?=\/)/, '').split('/')[1]]
  return h(
    'li',
    { class: ['action-row', overdue && 'overdue'], 'data-finding': finding.id, 'data-action-status': state, 'data-overdue': overdue ? 'true' : 'false' },
    h('div', { class: 'action-head' },
      h('strong', { class: 'action-item' }, pointerLabel(page.model, finding.pointer, L, page.view.answers)),
      h('span', { class: ['sev', `sev-${finding.severity}`] }, t(/** @type {any} */ (`severity_${finding.severity}`))),
      h('span', { class: ['badge', `act-${state}`], 'data-state': state }, actionStateText(state)),
      finding.repeat_of ? h('span', { class: 'badge st-fail', 'data-repeat': finding.repeat_of }, t('pa_repeat')) : null),
    item?.clause ? h('p', { class: 'clause' }, item.clause) : null,
    h('p', { class: 'action-meta' },
      `${t('pa_responsible')}：`, h('span', { 'data-responsible': '' }, finding.responsible || t('pa_unassigned')),
      ' · ', `${t('pa_deadline')}：`, h('span', { 'data-deadline': finding.deadline || '' }, finding.deadline || '—'),
      overdue ? h('span', { class: 'badge st-fail overdue-mark', 'data-overdue-mark': 'true' }, t('pa_overdue')) : null),
    waiting ? h('div', { class: 'note pending-report', 'data-request': waiting.id, 'data-request-state': 'pending' },
      h('span', { class: 'badge sync-waiting' }, t('pa_waiting')), ' ', t('pa_waiting_note'),
      waiting.body.note ? h('p', null, waiting.body.note) : null,
      waiting.body.photos.length ? thumbs(app, waiting.body.photos) : null) : null,
    requests.filter((/** @type {any} */ r) => r.state === 'failed').map((/** @type {any} */ r) => failedRequest(app, r)),
    state === 'open' && !waiting && page.fix?.finding_id !== finding.id
      ? h('button', { type: 'button', class: 'btn small primary', 'data-action': 'report-fix', onclick: () => openFix(app, finding.id) }, t('pa_report_fix'))
      : null,
    state === 'open' && !waiting && page.fix?.finding_id === finding.id ? fixForm(app, finding) : null,
  )
}

/** A refused report: the server's problem, and a way to let it go. @param {any} app @param {any} request */
function failedRequest(app, request) {
  const problem = request.problem || {}
  return h(
    'div',
    { class: 'note bad failed-report', 'data-request': request.id, 'data-request-state': 'failed' },
    h('strong', null, t('pa_failed')),
    h('p', { 'data-problem-title': '' }, problem.title || problem.type || ''),
    problem.detail ? h('p', { 'data-problem-detail': '' }, problem.detail) : null,
    request.body.note ? h('p', { class: 'muted' }, `${t('pa_note')}：${request.body.note}`) : null,
    h('button', { type: 'button', class: 'btn small', 'data-action': 'dismiss-request', onclick: () => dismiss(app, request.id) }, t('pa_dismiss')),
  )
}

/** @param {any} app @param {string[]} shas */
function thumbs(app, shas) {
  return h('div', { class: 'thumbs' }, shas.map((sha) => {
    const img = /** @type {HTMLImageElement} */ (h('img', { alt: '', 'data-sha256': sha }))
    thumbUrl(app.db, sha, app.meta.token).then((url) => {
      if (url) img.src = url
    })
    return h('figure', { class: 'thumb' }, img)
  }))
}

/** The fix report form of one finding; what is typed lives in page.fix, so re-renders keep it. @param {any} app @param {any} finding */
function fixForm(app, finding) {
  const fix = app.page.fix
  const input = h('input', {
    type: 'file', accept: 'image/*', capture: 'environment', class: 'file', 'data-fix-photo': finding.id,
    onchange: (/** @type {Event} */ e) => addPhotos(app, /** @type {HTMLInputElement} */ (e.target).files),
  })
  return h(
    'div',
    { class: 'fix-form', 'data-fix-form': finding.id },
    h('label', null, t('pa_note'),
      h('textarea', {
        class: 'text', name: 'fix_note', rows: 3, maxlength: 2000, 'data-key': `fix-note-${finding.id}`, value: fix.note,
        oninput: (/** @type {Event} */ e) => (fix.note = /** @type {HTMLTextAreaElement} */ (e.target).value),
      })),
    h('div', { class: 'photos' },
      h('span', { class: 'muted' }, t('pa_photos')),
      thumbs(app, fix.photos),
      h('label', { class: 'btn camera' }, input, t('take_photo'))),
    fix.error ? h('p', { class: 'num-note bad', 'data-fix-error': '' }, fix.error) : null,
    h('div', { class: 'sheet-actions' },
      h('button', { type: 'button', class: 'btn', onclick: () => closeFix(app) }, t('cancel')),
      h('button', { type: 'button', class: 'btn primary', 'data-action': 'send-fix', disabled: !!app.page.busy, onclick: () => sendFix(app, finding.id) }, t('pa_send'))),
  )
}

/** @param {any} app @param {string} findingId */
function openFix(app, findingId) {
  app.page.fix = { finding_id: findingId, note: '', photos: [], error: '' }
  app.render()
}

/** @param {any} app @param {FileList|null} files */
async function addPhotos(app, files) {
  const page = app.page
  const fix = page.fix
  page.busy = true
  try {
    for (const file of files || []) {
      const prepared = await preparePhoto(file)
      await storeBlob(app.db, prepared, { kind: 'photo', inspection_id: page.id, path: fixPath(fix.finding_id) })
      if (!fix.photos.includes(prepared.sha256)) fix.photos.push(prepared.sha256)
    }
  } finally {
    page.busy = false
  }
  await app.refreshSummary()
  app.render()
}

/** Cancel: photos taken for this report and not used by a kept one leave the device. @param {any} app */
async function closeFix(app) {
  const fix = app.page.fix
  app.page.fix = null
  const kept = new Set((await app.db.getAll('requests')).flatMap((/** @type {any} */ r) => r.body.photos))
  for (const sha of fix?.photos || []) {
    const blob = await app.db.get('blobs', sha)
    if (blob && blob.path === fixPath(fix.finding_id) && blob.state === 'pending' && !kept.has(sha)) await app.db.delete('blobs', sha)
  }
  await app.refreshSummary()
  app.render()
}

/** Keep the report for sync, then sync (offline: it waits). @param {any} app @param {string} findingId */
async function sendFix(app, findingId) {
  const page = app.page
  const fix = page.fix
  if (!fix.note.trim() && !fix.photos.length) {
    fix.error = t('pa_need_something')
    app.render()
    return
  }
  await queueFixReport(app.db, { finding_id: findingId, inspection_id: page.id, note: fix.note.trim(), photos: fix.photos })
  page.fix = null
  await changed(app)
  app.sync()
}

/** @param {any} app @param {string} id */
async function dismiss(app, id) {
  await dismissRequest(app.db, id)
  await changed(app)
}

/** Reread the page's requests and the summary, tell other tabs, re-render. @param {any} app */
async function changed(app) {
  if (app.page?.kind === 'inspection') app.page.requests = await requestsOf(app.db, app.page.id)
  await app.refreshSummary()
  app.channel?.postMessage({ type: 'changed' })
  app.render()
}

/**
 * The home page's “待整改” card: per site its open actions, the overdue ones in red, and links
 * to the inspections holding them; null when there is nothing to correct.
 * @param {any} app @param {any[]} views the local views of the phone's inspections
 */
export function homeActions(app, views) {
  const rows = actionsBySite(views, chinaDay(Date.now()))
  if (!rows.length) return null
  const byId = new Map(views.map((v) => [v.id, v]))
  return h(
    'section',
    { class: 'card home-actions', 'data-home-actions': rows.length },
    h('h3', null, t('pa_home_title')),
    h('ul', { class: 'action-sites' }, rows.map((row) => {
      const site = (app.meta.sites || []).find((/** @type {any} */ s) => s.id === row.site_id)
      return h(
        'li',
        { 'data-site-actions': row.site_id, 'data-open': row.open, 'data-overdue': row.overdue },
        h('strong', null, site ? site.name : row.site_id),
        h('div', null, t('pa_home_counts', { open: row.open, to_fix: row.to_fix }),
          row.overdue ? h('span', { class: 'badge st-fail' }, t('pa_home_overdue', { n: row.overdue })) : null),
        h('div', { class: 'action-links' }, row.inspections.map((i) => {
          const view = byId.get(i.id)
          const date = view?.created_at ? chinaDay(Date.parse(view.created_at)) : ''
          return h('a', { class: ['btn', 'small', i.overdue && 'overdue'], href: `#/i/${i.id}`, 'data-open-actions': i.id },
            t('pa_home_inspection', { date, n: i.open }))
        })),
      )
    })),
  )
}
