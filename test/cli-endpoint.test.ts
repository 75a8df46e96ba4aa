/**
 * How the CLI finds patgate without --endpoint: a deployed stack's outputs (CloudFormation, answered here by a
 * stand-in speaking its query protocol), or the local service's dev.json with its own credentials.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closedPort, expectFailure, expectSuccess, runCli } from './harness/cli';
import { startTestService, type TestService } from './harness/service';

// Every step starts a Node.js process (more on a cold transform cache): more than jest's default per test.
jest.setTimeout(90_000);

let service: TestService;
let cloudFormation: Server;
let cloudFormationUrl: string;
const stacks = new Map<string, Record<string, string>>();
const describedStacks: string[] = [];
const dataDirs: string[] = [];

beforeAll(async () => {
  service = await startTestService();
  cloudFormation = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const form = new URLSearchParams(body);
      const name = form.get('StackName') ?? '';
      describedStacks.push(`${form.get('Action')} ${name}`);
      const outputs = stacks.get(name);
      response.writeHead(outputs ? 200 : 400, { 'content-type': 'text/xml' });
      response.end(outputs ? describeStacksResult(name, outputs) : stackNotFound(name));
    });
  });
  await new Promise<void>((resolve) => cloudFormation.listen(0, '127.0.0.1', resolve));
  cloudFormationUrl = `http://127.0.0.1:${(cloudFormation.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => cloudFormation.close(resolve));
  await service.close();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

const XMLNS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

function describeStacksResult(name: string, outputs: Record<string, string>): string {
  const members = Object.entries(outputs)
    .map(([key, value]) => `<member><OutputKey>${key}</OutputKey><OutputValue>${value}</OutputValue></member>`)
    .join('');
  return (
    `<DescribeStacksResponse xmlns="${XMLNS}"><DescribeStacksResult><Stacks><member>` +
    `<StackName>${name}</StackName><StackStatus>UPDATE_COMPLETE</StackStatus>` +
    `<CreationTime>2025-01-01T00:00:00Z</CreationTime><Outputs>${members}</Outputs>` +
    `</member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>` +
    `</DescribeStacksResponse>`
  );
}

const stackNotFound = (name: string) =>
  `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>ValidationError</Code>` +
  `<Message>Stack with id ${name} does not exist</Message></Error><RequestId>1</RequestId></ErrorResponse>`;

/** AWS credentials in the environment, CloudFormation calls to the stand-in. */
const awsEnv = () => ({
  AWS_ACCESS_KEY_ID: service.config.awsAccessKeyId,
  AWS_SECRET_ACCESS_KEY: service.config.awsSecretAccessKey,
  AWS_REGION: service.config.region,
  AWS_ENDPOINT_URL_CLOUDFORMATION: cloudFormationUrl,
});

function dataDirWith(devJson: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'patgate-data-'));
  dataDirs.push(dir);
  writeFileSync(join(dir, 'dev.json'), JSON.stringify(devJson));
  return dir;
}

it("finds a deployed stack's endpoint in its outputs (--stack)", async () => {
  stacks.set('Patgate-test', {
    Issuer: `${service.config.baseUrl}/oidc`,
    ManagementApiUrl: `${service.config.baseUrl}/api`,
  });
  const userId = (await service.newUser());
  await service.client.pats.create(userId, { name: 'ci' });

  const result = await runCli(['--stack', 'Patgate-test', 'pats', 'list', userId, '--json'], { env: awsEnv() });
  expectSuccess(result);
  expect(JSON.parse(result.stdout)).toEqual([expect.objectContaining({ userId, name: 'ci' })]);
  expect(describedStacks).toContain('DescribeStacks Patgate-test');
});

it("uses the local service's dev.json: its URL, credentials and demo application", async () => {
  const userId = (await service.newUser());
  const { value } = await service.client.pats.create(userId, { name: 'ci' });
  // No AWS credentials in the environment at all.
  const env = { PATGATE_DATA_DIR: dataDirWith(service.config) };

  const [listed, exchanged] = await Promise.all([
    runCli(['pats', 'list', userId, '--json'], { env }),
    runCli(['token', 'exchange', '--access-token-only'], { env: { ...env, PATGATE_PAT: value } }),
  ]);
  expectSuccess(listed);
  expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ name: 'ci' })]);
  expectSuccess(exchanged);
  const { payload } = await service.verify(exchanged.stdout.trim());
  expect(payload).toMatchObject({ sub: userId, client_id: service.config.demoApplication.clientId });
});

it('finds the local service from a subfolder of the folder holding .local/dev.json', async () => {
  const userId = await service.newUser();
  await service.client.pats.create(userId, { name: 'from-below' });
  const root = mkdtempSync(join(tmpdir(), 'patgate-repo-'));
  dataDirs.push(root);
  mkdirSync(join(root, '.local'));
  writeFileSync(join(root, '.local', 'dev.json'), JSON.stringify(service.config));
  const subfolder = join(root, 'lambdas', 'token');
  mkdirSync(subfolder, { recursive: true });

  const result = await runCli(['pats', 'list', userId, '--json'], { cwd: subfolder });
  expectSuccess(result);
  expect(JSON.parse(result.stdout)).toEqual([expect.objectContaining({ name: 'from-below' })]);
});

it("signs for --endpoint with the local service's credentials when it is the local service's URL", async () => {
  const userId = await service.newUser();
  await service.client.pats.create(userId, { name: 'by-endpoint' });
  const env = { PATGATE_DATA_DIR: dataDirWith(service.config) };
  const localhost = service.config.baseUrl.replace('127.0.0.1', 'localhost');

  // No AWS credentials or region anywhere: only dev.json's.
  for (const endpoint of [service.config.baseUrl, `${localhost}/`]) {
    const result = await runCli(['--endpoint', endpoint, 'pats', 'list', userId, '--json'], { env });
    expectSuccess(result);
    expect(JSON.parse(result.stdout)).toEqual([expect.objectContaining({ name: 'by-endpoint' })]);
  }
  // Another endpoint gets no local credentials.
  const elsewhere = `http://127.0.0.1:${await closedPort()}`;
  expectFailure(await runCli(['--endpoint', elsewhere, 'pats', 'list', userId], { env }), 2, /No AWS region/);
});

it('says when the local service of dev.json is not running', async () => {
  const baseUrl = `http://127.0.0.1:${await closedPort()}`;
  const dataDir = dataDirWith({ ...service.config, baseUrl });
  const result = await runCli(['pats', 'list', 'alice'], { env: { PATGATE_DATA_DIR: dataDir } });
  expectFailure(
    result,
    1,
    /Could not reach .*: ECONNREFUSED \(is the local service running\? npm start; see .*dev\.json\)/,
  );
});

it('without an endpoint, a stack or a local service, says how to name one', async () => {
  const result = await runCli(['pats', 'list', 'alice'], { env: awsEnv() });
  expectFailure(
    result,
    2,
    /No patgate endpoint: pass --endpoint, set PATGATE_ENDPOINT, .* Stack with id patgate does not exist/,
  );
  expect(describedStacks).toContain('DescribeStacks patgate');
});
