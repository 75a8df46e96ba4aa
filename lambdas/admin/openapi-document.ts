/**
 * The OpenAPI document `npm run openapi` generates from the route table and the zod schemas (test/openapi.test.ts
 * fails when it is stale). It ships as a file beside the admin bundle (lib/bundling.ts copies it there), not inside
 * it: 80 kB of JSON that every cold start would otherwise parse, for a route that is rarely called.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The document's file name beside the deployed bundle, in the function's code root (`LAMBDA_TASK_ROOT`). */
export const OPENAPI_DOCUMENT_FILE = 'openapi.json';

/** Where `npm run openapi` writes it in the repository, relative to the project root. */
export const OPENAPI_DOCUMENT_SOURCE = join('docs', OPENAPI_DOCUMENT_FILE);

let document: Record<string, unknown> | undefined;

export function openApiDocument(): Record<string, unknown> {
  // In Lambda the document sits in the code root; run from source (the local gateway, tests) it is the repository's.
  const codeRoot = process.env.LAMBDA_TASK_ROOT;
  const file = codeRoot ? join(codeRoot, OPENAPI_DOCUMENT_FILE) : join(__dirname, '..', '..', OPENAPI_DOCUMENT_SOURCE);
  document ??= JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  return document;
}
