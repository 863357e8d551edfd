// The form rendered from the published schema (DOM through linkedom).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseHTML } from 'linkedom'
import { formModel } from '../../src/model/form.js'
import { renderForm } from '../../src/form/form.js'
import { setLang } from '../../src/i18n/index.js'
import { SCHEMA } from '../fixture_schema.js'

const { document, window } = parseHTML('<!doctype html><html><body></body></html>')
Object.assign(globalThis, { document, Node: window.Node })

const model = formModel(SCHEMA)
const E = '22222222-2222-4333-8444-555555555555'

function render(answers, over = {}) {
  const calls = []
  const actions = new Proxy({}, { get: (_, name) => (...args) => calls.push([name, ...args]) })
  const el = renderForm({
    model,
    view: { id: 'i', status: 'draft', site_id: 's', answers, pending_paths: [], conflicts: [], comments: [] },
    site: { name: '联华超市' },
    section: 0,
    readOnly: false,
    conflicts: {},
    comments: {},
    rejected: [],
    evidence: {},
    stale: new Set(),
    missing: null,
    syncState: 'synced',
    actions,
    go: () => {},
    back: () => {},
    submit: () => {},
    discard: () => {},
    focusPointer: () => {},
    ...over,
  })
  return { el, calls }
}

const paths = (el) => [...el.querySelectorAll('main > .item')].map((n) => n.getAttribute('data-path'))

test('pass/fail items get three large buttons; a tap sets the answer', () => {
  setLang('zh')
  const { el, calls } = render({})
  const buttons = el.querySelectorAll('[data-path="licence"] .pf-btn')
  assert.deepEqual([...buttons].map((b) => b.textContent), ['合格', '不合格', '不适用'])
  buttons[1].dispatchEvent(new window.Event('click'))
  assert.deepEqual(calls, [['set', 'licence', 'fail']])
})

test('conditional items follow the answers; sections show progress', () => {
  assert.deepEqual(paths(render({}).el), ['fresh', 'photos', 'licence'])
  const { el } = render({ fresh: 'yes' })
  assert.deepEqual(paths(el), ['fresh', 'categories', 'photos', 'licence'])
  assert.deepEqual([...el.querySelectorAll('.sec-title')].map((n) => n.textContent), ['基本情况', '冷链', '签字'])
  assert.equal(el.querySelector('.sec.on .sec-count').textContent, '1/3')
})

test('numbers use the decimal keypad, show the acceptable range and mark a failed reading', () => {
  const { el } = render({ fresh: 'yes', categories: ['frozen'], frozen_temp: -12 }, { section: 1 })
  const input = el.querySelector('[data-path="frozen_temp"] input')
  assert.equal(input.getAttribute('inputmode'), 'decimal')
  assert.equal(el.querySelector('[data-path="frozen_temp"] .range').textContent, '合格范围：≤ -18 ℃')
  assert.ok(el.querySelector('[data-path="frozen_temp"]').classList.contains('failed'))
  assert.ok(el.querySelector('[data-path="frozen_temp"] [data-evidence="photo"] input[type="file"][capture="environment"]'))
})

test('repeating groups render one card per entry, keyed by its UUID', () => {
  const { el, calls } = render({ fresh: 'yes', stalls: { [E]: { prices: 'fail' } } }, { section: 1 })
  assert.ok(el.querySelector(`[data-entry="${E}"] [data-path="stalls/${E}/prices"]`))
  assert.ok(el.querySelector(`[data-path="stalls/${E}/prices"] [data-evidence="photo"] [data-photo-input="stalls/${E}/stall_photos"]`))
  el.querySelector('[data-action="add-entry"]').dispatchEvent(new window.Event('click'))
  assert.deepEqual(calls.at(-1), ['addEntry', 'stalls'])
})

test("the supervisor's comments and conflicts show on their items, in the chosen language", () => {
  const conflict = { id: 'k', path: 'licence', kind: 'hard', status: 'open', mine: true, candidates: [{ value: 'pass' }, { value: 'fail' }] }
  const { el } = render({ licence: 'pass' }, {
    comments: { licence: [{ id: 'c', path: 'licence', text: '请拍照复核' }] },
    conflicts: { licence: [conflict] },
  })
  const card = el.querySelector('[data-path="licence"]')
  assert.match(card.querySelector('[data-comment]').textContent, /请拍照复核/)
  assert.match(card.querySelector('[data-conflict]').textContent, /您的答案已保留，等待主管审核/)
  setLang('en')
  const english = render({ licence: 'pass' }, { conflicts: { licence: [conflict] } }).el
  assert.match(english.querySelector('[data-conflict]').textContent, /Your answer was kept for review/)
  assert.equal(english.querySelector('.pf-btn').textContent, 'Pass')
  assert.equal(english.querySelector('[data-path="licence"] h3').textContent, 'licence')
  setLang('zh')
})

test('refused changes are listed with their pointers read as item labels', () => {
  const rejected = [{ client_seq: 4, problem: { type: 'urn:xunjian:problem:invalid-answers', detail: '1 answer(s) do not fit', errors: [{ pointer: '/frozen_temp', detail: '应为数字' }] } }]
  const { el } = render({}, { rejected })
  const banner = el.querySelector('[data-banner="refused"]')
  assert.match(banner.textContent, /冷冻柜温度：应为数字/)
})
