/**
 * Builds the operator console into static assets (console/dist): one ES module bundle (lit, jose and the
 * page), one stylesheet, the HTML and the icon. No CDN: everything the page loads is served by the console.
 *
 *   npm run build:console            # minified, with source maps
 *   npm run build:console -- --watch # rebuilds on change (reload the page)
 */
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { build, context, type BuildOptions } from 'esbuild';

const sourceDir = join(__dirname, 'src');
export const consoleDistDir = join(__dirname, 'dist');
/** Served as they are, next to the bundle. */
const STATIC_FILES = ['index.html', 'favicon.svg'];

function options(outdir: string): BuildOptions {
  return {
    entryPoints: { console: join(sourceDir, 'main.ts') },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome111', 'edge111', 'firefox114', 'safari16.4'],
    tsconfig: join(sourceDir, 'tsconfig.json'),
    // The icon is a file of its own, referenced by URL from both the HTML and the stylesheet.
    external: ['*.svg'],
    minify: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    logLevel: 'warning',
  };
}

async function copyStatic(outdir: string): Promise<void> {
  await Promise.all(STATIC_FILES.map((file) => copyFile(join(sourceDir, file), join(outdir, file))));
}

/** A clean build into `outdir` (console/dist by default). */
export async function buildConsole(outdir = consoleDistDir): Promise<void> {
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  await Promise.all([build(options(outdir)), copyStatic(outdir)]);
}

async function watch(outdir: string): Promise<void> {
  await buildConsole(outdir);
  const watcher = await context(options(outdir));
  await watcher.watch();
  console.log(`watching ${sourceDir} → ${outdir} (HTML and icon are copied at start)`);
}

if (require.main === module) {
  const started = performance.now();
  const run = process.argv.includes('--watch')
    ? watch(consoleDistDir)
    : buildConsole().then(() =>
        console.log(`console built into ${consoleDistDir} in ${Math.round(performance.now() - started)} ms`),
      );
  run.catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
