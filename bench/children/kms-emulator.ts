/** The KMS emulator in a process of its own, so its signing work doesn't share the service's event loop. */
import { startKmsEmulator, type KmsEmulator } from '../../local/kms/server';
import { serve } from '../child-process';

let emulator: KmsEmulator | undefined;

const handlers = {
  async start(input: {
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
  }): Promise<string> {
    const { accessKeyId, secretAccessKey } = input.credentials;
    emulator ??= await startKmsEmulator({
      region: input.region,
      credentials: new Map([[accessKeyId, secretAccessKey]]),
    });
    return emulator.url;
  },
};

export type KmsEmulatorHandlers = typeof handlers;

serve(handlers, async () => emulator?.close());
