// @ts-check
// Logging in: username, password and a name for this device. A different user may take over
// the device only when nothing of the previous user is left unsynced.
import { ApiError, NetworkError, problemName } from '../lib/api.js'
import { h } from '../lib/dom.js'
import { t } from '../i18n/index.js'
import { logIn } from '../sync/session.js'

/** What is typed on the login page, kept through its renders (another language, a sync in another tab) until logged in. */
const typed = new Map()

/** @param {string} name @param {Record<string, any>} attrs */
function field(name, attrs) {
  const value = typed.has(name) ? typed.get(name) : attrs.value
  const oninput = (/** @type {Event} */ e) => typed.set(name, /** @type {HTMLInputElement} */ (e.target).value)
  return /** @type {HTMLInputElement} */ (h('input', { class: 'text', name, 'data-key': `login:${name}`, required: true, ...attrs, value, oninput }))
}

/** @param {any} app */
export function renderLogin(app) {
  const error = h('p', { class: 'num-note bad', 'aria-live': 'polite' },
    app.meta.signed_out_reason === 'expired' ? t('session_expired') : '')
  const username = field('username', { autocomplete: 'username', autocapitalize: 'none', value: app.meta.user?.username || '' })
  const password = field('password', { type: 'password', autocomplete: 'current-password' })
  const device = field('device_name', { maxlength: 100, value: app.meta.device?.name || t('device_default') })
  const button = /** @type {HTMLButtonElement} */ (h('button', { type: 'submit', class: 'btn primary wide' }, t('login')))
  /** @param {Event} event */
  async function submit(event) {
    event.preventDefault()
    button.disabled = true
    button.textContent = t('logging_in')
    error.textContent = ''
    try {
      const before = app.meta.user?.id
      await logIn(app, username.value.trim(), password.value, device.value.trim())
      typed.clear()
      await app.reloadMeta()
      // the address that brought them here (a site's QR label, a finding's link, the form they were in
      // when the session ended) opens now; from the login page itself, or for another user than the
      // last one, home (replaced, not pushed: no hashchange, and back skips the login)
      const elsewhere = before && before !== app.meta.user?.id
      if (!location.hash || location.hash.startsWith('#/login') || elsewhere) history.replaceState(null, '', '#/')
      await app.openRoute({ again: true })
      app.sync()
    } catch (e) {
      error.textContent =
        e instanceof NetworkError ? t('network_error').split('，')[0]
          : e instanceof ApiError && problemName(e.problem) === 'too-many-attempts' ? t('too_many_attempts')
            : e instanceof ApiError && problemName(e.problem) === 'unauthorized' ? t('login_failed')
              : e instanceof Error ? e.message : String(e)
      button.disabled = false
      button.textContent = t('login')
    }
  }
  return h(
    'div',
    { class: 'page login' },
    h('div', { class: 'logo', 'aria-hidden': 'true' }, h('img', { src: 'icons/icon.svg', alt: '', width: 72, height: 72 })),
    h('h1', null, t('app_name')),
    h(
      'form',
      { class: 'card', onsubmit: submit },
      h('label', null, t('username'), username),
      h('label', null, t('password'), password),
      h('label', null, t('device_name'), device),
      error,
      button,
    ),
    h('button', { type: 'button', class: 'btn link', onclick: () => app.toggleLang() }, t('language')),
  )
}
