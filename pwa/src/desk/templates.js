// @ts-check
// The desk's checklist page (#/templates, admins): the published checklists and their versions
// (GET /api/checklists), each version opened in the editor (its template read back from the
// version's schema) or downloaded as a spreadsheet (…/template.xlsx); a new checklist from
// nothing; a spreadsheet uploaded (POST /api/checklists/import?dry_run=true: its errors listed
// by sheet, row and column, or its template opened in the editor to check and publish).
import { json, send } from '../lib/api.js'
import { h, replace } from '../lib/dom.js'
import { L, t } from '../i18n/index.js'
import { deskBar, problemBanner } from './shell.js'
import { blankTemplate } from './template_ops.js'
import { templateFromSchema } from './template_schema.js'
import { templateEditor } from './template_editor.js'
import { errorText, placeText } from './template_checks.js'

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

/** A version's template, read back from its published schema. @param {any} app @param {string} id @param {number} version */
async function loadTemplate(app, id, version) {
  const schema = await json(`/api/checklists/${encodeURIComponent(id)}/versions/${version}/schema`, { token: app.meta.token })
  return templateFromSchema(schema)
}

/** Save a version's spreadsheet. @param {any} app @param {string} id @param {number} version */
async function download(app, id, version) {
  const response = await send(`/api/checklists/${encodeURIComponent(id)}/versions/${version}/template.xlsx`, { token: app.meta.token })
  const url = URL.createObjectURL(await response.blob())
  const a = h('a', { href: url, download: `${id}-v${version}.xlsx` })
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10000)
}

/**
 * The template being edited and the version it differs from, kept for the page's lifetime: the
 * page is built again when the language changes, and the edits stay.
 * @type {{template: any, base: any|null}}
 */
const session = { template: null, base: null }

/** @param {any} app */
export function renderDeskTemplates(app) {
  const page = h('div', { class: 'page desk te-page', 'data-desk': 'templates' })
  if (app.meta.user?.role !== 'admin') {
    replace(page, deskBar(app, t('te_title')), h('p', { class: 'card muted', 'data-denied': 'true' }, t('te_admins_only')))
    return page
  }
  const listBox = h('section', { class: 'card te-list' }, h('p', { class: 'muted' }, '…'))
  const uploadNote = h('div', { 'aria-live': 'polite', 'data-upload-note': '' })
  const editorBox = h('div', { class: 'te-editor-box' })
  /** @type {any[]} */
  let checklists = []

  /** @param {any} template @param {any|null} base */
  const open = (template, base) => {
    Object.assign(session, { template, base })
    page.dataset.editing = template.checklist_id || 'new'
    replace(editorBox, h('h2', null, `${t('te_editing')}: ${L(template.title) || t('te_new')}`),
      templateEditor({
        app, template, base,
        checklists: () => checklists,
        onPublished: (_, published) => {
          session.base = published
          load()
        },
        onClose: () => {
          replace(editorBox)
          delete page.dataset.editing
          Object.assign(session, { template: null, base: null })
        },
      }))
    editorBox.scrollIntoView({ block: 'start' })
  }
  /** The latest published version of a checklist, or null. @param {string} id */
  const latestOf = async (id) => {
    const known = checklists.find((c) => c.id === id)
    return known ? loadTemplate(app, id, known.latest_version) : null
  }
  /** @param {string} id @param {number} version */
  const startFrom = async (id, version) => {
    try {
      const [template, base] = await Promise.all([loadTemplate(app, id, version), latestOf(id)])
      open(template, base)
    } catch (e) {
      replace(uploadNote, problemBanner(e))
    }
  }
  const upload = async (/** @type {File} */ file) => {
    replace(uploadNote, h('p', { class: 'muted' }, t('te_upload_checking')))
    try {
      const answer = await json('/api/checklists/import?dry_run=true', { method: 'POST', token: app.meta.token, body: file, headers: { 'Content-Type': XLSX } })
      if (answer.errors?.length) {
        replace(uploadNote, h('div', { class: 'banner bad', 'data-upload-errors': answer.errors.length },
          h('strong', null, t('te_upload_errors', { n: answer.errors.length })),
          h('ul', null, answer.errors.map((/** @type {any} */ e) => h('li', null, [placeText(e), errorText(e)].filter(Boolean).join('：'))))))
        return
      }
      replace(uploadNote, h('p', { class: 'banner ok', 'data-upload-loaded': 'true' }, t('te_upload_loaded')))
      open(answer.template, await latestOf(answer.template.checklist_id))
    } catch (e) {
      replace(uploadNote, problemBanner(e))
    }
  }
  const load = async () => {
    delete page.dataset.loaded
    try {
      checklists = await json('/api/checklists', { token: app.meta.token })
      replace(listBox, listView(checklists, {
        edit: startFrom,
        download: (id, version) => download(app, id, version).catch((e) => replace(uploadNote, problemBanner(e))),
      }))
      page.dataset.loaded = String(checklists.length)
      if (session.template && !page.dataset.editing) open(session.template, session.base)
    } catch (e) {
      replace(listBox, problemBanner(e))
      page.dataset.loaded = 'error'
    }
  }
  const file = /** @type {HTMLInputElement} */ (h('input', { type: 'file', accept: `.xlsx,${XLSX}`, 'data-upload': 'xlsx', class: 'file',
    onchange: () => file.files?.[0] && upload(file.files[0]) }))
  replace(page,
    deskBar(app, t('te_title')),
    h('div', { class: 'card desk-filters' },
      h('button', { type: 'button', class: 'btn primary', 'data-action': 'new-checklist', onclick: () => open(blankTemplate(), null) }, t('te_new')),
      h('label', null, t('te_upload'), file)),
    uploadNote,
    listBox,
    editorBox)
  load()
  return page
}

/**
 * The checklists, each version with its edit and download buttons. @param {any[]} checklists
 * @param {{edit: (id: string, version: number) => void, download: (id: string, version: number) => void}} act
 */
function listView(checklists, act) {
  return [
    h('h3', null, t('te_checklists')),
    h('div', { class: 'desk-table-wrap' }, h('table', { class: 'desk-table te-table' },
      h('thead', null, h('tr', null, h('th', null, t('desk_checklist')), h('th', null, t('te_checklist_id')), h('th', null, t('te_versions')))),
      h('tbody', null, checklists.map((c) => h('tr', { 'data-checklist': c.id, 'data-latest': c.latest_version },
        h('td', null, L(c.title)),
        h('td', null, h('code', null, c.id)),
        h('td', { class: 'wrap' }, [...c.versions].reverse().map((/** @type {number} */ v) => h('span', { class: 'te-version', 'data-version': v },
          `v${v} `,
          h('button', { type: 'button', class: 'btn small', 'data-action': 'edit-version', onclick: () => act.edit(c.id, v) }, t('te_start_from')),
          h('button', { type: 'button', class: 'btn small', 'data-action': 'download', onclick: () => act.download(c.id, v) }, t('te_download')))))))))),
  ]
}
