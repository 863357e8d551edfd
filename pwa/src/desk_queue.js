// @ts-check
// The supervisor's desk: the review queue of inspections in scope (GET /api/inspections) with
// filters by status, site, open conflicts and missing photos. Read straight from the server:
// the desk is for a desk with a connection, not for the field.
import { ApiError, json } from './api.js'
import { h } from './dom.js'
import { statusText } from './form_view.js'
import { L, ago, t } from './i18n.js'
import { logOut } from './login_view.js'

const STATUSES = ['submitted', 'returned', 'draft', 'approved', 'rejected']

/** Filters kept for the page's lifetime (coming back from an inspection keeps them). */
const filters = { status: 'submitted', site_id: '', has_conflicts: false, has_missing_photos: false }

/** Whether the user works at the desk (supervisor or admin). @param {any} app */
export function isDesk(app) {
  const role = app.meta.user?.role
  return role === 'supervisor' || role === 'admin'
}

/** Who a user id is, as far as the desk knows: the caller by name, others by a short id. @param {any} app @param {string} userId */
export function who(app, userId) {
  if (userId && userId === app.meta.user?.id) return app.meta.user.display_name || app.meta.user.username
  return userId ? `#${userId.slice(0, 8)}` : ''
}

/** A time stamp as "2026-11-22 09:30" (local time). @param {string|null|undefined} iso */
export function when(iso) {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const p = (/** @type {number} */ n) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`
}

/** The desk's pages, by the hash prefixes that belong to each. */
const DESK_PAGES = [
  { href: '#/', key: 'nav_queue', name: 'queue', match: /^#\/(d\/.*)?$/ },
  { href: '#/findings', key: 'nav_findings', name: 'findings', match: /^#\/(findings|f\/)/ },
  { href: '#/reports', key: 'nav_reports', name: 'reports', match: /^#\/reports/ },
]

/** Which desk page a location hash belongs to. @param {string} hash */
export function deskSection(hash) {
  return DESK_PAGES.find((p) => p.match.test(hash || '#/'))?.name || 'queue'
}

/** The desk's navigation: review queue, findings, reports; the current one marked. */
export function deskNav() {
  const current = deskSection(typeof location === 'undefined' ? '#/' : location.hash)
  return h('nav', { class: 'desk-nav', 'aria-label': t('desk_nav') },
    DESK_PAGES.map((p) => h('a', { href: p.href, class: ['desk-tab', p.name === current && 'on'], 'data-nav': p.name,
      'aria-current': p.name === current ? 'page' : null }, t(/** @type {any} */ (p.key)))))
}

/** The desk's top bar, with the navigation under it. @param {any} app @param {string} title @param {any} [left] */
export function deskBar(app, title, left) {
  return [h(
    'header',
    { class: 'bar desk-bar' },
    left || h('img', { src: 'icons/icon.svg', alt: '', width: 32, height: 32, class: 'bar-logo' }),
    h('div', { class: 'bar-title' }, h('strong', null, title), h('span', { class: 'muted' }, app.meta.user?.display_name || '')),
    h('button', { type: 'button', class: 'btn small', onclick: () => app.toggleLang() }, t('language')),
    h('button', { type: 'button', class: 'btn small', onclick: async () => {
      if (await logOut(app)) location.hash = '#/login'
      else alert(t('logout_blocked'))
    } }, t('logout')),
  ), deskNav()]
}

/** The review queue page; its rows load after it is shown. @param {any} app */
export function renderDeskQueue(app) {
  const body = h('tbody', null)
  const note = h('p', { class: 'muted', 'aria-live': 'polite' }, '…')
  const sites = app.meta.sites || []
  const load = async () => {
    note.textContent = '…'
    const params = new URLSearchParams()
    if (filters.status) params.set('status', filters.status)
    if (filters.site_id) params.set('site_id', filters.site_id)
    if (filters.has_conflicts) params.set('has_conflicts', 'true')
    if (filters.has_missing_photos) params.set('has_missing_photos', 'true')
    try {
      const rows = await json(`/api/inspections?${params}`, { token: app.meta.token })
      body.replaceChildren(...rows.map((/** @type {any} */ r) => row(app, r)))
      note.textContent = rows.length ? `${rows.length}` : t('desk_empty')
    } catch (e) {
      note.textContent = e instanceof ApiError ? e.problem.title || e.message : t('network_error').split('，')[0]
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
    h('button', { type: 'button', class: 'btn small', 'data-action': 'reload', onclick: load }, t('desk_refresh')),
  )
  load()
  const heads = ['desk_site', 'desk_checklist', 'desk_inspector', 'desk_status', 'desk_updated', 'desk_conflicts', 'desk_photos']
  return h(
    'div',
    { class: 'page desk', 'data-desk': 'queue' },
    deskBar(app, t('desk_queue')),
    bar,
    h('div', { class: 'card desk-table-wrap' },
      h('table', { class: 'desk-table' },
        h('thead', null, h('tr', null, heads.map((k) => h('th', null, t(/** @type {any} */ (k)))))),
        body),
      note),
  )
}

/** One queue row, opening the inspection. @param {any} app @param {any} r */
function row(app, r) {
  const site = (app.meta.sites || []).find((/** @type {any} */ s) => s.id === r.site_id)
  const checklist = (app.meta.checklists || []).find((/** @type {any} */ c) => c.id === r.checklist_id)
  const short = r.photos_received < r.photos_expected
  const open = () => (location.hash = `#/d/${r.id}`)
  return h(
    'tr',
    { class: 'desk-row', 'data-inspection': r.id, 'data-status': r.status, tabindex: 0, onclick: open,
      onkeydown: (/** @type {KeyboardEvent} */ e) => e.key === 'Enter' && open() },
    h('td', null, h('a', { href: `#/d/${r.id}` }, site ? site.name : r.site_id)),
    h('td', null, checklist ? L(checklist.title) : r.checklist_id, h('span', { class: 'muted' }, ` v${r.version}`)),
    h('td', null, who(app, r.inspector_id)),
    h('td', null, h('span', { class: ['badge', `st-${r.status}`] }, statusText(r.status))),
    h('td', { title: when(r.updated_at) }, ago(Date.now() - Date.parse(r.updated_at))),
    h('td', { 'data-conflicts': r.open_conflicts }, r.open_conflicts ? h('span', { class: 'badge conflict' }, `⚠ ${r.open_conflicts}`) : '0'),
    h('td', { 'data-photos': `${r.photos_received}/${r.photos_expected}` },
      h('span', { class: short ? 'bad' : '' }, `${r.photos_received}/${r.photos_expected}`)),
  )
}
