/**
 * The operator console for a deployed stack, standalone:
 *
 *   npx tsx console/serve.ts --endpoint https://abc123.execute-api.eu-west-1.amazonaws.com/prod [--profile P] [--region R] [--port N]
 *
 * Serves the page on 127.0.0.1 and signs its management calls with credentials from the standard AWS
 * chain (environment, --profile / AWS_PROFILE, SSO, container or instance roles). Build the page first
 * with `npm run build:console`.
 */
import { parseArgs } from 'node:util';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { regionOfEndpoint } from '../client/management-client';
import { startConsoleServer } from './server/server';

const USAGE = 'usage: tsx console/serve.ts --endpoint URL [--profile NAME] [--region REGION] [--port N]';

async function main() {
  const { values } = parseArgs({
    options: {
      endpoint: { type: 'string' },
      profile: { type: 'string' },
      region: { type: 'string' },
      port: { type: 'string', default: '0' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return console.log(USAGE);
  if (!values.endpoint || !URL.canParse(values.endpoint)) throw new Error(`--endpoint URL is required\n${USAGE}`);
  const region =
    values.region ?? regionOfEndpoint(values.endpoint) ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw new Error('Cannot tell the region from the endpoint: pass --region');

  const credentials = fromNodeProviderChain(values.profile ? { profile: values.profile } : {});
  // Fail now, with the provider chain's own explanation, rather than on the page's first call.
  const { accessKeyId } = await credentials();
  const server = await startConsoleServer({
    endpoint: values.endpoint,
    region,
    credentials,
    port: Number(values.port),
  });
  console.log(
    `patgate console for ${values.endpoint} (${region}, signing as ${accessKeyId.slice(0, 4)}…${accessKeyId.slice(-4)})`,
  );
  console.log(`open ${server.url} — Ctrl-C stops it`);
  process.once('SIGINT', () => void server.close().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
