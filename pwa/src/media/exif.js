// @ts-check
// Carry a camera JPEG's EXIF (capture time, GPS, camera) over to the downscaled copy, which the
// canvas writes without it. The pixels are already upright, so Orientation is set to 1. And read
// what it says of the capture (device, time, position) for the photo's chain of custody.

/** The Exif APP1 segment of a JPEG (marker included), or null. @param {Uint8Array} bytes */
export function findExif(bytes) {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return null
  let at = 2
  while (at + 4 <= bytes.length && bytes[at] === 0xff) {
    const marker = bytes[at + 1]
    if (marker === 0xda || marker === 0xd9) return null // image data: no more metadata
    const length = (bytes[at + 2] << 8) | bytes[at + 3]
    const isExif =
      marker === 0xe1 && bytes[at + 4] === 0x45 && bytes[at + 5] === 0x78 && bytes[at + 6] === 0x69 && bytes[at + 7] === 0x66
    if (isExif) return bytes.slice(at, at + 2 + length)
    at += 2 + length
  }
  return null
}

/** Set the Orientation tag (0x0112) of IFD0 to 1 in an APP1 segment, in place. @param {Uint8Array} segment */
export function resetOrientation(segment) {
  const tiff = 10 // FF E1, length (2), "Exif\0\0"
  const view = new DataView(segment.buffer, segment.byteOffset, segment.byteLength)
  if (segment.length < tiff + 8) return segment
  const little = view.getUint16(tiff) === 0x4949
  const ifd = tiff + view.getUint32(tiff + 4, little)
  if (ifd + 2 > segment.length) return segment
  const count = view.getUint16(ifd, little)
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12
    if (entry + 12 > segment.length) break
    if (view.getUint16(entry, little) === 0x0112) view.setUint16(entry + 8, 1, little)
  }
  return segment
}

/** Insert an APP1 segment after SOI (and a JFIF APP0, if any). @param {Uint8Array} jpeg @param {Uint8Array} segment */
export function insertSegment(jpeg, segment) {
  let at = 2
  if (jpeg[2] === 0xff && jpeg[3] === 0xe0) at = 4 + ((jpeg[4] << 8) | jpeg[5])
  const out = new Uint8Array(jpeg.length + segment.length)
  out.set(jpeg.subarray(0, at), 0)
  out.set(segment, at)
  out.set(jpeg.subarray(at), at + segment.length)
  return out
}

/**
 * The encoded JPEG with the original's EXIF, or the encoded JPEG unchanged.
 * @param {Blob} original @param {Blob} encoded
 */
export async function keepExif(original, encoded) {
  const head = new Uint8Array(await original.slice(0, 256 * 1024).arrayBuffer())
  const segment = findExif(head)
  if (!segment) return encoded
  const jpeg = new Uint8Array(await encoded.arrayBuffer())
  return new Blob([insertSegment(jpeg, resetOrientation(segment))], { type: 'image/jpeg' })
}

/**
 * What the camera wrote of the capture, from an APP1 segment: the device (Make, Model), the
 * capture time (DateTimeOriginal, with OffsetTimeOriginal when written) and the GPS position.
 * Anything missing or malformed is left out.
 * @param {Uint8Array} segment
 * @returns {{device?: string, captured_at?: string, lat?: number, lon?: number}}
 */
export function exifFacts(segment) {
  const tiff = 10
  if (segment.length < tiff + 8) return {}
  const view = new DataView(segment.buffer, segment.byteOffset, segment.byteLength)
  const little = view.getUint16(tiff) === 0x4949
  const ifd0 = readIfd(view, tiff, tiff + view.getUint32(tiff + 4, little), little)
  const sub = ifd0.get(0x8769)
  const exif = sub ? readIfd(view, tiff, tiff + Number(sub), little) : new Map()
  const gpsAt = ifd0.get(0x8825)
  const gps = gpsAt ? readIfd(view, tiff, tiff + Number(gpsAt), little) : new Map()
  /** @type {{device?: string, captured_at?: string, lat?: number, lon?: number}} */
  const facts = {}
  const device = [ifd0.get(0x010f), ifd0.get(0x0110)].filter((v) => typeof v === 'string' && v).join(' ').trim()
  if (device) facts.device = device.slice(0, 200)
  const stamp = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(String(exif.get(0x9003) || ''))
  if (stamp) {
    const offset = String(exif.get(0x9011) || '')
    facts.captured_at = `${stamp[1]}-${stamp[2]}-${stamp[3]}T${stamp[4]}${/^[+-]\d{2}:\d{2}$/.test(offset) ? offset : ''}`
  }
  const lat = degrees(gps.get(2), gps.get(1), 'S', 90)
  const lon = degrees(gps.get(4), gps.get(3), 'W', 180)
  if (lat !== null && lon !== null) Object.assign(facts, { lat, lon })
  return facts
}

/** @param {any} value @param {any} ref @param {string} negative @param {number} limit */
function degrees(value, ref, negative, limit) {
  if (!Array.isArray(value) || value.length !== 3 || !value.every(Number.isFinite)) return null
  const result = (value[0] + value[1] / 60 + value[2] / 3600) * (ref === negative ? -1 : 1)
  return Math.abs(result) <= limit ? Math.round(result * 1e7) / 1e7 : null
}

const SIZES = /** @type {Record<number, number>} */ ({ 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 9: 4, 10: 8 })

/**
 * The entries of one IFD: ASCII as strings, SHORT/LONG as numbers, RATIONAL as numbers (one or a list).
 * @param {DataView} view @param {number} tiff @param {number} at @param {boolean} little
 */
function readIfd(view, tiff, at, little) {
  /** @type {Map<number, any>} */
  const entries = new Map()
  if (at + 2 > view.byteLength) return entries
  const count = view.getUint16(at, little)
  for (let i = 0; i < count; i++) {
    const entry = at + 2 + i * 12
    if (entry + 12 > view.byteLength) break
    const tag = view.getUint16(entry, little)
    const type = view.getUint16(entry + 2, little)
    const n = view.getUint32(entry + 4, little)
    const size = (SIZES[type] || 0) * n
    if (!size) continue
    const data = size <= 4 ? entry + 8 : tiff + view.getUint32(entry + 8, little)
    if (data + size > view.byteLength) continue
    entries.set(tag, value(view, type, data, n, little))
  }
  return entries
}

/** @param {DataView} view @param {number} type @param {number} at @param {number} n @param {boolean} little */
function value(view, type, at, n, little) {
  if (type === 2) {
    let text = ''
    for (let i = 0; i < n; i++) text += String.fromCharCode(view.getUint8(at + i))
    return text.replace(/\0[\s\S]*$/, '').trim()
  }
  const read = (/** @type {number} */ i) => {
    if (type === 3) return view.getUint16(at + i * 2, little)
    if (type === 4) return view.getUint32(at + i * 4, little)
    if (type === 9) return view.getInt32(at + i * 4, little)
    if (type === 5 || type === 10) {
      const signed = type === 10
      const den = signed ? view.getInt32(at + i * 8 + 4, little) : view.getUint32(at + i * 8 + 4, little)
      const num = signed ? view.getInt32(at + i * 8, little) : view.getUint32(at + i * 8, little)
      return den ? num / den : NaN
    }
    return view.getUint8(at + i)
  }
  if (n === 1) return read(0)
  return Array.from({ length: Math.min(n, 16) }, (_, i) => read(i))
}
