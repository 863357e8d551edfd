// @ts-check
// Reading a checklist version's published JSON Schema (schemas/json_schema.py): an item shown only
// under a condition is not in `properties` but in `patternProperties` (`^id$`) and in the `then` of
// an `if`, so standard form libraries hide it; the phone finds every item's schema here.

/**
 * Every item's schema in an object schema (the answers, or a group's entry) by id, conditional ones too.
 * Schemas published before conditions became if/then hold every item in `properties`; they read the same.
 * @param {any} schema
 * @returns {Record<string, any>}
 */
export function itemSchemas(schema) {
  /** @type {Record<string, any>} */
  const found = { ...(schema?.properties || {}) }
  for (const [pattern, item] of Object.entries(schema?.patternProperties || {})) {
    const id = /^\^([a-z][a-z0-9_]*)\$$/.exec(pattern)?.[1]
    if (id) found[id] = item
  }
  return found
}

/**
 * The items of a group's entry schema in form order (`x-order`, else as listed).
 * @param {any} entry
 * @returns {[string, any][]}
 */
export function entryItems(entry) {
  const schemas = itemSchemas(entry)
  const order = entry?.['x-order'] || Object.keys(schemas)
  return order.filter((/** @type {string} */ id) => id in schemas).map((/** @type {string} */ id) => [id, schemas[id]])
}
