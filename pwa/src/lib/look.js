// @ts-check
// How the app looks on this device: the colour scheme (following the system's
// prefers-color-scheme until the user picks one) and large text. Kept in localStorage, read
// synchronously before the first render so a dim basement never sees a flash of white; applied
// as <html data-scheme="light|dark" data-text="normal|large">, which the stylesheet reads.

const KEY = 'xunjian-look'

/** @typedef {{scheme: 'auto'|'light'|'dark', text: 'normal'|'large'}} Look */

/** @returns {Look} */
export function readLook() {
  try {
    const saved = JSON.parse(globalThis.localStorage?.getItem(KEY) || '{}')
    return {
      scheme: saved.scheme === 'light' || saved.scheme === 'dark' ? saved.scheme : 'auto',
      text: saved.text === 'large' ? 'large' : 'normal',
    }
  } catch {
    return { scheme: 'auto', text: 'normal' }
  }
}

/** Whether the system asks for a dark scheme. */
function systemDark() {
  return !!globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches
}

/** The scheme in effect: the user's choice, else the system's. @param {Look} look */
export function effectiveScheme(look) {
  return look.scheme === 'auto' ? (systemDark() ? 'dark' : 'light') : look.scheme
}

/** Put `look` on the page (<html> data attributes and the browser's theme colour). @param {Look} [look] */
export function applyLook(look = readLook()) {
  if (typeof document === 'undefined') return look
  const root = document.documentElement
  const scheme = effectiveScheme(look)
  root.dataset.scheme = scheme
  root.dataset.text = look.text
  document.querySelector('meta[name=theme-color]')?.setAttribute('content', scheme === 'dark' ? '#111827' : '#0f766e')
  for (const button of document.querySelectorAll('[data-look=dark]')) button.setAttribute('aria-pressed', String(scheme === 'dark'))
  for (const button of document.querySelectorAll('[data-look=large]')) button.setAttribute('aria-pressed', String(look.text === 'large'))
  return look
}

/** Remember a change and apply it. @param {Partial<Look>} change */
export function saveLook(change) {
  const look = { ...readLook(), ...change }
  try {
    globalThis.localStorage?.setItem(KEY, JSON.stringify(look))
  } catch {
    // private mode without storage: the change holds for this page
  }
  return applyLook(look)
}

/** Follow the system's scheme while the user has not chosen one. @param {() => void} [onChange] */
export function watchSystemScheme(onChange) {
  globalThis.matchMedia?.('(prefers-color-scheme: dark)').addEventListener?.('change', () => {
    applyLook()
    onChange?.()
  })
}
