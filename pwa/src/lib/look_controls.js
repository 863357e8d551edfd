// @ts-check
// The two display switches shown in the phone's and the desk's top bars: a dark scheme and
// large text, each a toggle button (aria-pressed) whose choice is remembered (lib/look.js).
import { h } from './dom.js'
import { effectiveScheme, readLook, saveLook } from './look.js'

/**
 * The dark-scheme and large-text toggles; `labels` are the texts in the chosen language.
 * @param {{dark: string, large: string, group: string}} labels @param {() => void} [onChange]
 */
export function lookControls(labels, onChange) {
  const look = readLook()
  const dark = effectiveScheme(look) === 'dark'
  const large = look.text === 'large'
  // saveLook → applyLook sets aria-pressed on every switch shown
  const toggle = (/** @type {() => void} */ change) => () => {
    change()
    onChange?.()
  }
  const darkButton = h('button', { type: 'button', class: 'btn small look-btn', 'data-look': 'dark', 'aria-pressed': String(dark) }, labels.dark)
  darkButton.addEventListener('click', toggle(() => saveLook({ scheme: effectiveScheme(readLook()) === 'dark' ? 'light' : 'dark' })))
  const largeButton = h('button', { type: 'button', class: 'btn small look-btn', 'data-look': 'large', 'aria-pressed': String(large) }, labels.large)
  largeButton.addEventListener('click', toggle(() => saveLook({ text: readLook().text === 'large' ? 'normal' : 'large' })))
  return h('div', { class: 'look-controls', role: 'group', 'aria-label': labels.group }, darkButton, largeButton)
}
