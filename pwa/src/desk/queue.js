// @ts-check
// The supervisor's desk: the review queue of inspections in scope (GET /api/inspections) with
// filters by status, site, open conflicts, missing photos, score and verdict; inspections the
// server flags as possible duplicates (GET /api/schedules/duplicates) carry a badge. The first page
// shows; "更多 / More" follows the response's Link header (rel="next") to the next (paged.js). Read straight
// from the server: the desk is for a desk with a connection, not for the field. People are shown
// by their names from the directory (directory.js). The desk's frame is in shell.js.
import { json } from '../lib/api.js'
import { loadDirectory } from './directory.js'
import { h } from '../lib/dom.js'
import { L, ago, statusText, t } from '../i18n/index.js'
import { duplicateIds } from '../model/plans.js'
import { pagedList } from './paged.js'
import { deskBar, scoreText, when, who } from './shell.js'

const STATUSES = ['submitted', 'returned', 'draft', 'approved', 'rejected']

/** Filters kept for the page's lifetime (coming back from an inspection keeps them). */
const filters = { status: 'submitted', site_id: '', has_conflicts: false, has_missing_photos: false, verdict: '', min_score: '', max_score: '' }

/** The review queue page; its rows load after it is shown. @param {any} app */
export function renderDeskQueue(app) {
  const body = h('tbody', null)
  const note = h('p', { class: 'muted', 'aria-live': 'polite' }, '…')
  const sites = app.meta.sites || []
  /** @type {Set<string>} */
  let flagged = new Set()
  const { more, first } = pagedList(app, {
    list: body,
    note,
    empty: t('desk_empty'),
    build: (rows) => rows.map((/** @type {any} */ r) => row(app, r, flagged.has(r.id))),
  })
  const load = async () => {
    note.textContent = '…'
    note.dataset.state = 'loading'
    const params = new URLSearchParams()
    if (filters.status) params.set('status', filters.status)
    if (filters.site_id) params.set('site_id', filters.site_id)
    if (filters.has_conflicts) params.set('has_conflicts', 'true')
    if (filters.has_missing_photos) params.set('has_missing_photos', 'true')
    for (const key of /** @type {const} */ (['verdict', 'min_score', 'max_score'])) if (filters[key] !== '') params.set(key, filters[key])
    const ready = Promise.all([
      // the badge is a hint: without the list the queue still shows
      json('/api/schedules/duplicates', { token: app.meta.token }).then(duplicateIds, () => new Set()).then((ids) => { flagged = ids }),
      loadDirectory(app),
    ])
    if (await first(`/api/inspections?${params}`, ready)) note.dataset.state = 'done'
  }
  /** @param {keyof typeof filters} key @param {HTMLElement} control */
  const bind = (key, control) => {
    control.addEventListener('change', () => {
      const input = /** @type {HTMLInputElement} */ (control)
      const values = /** @type {Record<string, any>} */ (filters) // (a line starting with "(" would call the one above)
      values[key] = input.type === 'checkbox' ? input.checked : input.value
      load()
    })
    return control
  }
  const bar = h(
    'div',
    { class: 'card desk-filters' },
    h('label', null, t('desk_status'), bind('status', h('select', { class: 'text', name: 'status' },
      h('option', { value: '' }, t('desk_all')),
      STATUSES.map((s) => h('option', { value: s, selected: s === filters.status }, statusText(s)))))),
    h('label', null, t('desk_site'), bind('site_id', h('select', { class: 'text', name: 'site_id' },
      h('option', { value: '' }, t('desk_all')),
      sites.map((/** @type {any} */ s) => h('option', { value: s.id, selected: s.id === filters.site_id }, s.name))))),
    h('label', { class: 'check' }, bind('has_conflicts', h('input', { type: 'checkbox', name: 'has_conflicts', checked: filters.has_conflicts })), t('desk_has_conflicts')),
    h('label', { class: 'check' }, bind('has_missing_photos', h('input', { type: 'checkbox', name: 'has_missing_photos', checked: filters.has_missing_photos })), t('desk_missing_photos')),
    h('label', null, t('desk_verdict'), bind('verdict', h('select', { class: 'text', name: 'verdict' },
      h('option', { value: '' }, t('desk_all')),
      ['pass', 'fail'].map((v) => h('option', { value: v, selected: v === filters.verdict }, t(v === 'pass' ? 'desk_verdict_pass' : 'desk_verdict_fail')))))),
    h('label', null, t('desk_min_score'), bind('min_score', scoreInput('min_score', filters.min_score))),
    h('label', null, t('desk_max_score'), bind('max_score', scoreInput('max_score', filters.max_score))),
    h('button', { type: 'button', class: 'btn small', 'data-action': 'reload', onclick: load }, t('desk_refresh')),
  )
  load()
  const heads = ['desk_site', 'desk_checklist', 'desk_inspector', 'desk_status', 'desk_score', 'desk_updated', 'desk_conflicts', 'desk_photos']
  return h(
    'div',
    { class: 'page desk', 'data-desk': 'queue' },
    deskBar(app, t('desk_queue')),
    bar,
    h('div', { class: 'card desk-table-wrap' },
      h('table', { class: 'desk-table' },
        h('thead', null, h('tr', null, heads.map((k) => h('th', null, t(/** @type {any} */ (k)))))),
        body),
      note,
      more),
  )
}

/** One queue row, opening the inspection. @param {any} app @param {any} r @param {boolean} duplicate */
function row(app, r, duplicate) {
  const site = (app.meta.sites || []).find((/** @type {any} */ s) => s.id === r.site_id)
  const checklist = (app.meta.checklists || []).find((/** @type {any} */ c) => c.id === r.checklist_id)
  const short = r.photos_received < r.photos_expected
  const open = () => (location.hash = `#/d/${r.id}`)
  return h(
    'tr',
    { class: 'desk-row', 'data-inspection': r.id, 'data-status': r.status, tabindex: 0, onclick: open,
      onkeydown: (/** @type {KeyboardEvent} */ e) => e.key === 'Enter' && open() },
    h('td', null, h('a', { href: `#/d/${r.id}` }, site ? site.name : r.site_id)),
    h('td', null, checklist ? L(checklist.title) : r.checklist_id, h('span', { class: 'muted' }, ` v${r.version}`),
      duplicate ? h('span', { class: 'badge dup', 'data-duplicate': 'true', title: t('pl_dup_hint') }, t('pl_dup_badge')) : null),
    h('td', null, who(app, r.inspector_id)),
    h('td', null, h('span', { class: ['badge', `st-${r.status}`] }, statusText(r.status))),
    h('td', { 'data-score': r.score ?? '', 'data-verdict': r.verdict || '' }, scoreText(r)),
    h('td', { title: when(r.updated_at) }, ago(Date.now() - Date.parse(r.updated_at))),
    h('td', { 'data-conflicts': r.open_conflicts }, r.open_conflicts ? h('span', { class: 'badge conflict' }, `⚠ ${r.open_conflicts}`) : '0'),
    h('td', { 'data-photos': `${r.photos_received}/${r.photos_expected}` },
      h('span', { class: short ? 'bad' : '' }, `${r.photos_received}/${r.photos_expected}`)),
  )
}

/** A 0–100 score box for the filters. @param {string} name @param {string} value */
function scoreInput(name, value) {
  return h('input', { class: 'text score-input', type: 'number', name, min: 0, max: 100, step: 'any', inputmode: 'decimal', value })
}
