// @ts-check
// Small SVG charts for the desk's reports, drawn with createElementNS (no chart library; the
// Content-Security-Policy allows no inline styles, so colours come from classes in app.css and
// sizes from SVG attributes). Every chart has a <title> and an aria-label, and writes its
// numbers on the bars. The arithmetic (scales, segments, changes) is pure and tested in node.

const SVG = 'http://www.w3.org/2000/svg'
const WIDTH = 640

/** The smallest "nice" number (1, 2, 2.5, 5 × 10^k) at or above `max`; 1 when there is nothing. @param {number} max */
export function niceMax(max) {
  if (!(max > 0)) return 1
  const power = 10 ** Math.floor(Math.log10(max))
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= max - 1e-9) return step * power
  return 10 * power
}

/** The length of a bar of `value` on a scale from 0 to `max` drawn `width` long; missing values: 0. @param {number|null|undefined} value @param {number} max @param {number} width */
export function barLength(value, max, width) {
  if (value === null || value === undefined || !(value > 0) || !(max > 0)) return 0
  return Math.min(width, (value / max) * width)
}

/** Segments of a stacked bar `width` long, in order, each with its x and width. @param {{key: string, value: number}[]} parts @param {number} width */
export function stackSegments(parts, width) {
  const total = parts.reduce((sum, p) => sum + Math.max(0, p.value), 0)
  let x = 0
  return parts.map((p) => {
    const w = total ? (Math.max(0, p.value) / total) * width : 0
    const segment = { ...p, x, w }
    x += w
    return segment
  })
}

/** Rounded to one decimal, halves away from zero (-2.25 → -2.3, as 2.25 → 2.3). @param {number} value */
export function round1(value) {
  const rounded = (Math.sign(value) * Math.round(Math.abs(value) * 10)) / 10
  return rounded === 0 ? 0 : rounded // no -0
}

/** A number for people: one decimal at most, no trailing ".0"; "—" when missing. @param {number|null|undefined} value */
export function formatNumber(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return '—'
  return String(round1(value))
}

/** A number with its unit, or "—" alone. @param {number|null|undefined} value @param {string} unit */
export function withUnit(value, unit) {
  return value === null || value === undefined ? '—' : `${formatNumber(value)}${unit}`
}

/** Cut `text` to `max` characters with an ellipsis. @param {string} text @param {number} max */
export function truncate(text, max) {
  const chars = [...text]
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`
}

/**
 * The change of a figure against the previous period: the difference, an arrow and whether it
 * is good news (`better` says which way is good; null: neither).
 * @param {number|null|undefined} delta
 * @param {'up'|'down'|null} better
 * @returns {{delta: number|null, arrow: string, tone: 'good'|'bad'|'same'|'none', text: string}}
 */
export function change(delta, better) {
  if (delta === null || delta === undefined || Number.isNaN(delta)) return { delta: null, arrow: '', tone: 'none', text: '—' }
  const rounded = round1(delta)
  if (rounded === 0) return { delta: 0, arrow: '→', tone: 'same', text: '→ 0' }
  const up = rounded > 0
  const tone = better === null ? 'same' : (up === (better === 'up') ? 'good' : 'bad')
  return { delta: rounded, arrow: up ? '↑' : '↓', tone, text: `${up ? '↑' : '↓'} ${formatNumber(Math.abs(rounded))}` }
}

/** `a - b`, or null when either is missing. @param {number|null|undefined} a @param {number|null|undefined} b */
export function minus(a, b) {
  return a === null || a === undefined || b === null || b === undefined ? null : round1(a - b)
}

/**
 * An SVG element with attributes; children appended.
 * @param {string} tag @param {Record<string, string|number|null|undefined>} [attrs] @param {...(Node|string|null)} children
 * @returns {SVGElement}
 */
export function svg(tag, attrs = {}, ...children) {
  const el = /** @type {SVGElement} */ (document.createElementNS(SVG, tag))
  for (const [key, value] of Object.entries(attrs)) if (value !== null && value !== undefined) el.setAttribute(key, String(value))
  for (const child of children) if (child !== null) el.append(typeof child === 'string' ? document.createTextNode(child) : child)
  return el
}

/** The chart's frame: role img, a <title> and an aria-label. @param {string} title @param {number} height @param {string} name */
function frame(title, height, name) {
  return svg('svg', { viewBox: `0 0 ${WIDTH} ${height}`, class: 'chart-svg', role: 'img', 'aria-label': title, 'data-chart': name },
    svg('title', {}, title))
}

/**
 * Horizontal bars, one per row, labelled above the bar with the value at its end.
 * @param {string} title @param {string} name
 * @param {{key: string, label: string, value: number, cls?: string}[]} rows
 * @param {{max?: number, unit?: string}} [options]
 */
export function barChart(title, name, rows, options = {}) {
  const row = 40
  const labelWidth = WIDTH - 70
  const max = options.max ?? niceMax(Math.max(0, ...rows.map((r) => r.value)))
  const chart = frame(title, Math.max(row, rows.length * row + 4), name)
  rows.forEach((r, i) => {
    const y = i * row
    const w = barLength(r.value, max, labelWidth)
    chart.append(svg('g', { class: 'chart-bar', 'data-bar': r.key, 'data-value': r.value },
      svg('title', {}, `${r.label}: ${withUnit(r.value, options.unit || '')}`),
      svg('text', { x: 0, y: y + 14, 'font-size': 13, class: 'chart-label' }, truncate(r.label, 44)),
      svg('rect', { x: 0, y: y + 20, width: Math.max(w, r.value > 0 ? 2 : 0).toFixed(1), height: 14, rx: 3, class: r.cls || 'c-fail' }),
      svg('text', { x: (w + 6).toFixed(1), y: y + 32, 'font-size': 12, class: 'chart-value' }, withUnit(r.value, options.unit || ''))))
  })
  return chart
}

/**
 * Pairs of bars, this period and the previous one, per figure; counts share a scale,
 * percentages are drawn on 0–100.
 * @param {string} title @param {string} name
 * @param {{key: string, label: string, now: number|null, before: number|null, percent?: boolean}[]} groups
 * @param {{now: string, before: string}} legend
 */
export function compareChart(title, name, groups, legend) {
  const labelWidth = 120
  const width = WIDTH - labelWidth - 60
  const counts = niceMax(Math.max(0, ...groups.filter((g) => !g.percent).flatMap((g) => [g.now ?? 0, g.before ?? 0])))
  const block = 46
  const chart = frame(title, groups.length * block + 26, name)
  groups.forEach((g, i) => {
    const y = i * block
    const max = g.percent ? 100 : counts
    const unit = g.percent ? '%' : ''
    const bar = (/** @type {number|null} */ value, /** @type {number} */ dy, /** @type {string} */ cls, /** @type {string} */ which) => {
      const w = barLength(value, max, width)
      return svg('g', { 'data-bar': `${g.key}-${which}`, 'data-value': value === null ? '' : value },
        svg('rect', { x: labelWidth, y: y + dy, width: w.toFixed(1), height: 16, rx: 3, class: cls }),
        svg('text', { x: (labelWidth + w + 6).toFixed(1), y: y + dy + 13, 'font-size': 12, class: 'chart-value' },
          withUnit(value, unit)))
    }
    chart.append(svg('g', { class: 'chart-group', 'data-group': g.key },
      svg('title', {}, `${g.label}: ${legend.now} ${withUnit(g.now, unit)}, ${legend.before} ${withUnit(g.before, unit)}`),
      svg('text', { x: 0, y: y + 22, 'font-size': 13, class: 'chart-label' }, truncate(g.label, 9)),
      bar(g.now, 2, 'c-now', 'now'),
      bar(g.before, 20, 'c-before', 'before')))
  })
  const ly = groups.length * block + 10
  chart.append(svg('g', { class: 'chart-legend' },
    svg('rect', { x: labelWidth, y: ly, width: 12, height: 12, class: 'c-now' }),
    svg('text', { x: labelWidth + 16, y: ly + 11, 'font-size': 12 }, legend.now),
    svg('rect', { x: labelWidth + 110, y: ly, width: 12, height: 12, class: 'c-before' }),
    svg('text', { x: labelWidth + 126, y: ly + 11, 'font-size': 12 }, legend.before)))
  return chart
}

/**
 * One stacked bar per row (e.g. this period, the previous one) of the same parts, with a legend.
 * @param {string} title @param {string} name
 * @param {{key: string, label: string, parts: {key: string, value: number}[]}[]} rows
 * @param {Record<string, string>} names the parts' names, in order
 */
export function stackedChart(title, name, rows, names) {
  const labelWidth = 90
  const width = WIDTH - labelWidth - 50
  const block = 34
  const keys = Object.keys(names)
  const chart = frame(title, rows.length * block + 30, name)
  rows.forEach((r, i) => {
    const y = i * block
    const total = r.parts.reduce((sum, p) => sum + p.value, 0)
    const group = svg('g', { class: 'chart-stack', 'data-stack': r.key, 'data-total': total },
      svg('title', {}, `${r.label}: ${r.parts.map((p) => `${names[p.key]} ${p.value}`).join(', ')}`),
      svg('text', { x: 0, y: y + 18, 'font-size': 13, class: 'chart-label' }, r.label))
    for (const s of stackSegments(r.parts, width)) {
      if (!s.w) continue
      group.append(svg('rect', { x: (labelWidth + s.x).toFixed(1), y: y + 4, width: s.w.toFixed(1), height: 20, class: `c-${s.key}`, 'data-part': s.key, 'data-value': s.value }))
      if (s.w > 18) group.append(svg('text', { x: (labelWidth + s.x + s.w / 2).toFixed(1), y: y + 18, 'font-size': 12, 'text-anchor': 'middle', class: 'chart-in' }, String(s.value)))
    }
    group.append(svg('text', { x: (labelWidth + (total ? width : 0) + 6).toFixed(1), y: y + 18, 'font-size': 12, class: 'chart-value' }, String(total)))
    chart.append(group)
  })
  const ly = rows.length * block + 8
  const legend = svg('g', { class: 'chart-legend' })
  keys.forEach((key, i) => {
    const x = labelWidth + i * 120
    legend.append(svg('rect', { x, y: ly, width: 12, height: 12, class: `c-${key}` }), svg('text', { x: x + 16, y: ly + 11, 'font-size': 12 }, names[key]))
  })
  chart.append(legend)
  return chart
}
