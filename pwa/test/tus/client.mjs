// The official tus-js-client against a running Xunjian server, for tests/server/routes/test_uploads_tus_clients.py.
// node pwa/test/tus/client.mjs BASE_URL TOKEN SCENARIO FILE SHA256
//   whole:  one upload in chunks
//   resume: abort after the first chunk, then a new Upload resumes from the stored URL (HEAD, then PATCH)
//   held:   an upload of bytes the organisation holds already
// Retries are off, so any refused request fails the run. Prints one JSON line: what happened.
import { readFileSync } from 'node:fs'
import * as tus from 'tus-js-client'

const [base, token, scenario, file, sha256] = process.argv.slice(2)
const data = readFileSync(file)
const requests = []

/** @param {Record<string, any>} extra */
function options(extra) {
  return {
    endpoint: `${base}/api/uploads`,
    headers: { Authorization: `Bearer ${token}` },
    metadata: { sha256, kind: 'photo', media_type: 'image/jpeg', filename: 'client.jpg' },
    chunkSize: 16 * 1024,
    retryDelays: null,
    storeFingerprintForResuming: false,
    onAfterResponse: (req, res) => requests.push([req.getMethod(), res.getStatus()]),
    ...extra,
  }
}

/** @param {Record<string, any>} extra @returns {Promise<{url: string | null, aborted: boolean}>} */
function run(extra, abortAfterChunk = false) {
  return new Promise((resolve, reject) => {
    const upload = new tus.Upload(data, options({
      ...extra,
      onError: reject,
      onSuccess: () => resolve({ url: upload.url, aborted: false }),
      onChunkComplete: () => {
        if (abortAfterChunk) upload.abort().then(() => resolve({ url: upload.url, aborted: true }), reject)
      },
    }))
    upload.start()
  })
}

try {
  let result
  if (scenario === 'resume') {
    const first = await run({}, true)
    result = await run({ uploadUrl: first.url })
    result.first = first
  } else {
    result = await run({})
  }
  console.log(JSON.stringify({ ok: true, ...result, requests }))
} catch (error) {
  console.log(JSON.stringify({ ok: false, error: String(error), requests }))
}
