// @ts-check
/**
 * Ids the phone makes for ops and inspections: UUIDv7 (RFC 9562), a millisecond timestamp
 * then random bits. Made in time order, they land at the end of the server's indexes, so
 * storing a batch rewrites a few index pages rather than one per id.
 */

/**
 * @param {number} [now] milliseconds since the epoch
 * @returns {string}
 */
export function uuid7(now = Date.now()) {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  let ms = Math.max(0, Math.floor(now))
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256
    ms = Math.floor(ms / 256)
  }
  bytes[6] = (bytes[6] & 0x0f) | 0x70
  bytes[8] = (bytes[8] & 0x3f) | 0x80
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
