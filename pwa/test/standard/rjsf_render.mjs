// react-jsonschema-form (@rjsf/core, validated by Ajv 2020-12) renders a published checklist
// schema to static HTML, once per form data: run by tests/schemas/test_standard_tools.py with
// {schema, forms: {name: formData}} on stdin; prints {name: html}.
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import Form from '@rjsf/core'
import { customizeValidator } from '@rjsf/validator-ajv8'
import Ajv2020 from 'ajv/dist/2020.js'

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const { schema, forms } = JSON.parse(Buffer.concat(chunks).toString('utf8'))

const validator = customizeValidator({ AjvClass: Ajv2020 })
// An inspection form must not answer for the inspector: by default rjsf takes the first `const`
// of a `oneOf` (合格, the first option) as the field's default.
const experimental_defaultFormStateBehavior = { constAsDefaults: 'skipOneOf' }
/** @type {Record<string, string>} */
const html = {}
for (const [name, formData] of Object.entries(forms)) {
  html[name] = renderToStaticMarkup(createElement(Form, { schema, validator, formData, experimental_defaultFormStateBehavior }))
}
process.stdout.write(JSON.stringify(html))
