// @ts-check
// The desk-wide conflicts page (#/conflicts): the conflict queue in scope (GET /api/conflicts)
// by status, site, checklist and kind, oldest first, a page at a time ("更多 / More" follows the
// Link header: paged.js), each conflict linking to its inspection and resolved in place by choosing a
// candidate or entering a value, with a note.
import { loadDirectory } from './directory.js'
import { h } from '../lib/dom.js'
import { formModel } from '../model/form.js'
import { L, t } from '../i18n/index.js'
import { loadSchema, schemaUrl } from '../sync/schemas.js'
import { conflictCard, itemAt, kindText } from './conflict.js'
import { pagedList } from './paged.js'
import { deskBar } from './shell.js'

const KINDS = ['hard', 'locked', 'edit_vs_delete', 'signature_stale', 'soft']
const CONFLICTS_PAGE = 50 // a card each, with its candidates side by side

/** Filters kept for the page's lifetime. */
const filters = { status: 'open', site_id: '', checklist_id: '', kind: '' }

/** The conflicts page; its list loads after it is shown and reloads after each resolution. @param {any} app */
export function renderDeskConflicts(app) {
  const list = h('div', { class: 'desk-conflict-list', 'data-conflicts': 'loading' })
  const note = h('p', { class: 'muted', 'aria-live': 'polite' }, '…')
  const sites = app.meta.sites || []
  const checklists = app.meta.checklists || []
  /** Checklist models by "id@version", loaded once per page. @type {Map<string, Promise<any>>} */
  const models = new Map()
  /** @param {any} c */
  const modelOf = (c) => {
    const key = `${c.checklist_id}@${c.version}`
    if (!models.has(key)) {
      models.set(key, loadSchema(schemaUrl(c.checklist_id, c.version), app.meta.token).then(formModel).catch(() => null))
    }
    return models.get(key)
  }
  const { more, first } = pagedList(app, {
    list,
    note,
    empty: t('desk_no_conflicts'),
    build: async (conflicts) => {
      const found = await Promise.all(conflicts.map(modelOf))
      return conflicts.map((/** @type {any} */ c, /** @type {number} */ i) => {
        const item = found[i] ? itemAt(found[i], c.path) : undefined
        return conflictCard(app, c, item, load, { context: context(app, c) })
      })
    },
  })
  const load = async () => {
    list.dataset.conflicts = 'loading'
    note.textContent = '…'
    const params = new URLSearchParams({ limit: String(CONFLICTS_PAGE) })
    for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value)
    if (await first(`/api/conflicts?${params}`, loadDirectory(app))) list.dataset.conflicts = 'loaded'
  }
  /** @param {keyof typeof filters} key @param {string} label @param {{value: string, label: string}[]} options @param {boolean} [all] */
  const select = (key, label, options, all = true) => {
    const control = /** @type {HTMLSelectElement} */ (h('select', { class: 'text', name: key },
      all ? h('option', { value: '' }, t('desk_all')) : null,
      options.map((o) => h('option', { value: o.value, selected: o.value === filters[key] }, o.label))))
    control.addEventListener('change', () => {
      filters[key] = control.value
      load()
    })
    return h('label', null, label, control)
  }
  const bar = h('div', { class: 'card desk-filters' },
    select('status', t('desk_status'), [
      { value: 'open', label: t('desk_status_open') },
      { value: 'resolved', label: t('desk_status_resolved') },
    ], false),
    select('site_id', t('desk_site'), sites.map((/** @type {any} */ s) => ({ value: s.id, label: s.name }))),
    select('checklist_id', t('desk_checklist'), checklists.map((/** @type {any} */ c) => ({ value: c.id, label: L(c.title) || c.id }))),
    select('kind', t('desk_kind'), KINDS.map((k) => ({ value: k, label: kindText(k) }))),
    h('button', { type: 'button', class: 'btn small', 'data-action': 'reload', onclick: load }, t('desk_refresh')))
  load()
  return h('div', { class: 'page desk', 'data-desk': 'conflicts' },
    deskBar(app, t('desk_conflicts_page'), h('a', { class: 'btn small', href: '#/' }, `‹ ${t('desk_queue')}`)),
    bar,
    h('div', { class: 'card' }, note, list, more))
}

/** Where a conflict is: site and checklist, linking to its inspection. @param {any} app @param {any} c */
function context(app, c) {
  const site = (app.meta.sites || []).find((/** @type {any} */ s) => s.id === c.site_id)
  const checklist = (app.meta.checklists || []).find((/** @type {any} */ x) => x.id === c.checklist_id)
  return h('div', { class: 'desk-conflict-where' },
    h('a', { href: `#/d/${c.inspection_id}`, 'data-open-inspection': c.inspection_id },
      `${site ? site.name : c.site_id} · ${checklist ? L(checklist.title) : c.checklist_id} v${c.version}`),
    h('span', { class: 'muted' }, ` · ${t('desk_open_inspection')} ›`))
}
