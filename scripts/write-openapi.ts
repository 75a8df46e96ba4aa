/** `npm run openapi [file]`: writes the OpenAPI document, by default to docs/openapi.json. */
import { writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { buildOpenApiDocument } from '../openapi/document';

async function main() {
  const target = resolve(process.argv[2] ?? resolve(__dirname, '..', 'docs', 'openapi.json'));
  // Formatted as the repository formats JSON, so that `npm run format` leaves the file alone.
  const options = { ...(await resolveConfig(target)), filepath: target };
  writeFileSync(target, await format(JSON.stringify(buildOpenApiDocument()), options));
  console.log(`wrote ${relative(process.cwd(), target) || target}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
