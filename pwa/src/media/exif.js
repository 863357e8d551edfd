// @ts-check
// Carry a camera JPEG's EXIF (capture time, GPS, camera) over to the downscaled copy, which the
// canvas writes without it. The pixels are already upright, so Orientation is set to 1.

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
