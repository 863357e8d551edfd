// @ts-check
// The template editor's live preview: the template being edited, read by the phone's own form
// model (model/form.js formModel over the schema it would publish) and drawn by the phone's own
// renderer (form/form.js renderForm) in a 360 px wide frame — an iframe, so the app's stylesheet
// and its media queries see a phone's width. Answers typed into the preview stay in it: the
// preview is a form to try, never an inspection.
import { h, replace } from '../lib/dom.js'
import { formModel, missingPointers } from '../model/form.js'
import { renderForm } from '../form/form.js'
import { t } from '../i18n/index.js'
import { schemaFromTemplate } from './template_schema.js'

export const PREVIEW_WIDTH = 360

/** Set an answer at a path ("item" or "group/entry/child"). @param {Record<string, any>} answers @param {string} path @param {any} value */
export function setAnswer(answers, path, value) {
  const [a, b, c] = path.split('/')
  if (b === undefined) {
    if (value === null) delete answers[a]
    else answers[a] = value
    return answers
  }
  const entry = ((answers[a] ||= {})[b] ||= {})
  if (value === null) delete entry[c]
  else entry[c] = value
  return answers
}

/** The preview: an iframe and a function drawing a template into it. */
export function templatePreview() {
  const frame = /** @type {HTMLIFrameElement} */ (h('iframe', {
    class: 'te-preview', title: t('te_preview'), width: PREVIEW_WIDTH, height: 640,
    style: { width: `${PREVIEW_WIDTH}px`, height: '640px' },
  }))
  /** @type {Record<string, any>} */
  const answers = {}
  const state = { section: 0, missing: /** @type {string[]|null} */ (null), template: /** @type {any} */ (null) }

  /** The frame's document, set up once with the app's stylesheets. */
  const body = () => {
    const doc = frame.contentDocument
    if (!doc) return null
    if (!doc.body.dataset.preview) {
      for (const sheet of document.querySelectorAll('link[rel=stylesheet], style')) {
        const copy = /** @type {HTMLElement} */ (sheet.cloneNode(true))
        if (sheet instanceof HTMLLinkElement) copy.setAttribute('href', sheet.href)
        doc.head.append(copy)
      }
      doc.documentElement.lang = document.documentElement.lang
      doc.body.dataset.preview = 'true'
    }
    return doc.body
  }

  const draw = () => {
    if (!frame.isConnected) return void requestAnimationFrame(draw)
    const target = body()
    if (!target || !state.template) return
    let model
    try {
      model = formModel(schemaFromTemplate(state.template))
    } catch {
      model = null
    }
    const filled = model && model.sections.some((s) => s.items.length > 0)
    if (!model || !filled) {
      replace(target, h('p', { class: 'muted', 'data-preview': 'empty', style: { padding: '1rem' } }, t('te_preview_empty')))
      return
    }
    const ctx = /** @type {import('../form/form.js').FormContext} */ ({
      model,
      view: { id: 'preview', status: 'draft', answers, pending_paths: [] },
      site: { name: t('te_preview') },
      section: state.section,
      conflicts: {},
      comments: {},
      rejected: [],
      evidence: {},
      stale: new Set(),
      missing: state.missing,
      syncState: 'preview',
      readOnly: false,
      go: (/** @type {number} */ n) => ((state.section = n), draw()),
      back: () => {},
      submit: () => ((state.missing = missingPointers(model, answers)), draw()),
      discard: () => {},
      focusPointer: () => {},
      actions: {
        set: (/** @type {string} */ path, /** @type {any} */ value) => (setAnswer(answers, path, value), (state.missing = null), draw()),
        attach: () => {},
        detach: () => {},
        addEntry: (/** @type {string} */ group) => (setAnswer(answers, `${group}/${crypto.randomUUID()}/_`, null), draw()),
        removeEntry: (/** @type {string} */ group, /** @type {string} */ entry) => (delete answers[group]?.[entry], draw()),
        openSignature: () => {},
        thumb: () => {},
      },
    })
    replace(target, renderForm(ctx))
  }

  // the app re-attaches a desk page on each full render (after a sync), and a re-attached
  // iframe starts a fresh empty document: draw into it again
  frame.addEventListener('load', () => draw())

  /** Draw this template (after an edit). @param {any} template */
  const show = (template) => {
    state.template = template
    draw()
  }
  return { el: h('div', { class: 'te-preview-box' }, h('h3', null, t('te_preview')), frame), show }
}
