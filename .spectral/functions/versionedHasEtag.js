// A versioned resource (a response schema with an integer `version`) is answered with an `ETag`
// header, so that a client can send it back in `If-Match`. Input: a response object (resolved).
function versioned(schema, depth) {
  if (!schema || typeof schema !== 'object' || depth > 8) return false;
  const version = schema.properties && schema.properties.version;
  if (version && (version.type === 'integer' || (Array.isArray(version.type) && version.type.includes('integer')))) return true;
  return (schema.allOf || []).some((part) => versioned(part, depth + 1));
}

export default function versionedHasEtag(response) {
  const media = response && response.content && response.content['application/json'];
  if (!media || !versioned(media.schema, 0)) return;
  const headers = Object.keys(response.headers || {}).map((h) => h.toLowerCase());
  if (!headers.includes('etag')) {
    return [{ message: 'A response carrying a versioned resource (an integer `version`) must declare the ETag header.' }];
  }
}
