// @ts-check
// The template editor's inputs: a text, number, check box or select bound to one field of the
// template (by its dotted name), each marked with the JSON path the server's checks name
// ("sections/0/items/3/acceptable/min", data-path), so an error lands at its field.
import { h } from '../lib/dom.js'
import { t } from '../i18n/index.js'
import { getField, numberOf, setField } from './template_ops.js'

/**
 * @typedef {{
 *   template: any,
 *   changed: (structural?: boolean) => void,
 *   drag: {section: number, index: number}|null,
 *   sectionDrag: number|null,
 * }} EditorContext
 */

/** A field's JSON path under a base ("sections/0/items/1" + "acceptable.min"). @param {string} base @param {string} field */
export function pathOf(base, field) {
  return [base, field.replace(/\./g, '/')].filter(Boolean).join('/')
}

/** @param {string} key @param {HTMLElement} input @param {string} [cls] */
function labelled(key, input, cls) {
  return h('label', { class: ['te-field', cls] }, h('span', { class: 'te-label' }, t(/** @type {any} */ (key))), input)
}

/**
 * A text input for a field; `structural` re-renders the editor once the edit is done.
 * @param {EditorContext} ed @param {any} object @param {string} field @param {string} base @param {string} key
 * @param {{structural?: boolean, multiline?: boolean, cls?: string, commit?: (before: string, after: string) => void}} [options]
 * `commit` follows a finished edit (the value when the field was entered, and now)
 */
export function textField(ed, object, field, base, key, options = {}) {
  const path = pathOf(base, field)
  const value = getField(object, field)
  let before = value ?? ''
  const input = h(options.multiline ? 'textarea' : 'input', {
    ...(options.multiline ? { rows: 2 } : { type: 'text' }),
    class: 'text',
    value: value ?? '',
    'data-path': path,
    'data-key': `te:${path}`,
    onfocus: () => {
      before = getField(object, field) ?? ''
    },
    oninput: (/** @type {Event} */ e) => {
      setField(object, field, /** @type {HTMLInputElement} */ (e.target).value)
      ed.changed(false)
    },
    onchange: () => {
      const after = getField(object, field) ?? ''
      if (options.commit && after !== before) options.commit(before, after)
      before = after
      if (options.structural || options.commit) ed.changed(true)
    },
  })
  return labelled(key, input, options.cls)
}

/**
 * A number input: empty is null; what is not a number is kept as typed, for the checks to name.
 * @param {EditorContext} ed @param {any} object @param {string} field @param {string} base @param {string} key
 */
export function numberField(ed, object, field, base, key) {
  const path = pathOf(base, field)
  const value = getField(object, field)
  const input = h('input', {
    type: 'text',
    inputmode: 'decimal',
    class: 'text num-field',
    value: value ?? '',
    'data-path': path,
    'data-key': `te:${path}`,
    oninput: (/** @type {Event} */ e) => {
      const text = /** @type {HTMLInputElement} */ (e.target).value
      const n = numberOf(text)
      setField(object, field, Number.isNaN(n) ? text : n)
      ed.changed(false)
    },
  })
  return labelled(key, input, 'te-num')
}

/**
 * A check box for a boolean field. @param {EditorContext} ed @param {any} object @param {string} field
 * @param {string} base @param {string} key @param {{structural?: boolean}} [options]
 */
export function checkField(ed, object, field, base, key, options = {}) {
  const path = pathOf(base, field)
  return h('label', { class: 'te-check' },
    h('input', {
      type: 'checkbox',
      checked: !!getField(object, field),
      'data-path': path,
      'data-key': `te:${path}`,
      onchange: (/** @type {Event} */ e) => {
        setField(object, field, /** @type {HTMLInputElement} */ (e.target).checked)
        ed.changed(!!options.structural)
      },
    }),
    ' ', t(/** @type {any} */ (key)))
}

/**
 * A select for a field; a change re-renders the editor. @param {EditorContext} ed @param {any} object
 * @param {string} field @param {string} base @param {string} key @param {{value: string, text: string}[]} choices
 * @param {(value: string) => void} [apply] what a choice does, instead of setting the field
 */
export function selectField(ed, object, field, base, key, choices, apply) {
  const path = pathOf(base, field)
  const current = getField(object, field) ?? ''
  const select = h('select', {
    class: 'text',
    'data-path': path,
    'data-key': `te:${path}`,
    onchange: (/** @type {Event} */ e) => {
      const value = /** @type {HTMLSelectElement} */ (e.target).value
      if (apply) apply(value)
      else setField(object, field, value)
      ed.changed(true)
    },
  }, choices.map((c) => h('option', { value: c.value, selected: c.value === current }, c.text)))
  return labelled(key, select)
}

/**
 * A range: min and max, each with its exclusive flag. @param {EditorContext} ed @param {any} item
 * @param {'acceptable'|'bounds'} field @param {string} base
 */
export function rangeFields(ed, item, field, base) {
  return h('fieldset', { class: 'te-range', 'data-path': pathOf(base, field) },
    h('legend', null, t(field === 'acceptable' ? 'te_acceptable' : 'te_bounds')),
    numberField(ed, item, `${field}.min`, base, 'te_min'),
    checkField(ed, item, `${field}.min_exclusive`, base, 'te_exclusive'),
    numberField(ed, item, `${field}.max`, base, 'te_max'),
    checkField(ed, item, `${field}.max_exclusive`, base, 'te_exclusive'))
}
