// @ts-check
// The template editor's sections and items, edited in place: each item's fields by its kind
// (labels and help in both languages, clause, severity, weight, limits with exclusive ends,
// choices with the failing ones, a show-if condition, evidence on failure, photo counts);
// items and sections added, removed and reordered by drag and drop (HTML5) or by the up/down
// buttons, which the keyboard reaches.
import { h } from '../lib/dom.js'
import { L, t } from '../i18n/index.js'
import {
  EVIDENCE,
  KINDS,
  SEVERITIES,
  addItem,
  addOption,
  conditionSources,
  conditionValues,
  moveItem,
  moveSection,
  removeItem,
  removeOption,
  removeSection,
  renameItem,
  renameOption,
  sectionConditionSources,
  setFailValue,
  setKind,
} from './template_ops.js'
import { checkField, numberField, rangeFields, selectField, textField } from './template_fields.js'

/** @typedef {import('./template_fields.js').EditorContext} EditorContext */

/** @param {string} kind */
const kindText = (kind) => t(/** @type {any} */ (`kind_${kind}`))

/** Up, down and remove, as buttons. @param {{up: () => void, down: () => void, remove: () => void, first: boolean, last: boolean, what: string}} o */
function orderButtons(o) {
  return h('span', { class: 'te-order' },
    h('button', { type: 'button', class: 'btn small', 'data-action': 'up', disabled: o.first, 'aria-label': `${t('te_move_up')} ${o.what}`, onclick: o.up }, '↑'),
    h('button', { type: 'button', class: 'btn small', 'data-action': 'down', disabled: o.last, 'aria-label': `${t('te_move_down')} ${o.what}`, onclick: o.down }, '↓'),
    h('button', { type: 'button', class: 'btn small danger', 'data-action': 'remove', onclick: o.remove }, t('te_remove_item')))
}

/** The fields of an item's own kind. @param {EditorContext} ed @param {any} item @param {string} base */
function kindFields(ed, item, base) {
  switch (item.kind) {
    case 'pass_fail':
      return [checkField(ed, item, 'allow_na', base, 'te_allow_na')]
    case 'number':
      return [textField(ed, item, 'unit', base, 'te_unit'), numberField(ed, item, 'decimals', base, 'te_decimals'),
        rangeFields(ed, item, 'acceptable', base), rangeFields(ed, item, 'bounds', base)]
    case 'single_choice':
      return [choices(ed, item, base)]
    case 'multi_choice':
      return [choices(ed, item, base), numberField(ed, item, 'min_selected', base, 'te_min_selected'),
        numberField(ed, item, 'max_selected', base, 'te_max_selected')]
    case 'text':
      return [checkField(ed, item, 'multiline', base, 'te_multiline'), numberField(ed, item, 'max_length', base, 'te_max_length')]
    case 'photo':
      return [numberField(ed, item, 'min_count', base, 'te_min_count'), numberField(ed, item, 'max_count', base, 'te_max_count')]
    case 'signature':
      return [textField(ed, item, 'signer.zh', base, 'te_signer_zh'), textField(ed, item, 'signer.en', base, 'te_signer_en')]
    case 'gps':
      return [numberField(ed, item, 'max_accuracy_m', base, 'te_max_accuracy')]
    case 'datetime':
      return [checkField(ed, item, 'date_only', base, 'te_date_only')]
    default:
      return [h('p', { class: 'muted' }, t('te_group_note'))]
  }
}

/** The choices of a choice item: value, labels, fails, remove; add one. @param {EditorContext} ed @param {any} item @param {string} base */
function choices(ed, item, base) {
  return h('fieldset', { class: 'te-choices', 'data-path': `${base}/options` },
    h('legend', null, t('te_choices')),
    item.options.map((/** @type {any} */ option, /** @type {number} */ n) => {
      const at = `${base}/options/${n}`
      return h('div', { class: 'te-choice', 'data-choice': option.value, 'data-path': at },
        textField(ed, option, 'value', at, 'te_choice_value', { commit: (was, now) => renameOption(ed.template, item, was, now) }),
        textField(ed, option, 'label.zh', at, 'te_label_zh'),
        textField(ed, option, 'label.en', at, 'te_label_en'),
        h('label', { class: 'te-check' },
          h('input', { type: 'checkbox', 'data-action': 'fails', checked: (item.fail_values || []).includes(option.value),
            onchange: (/** @type {Event} */ e) => {
              setFailValue(item, option.value, /** @type {HTMLInputElement} */ (e.target).checked)
              ed.changed(false)
            } }), ' ', t('te_fails')),
        h('button', { type: 'button', class: 'btn small', 'data-action': 'remove-choice', onclick: () => (removeOption(item, n), ed.changed(true)) }, '×'))
    }),
    h('button', { type: 'button', class: 'btn small', 'data-action': 'add-choice', onclick: () => (addOption(item), ed.changed(true)) }, t('te_add_choice')))
}

/** Evidence asked for on failure. @param {EditorContext} ed @param {any} item */
function evidenceFields(ed, item) {
  if (!['pass_fail', 'number', 'single_choice', 'multi_choice'].includes(item.kind)) return null
  return h('div', { class: 'te-evidence' }, h('span', { class: 'te-label' }, t('te_evidence')),
    EVIDENCE.map((kind) => h('label', { class: 'te-check' },
      h('input', { type: 'checkbox', 'data-evidence': kind, checked: item.evidence_on_fail.includes(kind), onchange: (/** @type {Event} */ e) => {
        const on = /** @type {HTMLInputElement} */ (e.target).checked
        item.evidence_on_fail = EVIDENCE.filter((k) => (k === kind ? on : item.evidence_on_fail.includes(k)))
        ed.changed(false)
      } }), ' ', kindText(kind))))
}

/**
 * The show-if condition of an item or a section: which earlier item, and which of its answers.
 * @param {EditorContext} ed @param {any} item the item or section @param {string} base @param {any[]} sources
 */
function conditionFields(ed, item, base, sources) {
  if (!sources.length && !item.show_if) return null
  const source = sources.find((s) => s.id === item.show_if?.item)
  const choicesOf = [{ value: '', text: t('te_show_always') }, ...sources.map((s) => ({ value: s.id, text: `${L(s.label) || s.id} (${s.id})` }))]
  const pick = (/** @type {string} */ id) => {
    item.show_if = id ? { item: id, any_of: [] } : null
  }
  return h('div', { class: 'te-condition' },
    selectField(ed, item, 'show_if.item', base, 'te_show_if', choicesOf, pick),
    source && h('span', { class: 'te-any-of', 'data-path': `${base}/show_if/any_of` }, t('te_show_when'), ' ',
      conditionValues(source).map((v) => h('label', { class: 'te-check' },
        h('input', { type: 'checkbox', 'data-value': v.value, checked: item.show_if.any_of.includes(v.value), onchange: (/** @type {Event} */ e) => {
          const on = /** @type {HTMLInputElement} */ (e.target).checked
          item.show_if.any_of = conditionValues(source).map((c) => c.value).filter((c) => (c === v.value ? on : item.show_if.any_of.includes(c)))
          ed.changed(false)
        } }), ' ', v.label ? L(v.label) : t(/** @type {any} */ (v.value))))))
}

/** One item's card. @param {EditorContext} ed @param {any} item @param {number} s @param {number} i @param {number} count */
function itemCard(ed, item, s, i, count) {
  const base = `sections/${s}/items/${i}`
  const kinds = KINDS.includes(item.kind) ? KINDS : [...KINDS, item.kind]
  const head = h('div', { class: 'te-item-head', draggable: 'true' },
      h('span', { class: 'te-handle', title: t('te_drag'), 'aria-hidden': 'true' }, '⠿'),
      h('strong', null, `${i + 1}. ${L(item.label) || item.id}`),
      orderButtons({ what: item.id, first: i === 0, last: i === count - 1,
        up: () => (moveItem(ed.template, { section: s, index: i }, { section: s, index: i - 1 }), ed.changed(true)),
        down: () => (moveItem(ed.template, { section: s, index: i }, { section: s, index: i + 1 }), ed.changed(true)),
        remove: () => (removeItem(ed.template, s, i), ed.changed(true)) }))
  const card = h('div', { class: 'te-item', 'data-path': base, 'data-item': item.id, 'data-kind': item.kind },
    head,
    h('div', { class: 'te-grid' },
      textField(ed, item, 'id', base, 'te_item_id', { commit: (was, now) => renameItem(ed.template, was, now) }),
      selectField(ed, item, 'kind', base, 'te_kind', kinds.map((k) => ({ value: k, text: kindText(k) })), (k) => setKind(item, k)),
      textField(ed, item, 'label.zh', base, 'te_label_zh'),
      textField(ed, item, 'label.en', base, 'te_label_en'),
      textField(ed, item, 'clause', base, 'te_clause'),
      selectField(ed, item, 'severity', base, 'te_severity', SEVERITIES.map((v) => ({ value: v, text: t(/** @type {any} */ (`severity_${v}`)) }))),
      numberField(ed, item, 'weight', base, 'te_weight'),
      checkField(ed, item, 'required', base, 'te_required'),
      textField(ed, item, 'help.zh', base, 'te_help_zh', { multiline: true }),
      textField(ed, item, 'help.en', base, 'te_help_en', { multiline: true })),
    h('div', { class: 'te-kind' }, kindFields(ed, item, base)),
    evidenceFields(ed, item),
    conditionFields(ed, item, base, conditionSources(ed.template, item.id)))
  dragItem(ed, card, head, s, i)
  return card
}

/**
 * Drag an item by its head onto another (it lands in that place) or onto a section's foot (it
 * goes last). @param {EditorContext} ed @param {HTMLElement} card @param {HTMLElement} head @param {number} s @param {number} i
 */
function dragItem(ed, card, head, s, i) {
  head.addEventListener('dragstart', (e) => {
    ed.drag = { section: s, index: i }
    e.dataTransfer?.setData('text/plain', `${s}:${i}`)
    if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move'
    card.classList.add('dragging')
    e.stopPropagation()
  })
  card.addEventListener('dragend', () => card.classList.remove('dragging'))
  dropTarget(ed, card, { section: s, index: i })
}

/** Where a dragged item lands when dropped here. @param {EditorContext} ed @param {HTMLElement} el @param {{section: number, index: number}} to */
function dropTarget(ed, el, to) {
  el.addEventListener('dragover', (e) => {
    if (!ed.drag) return
    e.preventDefault()
    el.classList.add('drop-here')
  })
  el.addEventListener('dragleave', () => el.classList.remove('drop-here'))
  el.addEventListener('drop', (e) => {
    if (!ed.drag) return
    e.preventDefault()
    e.stopPropagation()
    const from = ed.drag
    ed.drag = null
    moveItem(ed.template, from, to)
    ed.changed(true)
  })
}

/** Drag a section by its head onto another. @param {EditorContext} ed @param {HTMLElement} box @param {HTMLElement} head @param {number} s */
function dragSection(ed, box, head, s) {
  head.addEventListener('dragstart', (e) => {
    ed.sectionDrag = s
    e.dataTransfer?.setData('text/plain', `section:${s}`)
  })
  box.addEventListener('dragover', (e) => {
    if (ed.sectionDrag !== null && !ed.drag) e.preventDefault()
  })
  box.addEventListener('drop', (e) => {
    if (ed.sectionDrag === null || ed.drag) return
    e.preventDefault()
    moveSection(ed.template, ed.sectionDrag, s)
    ed.sectionDrag = null
    ed.changed(true)
  })
}

/** One section: title, id, order, its items, and adding an item of a kind. @param {EditorContext} ed @param {number} s */
function sectionCard(ed, s) {
  const section = ed.template.sections[s]
  const count = ed.template.sections.length
  const base = `sections/${s}`
  const kind = /** @type {HTMLSelectElement} */ (h('select', { class: 'text', 'data-add-kind': s }, KINDS.map((k) => h('option', { value: k }, kindText(k)))))
  const head = h('div', { class: 'te-section-head', draggable: 'true' },
    h('span', { class: 'te-handle', title: t('te_drag'), 'aria-hidden': 'true' }, '⠿'),
    h('strong', null, `${t('te_section')} ${s + 1}`),
    orderButtons({ what: section.id, first: s === 0, last: s === count - 1,
      up: () => (moveSection(ed.template, s, s - 1), ed.changed(true)),
      down: () => (moveSection(ed.template, s, s + 1), ed.changed(true)),
      remove: () => (removeSection(ed.template, s), ed.changed(true)) }))
  const foot = h('div', { class: 'te-section-foot' }, kind,
    h('button', { type: 'button', class: 'btn small', 'data-action': 'add-item', onclick: () => (addItem(ed.template, s, kind.value), ed.changed(true)) }, t('te_add_item')))
  dropTarget(ed, foot, { section: s, index: section.items.length })
  const box = h('section', { class: 'card te-section', 'data-path': base, 'data-section': section.id },
    head,
    h('div', { class: 'te-grid' },
      textField(ed, section, 'id', base, 'te_section_id', { structural: true }),
      textField(ed, section, 'title.zh', base, 'te_title_zh'),
      textField(ed, section, 'title.en', base, 'te_title_en')),
    conditionFields(ed, section, base, sectionConditionSources(ed.template, s)),
    section.items.map((/** @type {any} */ item, /** @type {number} */ i) => itemCard(ed, item, s, i, section.items.length)),
    foot)
  dragSection(ed, box, head, s)
  return box
}

/** Every section, then a button to add one. @param {EditorContext} ed @param {() => void} add */
export function sectionsView(ed, add) {
  return [
    ed.template.sections.map((/** @type {any} */ _, /** @type {number} */ s) => sectionCard(ed, s)),
    h('button', { type: 'button', class: 'btn', 'data-action': 'add-section', onclick: add }, t('te_add_section')),
  ]
}
