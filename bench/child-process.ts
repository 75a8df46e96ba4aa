/**
 * The benchmark's processes talk over Node's IPC channel with one tiny request/response protocol:
 * the parent calls a named handler of the child and awaits its result. Children are modules of bench/children, run as
 * bundles built with the Lambda functions' esbuild settings (`bundleChildren`), and exit as soon as the channel closes
 * (parent finished or died).
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { build } from 'esbuild';
import { esbuildOptions } from '../lib/bundling';

/** What a child exposes; its module exports `typeof handlers` so the parent's calls are typed. */
export type Handlers = Record<string, (input: never) => Promise<unknown>>;

interface Request {
  id: number;
  name: string;
  input: unknown;
}

type Response = { id: number; result: unknown } | { id: number; error: string };

export interface Child<H extends Handlers> {
  pid: number;
  call<K extends keyof H & string>(name: K, input: Parameters<H[K]>[0]): Promise<Awaited<ReturnType<H[K]>>>;
  stop(): Promise<void>;
}

export interface ChildOptions {
  env?: Record<string, string>;
  /** Extra Node options, e.g. --cpu-prof. */
  nodeOptions?: string[];
  /** File descriptor for the child's stdout and stderr; inherits the parent's when omitted. */
  output?: number;
  /** Node.js binary to run the child on; the parent's when omitted. */
  execPath?: string;
}

const CHILDREN = ['service', 'load-generator', 'kms-emulator'] as const;
export type ChildName = (typeof CHILDREN)[number];

/**
 * Bundles the children as Lambda's functions are bundled (lib/bundling.ts), for the Node.js that will run them, so
 * that the handlers measured in the service process are the code Lambda runs. Through tsx they were not: tsx
 * transforms with esbuild's `keepNames`, which defines `name` on every function it creates (`__name(fn, "x")`, an
 * Object.defineProperty per closure per call) — 0.1 ms more CPU per exchange in the service process, in the handler's
 * share only (the SDK in node_modules isn't transformed). With `readableNames` (for CPU profiles) identifiers are kept:
 * they change nothing at run time but the profile's function names.
 */
export async function bundleChildren(
  outDir: string,
  nodePath: string,
  readableNames: boolean,
): Promise<Record<ChildName, string>> {
  const nodeVersion = execFileSync(nodePath, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
  await build({
    ...esbuildOptions,
    target: `node${nodeVersion}`,
    ...(readableNames && { minify: false, minifyWhitespace: true, minifySyntax: true }),
    entryPoints: Object.fromEntries(CHILDREN.map((name) => [name, join(__dirname, 'children', `${name}.ts`)])),
    outdir: outDir,
    logLevel: 'warning',
  });
  return Object.fromEntries(CHILDREN.map((name) => [name, join(outDir, `${name}.js`)])) as Record<ChildName, string>;
}

/** Runs the handlers of this (child) process until the parent disconnects, then calls `onExit`. */
export function serve(handlers: Handlers, onExit: () => Promise<void> = async () => undefined): void {
  const send = (response: Response) => process.send?.(response);
  process.on('message', (request: Request) => {
    const handler = handlers[request.name] as ((input: unknown) => Promise<unknown>) | undefined;
    if (!handler) return send({ id: request.id, error: `No handler named ${request.name}` });
    handler(request.input).then(
      (result) => send({ id: request.id, result }),
      (error: unknown) => send({ id: request.id, error: describe(error) }),
    );
  });
  process.once('disconnect', () => {
    onExit().finally(() => process.exit(0));
  });
}

/** The stack, and the causes' messages: a DependencyError says little without the SDK error behind it. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause === undefined ? '' : `\ncaused by: ${describe(error.cause)}`;
  return `${error.stack ?? error.message}${cause}`;
}

export async function startChild<H extends Handlers>(
  modulePath: string,
  options: ChildOptions = {},
): Promise<Child<H>> {
  const output = options.output ?? 'inherit';
  const child = fork(modulePath, [], {
    // Bundles (bundleChildren) run as they are; a TypeScript module (bench/per-call.ts's engine) through tsx.
    execArgv: [...(modulePath.endsWith('.ts') ? ['--import', 'tsx'] : []), ...(options.nodeOptions ?? [])],
    ...(options.execPath && { execPath: options.execPath }),
    env: { ...process.env, ...options.env },
    stdio: ['ignore', output, output, 'ipc'],
  });
  const pending = new Map<number, { resolve: (value: never) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  const exited = once(child, 'exit');
  child.on('message', (response: Response) => {
    const waiter = pending.get(response.id);
    pending.delete(response.id);
    if (!waiter) return;
    if ('error' in response) waiter.reject(new Error(`${modulePath}: ${response.error}`));
    else waiter.resolve(response.result as never);
  });
  exited.then(() => {
    for (const waiter of pending.values()) waiter.reject(new Error(`${modulePath} exited`));
    pending.clear();
  });
  await once(child, 'spawn');

  return {
    pid: child.pid!,
    call(name, input) {
      return new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        child.send({ id, name, input } satisfies Request);
      });
    },
    stop: () => stopChild(child, exited),
  };
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  if (child.connected) child.disconnect();
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
