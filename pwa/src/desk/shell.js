// @ts-check
// The desk's frame and what its pages share: who works at the desk, the top bar with the
// language switch, logout and the navigation between the pages, people by name (directory.js),
// time stamps, a row's score, and a problem as a banner.
import { ApiError } from '../lib/api.js'
import { userName } from './directory.js'
import { h } from '../lib/dom.js'
import { lookControls } from '../lib/look_controls.js'
import { t } from '../i18n/index.js'
import { logOut } from '../sync/session.js'
import { worksAtDesk } from '../model/roles.js'

/** Whether the user works at the desk (supervisor or admin). @param {any} app */
export function isDesk(app) {
  return worksAtDesk(app.meta.user?.role)
}

/** Who a user id is: the caller and the directory's users by name, others by a short id. @param {any} app @param {string} userId */
export function who(app, userId) {
  if (userId && userId === app.meta.user?.id) return app.meta.user.display_name || app.meta.user.username
  return userName(app, userId) || (userId ? `#${userId.slice(0, 8)}` : '')
}

/** China time (Asia/Shanghai): UTC+8 all year, no daylight saving. */
const CHINA_OFFSET_MS = 8 * 3600 * 1000

/**
 * A time stamp as "2026-11-22 09:30" in China time, whatever the browser's time zone: the desk
 * reads the times of inspections done in China, and a supervisor travelling abroad must see
 * the same clock as the inspector and the PDF. @param {string|null|undefined} iso
 */
export function when(iso) {
  if (!iso) return ''
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) return iso
  const d = new Date(ms + CHINA_OFFSET_MS)
  const p = (/** @type {number} */ n) => String(n).padStart(2, '0')
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`
}

/** The desk's pages, by the hash prefixes that belong to each. */
const DESK_PAGES = [
  { href: '#/', key: 'nav_queue', name: 'queue', match: /^#\/(d\/.*)?$/ },
  { href: '#/findings', key: 'nav_findings', name: 'findings', match: /^#\/(findings|f\/)/ },
  { href: '#/conflicts', key: 'desk_conflicts_page', name: 'conflicts', match: /^#\/conflicts/ },
  { href: '#/reports', key: 'nav_reports', name: 'reports', match: /^#\/reports/ },
  { href: '#/plans', key: 'nav_plans', name: 'plans', match: /^#\/plans/ },
  { href: '#/templates', key: 'nav_templates', name: 'templates', match: /^#\/templates/, admin: true },
]

/** Which desk page a location hash belongs to. @param {string} hash */
export function deskSection(hash) {
  return DESK_PAGES.find((p) => p.match.test(hash || '#/'))?.name || 'queue'
}

/**
 * The desk's navigation: review queue, findings, conflicts, reports, plans, and for admins the
 * checklists; the current one marked. @param {any} [app]
 */
export function deskNav(app) {
  const current = deskSection(typeof location === 'undefined' ? '#/' : location.hash)
  const admin = app?.meta?.user?.role === 'admin'
  return h('nav', { class: 'desk-nav', 'aria-label': t('desk_nav') },
    DESK_PAGES.filter((p) => !p.admin || admin).map((p) => h('a', { href: p.href, class: ['desk-tab', p.name === current && 'on'], 'data-nav': p.name,
      'aria-current': p.name === current ? 'page' : null }, t(/** @type {any} */ (p.key)))))
}

/** The desk's top bar, with the navigation under it. @param {any} app @param {string} title @param {any} [left] */
export function deskBar(app, title, left) {
  return [h(
    'header',
    { class: 'bar desk-bar' },
    left || h('img', { src: 'icons/icon.svg', alt: '', width: 32, height: 32, class: 'bar-logo' }),
    h('div', { class: 'bar-title' }, h('strong', null, title), h('span', { class: 'muted' }, app.meta.user?.display_name || '')),
    lookControls({ dark: t('look_dark'), large: t('look_large'), group: t('look_group') }),
    h('button', { type: 'button', class: 'btn small', onclick: () => app.toggleLang() }, t('language')),
    h('button', { type: 'button', class: 'btn small', onclick: async () => {
      if (await logOut(app)) location.hash = '#/login'
      else alert(t('logout_blocked'))
    } }, t('logout')),
  ), deskNav(app)]
}

/** A row's score, verdict and critical failures: "75 不合格 严重 1"; "—" without a score. @param {any} r */
export function scoreText(r) {
  if (r.score === null || r.score === undefined) return h('span', { class: 'muted', title: t('desk_no_score') }, '—')
  const pass = r.verdict === 'pass'
  return [
    h('span', { class: 'score' }, String(r.score)),
    r.verdict ? h('span', { class: ['badge', pass ? 'st-approved' : 'st-fail'] }, t(pass ? 'desk_verdict_pass' : 'desk_verdict_fail')) : null,
    r.failed_critical ? h('span', { class: 'badge st-fail', 'data-critical': r.failed_critical }, `${t('severity_critical')} ${r.failed_critical}`) : null,
  ]
}

/** A problem (or a failed request) as a banner: the server's title and detail. @param {unknown} e */
export function problemBanner(e) {
  if (e instanceof ApiError) {
    return h('div', { class: 'banner bad', role: 'alert', 'data-problem': e.type },
      h('strong', null, e.problem.title || `HTTP ${e.status}`), e.problem.detail ? h('span', null, e.problem.detail) : null)
  }
  return h('div', { class: 'banner bad', role: 'alert', 'data-problem': 'network' }, t('network_error').split('，')[0])
}
