/**
 * An HTTP proxy in front of an AWS JSON-protocol engine (DynamoDB Local, the KMS emulator) that injects
 * faults into chosen operations: the service's SDK clients talk to the proxy exactly as they would to AWS.
 * Operations are told apart by `X-Amz-Target` (`DynamoDB_20120810.GetItem`, `TrentService.Sign`).
 */
import { createServer, request, Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  /** Answer with an AWS error instead of forwarding. */
  | { kind: 'error'; status: number; type: string; message: string }
  /** Forward, and let the engine act, but answer with this error: the caller can't tell whether it happened. */
  | { kind: 'error-after-forwarding'; status: number; type: string; message: string }
  /** Forward after a delay (longer than the SDK's request timeout means a timeout). */
  | { kind: 'delay'; ms: number }
  /** Answer a BatchGetItem as DynamoDB may under throttling: 200, no item, every key in UnprocessedKeys. */
  | { kind: 'unprocessed' };

export interface FaultRule {
  /** Operation names without the target prefix; all operations when omitted. */
  operations?: readonly string[];
  /** Narrows the rule to requests whose JSON body satisfies this (e.g. a key prefix). */
  when?: (body: string) => boolean;
  fault: Fault;
  /** Applies to this many matching requests, then lapses; unlimited when omitted. */
  times?: number;
}

export interface FaultProxy {
  url: string;
  inject(rule: FaultRule): void;
  /** Removes every rule: the engine is reachable as normal again. */
  clear(): void;
  /** Requests seen per operation (faulted or not), since start or the last `resetCounts`. */
  calls(operation: string): number;
  /** Faults injected since start. */
  readonly injected: number;
  resetCounts(): void;
  close(): Promise<void>;
}

const dynamoDbType = (name: string) => `com.amazonaws.dynamodb.v20120810#${name}`;

/** DynamoDB's error responses (status and `__type`) as the real service sends them. */
export const dynamoDbFaults = {
  throttling: {
    kind: 'error',
    status: 400,
    type: dynamoDbType('ThrottlingException'),
    message: 'Rate of requests exceeds the allowed throughput.',
  },
  provisionedThroughputExceeded: {
    kind: 'error',
    status: 400,
    type: dynamoDbType('ProvisionedThroughputExceededException'),
    message:
      'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
  },
  internalServerError: {
    kind: 'error',
    status: 500,
    type: dynamoDbType('InternalServerError'),
    message: 'Internal server error',
  },
} as const satisfies Record<string, Fault>;

/** KMS's error responses (AWS JSON 1.1: bare `__type`). */
export const kmsFault = (type: string, status = 400): Fault => ({
  kind: 'error',
  status,
  type,
  message: `Injected ${type}`,
});

export async function startFaultProxy(options: { target: string; targetPrefix: string }): Promise<FaultProxy> {
  const target = new URL(options.target);
  const agent = new Agent({ keepAlive: true });
  let rules: FaultRule[] = [];
  let counts = new Map<string, number>();
  let injected = 0;

  const takeFault = (operation: string, body: string): Fault | undefined => {
    const rule = rules.find(
      (candidate) =>
        (candidate.operations === undefined || candidate.operations.includes(operation)) &&
        (candidate.when === undefined || candidate.when(body)),
    );
    if (!rule) return undefined;
    if (rule.times !== undefined && --rule.times <= 0) rules = rules.filter((other) => other !== rule);
    injected++;
    return rule.fault;
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readAll(req);
    const targetHeader = String(req.headers['x-amz-target'] ?? '');
    const operation = targetHeader.startsWith(options.targetPrefix)
      ? targetHeader.slice(options.targetPrefix.length)
      : targetHeader;
    counts.set(operation, (counts.get(operation) ?? 0) + 1);

    const fault = takeFault(operation, body.toString('utf8'));
    if (fault?.kind === 'error') return sendError(res, fault, req.headers['content-type']);
    if (fault?.kind === 'unprocessed') return sendUnprocessed(res, body, req.headers['content-type']);
    // The wait ends early when the caller hangs up (an SDK request timeout) or the proxy closes: no timer outlives
    // the test file (a pending one keeps Jest's worker from exiting).
    if (fault?.kind === 'delay') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, fault.ms);
        res.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    if (res.destroyed) return;

    const upstream = await forward(req, body);
    if (fault?.kind === 'error-after-forwarding') {
      upstream.resume();
      return sendError(res, fault, req.headers['content-type']);
    }
    res.writeHead(upstream.statusCode ?? 502, upstream.headers);
    upstream.pipe(res);
  }

  function forward(req: IncomingMessage, body: Buffer): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const outgoing = request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          // Host unchanged: the engine verifies the SigV4 signature, which covers it.
          headers: req.headers,
        },
        resolve,
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  const server = createServer((req, res) => {
    // An unreachable engine looks like one to the caller too: the connection just drops.
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    inject: (rule) => void (rules = [...rules, { ...rule }]),
    clear: () => void (rules = []),
    calls: (operation) => counts.get(operation) ?? 0,
    get injected() {
      return injected;
    },
    resetCounts: () => void (counts = new Map()),
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function sendError(
  res: ServerResponse,
  fault: { status: number; type: string; message: string },
  contentType?: string,
) {
  const payload = JSON.stringify({ __type: fault.type, message: fault.message });
  res.writeHead(fault.status, {
    'Content-Type': contentType ?? 'application/x-amz-json-1.0',
    'Content-Length': Buffer.byteLength(payload),
    'x-amzn-RequestId': 'fault-proxy',
  });
  res.end(payload);
}

function sendUnprocessed(res: ServerResponse, body: Buffer, contentType?: string) {
  const { RequestItems } = JSON.parse(body.toString('utf8')) as { RequestItems: Record<string, unknown> };
  const Responses = Object.fromEntries(Object.keys(RequestItems).map((table) => [table, []]));
  const payload = JSON.stringify({ Responses, UnprocessedKeys: RequestItems });
  res.writeHead(200, {
    'Content-Type': contentType ?? 'application/x-amz-json-1.0',
    'Content-Length': Buffer.byteLength(payload),
    'x-amzn-RequestId': 'fault-proxy',
  });
  res.end(payload);
}

async function readAll(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
