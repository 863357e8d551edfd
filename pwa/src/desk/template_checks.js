// @ts-check
// The template editor's checks: the template sent to POST /api/checklists/validate as the admin
// types (debounced; the server's own messages, the same as the spreadsheet import's), each error
// shown at the field its path names ("sections/0/items/3/acceptable/min") and listed beside the
// preview; a refused publish's problem read the same way ("$.sections[0].items[1].label.zh" in
// its detail names a path too).
import { ApiError, json } from '../lib/api.js'
import { h, replace } from '../lib/dom.js'
import { getLang, t } from '../i18n/index.js'

export const VALIDATE_DELAY_MS = 500

/**
 * @typedef {{path: string, item?: string|null, field?: string|null, zh: string, en: string,
 *   sheet?: string, row?: number, column?: string}} CheckError
 */

/** A msgspec location ("$.sections[0].items[1].label.zh") as a path ("sections/0/items/1/label/zh"). @param {string} at */
export function pathFromLocation(at) {
  return at.replace(/^\$\.?/, '').replace(/\[(\d+)\]/g, '.$1').split('.').filter(Boolean).join('/')
}

/**
 * The errors of a refused publish: the problem's own errors when it lists them, else one per
 * "$.…" location its detail names (or one for the whole detail). @param {any} problem @returns {CheckError[]}
 */
export function errorsFromProblem(problem) {
  if (Array.isArray(problem?.errors) && problem.errors.every((/** @type {any} */ e) => typeof e?.zh === 'string')) return problem.errors
  const detail = String(problem?.detail || problem?.title || '')
  const parts = detail.replace(/^[^:$]*:\s*/, '').split(/;\s+/).filter(Boolean)
  const out = parts.map((part) => {
    const at = /\$[\w.[\]]*/.exec(part)
    return { path: at ? pathFromLocation(at[0]) : '', item: null, field: null, zh: part, en: part }
  })
  return out.length ? out : [{ path: '', item: null, field: null, zh: detail, en: detail }]
}

/**
 * The element an error belongs at: the one marked with its path, else with the longest prefix
 * of it that is marked ("sections/0/items/3/options/1/label" → the choice, the item …).
 * @param {ParentNode} root @param {string} path @returns {HTMLElement|null}
 */
export function targetOf(root, path) {
  const parts = path.split('/').filter(Boolean)
  for (let n = parts.length; n > 0; n -= 1) {
    const el = root.querySelector(`[data-path="${parts.slice(0, n).join('/').replace(/["\\]/g, '\\$&')}"]`)
    if (el) return /** @type {HTMLElement} */ (el)
  }
  return null
}

/** An error's text in the current language. @param {CheckError} e */
export const errorText = (e) => (getLang() === 'zh' ? e.zh || e.en : e.en || e.zh)

/** Where a spreadsheet error is: "survey 第 12 行 D 列". @param {CheckError} e */
export function placeText(e) {
  if (!e.sheet) return ''
  return getLang() === 'zh'
    ? `${e.sheet}${e.row ? ` 第 ${e.row} 行` : ''}${e.column ? ` ${e.column} 列` : ''}`
    : `${e.sheet}${e.row ? ` row ${e.row}` : ''}${e.column ? ` column ${e.column}` : ''}`
}

/** Mark each error at its field in the editor (and clear the old marks). @param {HTMLElement} editor @param {CheckError[]} errors */
export function markErrors(editor, errors) {
  for (const el of editor.querySelectorAll('.te-error')) el.remove()
  for (const el of editor.querySelectorAll('.te-invalid')) el.classList.remove('te-invalid')
  for (const e of errors) {
    const target = targetOf(editor, e.path)
    if (!target) continue
    const at = target.matches('input, select, textarea') ? /** @type {HTMLElement} */ (target.closest('label') || target) : target
    at.classList.add('te-invalid')
    target.setAttribute('aria-invalid', 'true')
    const note = h('p', { class: 'te-error', role: 'alert', 'data-error-path': e.path }, errorText(e))
    if (at === target && !target.matches('input, select, textarea')) at.prepend(note)
    else at.after(note)
  }
}

/** The list of errors beside the preview; a click goes to the field. @param {HTMLElement} box @param {HTMLElement} editor @param {CheckError[]} errors */
export function listErrors(box, editor, errors) {
  box.dataset.errors = String(errors.length)
  replace(box, errors.length
    ? [h('p', { class: 'bad' }, t('te_errors', { n: errors.length })),
        h('ul', { class: 'te-error-list' }, errors.map((e) => h('li', { 'data-error-path': e.path },
          h('a', { href: '#', onclick: (/** @type {Event} */ ev) => {
            ev.preventDefault()
            const target = targetOf(editor, e.path)
            target?.scrollIntoView({ block: 'center' })
            ;/** @type {HTMLElement|null} */ (target?.matches('input, select, textarea') ? target : target?.querySelector('input, select, textarea') || null)?.focus()
          } }, [placeText(e), e.path].filter(Boolean).join(' · ') || t('desk_checklist')), ' ', errorText(e))))]
    : h('p', { class: 'ok', 'data-valid': 'true' }, t('te_valid')))
}

/**
 * A checker that sends the template after each pause in typing and hands on the answer; a
 * later edit wins over an answer still on its way. Without the route (404/405) it says so once.
 * @param {string|null} token @param {(answer: {ok: boolean, errors: CheckError[], diff?: any}|null, error?: unknown) => void} done
 */
export function checker(token, done) {
  /** @type {ReturnType<typeof setTimeout>|undefined} */
  let timer
  let run = 0
  let available = true
  /** @param {any} body */
  const send = async (body) => {
    const mine = ++run
    try {
      const answer = await json('/api/checklists/validate', { method: 'POST', token, body })
      if (mine === run) done(answer)
    } catch (error) {
      if (error instanceof ApiError && (error.status === 404 || error.status === 405)) available = false
      if (mine === run) done(null, error)
    }
  }
  return {
    /** @param {() => any} body the template to check, read when the pause ends */
    soon(body) {
      clearTimeout(timer)
      if (available) timer = setTimeout(() => send(body()), VALIDATE_DELAY_MS)
    },
    get available() {
      return available
    },
  }
}
