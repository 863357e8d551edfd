// @ts-check
// The app: boot, routes (#/login, #/, #/i/<id>, #/unsent, #/site/<id> from a site's QR label;
// at the desk also #/d/<id>, #/findings, #/f/<id>, #/conflicts, #/reports, #/plans, #/templates), the status
// strip with the unsynced badge (what is unsent, one tap away), and when to sync: on start,
// when the connection returns, when the app becomes visible, shortly after edits, on a timer,
// from the button, and through Background Sync where available.
import { openDatabase, getMeta, setMeta } from './lib/db.js'
import { applyLook, watchSystemScheme } from './lib/look.js'
import { h, replace, replaceBefore } from './lib/dom.js'
import { openEditor, renderEditor } from './phone/editor.js'
import { renderDeskFinding } from './desk/finding.js'
import { renderDeskFindings } from './desk/findings.js'
import { renderOlder } from './phone/older.js'
import { renderDeskConflicts } from './desk/conflicts.js'
import { renderDeskInspection } from './desk/inspection.js'
import { renderDeskPlans } from './desk/plans.js'
import { renderDeskQueue } from './desk/queue.js'
import { renderDeskReports } from './desk/reports.js'
import { renderDeskTemplates } from './desk/templates.js'
import { isDesk } from './desk/shell.js'
import { downloadUnsynced } from './sync/export.js'
import { renderHome } from './phone/home.js'
import { ago, getLang, setLang, t } from './i18n/index.js'
import { renderLogin } from './phone/login.js'
import { appUnsent, badgeText, renderUnsent } from './phone/unsent.js'
import { enqueue, unsyncedSummary } from './sync/outbox.js'
import { requestBackgroundSync, runSync } from './sync/run.js'

const SYNC_EVERY_MS = 60 * 1000
const EDIT_DEBOUNCE_MS = 1500

/** The app's state for a lifetime of the page. */
export const app = {
  /** @type {import('idb').IDBPDatabase<any>} */
  db: /** @type {any} */ (null),
  root: /** @type {HTMLElement} */ (/** @type {any} */ (null)),
  /** @type {Record<string, any>} */
  meta: {},
  /** @type {import('./sync/run.js').Status & {at?: number}} */
  status: { phase: 'idle' },
  summary: unsyncedSummary([], [], 0),
  /** @type {{ops: any[], blobs: any[], requests: any[]}} what the stores hold: the unsent page and badge read it */
  held: { ops: [], blobs: [], requests: [] },
  offline_ready: false,
  /** @type {ServiceWorker|null} */
  waiting: null,
  /** @type {any} */
  page: null,
  channel: typeof BroadcastChannel !== 'undefined' ? new BroadcastChannel('xunjian') : null,
  /** @type {ReturnType<typeof setTimeout>|undefined} */
  debounce: undefined,
  syncing: false,
  again: false,
  started: 0,
  finished: 0,
  render,
  sync,
  edit,
  reloadMeta,
  refreshSummary,
  toggleLang,
  openRoute,
}

/** Reread settings and session from the database. */
async function reloadMeta() {
  const keys = ['token', 'user', 'device', 'client_id', 'sites', 'checklists', 'scope', 'lang', 'last_sync', 'signed_out_reason', 'due', 'recent_sites', 'originals']
  const values = await Promise.all(keys.map((k) => getMeta(app.db, k)))
  app.meta = Object.fromEntries(keys.map((k, i) => [k, values[i]]))
  setLang(app.meta.lang || 'zh')
}

async function refreshSummary() {
  const [ops, blobs, requests] = await Promise.all([app.db.getAll('outbox'), app.db.getAll('blobs'), app.db.getAll('requests')])
  app.summary = unsyncedSummary(ops, blobs, Date.now(), requests)
  app.held = { ops, blobs, requests }
}

/**
 * Record a local edit as an op, then sync soon. Returns the outbox record.
 * @param {string} kind @param {string} inspectionId @param {Record<string, any>} body
 * @param {Record<string, any>} [extra] kept on the record, not sent (see enqueue)
 */
async function edit(kind, inspectionId, body, extra) {
  const record = await enqueue(app.db, kind, inspectionId, body, { extra })
  await refreshSummary()
  app.channel?.postMessage({ type: 'changed' })
  clearTimeout(app.debounce)
  app.debounce = setTimeout(() => sync(), EDIT_DEBOUNCE_MS)
  if (!navigator.onLine) requestBackgroundSync() // the browser syncs when the signal returns, app open or not
  return record
}

/** Run a sync now (after one running in another tab), then show the result. @param {{ifAvailable?: boolean}} [options] */
async function sync(options = {}) {
  if (!app.meta.token) return
  if (app.syncing) {
    app.again = true // asked while running: run once more after, to see what changed since
    return
  }
  app.syncing = true
  app.again = false
  const run = ++app.started
  clearTimeout(app.debounce)
  try {
    const result = await runSync(app.db, (status) => {
      app.status = { ...status, at: Date.now() }
      renderStatus()
    }, options)
    if (result.phase !== 'busy') {
      await reloadMeta()
      await refreshSummary()
      app.status = { ...result, at: Date.now() }
      // the session ended (revoked, expired): the login, at the same address, which opens again after it
      if (result.phase === 'signed_out') app.page = { kind: 'login' }
      app.channel?.postMessage({ type: 'changed' })
      await reloadPage()
    }
  } finally {
    app.syncing = false
    app.finished = run
    render()
  }
  if (app.again) sync()
}

/** Reload the open page's data from the database (after a sync or another tab's edit). */
async function reloadPage() {
  if (app.page?.kind === 'inspection') await openEditor(app, app.page.id, -1)
}

function route() {
  const hash = location.hash || '#/'
  if (!app.meta.token) return { name: 'login' }
  if (hash.startsWith('#/login')) return { name: 'login' }
  const match = /^#\/i\/([0-9a-f-]{36})(?:\/s\/(\d+))?/.exec(hash)
  if (match) return { name: 'inspection', id: match[1], section: Number(match[2] || -1) }
  const older = /^#\/older(?:\/([0-9a-f-]{36}))?/.exec(hash)
  if (older) return { name: 'older', id: older[1] }
  if (/^#\/unsent\b/.test(hash)) return { name: 'unsent' }
  const site = /^#\/site\/([0-9A-Za-z_-]{1,64})/.exec(hash) // a site's QR label: new inspection there
  if (site) return { name: 'home', site: site[1] }
  if (isDesk(app)) {
    const desk = /^#\/d\/([0-9a-f-]{36})/.exec(hash)
    if (desk) return { name: 'desk', id: desk[1] }
    const finding = /^#\/f\/([0-9a-f-]{36})/.exec(hash)
    if (finding) return { name: 'desk_finding', id: finding[1] }
    if (/^#\/findings\b/.test(hash)) return { name: 'desk_findings' }
    if (/^#\/reports\b/.test(hash)) return { name: 'desk_reports' }
    if (/^#\/conflicts\b/.test(hash)) return { name: 'desk_conflicts' }
    if (/^#\/plans\b/.test(hash)) return { name: 'desk_plans' }
    if (/^#\/templates\b/.test(hash)) return { name: 'desk_templates' }
  }
  return { name: 'home' }
}

/**
 * Open the page the address names. A desk page loads from the server and keeps what was typed
 * in it, so the page already open is kept when the address has not changed (a hash set twice
 * in a row queues two hashchange events that both find the new address); `again` builds it anew
 * (another language, or just logged in: the address that led to the login opens then).
 * @param {{again?: boolean}} [options]
 */
async function openRoute({ again = false } = {}) {
  const key = location.hash || '#/'
  if (!again && app.page?.kind === 'desk' && app.page.key === key) return render()
  const r = route()
  if (r.name === 'inspection') await openEditor(app, /** @type {string} */ (r.id), /** @type {number} */ (r.section))
  else if (r.name === 'desk') app.page = { kind: 'desk', el: renderDeskInspection(app, /** @type {string} */ (r.id)) }
  else if (r.name === 'desk_finding') app.page = { kind: 'desk', el: renderDeskFinding(app, /** @type {string} */ (r.id)) }
  else if (r.name === 'desk_findings') app.page = { kind: 'desk', el: renderDeskFindings(app) }
  else if (r.name === 'desk_reports') app.page = { kind: 'desk', el: renderDeskReports(app) }
  else if (r.name === 'desk_conflicts') app.page = { kind: 'desk', el: renderDeskConflicts(app) }
  else if (r.name === 'desk_plans') app.page = { kind: 'desk', el: renderDeskPlans(app) }
  else if (r.name === 'desk_templates') app.page = { kind: 'desk', el: renderDeskTemplates(app) }
  else if (r.name === 'older') app.page = { kind: 'older', el: renderOlder(app, r.id) }
  else app.page = { kind: r.name, site: r.site }
  if (app.page?.kind === 'desk') app.page.key = key
  render()
  window.scrollTo(0, 0)
}

const onRoute = () => openRoute()

/** Fields typed into since they were built (what they hold may not be recorded yet: see `render`). */
const typedIn = new WeakSet()

/**
 * Render the current page, keeping the focused input focused, with what is typed in it: a number or a
 * text is recorded when the field is left, and a render meanwhile (a sync that ends) builds the field
 * anew from what was recorded, which would drop the digits typed so far under the inspector's thumb.
 */
function render() {
  const active = /** @type {HTMLInputElement|null} */ (document.activeElement)
  const key = active?.dataset?.key
  const typed = key && typeof active?.selectionStart === 'number' ? { value: active.value, start: active.selectionStart, end: active.selectionEnd } : null
  // supervisors and admins get the desk (kept across renders: it loads from the server itself)
  if (app.page?.kind === 'home' && app.meta.token && isDesk(app)) app.page = { kind: 'desk', el: renderDeskQueue(app), key: location.hash || '#/' }
  const page =
    app.page?.kind === 'desk' || app.page?.kind === 'older' ? app.page.el
      : app.page?.kind === 'inspection' ? renderEditor(app)
      : app.page?.kind === 'unsent' ? renderUnsent(app)
      : app.page?.kind === 'login' || route().name === 'login' ? renderLogin(app)
        : renderHome(app)
  // the desk is used online at a desk: no phone sync strip there (its alerts stay)
  const strip = app.page?.kind === 'desk' ? null : h('div', { id: 'status' }, statusStrip())
  // a desk page is built once: left in place, the field a supervisor types in keeps the focus
  const banners = h('div', { id: 'alerts', 'data-started': app.started, 'data-finished': app.finished }, alerts())
  replaceBefore(app.root, page, strip, banners)
  const again = key ? /** @type {HTMLInputElement|null} */ (app.root.querySelector(`[data-key="${CSS.escape(key)}"]`)) : null
  if (again && typed && again !== active && !again.disabled && typeof again.selectionStart === 'number') {
    // only what was typed: a field merely focused shows what the sync brought
    if (active && typedIn.has(active) && again.value !== typed.value) {
      again.value = typed.value
      again.dispatchEvent(new Event('input')) // its checks (range, failed) for what is typed
    }
    if (again.value === typed.value) again.setSelectionRange(typed.start, typed.end)
  }
  again?.focus()
  const chip = /** @type {HTMLElement|null} */ (app.root.querySelector('.sec.on'))
  const nav = chip?.parentElement
  if (chip && nav) nav.scrollLeft = chip.offsetLeft - (nav.clientWidth - chip.clientWidth) / 2
}

function renderStatus() {
  if (app.page?.kind === 'unsent') return render() // the unsent page shows the upload's progress too
  const strip = document.getElementById('status')
  if (strip) replace(strip, statusStrip())
  const banners = document.getElementById('alerts')
  if (banners) replace(banners, alerts())
}

function statusStrip() {
  const s = app.summary
  const st = app.status
  let phase = ''
  if (st.phase === 'upload' && st.upload_total) phase = `${t('uploading_photos')} ${st.uploaded}/${st.upload_total}`
  else if (st.phase === 'push' || st.phase === 'pull') phase = t('syncing')
  else if (st.phase === 'offline' || !navigator.onLine) phase = t('offline')
  else if (st.phase === 'error') phase = st.problem?.detail || st.problem?.title || 'error'
  else if (app.meta.last_sync) phase = `${t('synced_at')} ${ago(Date.now() - app.meta.last_sync)}`
  const attrs = { 'data-phase': st.phase, 'data-unsynced': s.count, 'data-started': app.started, 'data-finished': app.finished }
  return h(
    'div',
    { class: ['strip', s.count ? 'has-unsynced' : 'clean'], ...attrs },
    h(
      'a',
      { class: ['count-badge', s.count ? 'warn' : 'ok'], 'data-badge': s.count, href: '#/unsent' },
      s.count ? badgeText(appUnsent(app)) || `${s.count} ${t('unsynced')}` : t('all_synced'),
      s.count && s.oldest_age_ms !== null ? ` · ${t('oldest')} ${ago(s.oldest_age_ms)}` : '',
    ),
    h('span', { class: 'phase', 'aria-live': 'polite' }, phase),
    app.offline_ready && h('span', { class: 'ready', title: t('offline_ready'), 'data-offline-ready': 'true' }, '⬤'),
    app.meta.token &&
      h('button', { type: 'button', class: 'btn small sync-btn', 'data-action': 'sync', disabled: app.syncing, onclick: () => sync() },
        app.syncing ? t('syncing') : t('sync')),
  )
}

/** Warnings under the strip: unsynced data older than a day, a new version ready. */
function alerts() {
  const s = app.summary
  const stale = s.stale
  return [
    stale && h('div', { class: 'banner bad', 'data-banner': 'stale' }, t('stale_warning'), ' ',
      h('button', { type: 'button', class: 'btn small', onclick: () => downloadUnsynced(app.db) }, t('export'))),
    app.waiting && h('div', { class: 'banner' }, t('update_ready'), ' ',
      h('button', { type: 'button', class: 'btn small', onclick: () => app.waiting?.postMessage({ type: 'skip_waiting' }) }, t('update_now'))),
  ]
}

async function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return
  try {
    const registration = await navigator.serviceWorker.register('./sw.js', { scope: './' })
    const watch = (/** @type {ServiceWorker|null} */ worker) => {
      if (!worker) return
      worker.addEventListener('statechange', () => {
        if (worker.state === 'installed' && navigator.serviceWorker.controller) {
          app.waiting = worker
          render()
        }
      })
    }
    if (registration.waiting && navigator.serviceWorker.controller) app.waiting = registration.waiting
    registration.addEventListener('updatefound', () => watch(registration.installing))
    await navigator.serviceWorker.ready
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }))
    }
    app.offline_ready = true
    document.documentElement.dataset.offlineReady = 'true'
    renderStatus()
    let reloading = false
    navigator.serviceWorker.addEventListener('controllerchange', () => {
      if (app.waiting && !reloading) {
        reloading = true
        location.reload() // the outbox and drafts live in IndexedDB: nothing is lost
      }
    })
    navigator.serviceWorker.addEventListener('message', (event) => {
      if (event.data?.type === 'sync-now') sync()
      else if (event.data?.type === 'sync-status') {
        app.status = { ...event.data.status, at: Date.now() }
        renderStatus()
      }
    })
  } catch {
    // no service worker (private mode, old browser): the app still works while online
  }
}

/** Switch between Chinese and English; persisted. */
async function toggleLang() {
  const next = getLang() === 'zh' ? 'en' : 'zh'
  await setMeta(app.db, { lang: next })
  setLang(next)
  if (app.page?.kind === 'desk') await openRoute({ again: true }) // desk pages are built once: build this one again
  else render()
}

/** Start the app in `root`. @param {HTMLElement} root */
export async function start(root) {
  app.root = root
  applyLook()
  watchSystemScheme()
  app.db = await openDatabase({ onBlocking: () => app.db.close() })
  await reloadMeta()
  await refreshSummary()
  window.addEventListener('hashchange', onRoute)
  root.addEventListener('input', (event) => { if (event.target) typedIn.add(event.target) }, true)
  await onRoute()
  registerServiceWorker()
  navigator.storage?.persist?.().catch(() => {})
  window.addEventListener('online', () => sync())
  window.addEventListener('offline', () => renderStatus())
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') sync()
    else if (app.summary.count) requestBackgroundSync() // leaving with unsynced data: let the browser finish
  })
  setInterval(() => {
    if (document.visibilityState === 'visible') sync({ ifAvailable: true })
  }, SYNC_EVERY_MS)
  app.channel?.addEventListener('message', async (event) => {
    if (event.data?.type !== 'changed') return
    await reloadMeta()
    await refreshSummary()
    if (app.page?.kind === 'inspection' && !app.page.busy) await reloadPage()
    render()
  })
  document.documentElement.dataset.ready = 'true'
  sync()
}

export { edit, enqueue }

const root = typeof document !== 'undefined' ? document.getElementById('app') : null
if (root) start(root)
