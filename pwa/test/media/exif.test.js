// The camera's EXIF read for the chain of custody: device, capture time with its offset, GPS.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { exifFacts, findExif } from '../../src/media/exif.js'

// an 8×6 JPEG written by Pillow with the EXIF of tests/images.py phone_exif (Huawei P60 Pro,
// 2025:03:14 09:26:53 +08:00, GPS 30.2741 N 120.1551 W)
const PHONE_JPEG = Uint8Array.from(atob('/9j/4AAQSkZJRgABAQAAAQABAAD/4QECRXhpZgAATU0AKgAAAAgABQEPAAIAAAAHAAAASgEQAAIAAAAIAAAAUgESAAMAAAABAAEAAIdpAAQAAAABAAAAWoglAAQAAAABAAAAlAAAAABIdWF3ZWkAAFA2MCBQcm8AAAKQAwACAAAAFAAAAHiQEQACAAAABwAAAIwAAAAAMjAyNTowMzoxNCAwOToyNjo1MwArMDg6MDAAAAAEAAEAAgAAAAJOAAAAAAIABQAAAAMAAADKAAMAAgAAAAJXAAAAAAQABQAAAAMAAADiAAAAAAAAAB4AAAABAAAAEAAAAAEAAAKdAAAAGQAAAHgAAAABAAAACQAAAAEAAAHLAAAAGf/bAEMAEAsMDgwKEA4NDhIREBMYKBoYFhYYMSMlHSg6Mz08OTM4N0BIXE5ARFdFNzhQbVFXX2JnaGc+TXF5cGR4XGVnY//bAEMBERISGBUYLxoaL2NCOEJjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY//AABEIAAYACAMBIgACEQEDEQH/xAAfAAABBQEBAQEBAQAAAAAAAAAAAQIDBAUGBwgJCgv/xAC1EAACAQMDAgQDBQUEBAAAAX0BAgMABBEFEiExQQYTUWEHInEUMoGRoQgjQrHBFVLR8CQzYnKCCQoWFxgZGiUmJygpKjQ1Njc4OTpDREVGR0hJSlNUVVZXWFlaY2RlZmdoaWpzdHV2d3h5eoOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4eLj5OXm5+jp6vHy8/T19vf4+fr/xAAfAQADAQEBAQEBAQEBAAAAAAAAAQIDBAUGBwgJCgv/xAC1EQACAQIEBAMEBwUEBAABAncAAQIDEQQFITEGEkFRB2FxEyIygQgUQpGhscEJIzNS8BVictEKFiQ04SXxFxgZGiYnKCkqNTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqCg4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2dri4+Tl5ufo6ery8/T19vf4+fr/2gAMAwEAAhEDEQA/AIvDEK3/ANp80ldm3G3jrn/CiiivGzn9zjpwp6JW/JDdOFb95UV2+p//2Q=='), (c) => c.charCodeAt(0))

test('the device, the capture time and the position are read from the camera file', () => {
  const segment = findExif(PHONE_JPEG)
  assert.ok(segment)
  const facts = exifFacts(segment)
  assert.equal(facts.device, 'Huawei P60 Pro')
  assert.equal(facts.captured_at, '2025-03-14T09:26:53+08:00')
  assert.ok(Math.abs(/** @type {number} */ (facts.lat) - 30.2741) < 1e-4)
  assert.ok(Math.abs(/** @type {number} */ (facts.lon) + 120.1551) < 1e-4) // west is negative
})

test('a segment too short or cut short gives what it can, never an error', () => {
  const segment = /** @type {Uint8Array} */ (findExif(PHONE_JPEG))
  assert.deepEqual(exifFacts(segment.subarray(0, 12)), {})
  for (let cut = 12; cut < segment.length; cut += 7) assert.equal(typeof exifFacts(segment.slice(0, cut)), 'object')
})
