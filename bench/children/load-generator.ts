/**
 * Generates every load of the benchmark, in a process of its own so that it never competes with the
 * service for an event loop: HTTP loads, the I/O floor and the Management API loads, all as closed loops.
 */
import { Agent, request as httpRequest } from 'node:http';
import { PatgateClient } from '../../client/management-client';
import type { DevConfig } from '../../local/service';
import { serve } from '../child-process';
import { ioFloor } from '../floors';
import { closedLoop, type LoadSamples } from '../stats';

export interface HttpLoad {
  baseUrl: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  /** Request bodies, used in turn across all connections. */
  bodies?: string[];
  connections: number;
  /** Either a duration or a number of requests. */
  seconds?: number;
  amount?: number;
}

export interface ManagementLoad {
  config: DevConfig;
  operation: 'create' | 'list' | 'createUser' | 'listUsers' | 'listUserRoles' | 'createOrganization';
  /** For `list` and `listUserRoles`: users whose PATs (roles) are listed, in turn. */
  userIds: string[];
  concurrency: number;
  seconds: number;
}

/**
 * One keep-alive agent per target and concurrency, kept from one load to the next: like the floors' clients, HTTP
 * loads reuse their connections across the alternating slices. (A fresh load generator per slice opened all its
 * connections at once at every slice's start, a burst the floors never paid: at concurrency 64 those first
 * requests alone made the exchange's p99 2–5× the floor's while its p90 stayed within 1.3×.)
 */
const agents = new Map<string, Agent>();

function agentFor(load: HttpLoad): Agent {
  const key = `${load.baseUrl} ${load.connections}`;
  let agent = agents.get(key);
  if (!agent) {
    agent = new Agent({ keepAlive: true, maxSockets: load.connections });
    agents.set(key, agent);
  }
  return agent;
}

function send(
  url: URL,
  load: HttpLoad,
  agent: Agent,
  body: string | undefined,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: load.method, headers: load.headers, agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** A closed loop of HTTP requests, `connections` at a time, the bodies used in turn across all of them. */
function httpLoad(load: HttpLoad): Promise<LoadSamples> {
  const agent = agentFor(load);
  const url = new URL(load.path, load.baseUrl);
  let next = 0;
  return closedLoop(load.connections, load.amount === undefined ? load.seconds! : { amount: load.amount }, async () => {
    const body = load.bodies?.[next++ % load.bodies.length];
    const { status, text } = await send(url, load, agent, body);
    if (status < 200 || status >= 300) throw new Error(`HTTP ${status}: ${text.slice(0, 300)}`);
  });
}

function managementLoad(load: ManagementLoad): Promise<LoadSamples> {
  const { config } = load;
  const client = new PatgateClient({
    endpoint: config.baseUrl,
    region: config.region,
    credentials: { accessKeyId: config.awsAccessKeyId, secretAccessKey: config.awsSecretAccessKey },
  });
  let next = 0;
  const runId = `${load.operation}-${Date.now().toString(36)}`;
  const registered = new Map<number, Promise<unknown>>();
  return closedLoop(load.concurrency, load.seconds, async (loop) => {
    switch (load.operation) {
      case 'create': {
        // One user per loop: concurrent creates for one user would contend on its state item, which is not what we
        // measure. The user is registered on the loop's first turn (PATs need a registered owner).
        const userId = `bench-manage-${runId}-${loop}`;
        if (!registered.has(loop)) registered.set(loop, client.users.create({ id: userId }));
        await registered.get(loop);
        await client.pats.create(userId, { name: `pat-${next++}`, expiresAt: Date.now() + 30 * 86_400_000 });
        return;
      }
      case 'list':
        await client.pats.list(load.userIds[next++ % load.userIds.length]!);
        return;
      case 'createUser':
        await client.users.create({ id: `bench-user-${runId}-${next++}` });
        return;
      case 'listUsers':
        // One page of Logto's default size, as the console asks for it.
        await client.users.list({ page: 1, pageSize: 20 });
        return;
      case 'listUserRoles':
        await client.roles.ofUser(load.userIds[next++ % load.userIds.length]!);
        return;
      case 'createOrganization':
        await client.organizations.create({ name: `bench-org-${runId}-${next++}` });
        return;
    }
  });
}

const handlers = { httpLoad, ioFloor, managementLoad };

export type LoadGeneratorHandlers = typeof handlers;

serve(handlers);
