/**
 * A local stand-in for EventBridge's PutEvents (the AWS JSON 1.1 protocol the unmodified SDK speaks, via
 * AWS_ENDPOINT_URL_EVENTBRIDGE): it keeps the events it is sent, for tests and `npm run expiry-notices`.
 * Only PutEvents; it does not verify signatures (nothing here is worth protecting).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SinkEvent {
  id: string;
  source: string;
  detailType: string;
  eventBusName: string;
  time: string | undefined;
  detail: Record<string, unknown>;
}

export interface EventBridgeSink {
  url: string;
  events: SinkEvent[];
  /** The next `count` PutEvents calls fail with a 500, as an outage would. */
  failNext(count: number): void;
  close(): Promise<void>;
}

interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Time?: number | string;
}

function reply(response: ServerResponse, status: number, body: unknown, errorType?: string) {
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startEventBridgeSink(): Promise<EventBridgeSink> {
  const events: SinkEvent[] = [];
  let failures = 0;
  const server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      if (request.headers['x-amz-target'] !== 'AWSEvents.PutEvents') {
        return reply(response, 400, { message: 'Only PutEvents is served here.' }, 'UnknownOperationException');
      }
      if (failures > 0) {
        failures--;
        return reply(response, 500, { message: 'Injected failure' }, 'InternalException');
      }
      let entries: PutEventsEntry[];
      try {
        entries = (JSON.parse(body) as { Entries?: PutEventsEntry[] }).Entries ?? [];
      } catch {
        return reply(response, 400, { message: 'Malformed JSON' }, 'ValidationException');
      }
      const results = entries.map((entry) => {
        const id = randomUUID();
        events.push({
          id,
          source: entry.Source ?? '',
          detailType: entry.DetailType ?? '',
          eventBusName: entry.EventBusName ?? 'default',
          time: entry.Time === undefined ? undefined : new Date(Number(entry.Time) * 1000).toISOString(),
          detail: JSON.parse(entry.Detail ?? '{}') as Record<string, unknown>,
        });
        return { EventId: id };
      });
      reply(response, 200, { FailedEntryCount: 0, Entries: results });
    })().catch(() => reply(response, 500, { message: 'Internal error' }, 'InternalException'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    events,
    failNext: (count) => {
      failures = count;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
