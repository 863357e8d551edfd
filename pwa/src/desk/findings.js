// @ts-check
// The desk's findings register (#/findings): the open and overdue corrective actions counted
// per district and site at the top (GET /api/findings/overdue-summary), then the findings in
// scope filtered by the action's status, overdue only, repeats only, severity and site
// (GET /api/findings). A row opens the finding (#/f/<id>, finding.js).
import { json } from '../lib/api.js'
import { h, replace } from '../lib/dom.js'
import { deskBar, problemBanner, when } from './shell.js'
import { L, t } from '../i18n/index.js'

export const ACTION_STATUSES = ['open', 'fixed_reported', 'verified', 'closed']
const SEVERITIES = ['critical', 'major', 'minor']

/** Filters kept for the page's lifetime (coming back from a finding keeps them). */
const filters = { status: '', overdue: false, repeat: false, severity: '', site_id: '' }

/** The query of the findings list for the filters. @param {typeof filters} f */
export function findingsQuery(f) {
  const params = new URLSearchParams()
  if (f.status) params.set('status', f.status)
  if (f.overdue) params.set('overdue', 'true')
  if (f.repeat) params.set('repeat', 'true')
  if (f.severity) params.set('severity', f.severity)
  if (f.site_id) params.set('site_id', f.site_id)
  return params
}

/** An action status (or "withdrawn") as a badge. @param {string} status */
export function actionBadge(status) {
  return h('span', { class: ['badge', `act-${status}`], 'data-action-status': status }, t(/** @type {any} */ (`act_${status}`)))
}

/** A severity as the form shows it. @param {string} severity */
export function severityBadge(severity) {
  return h('span', { class: ['sev', `sev-${severity}`], 'data-severity': severity }, t(/** @type {any} */ (`severity_${severity}`)))
}

/** The deadline, with the days overdue when it has passed. @param {any} action */
export function deadlineText(action) {
  if (!action.deadline) return h('span', { class: 'muted' }, '—')
  return h('span', { class: action.overdue ? 'bad' : '', 'data-deadline': action.deadline, 'data-overdue': action.overdue ? action.days_overdue : null },
    action.deadline, action.overdue ? ` · ${t('fd_days_overdue', { n: action.days_overdue })}` : '')
}

/** @param {any} app */
export function renderDeskFindings(app) {
  const sites = app.meta.sites || []
  const summary = h('section', { class: 'card overdue-summary' }, h('p', { class: 'muted' }, '…'))
  const body = h('tbody', null)
  const note = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, '…'))
  const page = h('div', { class: 'page desk', 'data-desk': 'findings' })
  let run = 0
  const load = async () => {
    const mine = ++run
    delete page.dataset.loaded
    replace(note, h('p', { class: 'muted' }, '…'))
    try {
      const [counts, rows] = await Promise.all([
        json('/api/findings/overdue-summary', { token: app.meta.token }),
        json(`/api/findings?${findingsQuery(filters)}`, { token: app.meta.token }),
      ])
      if (mine !== run) return
      replace(summary, summaryView(counts))
      replace(body, rows.map((/** @type {any} */ f) => row(app, f)))
      replace(note, rows.length ? h('p', { class: 'muted' }, String(rows.length)) : h('p', { class: 'muted' }, t('fd_empty')))
      page.dataset.loaded = String(rows.length)
    } catch (e) {
      if (mine !== run) return
      replace(note, problemBanner(e))
      page.dataset.loaded = 'error'
    }
  }
  /** @param {keyof typeof filters} key @param {HTMLElement} control */
  const bind = (key, control) => {
    control.addEventListener('change', () => {
      const input = /** @type {HTMLInputElement} */ (control)
      Object.assign(filters, { [key]: input.type === 'checkbox' ? input.checked : input.value })
      load()
    })
    return control
  }
  const heads = ['fd_site', 'fd_item', 'fd_severity', 'fd_action_status', 'fd_responsible', 'fd_deadline', 'fd_repeat', 'fd_found']
  replace(page,
    deskBar(app, t('fd_title')),
    summary,
    h('div', { class: 'card desk-filters' },
      h('label', null, t('fd_action_status'), bind('status', h('select', { class: 'text', name: 'status' },
        h('option', { value: '' }, t('desk_all')),
        [...ACTION_STATUSES, 'withdrawn'].map((s) => h('option', { value: s, selected: s === filters.status }, t(/** @type {any} */ (`act_${s}`))))))),
      h('label', null, t('fd_severity'), bind('severity', h('select', { class: 'text', name: 'severity' },
        h('option', { value: '' }, t('desk_all')),
        SEVERITIES.map((s) => h('option', { value: s, selected: s === filters.severity }, t(/** @type {any} */ (`severity_${s}`))))))),
      h('label', null, t('desk_site'), bind('site_id', h('select', { class: 'text', name: 'site_id' },
        h('option', { value: '' }, t('desk_all')),
        sites.map((/** @type {any} */ s) => h('option', { value: s.id, selected: s.id === filters.site_id }, s.name))))),
      h('label', { class: 'check' }, bind('overdue', h('input', { type: 'checkbox', name: 'overdue', checked: filters.overdue })), t('fd_overdue_only')),
      h('label', { class: 'check' }, bind('repeat', h('input', { type: 'checkbox', name: 'repeat', checked: filters.repeat })), t('fd_repeat_only')),
      h('button', { type: 'button', class: 'btn small', 'data-action': 'reload', onclick: load }, t('desk_refresh'))),
    h('div', { class: 'card desk-table-wrap' },
      h('table', { class: 'desk-table findings-table' },
        h('thead', null, h('tr', null, heads.map((k) => h('th', null, t(/** @type {any} */ (k)))))),
        body),
      note))
  load()
  return page
}

/** Open and overdue actions per district, then per site. @param {any} counts */
function summaryView(counts) {
  const line = (/** @type {any} */ p, /** @type {string} */ kind) => h('tr', { [`data-${kind}`]: p.id, 'data-open': p.open, 'data-overdue': p.overdue, class: kind === 'district' ? 'district-row' : '' },
    h('td', null, kind === 'site' ? h('span', { class: 'indent' }, p.name) : h('strong', null, p.name)),
    h('td', null, String(p.open)),
    h('td', { class: p.overdue ? 'bad' : '' }, String(p.overdue)))
  return [
    h('h3', null, t('fd_overdue_summary'), ' ',
      h('span', { class: 'badge act-open', 'data-total-open': counts.open }, t('fd_open_total', { n: counts.open })), ' ',
      h('span', { class: ['badge', counts.overdue ? 'st-fail' : ''], 'data-total-overdue': counts.overdue }, t('fd_overdue_total', { n: counts.overdue }))),
    counts.districts.length
      ? h('table', { class: 'desk-table summary-table' },
        h('thead', null, h('tr', null, h('th', null, t('fd_place')), h('th', null, t('fd_open')), h('th', null, t('fd_overdue')))),
        h('tbody', null, counts.districts.map((/** @type {any} */ d) => [
          line(d, 'district'),
          counts.sites.filter((/** @type {any} */ s) => s.district_id === d.id).map((/** @type {any} */ s) => line(s, 'site')),
        ])))
      : null,
  ]
}

/** One finding, opening it. @param {any} app @param {any} f */
function row(app, f) {
  const site = (app.meta.sites || []).find((/** @type {any} */ s) => s.id === f.site_id)
  const status = f.status === 'withdrawn' ? 'withdrawn' : f.action.status
  const open = () => (location.hash = `#/f/${f.id}`)
  return h(
    'tr',
    { class: ['desk-row', f.action.overdue && 'overdue'], 'data-finding': f.id, 'data-status': status, 'data-item-path': f.item_path, tabindex: 0, onclick: open,
      onkeydown: (/** @type {KeyboardEvent} */ e) => e.key === 'Enter' && open() },
    h('td', null, h('a', { href: `#/f/${f.id}` }, site ? site.name : f.site_id)),
    h('td', { class: 'wrap' }, L(f.label), h('div', { class: 'muted' }, f.clause)),
    h('td', null, severityBadge(f.severity)),
    h('td', null, actionBadge(status)),
    h('td', null, f.action.responsible || h('span', { class: 'muted' }, '—')),
    h('td', null, deadlineText(f.action)),
    h('td', null, f.repeat ? h('span', { class: 'badge st-returned', 'data-repeat': 'true' }, t('fd_repeat')) : ''),
    h('td', null, when(f.created_at)),
  )
}
