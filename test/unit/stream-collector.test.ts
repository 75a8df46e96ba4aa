import { PassThrough, Readable } from 'node:stream';
import { streamCollector } from '../../lambdas/shared/aws/client-config';

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

describe("the SDK clients' response body collector", () => {
  it('joins the chunks of a Node.js stream', async () => {
    const body = new PassThrough();
    const collected = streamCollector(body);
    body.write('{"Item":');
    body.write('{"pk":{"S":"x"}}');
    body.end('}');
    expect(text(await collected)).toBe('{"Item":{"pk":{"S":"x"}}}');
  });

  it('collects a one-chunk body, and an empty one as no bytes', async () => {
    expect(text(await streamCollector(Readable.from([Buffer.from('{}')])))).toBe('{}');
    expect((await streamCollector(Readable.from([]))).byteLength).toBe(0);
  });

  it("fails with the stream's error", async () => {
    const body = new PassThrough();
    const collected = streamCollector(body);
    body.write('{"Ite');
    body.destroy(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    await expect(collected).rejects.toThrow('socket hang up');
  });

  it('fails as a reset, which the retry strategy retries, when the body stops without an error', async () => {
    const body = new PassThrough();
    const collected = streamCollector(body);
    body.write('{"Ite');
    body.destroy();
    await expect(collected).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it("leaves a body that is no Node.js stream to the SDK's own collector", async () => {
    const web = Readable.toWeb(Readable.from([Buffer.from('web ')])) as ReadableStream<Uint8Array>;
    expect(text(await streamCollector(web))).toBe('web ');
  });
});
