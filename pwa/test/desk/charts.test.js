// The report charts: scales, stacked segments, change arrows, and the SVG they draw.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseHTML } from 'linkedom'
import { barChart, barLength, change, compareChart, formatNumber, minus, niceMax, stackSegments, stackedChart, truncate } from '../../src/desk/charts.js'

const { document, window } = parseHTML('<!doctype html><html><body></body></html>')
Object.assign(globalThis, { document, Node: window.Node })

test('scales end on a nice number at or above the largest value', () => {
  assert.equal(niceMax(0), 1)
  assert.equal(niceMax(-3), 1)
  assert.equal(niceMax(1), 1)
  assert.equal(niceMax(3), 5)
  assert.equal(niceMax(7), 10)
  assert.equal(niceMax(12), 20)
  assert.equal(niceMax(22), 25)
  assert.equal(niceMax(250), 250)
  assert.equal(niceMax(251), 500)
  assert.equal(niceMax(0.3), 0.5)
})

test('bars are proportional, never negative nor longer than the axis; missing values draw nothing', () => {
  assert.equal(barLength(5, 10, 200), 100)
  assert.equal(barLength(10, 10, 200), 200)
  assert.equal(barLength(15, 10, 200), 200)
  assert.equal(barLength(0, 10, 200), 0)
  assert.equal(barLength(-4, 10, 200), 0)
  assert.equal(barLength(null, 10, 200), 0)
  assert.equal(barLength(3, 0, 200), 0)
})

test('stacked segments follow each other and fill the width in proportion', () => {
  const parts = stackSegments([{ key: 'open', value: 1 }, { key: 'overdue', value: 0 }, { key: 'closed', value: 3 }], 400)
  assert.deepEqual(parts.map((p) => [p.key, p.x, p.w]), [['open', 0, 100], ['overdue', 100, 0], ['closed', 100, 300]])
  assert.deepEqual(stackSegments([{ key: 'a', value: 0 }], 400).map((p) => p.w), [0])
})

test('changes read as arrows, coloured by whether up is good news', () => {
  assert.deepEqual(change(3, 'up'), { delta: 3, arrow: '↑', tone: 'good', text: '↑ 3' })
  assert.deepEqual(change(3, 'down'), { delta: 3, arrow: '↑', tone: 'bad', text: '↑ 3' })
  assert.deepEqual(change(-2.25, 'up'), { delta: -2.3, arrow: '↓', tone: 'bad', text: '↓ 2.3' })
  assert.deepEqual(change(-1, 'down'), { delta: -1, arrow: '↓', tone: 'good', text: '↓ 1' })
  assert.deepEqual(change(0, 'up'), { delta: 0, arrow: '→', tone: 'same', text: '→ 0' })
  assert.deepEqual(change(0.04, 'up'), { delta: 0, arrow: '→', tone: 'same', text: '→ 0' })
  assert.equal(change(null, 'up').tone, 'none')
  assert.equal(change(null, 'up').text, '—')
  assert.equal(change(5, null).tone, 'same')
  assert.equal(minus(66.7, 50), 16.7)
  assert.equal(minus(null, 50), null)
  assert.equal(minus(3, undefined), null)
})

test('numbers and labels for people', () => {
  assert.equal(formatNumber(66.66), '66.7')
  assert.equal(formatNumber(100), '100')
  assert.equal(formatNumber(0), '0')
  assert.equal(formatNumber(null), '—')
  assert.equal(truncate('冷冻温度', 10), '冷冻温度')
  assert.equal(truncate('一二三四五六', 4), '一二三…')
})

test('a bar chart has a title, an aria-label and one labelled bar per row', () => {
  const chart = barChart('不合格项排名', 'top', [
    { key: 'a', label: '证照（市场管理办法 第十条）', value: 4 },
    { key: 'b', label: '冷冻温度（6.2.1）', value: 1 },
  ])
  assert.equal(chart.getAttribute('role'), 'img')
  assert.equal(chart.getAttribute('aria-label'), '不合格项排名')
  assert.equal(chart.querySelector('title').textContent, '不合格项排名')
  const bars = chart.querySelectorAll('[data-bar]')
  assert.equal(bars.length, 2)
  assert.equal(bars[0].querySelector('.chart-label').textContent, '证照（市场管理办法 第十条）')
  assert.equal(bars[0].querySelector('.chart-value').textContent, '4')
  const widths = [...bars].map((b) => Number(b.querySelector('rect').getAttribute('width')))
  assert.ok(widths[0] > widths[1] && widths[1] > 0)
  assert.equal(widths[0] / widths[1], 4)
  assert.equal(chart.getAttribute('style'), null)
})

test('the comparison puts percentages on 0–100 and counts on a shared scale; a missing value is a dash', () => {
  const chart = compareChart('对比', 'compare', [
    { key: 'done', label: '完成', now: 4, before: 2 },
    { key: 'planned', label: '计划', now: null, before: 5 },
    { key: 'rate', label: '合格率', now: 50, before: 100, percent: true },
  ], { now: '本期', before: '上期' })
  const width = (key) => Number(chart.querySelector(`[data-bar="${key}"] rect`).getAttribute('width'))
  assert.equal(width('done-now'), 2 * width('done-before'))
  assert.equal(width('planned-before'), 1.25 * width('done-now')) // 5 and 4 on the same scale
  assert.equal(width('planned-now'), 0)
  assert.equal(chart.querySelector('[data-bar="planned-now"] text').textContent, '—')
  assert.equal(width('rate-before'), 2 * width('rate-now'))
  assert.equal(chart.querySelector('[data-bar="rate-now"] text').textContent, '50%')
})

test('a stacked chart draws only the parts there are, with the total', () => {
  const chart = stackedChart('整改', 'actions', [
    { key: 'now', label: '本期', parts: [{ key: 'open', value: 2 }, { key: 'overdue', value: 0 }, { key: 'closed', value: 2 }] },
  ], { open: '整改中', overdue: '逾期', closed: '已关闭' })
  const stack = chart.querySelector('[data-stack="now"]')
  assert.equal(stack.getAttribute('data-total'), '4')
  assert.deepEqual([...stack.querySelectorAll('rect')].map((r) => [r.getAttribute('data-part'), r.getAttribute('class')]), [['open', 'c-open'], ['closed', 'c-closed']])
  assert.equal(chart.querySelectorAll('.chart-legend rect').length, 3)
})
