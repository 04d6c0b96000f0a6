// Every operation shows an example: its request body or one of its responses carries one, on the
// media type or on the schema (for a page, on the schema of its items). Input: an operation
// object with references resolved.
function schemaHasExample(schema, depth) {
  if (!schema || typeof schema !== 'object' || depth > 6) return false;
  if (schema.example !== undefined || (Array.isArray(schema.examples) && schema.examples.length)) return true;
  const parts = [...(schema.allOf || []), ...(schema.oneOf || []), ...(schema.anyOf || [])];
  if (parts.some((part) => schemaHasExample(part, depth + 1))) return true;
  const items = schema.properties && schema.properties.items;
  return Boolean(items && schemaHasExample(items.items, depth + 1));
}

function mediaHasExample(content) {
  return Object.values(content || {}).some(
    (media) =>
      media &&
      (media.example !== undefined ||
        (media.examples && Object.keys(media.examples).length > 0) ||
        schemaHasExample(media.schema, 0)),
  );
}

export default function hasExample(operation) {
  if (!operation || typeof operation !== 'object') return;
  if (operation.requestBody && mediaHasExample(operation.requestBody.content)) return;
  for (const response of Object.values(operation.responses || {})) {
    if (response && mediaHasExample(response.content)) return;
  }
  return [{ message: 'The operation has no example: give one on its request body or a response (media type or schema).' }];
}
