// @ts-check
// One input widget per item kind, built from the form model (model/form.js). Widgets report edits
// through `ctx.actions`; they keep no state of their own.
import { h, icon } from '../lib/dom.js'
import { decimalsProblem, inRange, outcome, rangeText } from '../model/form.js'
import { colon, L, t } from '../i18n/index.js'
import { rfc3339 } from '../media/signature.js'
import { allowsNegative, flipSign } from '../model/shortcuts.js'

/**
 * @typedef {{
 *   readOnly: boolean,
 *   actions: {
 *     set: (path: string, value: any) => void,
 *     attach: (path: string, file: File, forItem?: string) => void,
 *     detach: (path: string, sha256: string) => void,
 *     addEntry: (group: string) => void,
 *     removeEntry: (group: string, entryId: string) => void,
 *     openSignature: (path: string) => void,
 *     thumb: (img: HTMLImageElement, sha256: string) => void,
 *   }
 * }} WidgetContext
 */

/** The widget of an item. @param {import('../model/form.js').Item} item @param {string} path @param {any} value @param {WidgetContext} ctx */
export function widget(item, path, value, ctx) {
  switch (item.kind) {
    case 'pass_fail':
      return passFail(item, path, value, ctx)
    case 'number':
      return numberInput(item, path, value, ctx)
    case 'single_choice':
      return singleChoice(item, path, value, ctx)
    case 'multi_choice':
      return multiChoice(item, path, value, ctx)
    case 'text':
      return textInput(item, path, value, ctx)
    case 'photo':
      return photoList(item, path, value, ctx)
    case 'signature':
      return null // the signature's state and button come from form.js (they need the schema)
    case 'gps':
      return gpsInput(path, value, ctx)
    case 'datetime':
      return dateInput(item, path, value, ctx)
    default:
      return h('p', { class: 'muted' }, item.kind)
  }
}

/** @param {import('../model/form.js').Item} item @param {string} path @param {any} value @param {WidgetContext} ctx */
function passFail(item, path, value, ctx) {
  const choices = item.allow_na ? ['pass', 'fail', 'na'] : ['pass', 'fail']
  return h(
    'div',
    { class: ['pf', `pf-${choices.length}`], role: 'group' },
    choices.map((choice) =>
      h(
        'button',
        {
          type: 'button',
          class: ['pf-btn', `pf-${choice}`, value === choice && 'on'],
          'aria-pressed': value === choice ? 'true' : 'false',
          'data-value': choice,
          disabled: ctx.readOnly,
          onclick: () => ctx.actions.set(path, value === choice ? null : choice),
        },
        t(/** @type {any} */ (choice)),
      ),
    ),
  )
}

/** Read a typed number: full-width digits, "，" and "−" accepted. @param {string} text */
export function parseNumber(text) {
  const cleaned = text
    .trim()
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[−－–]/g, '-')
    .replace(/[，,。]/g, '.')
  if (cleaned === '') return null
  if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(cleaned)) return NaN
  return Number(cleaned)
}

/** @param {import('../model/form.js').Item} item @param {string} path @param {any} value @param {WidgetContext} ctx */
function numberInput(item, path, value, ctx) {
  const note = h('p', { class: 'num-note', 'aria-live': 'polite' })
  const input = /** @type {HTMLInputElement} */ (
    h('input', {
      type: 'text',
      inputmode: 'decimal',
      enterkeyhint: 'next',
      autocomplete: 'off',
      class: 'num',
      'data-key': `num:${path}`,
      value: typeof value === 'number' ? String(value) : '',
      disabled: ctx.readOnly,
      'aria-label': L(item.label),
    })
  )
  const show = () => {
    const n = parseNumber(input.value)
    const card = input.closest('.item')
    note.textContent = ''
    note.className = 'num-note'
    if (n === null) return card?.classList.remove('failed')
    if (Number.isNaN(n)) {
      note.textContent = t('expected_number')
      note.classList.add('bad')
      return
    }
    const fails = outcome(item, n) === 'fail'
    card?.classList.toggle('failed', fails)
    const decimals = decimalsProblem(item, n)
    if (decimals) {
      note.textContent = decimals
      note.classList.add('bad')
    } else if (!inRange(n, item.bounds)) {
      note.textContent = `${t('impossible')} (${rangeText(item.bounds, item.unit || '')})`
      note.classList.add('bad')
    } else if (fails) {
      note.textContent = t('failed_item')
      note.classList.add('fail')
    }
  }
  input.addEventListener('input', show)
  input.addEventListener('change', () => {
    const n = parseNumber(input.value)
    if (n === null) ctx.actions.set(path, null)
    else if (!Number.isNaN(n) && !decimalsProblem(item, n)) ctx.actions.set(path, n) // refused: the note says why
  })
  queueMicrotask(show)
  return h(
    'div',
    { class: 'num-row' },
    h('div', { class: 'num-box' }, input, h('span', { class: 'unit' }, item.unit || ''),
      !ctx.readOnly && allowsNegative(item) && h('button', {
        type: 'button', class: 'btn sign-key', 'data-action': 'negate', 'aria-label': t('sign_minus'),
        // decimal keypads on many phones have no minus: flip the sign of what is typed
        onmousedown: (/** @type {Event} */ e) => e.preventDefault(),
        onclick: () => {
          input.value = flipSign(input.value)
          input.dispatchEvent(new Event('input'))
          if (input.value !== '-') input.dispatchEvent(new Event('change'))
          input.focus()
        },
      }, '±')),
    item.acceptable && h('p', { class: 'range' }, `${t('acceptable')}${colon()}${rangeText(item.acceptable, item.unit || '')}`),
    note,
  )
}

/** @param {import('../model/form.js').Item} item @param {string} path @param {any} value @param {WidgetContext} ctx */
function singleChoice(item, path, value, ctx) {
  return h(
    'div',
    { class: 'choices', role: 'radiogroup' },
    (item.options || []).map((o) =>
      h(
        'button',
        {
          type: 'button',
          role: 'radio',
          class: ['chip', value === o.value && 'on', item.fail_values?.includes(o.value) && 'chip-bad'],
          'aria-checked': value === o.value ? 'true' : 'false',
          'data-value': o.value,
          disabled: ctx.readOnly,
          onclick: () => ctx.actions.set(path, value === o.value ? null : o.value),
        },
        L(o.label),
      ),
    ),
  )
}

/** @param {import('../model/form.js').Item} item @param {string} path @param {any} value @param {WidgetContext} ctx */
function multiChoice(item, path, value, ctx) {
  const chosen = Array.isArray(value) ? value : null
  /** @param {string} option */
  const toggle = (option) => {
    let next = chosen ? [...chosen] : []
    if (next.includes(option)) next = next.filter((v) => v !== option)
    else if (option === 'none') next = ['none']
    else next = [...next.filter((v) => v !== 'none'), option]
    const order = (item.options || []).map((o) => o.value)
    ctx.actions.set(path, next.sort((a, b) => order.indexOf(a) - order.indexOf(b)))
  }
  return h(
    'div',
    { class: 'choices', role: 'group' },
    (item.options || []).map((o) =>
      h(
        'button',
        {
          type: 'button',
          class: ['chip', chosen?.includes(o.value) && 'on', item.fail_values?.includes(o.value) && 'chip-bad'],
          'aria-pressed': chosen?.includes(o.value) ? 'true' : 'false',
          'data-value': o.value,
          disabled: ctx.readOnly,
          onclick: () => toggle(o.value),
        },
        L(o.label),
      ),
    ),
    !item.min_selected &&
      h(
        'button',
        {
          type: 'button',
          class: ['chip', chosen && chosen.length === 0 && 'on'],
          'data-value': '',
          disabled: ctx.readOnly,
          onclick: () => ctx.actions.set(path, chosen && chosen.length === 0 ? null : []),
        },
        t('none_of_these'),
      ),
  )
}

/** @param {import('../model/form.js').Item} item @param {string} path @param {any} value @param {WidgetContext} ctx */
function textInput(item, path, value, ctx) {
  const attrs = {
    class: 'text',
    'data-key': `text:${path}`,
    maxlength: item.max_length,
    value: typeof value === 'string' ? value : '',
    disabled: ctx.readOnly,
    'aria-label': L(item.label),
    onchange: (/** @type {Event} */ e) => {
      const text = /** @type {HTMLInputElement} */ (e.target).value
      ctx.actions.set(path, text.trim() ? text : null)
    },
  }
  return item.multiline ? h('textarea', { ...attrs, rows: 3 }) : h('input', { ...attrs, type: 'text' })
}

/**
 * Thumbnails and a camera button. `forItem` marks photos taken as evidence of another item.
 * @param {import('../model/form.js').Item} item @param {string} path @param {any} value @param {WidgetContext} ctx
 * @param {{forItem?: string, only?: string[]}} [options]
 */
export function photoList(item, path, value, ctx, options = {}) {
  const all = Array.isArray(value) ? value : []
  const shown = options.only ? all.filter((s) => options.only?.includes(s)) : all
  const full = all.length >= (item.max_count || 10)
  const input = /** @type {HTMLInputElement} */ (
    h('input', {
      type: 'file',
      accept: 'image/*',
      capture: 'environment',
      class: 'file',
      'data-photo-input': path,
      onchange: (/** @type {Event} */ e) => {
        const files = /** @type {HTMLInputElement} */ (e.target).files
        for (const file of files || []) ctx.actions.attach(path, file, options.forItem)
      },
    })
  )
  return h(
    'div',
    { class: 'photos' },
    h(
      'div',
      { class: 'thumbs' },
      shown.map((sha) => {
        const img = /** @type {HTMLImageElement} */ (h('img', { alt: '', 'data-sha256': sha, loading: 'lazy' }))
        ctx.actions.thumb(img, sha)
        return h(
          'figure',
          { class: 'thumb' },
          img,
          !ctx.readOnly &&
            h('button', { type: 'button', class: 'thumb-x', 'aria-label': t('remove'), 'data-action': 'remove-photo',
              onclick: () => confirm(t('photo_delete_confirm')) && ctx.actions.detach(path, sha) }, '×'),
        )
      }),
    ),
    !ctx.readOnly &&
      !full &&
      h('label', { class: 'btn camera' }, input, icon('camera'), t('take_photo')),
    !options.only && h('span', { class: 'muted count' }, `${all.length} / ${item.max_count || 10}`),
  )
}

/** @param {string} path @param {any} value @param {WidgetContext} ctx */
function gpsInput(path, value, ctx) {
  const text = value ? `${value.lat.toFixed(6)}, ${value.lon.toFixed(6)} (±${Math.round(value.accuracy_m || 0)} m)` : ''
  return h(
    'div',
    { class: 'gps' },
    h('span', { class: 'muted' }, text),
    !ctx.readOnly &&
      h(
        'button',
        {
          type: 'button',
          class: 'btn',
          onclick: () =>
            navigator.geolocation.getCurrentPosition(
              (p) =>
                ctx.actions.set(path, {
                  lat: p.coords.latitude,
                  lon: p.coords.longitude,
                  accuracy_m: p.coords.accuracy,
                  captured_at: rfc3339(new Date(p.timestamp)),
                }),
              () => {},
              { enableHighAccuracy: true, timeout: 20000 },
            ),
        },
        t('locate'),
      ),
  )
}

/** @param {import('../model/form.js').Item} item @param {string} path @param {any} value @param {WidgetContext} ctx */
function dateInput(item, path, value, ctx) {
  const local = typeof value === 'string' ? (item.date_only ? value : value.slice(0, 16)) : ''
  return h('input', {
    type: item.date_only ? 'date' : 'datetime-local',
    class: 'text',
    value: local,
    disabled: ctx.readOnly,
    'data-key': `date:${path}`,
    onchange: (/** @type {Event} */ e) => {
      const text = /** @type {HTMLInputElement} */ (e.target).value
      if (!text) return ctx.actions.set(path, null)
      ctx.actions.set(path, item.date_only ? text : rfc3339(new Date(text)))
    },
  })
}
