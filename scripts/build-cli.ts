/**
 * Compiles the CLI into one CommonJS file, dist/patgate.cjs, for a package (npm pack runs this as `prepack`):
 * a production install has no tsx. Our modules are bundled; packages stay external, resolved at run time from
 * the package's `dependencies` (test/cli-package.test.ts installs the packed tarball without devDependencies).
 */
import { join } from 'node:path';
import { build } from 'esbuild';

export const cliBundle = join(__dirname, '..', 'dist', 'patgate.cjs');

export async function buildCli(outfile = cliBundle): Promise<void> {
  await build({
    entryPoints: [join(__dirname, '..', 'cli', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    // The CLI runs on the operator's machine: the oldest Node.js the package supports (engines).
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
}

if (require.main === module) {
  buildCli().then(
    () => console.log(`CLI built into ${cliBundle}`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
