// Ajv (JSON Schema 2020-12, strict mode) with the published vocabulary of the checklist schemas
// (schemas/vocabulary.json): run by tests/schemas/test_standard_tools.py with the schemas and
// answers on stdin; prints, as JSON, whether strict mode refuses the schemas without the
// vocabulary, and Ajv's verdict on every case.
import Ajv2020 from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'

/** @param {any} vocabulary the meta-schema, as GET /api/checklists/vocabulary serves it */
export function strictAjv(vocabulary) {
  const ajv = new Ajv2020({ strict: true })
  addFormats(ajv)
  if (!vocabulary) return ajv
  ajv.addMetaSchema(vocabulary)
  const id = vocabulary.$id
  for (const keyword of Object.keys(vocabulary.properties)) {
    // each keyword's value is checked against its declaration in the meta-schema
    const metaSchema = { $ref: `${id}#/properties/${keyword}` }
    if (keyword === 'x-decimals') {
      ajv.addKeyword({
        keyword,
        type: 'number',
        metaSchema,
        // at most `places` decimal places: rounding there leaves the number unchanged
        validate: (/** @type {number} */ places, /** @type {number} */ data) =>
          Number.isInteger(data) || Number(data.toFixed(places)) === data,
      })
    } else ajv.addKeyword({ keyword, metaSchema })
  }
  return ajv
}

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const { vocabulary, schemas, cases } = JSON.parse(Buffer.concat(chunks).toString('utf8'))

let refusedWithout = ''
try {
  strictAjv(null).compile(schemas[0])
} catch (error) {
  refusedWithout = String(/** @type {Error} */ (error).message)
}
const ajv = strictAjv(vocabulary)
const dialect = ajv.getSchema(vocabulary.$id)
const fitsDialect = schemas.map((/** @type {any} */ s) => (dialect ? dialect(s) : false))
const validators = schemas.map((/** @type {any} */ s) => ajv.compile(s))
const verdicts = cases.map((/** @type {{schema: number, answers: any}} */ c) => validators[c.schema](c.answers))
process.stdout.write(JSON.stringify({ refusedWithout, fitsDialect, verdicts }))
