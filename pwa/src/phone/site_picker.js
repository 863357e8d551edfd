// @ts-check
// “新建巡检”'s picker: find the site by typing (name, address or pinyin initials; recent sites
// first) or by scanning its QR label, then choose the checklist and start.
import { h, replace } from '../lib/dom.js'
import { L, t } from '../i18n/index.js'
import { findSites, siteFromCode } from '../model/sites.js'
import { scanCode } from './scan.js'

const SHOWN = 8

/**
 * Open the picker in `picker`, with a site already chosen when given (a scanned label, a link).
 * @param {any} app @param {HTMLElement} picker @param {(checklistId: string, siteId: string) => Promise<string>} start
 * @param {string} [siteId]
 */
export function openPicker(app, picker, start, siteId) {
  const sites = app.meta.sites || []
  const checklists = app.meta.checklists || []
  /** @type {any} */
  let chosen = sites.find((/** @type {any} */ s) => s.id === siteId) || null
  const search = /** @type {HTMLInputElement} */ (h('input', {
    type: 'search', class: 'text', name: 'site-search', 'data-key': 'site-search', autocomplete: 'off', enterkeyhint: 'search',
    placeholder: t('find_site'), 'aria-label': t('find_site'),
  }))
  const options = h('ul', { class: 'site-options', 'data-site-options': '' })
  const siteBox = h('div', { class: 'site-box' })
  const list = /** @type {HTMLSelectElement} */ (h('select', { class: 'text', name: 'checklist' }))
  const error = h('p', { class: 'num-note bad', 'aria-live': 'polite' })
  const showOptions = () => {
    const found = findSites(sites, search.value, app.meta.recent_sites || [])
    const recent = new Set(app.meta.recent_sites || [])
    replace(options, found.length
      ? found.slice(0, SHOWN).map((s) => h('li', null, h('button', {
        type: 'button', class: 'site-option', 'data-site-option': s.id, onclick: () => choose(s),
      }, h('strong', null, s.name), recent.has(s.id) ? h('span', { class: 'badge recent' }, t('recent_sites')) : null,
      h('br'), h('span', { class: 'muted' }, s.address))))
      : h('li', { class: 'muted', 'data-site-none': 'true' }, t('no_site_found')))
  }
  const fill = () => {
    const fits = checklists.filter((/** @type {any} */ c) => !c.site_types?.length || !chosen || c.site_types.includes(chosen.site_type))
    replace(list, fits.map((/** @type {any} */ c) => h('option', { value: c.id }, L(c.title))))
  }
  const draw = () => {
    error.textContent = ''
    replace(siteBox, chosen
      ? h('div', { class: 'site-chosen', 'data-site-chosen': chosen.id },
        h('div', null, h('span', { class: 'muted' }, t('site_chosen')), h('br'), h('strong', null, chosen.name), h('br'), h('span', { class: 'muted' }, chosen.address)),
        h('button', { type: 'button', class: 'btn small', 'data-action': 'change-site', onclick: () => choose(null) }, t('change_site')))
      : [h('div', { class: 'site-find' }, search,
        h('button', { type: 'button', class: 'btn', 'data-action': 'scan-site', onclick: scan }, t('scan_qr'))), options])
    fill()
    if (!chosen) showOptions()
  }
  /** @param {any} site */
  const choose = (site) => {
    chosen = site
    draw()
    if (!site) search.focus()
  }
  const scan = async () => {
    const text = await scanCode()
    if (text === null) return
    const id = siteFromCode(text)
    const site = sites.find((/** @type {any} */ s) => s.id === id)
    if (site) choose(site)
    else error.textContent = t('scan_unknown')
  }
  search.addEventListener('input', showOptions)
  const begin = async () => {
    if (!list.value || !chosen) return
    error.textContent = await start(list.value, chosen.id)
  }
  replace(picker,
    h('div', { class: 'picker-label' }, t('choose_site')),
    siteBox,
    h('label', null, t('choose_checklist'), list),
    checklists.length ? null : h('p', { class: 'muted' }, t('no_checklists')),
    error,
    h('div', { class: 'sheet-actions' },
      h('button', { type: 'button', class: 'btn', onclick: () => (picker.hidden = true) }, t('cancel')),
      h('button', { type: 'button', class: 'btn primary', 'data-action': 'start', onclick: begin }, t('start'))),
  )
  draw()
  picker.hidden = false
}
