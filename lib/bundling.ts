/**
 * How Lambda handlers are bundled. The CDK stack and the bundle-size benchmark both read these settings,
 * so the benchmark measures exactly what gets deployed.
 */
import * as path from 'node:path';
import type { BuildOptions } from 'esbuild';
import { LogLevel, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { FunctionName } from './functions';
import { OPENAPI_DOCUMENT_FILE, OPENAPI_DOCUMENT_SOURCE } from '../lambdas/admin/openapi-document';

/**
 * The bundles run on Lambda only (locally the handlers run from source), on Node.js 24: test/stack.test.ts loads
 * them on the pinned Node.js 24.
 */
const bundleTarget = 'node24';

/**
 * CommonJS bundles, not ES modules. Importing a Node built-in from an ES module builds an ES module facade of it,
 * which reads every export once, lazy ones included (on Node 24 `node:crypto` loads WebCrypto, `node:process` computes
 * `allowedNodeEnvironmentFlags`, `node:fs` loads `fs/promises`; nodejs/node#57649); a CommonJS bundle `require`s
 * built-ins and reads what it uses. The token function's import, median of 15 fresh processes with source maps:
 * Node 24 40.8 → 38.9 ms, Node 20 45.3 → 44.4 ms. It also needs no `require` shim banner. Dependencies' ES module
 * builds are still preferred (`mainFields`): esbuild converts them; no handler uses top-level await or `import.meta`.
 * (Dynamic imports stay imports: the SDK's `import("node:http")`, which it makes only for http endpoints, still
 * builds that facade locally; bench/tls-front.ts.)
 */
const bundleFormat = 'cjs';

/** Prefer the ES module builds of dependencies (AWS SDK v3, Powertools): they tree-shake better. */
const mainFields = ['module', 'main'];

/**
 * Credential providers that the SDK's default chain imports dynamically, and only when the environment holds no
 * credentials. Lambda always provides them in the environment, so these modules are never loaded there: leaving them
 * out of the bundles saves ~130 kB and ~30 ms of import time per function (see `npm run bench`). Likewise two
 * modules the SDK loads dynamically only for features these functions never use (~20 kB per function).
 */
export const unusedInLambda = [
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/credential-provider-login',
  '@aws-sdk/credential-provider-http',
  '@aws-sdk/nested-clients',
  '@aws-sdk/token-providers',
  '@smithy/credential-provider-imds',
  // Loaded dynamically for operations with event streams: DynamoDB, KMS and EventBridge have none.
  '@smithy/core/event-streams',
  // Parses browsers' user agents; the SDK imports it only when it runs in a browser.
  'bowser',
].flatMap((name) => [name, `${name}/*`]);

/** esbuild settings, minus entry point and output location. */
export const esbuildOptions = {
  bundle: true,
  platform: 'node',
  target: bundleTarget,
  format: bundleFormat,
  minify: true,
  sourcemap: true,
  // Stack traces only need the mappings; embedded sources would just make the map, read at cold start, larger.
  sourcesContent: false,
  mainFields,
  // Everything else is bundled, the AWS SDK included: versions stay pinned to package-lock.json, and tree-shaking
  // drops what the handlers don't use.
  external: unusedInLambda,
} satisfies BuildOptions;

/** The same settings for `NodejsFunction`. */
export const lambdaBundling: BundlingOptions = {
  target: esbuildOptions.target,
  format: OutputFormat.CJS,
  minify: esbuildOptions.minify,
  sourceMap: esbuildOptions.sourcemap,
  sourcesContent: esbuildOptions.sourcesContent,
  mainFields,
  externalModules: unusedInLambda,
  // esbuild's per-file size summary, four times per synth, says nothing the asset hashes don't; warnings still show.
  logLevel: LogLevel.WARNING,
};

/** Files a function reads at run time, copied beside its bundle into the function's code root (`LAMBDA_TASK_ROOT`). */
export const filesBesideBundle: Partial<Record<FunctionName, readonly { source: string; target: string }[]>> = {
  admin: [{ source: OPENAPI_DOCUMENT_SOURCE, target: OPENAPI_DOCUMENT_FILE }],
};

/** `lambdaBundling`, plus copying the function's files beside its bundle. */
export function bundlingFor(name: FunctionName): BundlingOptions {
  const files = filesBesideBundle[name];
  if (!files) return lambdaBundling;
  return {
    ...lambdaBundling,
    commandHooks: {
      beforeInstall: () => [],
      beforeBundling: () => [],
      // Local bundling runs these in a shell with the project root as inputDir.
      afterBundling: (inputDir, outputDir) =>
        files.map(({ source, target }) => `cp "${path.join(inputDir, source)}" "${path.join(outputDir, target)}"`),
    },
  };
}

/** The repository root: esbuild's working directory, and where package-lock.json pins dependency versions. */
export const projectRoot = path.join(__dirname, '..');
export const depsLockFilePath = path.join(projectRoot, 'package-lock.json');

/** The file a function's bundle is, as `NodejsFunction` names it for the format. */
export const bundleFile = 'index.js';

/** Absolute path of a handler's entry point: `lambdas/{name}/handler.ts`, exporting `handler`. */
export function handlerEntry(name: FunctionName): string {
  return path.join(projectRoot, 'lambdas', name, 'handler.ts');
}
