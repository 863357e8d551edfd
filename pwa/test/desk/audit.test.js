// The desk's audit trail: entries say what they did, with item labels.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { opText, pathLabel } from '../../src/desk/audit.js'
import { setLang } from '../../src/i18n/index.js'
import { formModel } from '../../src/model/form.js'
import { SCHEMA } from '../fixture_schema.js'

test('audit entries say what they did with item labels', () => {
  setLang('zh')
  const model = formModel(SCHEMA)
  assert.equal(pathLabel('licence', model), '证照齐全')
  assert.equal(opText({ kind: 'set', op: { answers: { licence: 'fail' } } }, model), '填写：证照齐全 = 不合格')
  assert.equal(opText({ kind: 'set', op: { changes: [{ path: 'licence', value: 'fail' }] } }, model), '填写：证照齐全 = 不合格')
  assert.equal(opText({ kind: 'transition', op: { to: 'submitted' } }, model), '状态变更 → 已提交')
  assert.equal(opText({ kind: 'resolve', op: { value: -20, note: '复测' } }, model), '处理冲突：-20 · 复测')
  assert.equal(opText({ kind: 'mystery', op: {} }, model), 'mystery')
})

test('a move to a newer checklist version lists what it could not carry, with the old values', () => {
  setLang('zh')
  const model = formModel(SCHEMA)
  const result = { uncarried: [{ path: 'licence', value: 'fail', kind: 'pass_fail', reason: 'kind', version: 1, seq: 9 }] }
  assert.equal(opText({ kind: 'upgrade', op: { version: 2 }, result }, model), '升级检查表版本 → 2 · 未带入（保留原值）：证照齐全 = 不合格')
  assert.equal(opText({ kind: 'upgrade', op: { version: 2 }, result: {} }, model), '升级检查表版本 → 2')
  const late = { kind: 'set', op: { answers: { licence: 'fail' } }, result }
  assert.equal(opText(late, model), '填写：证照齐全 = 不合格 · 未带入（保留原值）：证照齐全 = 不合格')
})
