// Build pwa/dist: the app bundled and minified with content-hashed names (served immutable),
// index.html pointing at them, the web app manifest and icons, and sw.js stamped with the
// shell's version and precache list (a new build → a new shell cache). Every text file is
// precompressed beside itself (name.br at brotli's best, name.gz at gzip's), so the server
// sends the coding a browser accepts without compressing on each request.
// Environment: XUNJIAN_BUILD_ID is mixed into the shell version (the same sources under another
// build id make a new version, as the update test needs); XUNJIAN_PWA_OUT builds into another
// folder than pwa/dist.
import { createHash } from 'node:crypto'
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import * as esbuild from 'esbuild'
import { iconPng, iconSvg } from './icons.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dist = process.env.XUNJIAN_PWA_OUT ? resolve(process.env.XUNJIAN_PWA_OUT) : join(root, 'dist')
const buildId = process.env.XUNJIAN_BUILD_ID || ''
const target = ['es2022', 'chrome105', 'safari15.4', 'firefox110']
// tsconfig.json is for type-checking only: the build reads none (its strict would add "use strict").
const tsconfigRaw = '{}'

const MANIFEST = {
  name: '巡检 Xunjian',
  short_name: '巡检',
  description: '离线优先的现场检查 / Offline-first field inspection',
  lang: 'zh-CN',
  start_url: './',
  scope: './',
  id: '/app/',
  display: 'standalone',
  orientation: 'portrait',
  background_color: '#f3f4f6',
  theme_color: '#0f766e',
  icons: [
    { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
    { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
    { src: 'icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    { src: 'icons/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
  ],
}

async function main() {
  await rm(dist, { recursive: true, force: true })
  await mkdir(join(dist, 'assets'), { recursive: true })
  await mkdir(join(dist, 'icons'), { recursive: true })

  const app = await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['src/app.js', 'src/app.css'],
    bundle: true,
    minify: true,
    format: 'esm',
    splitting: true, // code loaded only when needed (the QR reader) is a chunk of its own
    target,
    tsconfigRaw,
    outdir: join(dist, 'assets'),
    entryNames: '[name]-[hash]',
    chunkNames: 'chunks/[name]-[hash]',
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
  })
  const outputs = Object.entries(app.metafile.outputs)
  const asset = (entry) => relative(dist, join(root, outputs.find(([, o]) => o.entryPoint === entry)[0])).split('\\').join('/')
  const js = asset('src/app.js')
  const css = asset('src/app.css')

  const files = {
    'index.html': (await readFile(join(root, 'src/index.html'), 'utf8')).replace('%JS%', js).replace('%CSS%', css),
    'manifest.webmanifest': JSON.stringify(MANIFEST, null, 2) + '\n',
    'icons/icon.svg': iconSvg(),
    'icons/icon-192.png': iconPng(192),
    'icons/icon-512.png': iconPng(512),
    'icons/maskable-512.png': iconPng(512, { maskable: true }),
  }
  for (const [name, content] of Object.entries(files)) await writeFile(join(dist, name), content)

  // lazily loaded chunks are precached too (scanning works offline), but not loaded at start
  const chunks = outputs.filter(([path, o]) => !o.entryPoint && path.endsWith('.js')).map(([path]) => relative(dist, join(root, path)).split('\\').join('/'))
  const precache = ['./', js, css, ...chunks, 'manifest.webmanifest', 'icons/icon.svg', 'icons/icon-192.png', 'icons/icon-512.png']
  const hash = createHash('sha256').update(buildId)
  for (const name of [js, css, 'index.html', 'manifest.webmanifest']) hash.update(await readFile(join(dist, name)))
  const version = hash.digest('hex').slice(0, 12)

  await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['src/sw.js'],
    bundle: true,
    minify: true,
    format: 'iife',
    target,
    tsconfigRaw,
    outfile: join(dist, 'sw.js'),
    legalComments: 'none',
    logLevel: 'warning',
    define: {
      'globalThis.__XUNJIAN_VERSION__': JSON.stringify(version),
      'globalThis.__XUNJIAN_PRECACHE__': JSON.stringify(precache),
    },
  })
  await writeFile(join(dist, 'build.json'), JSON.stringify({ version, precache, js, css }, null, 2) + '\n')
  await precompress(dist)
  console.log(`${relative(join(root, '..'), dist)} built: shell ${version} (${js}, ${css})`)
}

/** Files already packed (PNG) gain nothing from a second coding; the build's own record is not served. */
const PACKED = /\.(png|br|gz)$|^build\.json$/

/** Write name.br and name.gz beside every other file under `folder`, each only where it is smaller. */
async function precompress(folder) {
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || PACKED.test(entry.name)) continue
    const path = join(entry.parentPath, entry.name)
    const data = await readFile(path)
    const br = brotliCompressSync(data, {
      params: {
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      },
    })
    const gz = gzipSync(data, { level: 9 })
    if (br.length < data.length) await writeFile(`${path}.br`, br)
    if (gz.length < data.length) await writeFile(`${path}.gz`, gz)
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
