// @ts-check
// 更早的记录 / Older records: inspections of my sites looked up online, a page at a time, for
// history the phone no longer holds (the device window keeps only recent and needed ones). It
// lists GET /api/inspections?site_id=…&limit=… (following its Link rel="next" for 更多 / More when
// the server sends one) and opens one with GET /api/inspections/{id}, read-only. Offline: a clear
// message, nothing else.
import { NetworkError, nextLink, send } from '../lib/api.js'
import { h, replace } from '../lib/dom.js'
import { statusText, t } from '../i18n/index.js'
import { chinaDay } from '../model/plans.js'

export const OLDER_PAGE = 20

/** The page, for one of my sites (the first when none is named). @param {any} app @param {string} [siteId] */
export function renderOlder(app, siteId) {
  const sites = app.meta.sites || []
  const names = new Map(sites.map((/** @type {any} */ s) => [s.id, s.name]))
  const list = h('div', { class: 'list', 'data-older': 'list' })
  const more = h('button', { type: 'button', class: 'btn wide', 'data-action': 'older-more', hidden: true }, t('older_more'))
  const note = h('p', { class: 'muted', 'data-older': 'note' })
  const select = /** @type {HTMLSelectElement} */ (h('select', { name: 'older-site', class: 'text' },
    sites.map((/** @type {any} */ s) => h('option', { value: s.id, selected: s.id === siteId }, s.name))))
  /** @type {string|null} */
  let next = null

  /** @param {string} url @param {boolean} fresh */
  const load = async (url, fresh) => {
    if (fresh) list.replaceChildren()
    more.hidden = true
    if (typeof navigator !== 'undefined' && navigator.onLine === false) return offline()
    note.textContent = '…'
    try {
      const response = await send(url, { token: app.meta.token })
      const items = await response.json()
      next = nextLink(response.headers.get('Link'))
      list.append(...items.map((/** @type {any} */ item) => row(app, item, names)))
      note.textContent = list.children.length ? '' : t('older_none')
      more.hidden = !next
    } catch (error) {
      if (error instanceof NetworkError) return offline()
      note.textContent = t('older_failed')
    }
  }
  const offline = () => {
    note.textContent = t('older_offline')
    note.dataset.older = 'offline'
  }
  const first = () => {
    note.dataset.older = 'note'
    if (select.value) load(`/api/inspections?site_id=${encodeURIComponent(select.value)}&limit=${OLDER_PAGE}`, true)
  }
  select.addEventListener('change', first)
  more.addEventListener('click', () => next && load(next, false))
  queueMicrotask(first)
  return h('div', { class: 'page older' },
    h('header', { class: 'bar' },
      h('a', { class: 'btn small', href: '#/' }, `‹ ${t('back')}`),
      h('div', { class: 'bar-title' }, h('strong', null, t('older_records')), h('span', { class: 'muted' }, t('older_online_only')))),
    h('label', { class: 'field' }, h('span', null, t('choose_site')), select),
    note, list, more)
}

/** One inspection: its day, site, status and score; opens its answers read-only. @param {any} app @param {any} item @param {Map<string, string>} names */
function row(app, item, names) {
  const detail = h('div', { class: 'older-detail', hidden: true })
  const open = async () => {
    detail.hidden = !detail.hidden
    if (detail.hidden || detail.childElementCount) return
    try {
      const view = await (await send(`/api/inspections/${item.id}`, { token: app.meta.token })).json()
      replace(detail, answersList(view))
    } catch (error) {
      replace(detail, h('p', { class: 'muted' }, error instanceof NetworkError ? t('older_offline') : t('older_failed')))
    }
  }
  return h('div', { class: 'card insp', 'data-older-item': item.id },
    h('button', { type: 'button', class: 'linkish', onclick: open },
      h('strong', null, chinaDay(Date.parse(item.created_at))), ' ',
      h('span', null, names.get(item.site_id) || item.site_id), ' ',
      h('span', { class: ['badge', `st-${item.status}`] }, statusText(item.status)),
      item.score === null || item.score === undefined ? null : h('span', { class: 'muted' }, ` ${item.score}`)),
    detail)
}

/** The answers of a full view, read-only (item ids and values; failed items marked). @param {any} view */
function answersList(view) {
  const failed = new Set((view.failed_items || []).map((/** @type {string} */ p) => p.slice(1)))
  return h('dl', { class: 'older-answers', 'data-older-answers': view.id },
    Object.entries(view.answers || {}).flatMap(([path, value]) => [
      h('dt', { class: failed.has(path) ? 'bad' : '' }, path),
      h('dd', null, typeof value === 'object' ? JSON.stringify(value) : String(value)),
    ]),
    h('p', { class: 'muted' }, t('older_read_only')))
}
