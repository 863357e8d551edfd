// @ts-check
// The home page: the planned inspections due (due.js), the corrective actions to do
// (actions.js), my inspections (from pulls and local drafts) with their workflow and sync state,
// starting a new inspection (site_picker.js), my sites, export and logout.
import { homeActions } from './actions.js'
import { h, replace } from '../lib/dom.js'
import { lookControls } from '../lib/look_controls.js'
import { uuid7 } from '../lib/ids.js'
import { dueSection } from './due.js'
import { downloadUnsynced } from '../sync/export.js'
import { L, ago, statusText, t } from '../i18n/index.js'
import { localView, syncState } from '../model/inspection.js'
import { loadSchema } from '../sync/schemas.js'
import { logOut } from '../sync/session.js'
import { openPicker } from './site_picker.js'
import { useSite } from '../model/sites.js'
import { setMeta } from '../lib/db.js'
import { newerVersion } from './upgrade.js'

const ORDER = ['returned', 'draft', 'submitted', 'rejected', 'approved', 'deleted']

/** Every inspection on the device with its local view and outbox records. @param {any} app */
export async function loadInspections(app) {
  const [docs, ops] = await Promise.all([app.db.getAll('docs'), app.db.getAll('outbox')])
  /** @type {Map<string, any[]>} */
  const byId = new Map()
  for (const r of ops) byId.set(r.inspection_id, [...(byId.get(r.inspection_id) || []), r])
  const ids = new Set([...docs.map((/** @type {any} */ d) => d.id), ...byId.keys()])
  const docById = new Map(docs.map((/** @type {any} */ d) => [d.id, d]))
  const out = []
  for (const id of ids) {
    const records = byId.get(id) || []
    const view = localView(docById.get(id)?.view || null, records)
    if (view && view.status !== 'deleted') out.push({ view, records, sync: syncState(view, records) })
  }
  out.sort((a, b) => ORDER.indexOf(a.view.status) - ORDER.indexOf(b.view.status) || b.view.updated_at.localeCompare(a.view.updated_at))
  return out
}

/** @param {any} app */
export function renderHome(app) {
  // Home is rendered again while it stays open (every sync that ends, each minute in view): until the
  // list and the due tasks are read again the page shows what it showed, so it keeps its height and the
  // inspector's place in it (a page of "…" would throw them to its top), and "我的场所" stays unfolded.
  const home = app.page?.kind === 'home' ? app.page : null
  const shown = (/** @type {HTMLElement|undefined} */ el) => (el?.childNodes.length ? [...el.childNodes] : [h('p', { class: 'muted' }, '…')])
  const list = h('div', { class: 'list', 'data-list': 'inspections' }, shown(home?.list))
  const due = h('section', { class: 'card due-tasks', 'data-due': 'loading' }, shown(home?.due))
  loadInspections(app).then((items) => {
    list.replaceChildren(...(items.length ? items.map((i) => card(app, i)) : [h('p', { class: 'muted empty' }, t('no_inspections'))]))
    replace(due, dueSection(app, items.map((i) => i.view), (/** @type {string} */ checklistId, /** @type {string} */ siteId) => startInspection(app, checklistId, siteId)))
    due.dataset.due = app.meta.due ? 'shown' : 'never'
    const todo = homeActions(app, items.map((i) => i.view))
    replace(actions, todo)
    actions.hidden = !todo
    actions.dataset.actionsHome = 'shown'
  })
  const actions = h('div', { 'data-actions-home': 'loading', hidden: home?.actions?.hidden ?? false }, ...(home?.actions?.childNodes || []))
  const sites = h('details', { class: 'card sites', open: home?.sites?.open || false }, h('summary', null, `${t('my_sites')} (${(app.meta.sites || []).length})`),
    h('ul', null, (app.meta.sites || []).map((/** @type {any} */ s) => h('li', null, h('strong', null, s.name), h('br'), h('span', { class: 'muted' }, s.address), ' ',
      h('a', { href: `#/older/${s.id}`, 'data-older-site': s.id }, t('older_records'))))))
  if (home) Object.assign(home, { list, due, actions, sites })
  // The picker is kept while the home page stays open: every sync that ends (each minute while the app is
  // in view) renders the page again, and a site being searched for or chosen must not vanish under a thumb.
  const kept = app.page?.kind === 'home' ? app.page.picker : undefined
  const picker = kept || h('div', { class: 'card picker', hidden: true })
  if (app.page?.kind === 'home') app.page.picker = picker
  const begin = (/** @type {string} */ checklistId, /** @type {string} */ siteId) => startInspection(app, checklistId, siteId)
  if (!kept && app.page?.site) queueMicrotask(() => openPicker(app, picker, begin, app.page.site)) // a site's QR label or link
  return h(
    'div',
    { class: 'page home' },
    h(
      'header',
      { class: 'bar' },
      h('img', { src: 'icons/icon.svg', alt: '', width: 32, height: 32, class: 'bar-logo' }),
      h('div', { class: 'bar-title' }, h('strong', null, t('my_inspections')), h('span', { class: 'muted' }, app.meta.user?.display_name || '')),
      h('button', { type: 'button', class: 'btn small', onclick: () => app.toggleLang() }, t('language')),
    ),
    h('button', { type: 'button', class: 'btn primary wide', 'data-action': 'new-inspection', onclick: () => openPicker(app, picker, begin) }, `+ ${t('new_inspection')}`),
    picker,
    due,
    actions,
    list,
    sites,
    h('section', { class: 'card look' }, h('h3', null, t('look_group')),
      lookControls({ dark: t('look_dark'), large: t('look_large'), group: t('look_group') })),
    originalsToggle(app),
    h(
      'div',
      { class: 'row-actions' },
      h('a', { class: 'btn', href: '#/older', 'data-action': 'older' }, t('older_records')),
      h('button', { type: 'button', class: 'btn', 'data-action': 'export', onclick: () => downloadUnsynced(app.db) }, t('export')),
      h('button', {
        type: 'button',
        class: 'btn',
        onclick: async () => {
          if (await logOut(app)) location.hash = '#/login'
          else alert(t('logout_blocked'))
        },
      }, t('logout')),
    ),
  )
}

/** @param {any} app @param {{view: any, records: any[], sync: string}} item */
function card(app, { view, records, sync }) {
  const checklist = (app.meta.checklists || []).find((/** @type {any} */ c) => c.id === view.checklist_id)
  const site = (app.meta.sites || []).find((/** @type {any} */ s) => s.id === view.site_id)
  const refused = records.filter((r) => r.state === 'rejected').length
  const openConflicts = (view.conflicts || []).filter((/** @type {any} */ c) => c.status === 'open' && c.kind !== 'soft').length
  const newer = newerVersion(app, view) // a newer version of its checklist: the page offers the move
  const syncLabel = sync === 'refused' ? t('sync_refused') : sync === 'waiting' ? t('sync_waiting') : t('sync_done')
  return h(
    'a',
    { class: ['card', 'insp', `st-${view.status}`], href: `#/i/${view.id}`, 'data-inspection': view.id, 'data-status': view.status, 'data-sync': sync },
    h('div', { class: 'insp-head' }, h('strong', null, checklist ? L(checklist.title) : view.checklist_id),
      h('span', { class: ['badge', `st-${view.status}`] }, statusText(view.status))),
    h('div', { class: 'muted' }, site ? site.name : view.site_id),
    h(
      'div',
      { class: 'insp-foot' },
      h('span', { class: ['badge', `sync-${sync}`] }, syncLabel),
      view.failed_items?.length ? h('span', { class: 'badge st-fail' }, `${view.failed_items.length} ${t('score_failed')}`) : null,
      openConflicts ? h('span', { class: 'badge conflict' }, `⚠ ${openConflicts}`) : null,
      refused ? h('span', { class: 'badge sync-refused' }, `✕ ${refused}`) : null,
      view.comments?.length ? h('span', { class: 'badge' }, `💬 ${view.comments.length}`) : null,
      newer ? h('span', { class: 'badge', 'data-newer': newer.latest_version }, t('upgrade_badge')) : null,
      h('span', { class: 'muted when' }, ago(Date.now() - Date.parse(view.updated_at))),
    ),
  )
}

/**
 * Start a new inspection of a site with a checklist's latest version (its schema cached for
 * offline use first) and open it; from the picker and from the due list alike. Returns what
 * went wrong, or '' once the inspection is open. @param {any} app @param {string} checklistId @param {string} siteId
 */
export async function startInspection(app, checklistId, siteId) {
  const checklist = (app.meta.checklists || []).find((/** @type {any} */ c) => c.id === checklistId)
  if (!checklist) return t('schema_missing')
  try {
    await loadSchema(checklist.latest_schema_url, app.meta.token)
  } catch {
    return t('schema_missing')
  }
  const id = uuid7()
  app.meta.recent_sites = useSite(app.meta.recent_sites, siteId)
  await setMeta(app.db, { recent_sites: app.meta.recent_sites })
  await app.edit('create', id, { checklist_id: checklist.id, version: checklist.latest_version, site_id: siteId })
  location.hash = `#/i/${id}/s/0`
  return ''
}

/** "相机原图在任何网络上传": camera originals go on mobile data too, not only on Wi-Fi. @param {any} app */
function originalsToggle(app) {
  return h('label', { class: 'card toggle', 'data-setting': 'originals' },
    h('input', {
      type: 'checkbox', name: 'originals_always', checked: app.meta.originals === 'always',
      onchange: async (/** @type {Event} */ e) => {
        const always = /** @type {HTMLInputElement} */ (e.target).checked
        await setMeta(app.db, { originals: always ? 'always' : undefined })
        app.meta.originals = always ? 'always' : undefined // the next sync sends the originals waiting
      },
    }),
    ' ', t('originals_any_network'))
}
