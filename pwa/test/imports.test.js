// The app's import graph, as esbuild (the bundler) parses it: no cycles, and folders import only
// the layers below them. JSDoc `import('…')` types are comments, not imports, and are not counted.
//
//   lib/    plain helpers (fetch, DOM, ids, hashing, IndexedDB)      imports: lib
//   i18n/   the interface texts                                      imports: i18n
//   model/  pure logic on forms, inspections, plans and findings     imports: lib, i18n, model
//   media/  photos, EXIF, the signature pad                          imports: lib, media
//   sync/   what goes between the device and the server              imports: lib, i18n, model, media, sync
//   form/   the form renderer and its widgets (the phone's inspection
//           page, the desk's template preview)                       imports: lib, i18n, model, media, form
//   phone/  the inspector's pages                                    imports: all of the above and phone, never desk
//   desk/   the supervisor's pages                                   imports: all of the above and desk, never phone
//   app.js and sw.js are the entry points: nothing imports them; the service worker's bundle holds no page.
import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const src = join(root, 'src')

const ENTRIES = ['app.js', 'sw.js']
const LAYERS = {
  lib: ['lib'],
  i18n: ['i18n'],
  model: ['lib', 'i18n', 'model'],
  media: ['lib', 'media'],
  sync: ['lib', 'i18n', 'model', 'media', 'sync'],
  form: ['lib', 'i18n', 'model', 'media', 'form'],
  phone: ['lib', 'i18n', 'model', 'media', 'sync', 'form', 'phone'],
  desk: ['lib', 'i18n', 'model', 'media', 'sync', 'form', 'desk'],
}

/** Every .js file under src, as a path relative to it ("desk/shell.js"). */
function sources(dir = src) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name)
    if (e.isDirectory()) return sources(path)
    return e.name.endsWith('.js') ? [relative(src, path).split('\\').join('/')] : []
  })
}

/**
 * The import graph of src: module → the modules it imports (static imports, re-exports and
 * dynamic import() calls), from every module as an entry point, so none is left out.
 * @returns {Promise<Map<string, string[]>>}
 */
async function importGraph() {
  const files = sources()
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: files.map((f) => `src/${f}`),
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    outdir: 'out',
    packages: 'external',
    logLevel: 'silent',
  })
  const graph = new Map()
  for (const [input, meta] of Object.entries(result.metafile.inputs)) {
    if (!input.startsWith('src/')) continue
    graph.set(input.slice(4), meta.imports.filter((i) => !i.external && i.path.startsWith('src/')).map((i) => i.path.slice(4)))
  }
  for (const f of files) assert.ok(graph.has(f), `${f} was not parsed`)
  return graph
}

/**
 * The cycles of a graph: its strongly connected components of more than one module, or of one
 * that imports itself (Tarjan), each as the modules on it.
 * @param {Map<string, string[]>} graph
 */
export function cycles(graph) {
  let next = 0
  const index = new Map()
  const low = new Map()
  const stack = []
  const on = new Set()
  const found = []
  const visit = (v) => {
    index.set(v, next)
    low.set(v, next++)
    stack.push(v)
    on.add(v)
    for (const w of graph.get(v) || []) {
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v), low.get(w)))
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), index.get(w)))
    }
    if (low.get(v) === index.get(v)) {
      const component = []
      let w
      do {
        w = stack.pop()
        on.delete(w)
        component.push(w)
      } while (w !== v)
      if (component.length > 1 || (graph.get(v) || []).includes(v)) found.push(component.sort())
    }
  }
  for (const v of graph.keys()) if (!index.has(v)) visit(v)
  return found
}

/** The folder of a module ("desk"), or "" for the entry points at the top. @param {string} path */
const folder = (path) => (path.includes('/') ? path.split('/')[0] : '')

const graph = await importGraph()

test('the cycle finder finds cycles, long and short, and nothing in a tree', () => {
  const g = (o) => new Map(Object.entries(o))
  assert.deepEqual(cycles(g({ a: ['b'], b: ['c'], c: [] })), [])
  assert.deepEqual(cycles(g({ a: ['b', 'c'], b: ['c'], c: [] })), [])
  assert.deepEqual(cycles(g({ a: ['b'], b: ['a'] })), [['a', 'b']])
  assert.deepEqual(cycles(g({ a: ['a'] })), [['a']])
  assert.deepEqual(cycles(g({ top: ['a'], a: ['b'], b: ['c'], c: ['a'], d: ['e'], e: ['d'] })), [['a', 'b', 'c'], ['d', 'e']])
})

test('the app has no import cycle', () => {
  assert.deepEqual(cycles(graph), [], 'modules importing each other, directly or through others')
})

test('modules live in the folders of their layer; only the entry points are at the top', () => {
  const misplaced = [...graph.keys()].filter((f) => (folder(f) ? !(folder(f) in LAYERS) : !ENTRIES.includes(f)))
  assert.deepEqual(misplaced, [])
})

test('each folder imports only from its own layer and the layers below', () => {
  const wrong = []
  for (const [from, imports] of graph) {
    const allowed = LAYERS[/** @type {keyof LAYERS} */ (folder(from))]
    if (!allowed) continue // an entry point
    for (const to of imports) if (!allowed.includes(folder(to))) wrong.push(`${from} → ${to}`)
  }
  assert.deepEqual(wrong, [])
})

test('nothing imports the entry points', () => {
  const wrong = [...graph].flatMap(([from, imports]) => imports.filter((to) => ENTRIES.includes(to)).map((to) => `${from} → ${to}`))
  assert.deepEqual(wrong, [])
})

test("the service worker's bundle holds no page of the phone or the desk", () => {
  const reached = new Set(['sw.js'])
  for (const module of reached) for (const to of graph.get(module) || []) reached.add(to)
  assert.deepEqual([...reached].filter((f) => ['phone', 'desk'].includes(folder(f))), [])
})
