// The app's icons, drawn here (no third-party assets): a teal tile with a white clipboard and
// a check mark. PNGs are rasterised with 4×4 supersampling and written with node:zlib.
import { deflateSync } from 'node:zlib'

const TEAL = [15, 118, 110]
const WHITE = [255, 255, 255]
const MINT = [153, 246, 228]

/** Shapes in a unit square; `inset` shrinks the artwork (maskable icons keep a safe zone). */
function shapes(inset) {
  const s = (v) => 0.5 + (v - 0.5) * (1 - 2 * inset)
  return {
    clipboard: { x0: s(0.27), y0: s(0.22), x1: s(0.73), y1: s(0.82), r: 0.06 * (1 - 2 * inset) },
    clip: { x0: s(0.4), y0: s(0.15), x1: s(0.6), y1: s(0.27), r: 0.04 * (1 - 2 * inset) },
    check: [
      [s(0.36), s(0.53)],
      [s(0.46), s(0.64)],
      [s(0.65), s(0.41)],
    ],
    width: 0.065 * (1 - 2 * inset),
  }
}

function inRoundRect(x, y, { x0, y0, x1, y1, r }) {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false
  const cx = Math.min(Math.max(x, x0 + r), x1 - r)
  const cy = Math.min(Math.max(y, y0 + r), y1 - r)
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r
}

function nearSegment(x, y, [ax, ay], [bx, by], width) {
  const dx = bx - ax
  const dy = by - ay
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
  return (x - ax - t * dx) ** 2 + (y - ay - t * dy) ** 2 <= (width / 2) ** 2
}

/** RGBA of a point, or null outside the tile. */
function colour(x, y, art, rounded) {
  if (rounded && !inRoundRect(x, y, { x0: 0, y0: 0, x1: 1, y1: 1, r: 0.22 })) return null
  const [a, b, c] = art.check
  if (nearSegment(x, y, a, b, art.width) || nearSegment(x, y, b, c, art.width)) return TEAL
  if (inRoundRect(x, y, art.clip)) return MINT
  if (inRoundRect(x, y, art.clipboard)) return WHITE
  return TEAL
}

function crc32(bytes) {
  let crc = ~0
  for (const byte of bytes) {
    crc ^= byte
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1))
  }
  return ~crc >>> 0
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length)
  out.writeUInt32BE(data.length, 0)
  out.write(type, 4, 'ascii')
  data.copy(out, 8)
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length)
  return out
}

/** A PNG of the icon at `size` px. */
export function iconPng(size, { maskable = false } = {}) {
  const art = shapes(maskable ? 0.1 : 0)
  const rows = Buffer.alloc(size * (size * 4 + 1))
  const n = 4
  for (let py = 0; py < size; py++) {
    rows[py * (size * 4 + 1)] = 0
    for (let px = 0; px < size; px++) {
      let r = 0
      let g = 0
      let b = 0
      let a = 0
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const c = colour((px + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size, art, !maskable)
          if (!c) continue
          r += c[0]
          g += c[1]
          b += c[2]
          a += 1
        }
      }
      const at = py * (size * 4 + 1) + 1 + px * 4
      rows[at] = a ? Math.round(r / a) : 0
      rows[at + 1] = a ? Math.round(g / a) : 0
      rows[at + 2] = a ? Math.round(b / a) : 0
      rows[at + 3] = Math.round((255 * a) / (n * n))
    }
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header[8] = 8 // bit depth
  header[9] = 6 // RGBA
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(rows, { level: 9 })), chunk('IEND', Buffer.alloc(0))])
}

/** The same icon as SVG (favicon, login page). */
export function iconSvg() {
  const art = shapes(0)
  const p = (v) => Math.round(v * 1000) / 10
  const rect = ({ x0, y0, x1, y1, r }, fill) =>
    `<rect x="${p(x0)}" y="${p(y0)}" width="${p(x1 - x0)}" height="${p(y1 - y0)}" rx="${p(r)}" fill="${fill}"/>`
  const [a, b, c] = art.check
  return (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">' +
    '<rect width="100" height="100" rx="22" fill="#0f766e"/>' +
    rect(art.clipboard, '#fff') +
    rect(art.clip, '#99f6e4') +
    `<polyline points="${p(a[0])},${p(a[1])} ${p(b[0])},${p(b[1])} ${p(c[0])},${p(c[1])}" fill="none" stroke="#0f766e" stroke-width="${p(art.width)}" stroke-linecap="round" stroke-linejoin="round"/>` +
    '</svg>\n'
  )
}
