// The editor's checks: a refused publish's problem read as located errors, and each error shown
// at the field its path names (or the nearest thing marked with a prefix of it).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseHTML } from 'linkedom'
import { errorsFromProblem, markErrors, pathFromLocation, targetOf } from '../../src/desk/template_checks.js'
import { setLang } from '../../src/i18n/index.js'

const { document, window } = parseHTML('<!doctype html><html><body></body></html>')
Object.assign(globalThis, { document, Node: window.Node })

test('msgspec locations become paths', () => {
  assert.equal(pathFromLocation('$.sections[0].items[12].acceptable.min'), 'sections/0/items/12/acceptable/min')
  assert.equal(pathFromLocation('$.checklist_id'), 'checklist_id')
})

test('a refused publish: its listed errors, else one per location in the detail', () => {
  const listed = [{ path: 'sections/0/items/0/label/zh', item: 'a', field: 'label.zh', zh: '缺少标题', en: 'label missing' }]
  assert.deepEqual(errorsFromProblem({ detail: 'x', errors: listed }), listed)
  const errors = errorsFromProblem({
    detail: "request body: $.sections[0].items[1].acceptable: min 10 above max 4; $.sections[1].id: duplicate section id 's'",
  })
  assert.deepEqual(errors.map((e) => e.path), ['sections/0/items/1/acceptable', 'sections/1/id'])
  assert.deepEqual(errorsFromProblem({ detail: 'request body: Expected `str` of length >= 1 - at `$.title.zh`' }).map((e) => e.path), ['title/zh'])
  assert.deepEqual(errorsFromProblem({ title: 'Forbidden' }).map((e) => e.path), [''])
})

test('errors land at their field, or the nearest marked thing; old marks go', () => {
  setLang('en')
  document.body.innerHTML = `<div id=ed>
    <div data-path="sections/0/items/1"><label><input data-path="sections/0/items/1/label/zh"></label>
      <fieldset data-path="sections/0/items/1/acceptable"><input data-path="sections/0/items/1/acceptable/min"></fieldset></div></div>`
  const editor = document.getElementById('ed')
  assert.equal(targetOf(editor, 'sections/0/items/1/options/3/value').getAttribute('data-path'), 'sections/0/items/1')
  assert.equal(targetOf(editor, 'nowhere/0'), null)
  markErrors(editor, [
    { path: 'sections/0/items/1/label/zh', zh: '缺少中文标题', en: 'Chinese label missing' },
    { path: 'sections/0/items/1/acceptable', zh: '下限高于上限', en: 'min above max' },
  ])
  const notes = [...editor.querySelectorAll('.te-error')].map((e) => [e.getAttribute('data-error-path'), e.textContent])
  assert.deepEqual(notes, [['sections/0/items/1/label/zh', 'Chinese label missing'], ['sections/0/items/1/acceptable', 'min above max']])
  assert.equal(editor.querySelector('input[data-path="sections/0/items/1/label/zh"]').getAttribute('aria-invalid'), 'true')
  markErrors(editor, [])
  assert.equal(editor.querySelectorAll('.te-error, .te-invalid').length, 0)
})
