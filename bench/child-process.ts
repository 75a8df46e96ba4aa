/**
 * The benchmark's processes talk over Node's IPC channel with one tiny request/response protocol:
 * the parent calls a named handler of the child and awaits its result. Children are TypeScript
 * modules run through tsx, and exit as soon as the channel closes (parent finished or died).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

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
    execArgv: ['--import', 'tsx', ...(options.nodeOptions ?? [])],
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
