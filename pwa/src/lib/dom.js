// @ts-check
// A tiny element builder: h('button', {class: 'big', onclick}, 'text', child, …).
// Attributes starting with "on" become listeners; false/null/undefined attributes and children
// are skipped; arrays of children are flattened.

/**
 * @param {string} tag
 * @param {Record<string, any>|null} [attrs]
 * @param {...any} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag)
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value)
    else if (key === 'style' && typeof value === 'object') Object.assign(el.style, value)
    else if (key === 'class') el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value
    else if (key === 'value' && 'value' in el) /** @type {any} */ (el).value = value
    else if (key === 'checked' || key === 'disabled' || key === 'hidden') /** @type {any} */ (el)[key] = !!value
    else el.setAttribute(key, value === true ? '' : String(value))
  }
  append(el, children)
  return el
}

/** @param {Element|DocumentFragment} el @param {any[]} children */
function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    if (Array.isArray(child)) append(el, child)
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)))
  }
}

/** Replace an element's children. @param {Element} el @param {...any} children */
export function replace(el, ...children) {
  el.replaceChildren()
  append(el, children)
}

/**
 * Replace an element's children with `children` and then `last`, leaving `last` where it is when it
 * is the last child already: a node taken out and put back loses its focus (what is typed next goes
 * nowhere), the scroll of what it holds, and the document of an iframe in it.
 * @param {Element} el @param {Element} last @param {...any} children
 */
export function replaceBefore(el, last, ...children) {
  if (el.lastChild !== last) return replace(el, ...children, last)
  while (el.firstChild && el.firstChild !== last) el.firstChild.remove()
  const before = document.createDocumentFragment()
  append(before, children)
  el.insertBefore(before, last)
}

const ICONS = {
  camera: 'M4 7h3l2-3h6l2 3h3a1 1 0 0 1 1 1v11a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V8a1 1 0 0 1 1-1zm8 3.5a4 4 0 1 0 0 8 4 4 0 0 0 0-8z',
}

/** A small line icon (SVG). @param {keyof typeof ICONS} name */
export function icon(name) {
  const ns = 'http://www.w3.org/2000/svg'
  const svg = document.createElementNS(ns, 'svg')
  svg.setAttribute('viewBox', '0 0 24 24')
  svg.setAttribute('class', 'icon')
  svg.setAttribute('aria-hidden', 'true')
  const path = document.createElementNS(ns, 'path')
  path.setAttribute('d', ICONS[name])
  svg.append(path)
  return svg
}
