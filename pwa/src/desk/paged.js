// @ts-check
// A listing shown a page at a time (the queue, the conflicts): its first page, then "更多 / More",
// which follows the Link header (rel="next", RFC 8288) of the last page shown and appends the next.
// Read straight from the server, like every desk page.
import { ApiError, nextLink, send } from '../lib/api.js'
import { h } from '../lib/dom.js'
import { t } from '../i18n/index.js'

/**
 * @typedef {object} PagedParts
 * @property {HTMLElement} list where the rows go
 * @property {HTMLElement} note says how many rows are shown, `empty` when none, or what went wrong
 * @property {string} empty
 * @property {(items: any[]) => Promise<Node[]>|Node[]} build the rows of a page (awaiting what they need)
 */

/**
 * The listing's "更多 / More" button and `first(url, ready)`, which shows the first page (awaiting
 * `ready`, what every row needs, beside it). A later `first` wins over pages still on their way;
 * it resolves to whether its page is the one shown.
 * @param {any} app @param {PagedParts} parts
 */
export function pagedList(app, { list, note, empty, build }) {
  let runs = 0
  let next = '' // the next page's URL, from the Link header
  let shown = 0
  const more = /** @type {HTMLButtonElement} */ (h('button', { type: 'button', class: 'btn small', 'data-action': 'more', hidden: true }, t('desk_more')))
  /** @param {string} url @param {boolean} append @param {Promise<unknown>} [ready] */
  const show = async (url, append, ready) => {
    const run = append ? runs : ++runs // a change of filters meanwhile drops a page still on its way
    more.disabled = append
    try {
      const [response] = await Promise.all([send(url, { token: app.meta.token }), ready])
      const items = await response.json()
      const rows = await build(items)
      if (run !== runs) return false
      next = nextLink(response.headers.get('Link')) || ''
      shown = append ? shown + items.length : items.length
      if (append) list.append(...rows)
      else list.replaceChildren(...rows)
      note.textContent = shown ? `${shown}` : empty
    } catch (e) {
      if (run !== runs) return false
      if (!append) {
        list.replaceChildren()
        next = ''
      }
      note.textContent = e instanceof ApiError ? e.problem.detail || e.problem.title || e.message : t('network_error').split('，')[0]
    }
    more.disabled = false
    more.hidden = !next
    return true
  }
  more.addEventListener('click', () => show(next, true))
  return { more, first: (/** @type {string} */ url, /** @type {Promise<unknown>} */ ready) => show(url, false, ready) }
}
