// Names at the desk: users by name from the directory, fetched once per token; devices as the server named them.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { deviceName, loadDirectory, makeDirectory } from '../../src/desk/directory.js'
import { who } from '../../src/desk/shell.js'

const app = (role) => ({ meta: { user: { id: 'u1', role, display_name: '李主管' }, token: 't' }, db: null })

const ZHANG = '1a8c5941-0000-4000-8000-000000000000'
const PHONE = 'd0d0d0d0-0000-4000-8000-000000000000'
const withDirectory = () => ({
  ...app('supervisor'),
  directory: makeDirectory({
    users: [{ id: ZHANG, username: 'inspector1', display_name: '张巡检 Zhang', role: 'inspector', active: true }],
  }),
})

test('with the directory loaded, users show by name; devices by the name sent beside them; unknown ones by a short id', () => {
  const desk = withDirectory()
  assert.equal(who(desk, ZHANG), '张巡检 Zhang')
  assert.equal(who(desk, 'u1'), '李主管')
  assert.equal(who(desk, 'ffffffff-0000-4000-8000-000000000000'), '#ffffffff')
  assert.equal(deviceName({ device_name: '手机A', device_id: PHONE, client_id: 'c1' }), '手机A')
  assert.equal(deviceName({ device_name: null, device_id: PHONE, client_id: 'c1' }), '#d0d0d0d0')
  assert.equal(deviceName({ device_id: null, client_id: 'c0ffee00-1111' }), '#c0ffee00')
  assert.equal(deviceName({ device_id: null, client_id: null }, 'server'), 'server')
})

test('the directory is fetched once per signed-in token and again after a failure', async () => {
  const calls = []
  let fail = false
  const realFetch = globalThis.fetch
  globalThis.fetch = async (url, init) => {
    calls.push([url, init.headers.Authorization])
    if (fail) return new Response('{"type":"urn:xunjian:problem:forbidden"}', { status: 403 })
    return new Response(JSON.stringify({ users: [{ id: ZHANG, username: 'inspector1', display_name: '张巡检 Zhang' }] }))
  }
  try {
    const desk = { meta: { token: 'token-a', user: { id: 'u1' } } }
    await loadDirectory(desk)
    await loadDirectory(desk)
    assert.deepEqual(calls, [['/api/directory', 'Bearer token-a']])
    assert.equal(who(desk, ZHANG), '张巡检 Zhang')
    fail = true
    const other = { meta: { token: 'token-b', user: { id: 'u2' } } }
    assert.equal(await loadDirectory(other), null)
    assert.equal(who(other, ZHANG), '#1a8c5941')
    fail = false
    await loadDirectory(other)
    assert.equal(calls.length, 3)
    assert.equal(who(other, ZHANG), '张巡检 Zhang')
  } finally {
    globalThis.fetch = realFetch
  }
})
