// @ts-check
// The template editor itself: the checklist's own fields, its sections and items
// (template_items.js) on the left; on the right the live preview at 360 px (template_preview.js),
// the server's checks as the admin types (template_checks.js), the difference from the published
// version (template_diff.js), and publishing the next version after a confirmation.
import { json } from '../lib/api.js'
import { h, replace } from '../lib/dom.js'
import { L, t } from '../i18n/index.js'
import { problemBanner } from './shell.js'
import { addSection, cleanTemplate, nextVersion } from './template_ops.js'
import { checkField, numberField, textField } from './template_fields.js'
import { sectionsView } from './template_items.js'
import { templatePreview } from './template_preview.js'
import { checker, errorsFromProblem, listErrors, markErrors } from './template_checks.js'
import { diffTemplates, diffView } from './template_diff.js'

/**
 * @typedef {{app: any, template: any, base: any|null, checklists: () => any[], onPublished: (published: any, base: any) => void,
 *   onClose: () => void}} EditorOptions
 */

/** The checklist's own fields. @param {import('./template_fields.js').EditorContext} ed */
function metaFields(ed) {
  const tpl = ed.template
  const siteTypes = h('input', {
    type: 'text', class: 'text', value: (tpl.site_types || []).join(', '), 'data-path': 'site_types', 'data-key': 'te:site_types',
    oninput: (/** @type {Event} */ e) => {
      tpl.site_types = /** @type {HTMLInputElement} */ (e.target).value.split(/[,，\s]+/).filter(Boolean)
      ed.changed(false)
    },
  })
  return h('section', { class: 'card te-meta', 'data-path': '' },
    h('div', { class: 'te-grid' },
      textField(ed, tpl, 'checklist_id', '', 'te_checklist_id'),
      textField(ed, tpl, 'title.zh', '', 'te_title_zh'),
      textField(ed, tpl, 'title.en', '', 'te_title_en'),
      textField(ed, tpl, 'description.zh', '', 'te_description_zh', { multiline: true }),
      textField(ed, tpl, 'description.en', '', 'te_description_en', { multiline: true }),
      textField(ed, tpl.sources[0], 'title', 'sources/0', 'te_source'),
      numberField(ed, tpl, 'scoring.pass_mark', '', 'te_pass_mark'),
      checkField(ed, tpl, 'scoring.critical_fails_inspection', '', 'te_critical_fails'),
      h('label', { class: 'te-field' }, h('span', { class: 'te-label' }, t('te_site_types')), siteTypes)))
}

/** The template as it would be published: cleaned, with the next version number. @param {any} template @param {any[]} checklists */
export function toPublish(template, checklists) {
  return { ...cleanTemplate(template), version: nextVersion(checklists, template.checklist_id) }
}

/** The editor of one template. @param {EditorOptions} options */
export function templateEditor(options) {
  const { app } = options
  const editor = h('div', { class: 'te-editor', 'data-editor': 'template' })
  const checksBox = h('div', { class: 'te-checks', 'aria-live': 'polite' }, h('p', { class: 'muted' }, t('te_checking')))
  const diffBox = h('div', { class: 'te-diff' })
  const publishNote = h('div', { 'aria-live': 'polite', 'data-publish-note': '' })
  const preview = templatePreview()
  /** @type {import('./template_checks.js').CheckError[]} */
  let errors = []
  let serverDiff = /** @type {any} */ (null)

  const showDiff = () => {
    const diff = serverDiff || diffTemplates(options.base, options.template)
    replace(diffBox, diffView(diff, options.template, options.base))
  }
  const checks = checker(app.meta.token, (answer, error) => {
    if (answer) {
      errors = answer.errors || []
      serverDiff = answer.diff || null
      listErrors(checksBox, editor, errors)
      markErrors(editor, errors)
      showDiff()
    } else if (!checks.available) {
      replace(checksBox, h('p', { class: 'muted', 'data-validate': 'unavailable' }, t('te_validate_unavailable')))
    } else replace(checksBox, problemBanner(error))
  })

  /** @type {import('./template_fields.js').EditorContext} */
  const ed = {
    template: options.template,
    drag: null,
    sectionDrag: null,
    changed(structural = false) {
      // a re-draw waits for the focus to settle (a change fires as the focus leaves), then
      // puts it back on the field that has it
      if (structural) setTimeout(draw)
      serverDiff = null
      preview.show(ed.template)
      showDiff()
      checks.soon(() => toPublish(ed.template, options.checklists()))
    },
  }

  const draw = () => {
    const active = /** @type {HTMLElement|null} */ (document.activeElement)
    const key = active && editor.contains(active) ? active.dataset.key : undefined
    replace(editor, metaFields(ed), sectionsView(ed, () => (addSection(ed.template), ed.changed(true))))
    markErrors(editor, errors)
    if (key) /** @type {HTMLElement|null} */ (editor.querySelector(`[data-key="${CSS.escape(key)}"]`))?.focus()
  }

  const dialog = /** @type {HTMLDialogElement} */ (h('dialog', { class: 'te-dialog', 'data-dialog': 'publish' }))
  const ask = () => {
    const body = toPublish(ed.template, options.checklists())
    replace(dialog,
      h('p', { 'data-confirm': `${body.checklist_id}:${body.version}` }, t('te_publish_confirm', { id: `${L(body.title)} (${body.checklist_id})`, version: body.version })),
      h('div', { class: 'row-actions' },
        h('button', { type: 'button', class: 'btn primary', 'data-action': 'confirm-publish', onclick: () => publish(body) }, t('te_publish_yes')),
        h('button', { type: 'button', class: 'btn', 'data-action': 'cancel-publish', onclick: () => dialog.close() }, t('cancel'))))
    dialog.showModal()
  }
  const publish = async (/** @type {any} */ body) => {
    dialog.close()
    replace(publishNote)
    try {
      const published = await json('/api/checklists', { method: 'POST', token: app.meta.token, body })
      replace(publishNote, h('p', { class: 'banner ok', 'data-published': `${published.checklist_id}:${published.version}` },
        t('te_published', { id: published.checklist_id, version: published.version })))
      options.base = structuredClone(body) // what is published now is what the next edits differ from
      serverDiff = null
      showDiff()
      options.onPublished(published, options.base)
      checks.soon(() => toPublish(ed.template, options.checklists()))
    } catch (error) {
      const refused = errorsFromProblem(/** @type {any} */ (error).problem)
      replace(publishNote, problemBanner(error))
      if (/** @type {any} */ (error).problem) {
        errors = refused
        listErrors(checksBox, editor, errors)
        markErrors(editor, errors)
      }
    }
  }

  draw()
  preview.show(ed.template)
  showDiff()
  checks.soon(() => toPublish(ed.template, options.checklists()))
  return h('div', { class: 'te-layout' },
    h('div', { class: 'te-main' }, editor),
    h('aside', { class: 'te-side' },
      preview.el,
      h('section', { class: 'card' }, h('h3', null, t('te_checks')), checksBox),
      h('section', { class: 'card' }, h('h3', null, t('te_diff')), diffBox),
      h('div', { class: 'row-actions' },
        h('button', { type: 'button', class: 'btn primary', 'data-action': 'publish', onclick: ask }, t('te_publish')),
        h('button', { type: 'button', class: 'btn', 'data-action': 'close-editor', onclick: options.onClose }, t('te_close'))),
      publishNote,
      dialog))
}
