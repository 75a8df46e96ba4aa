/**
 * A test service whose DynamoDB calls pass through a fault proxy in front of the shared DynamoDB Local, for the
 * suites that inject DynamoDB faults. `close` stops both and points the SDK back at the engine.
 */
import { startTestService, type TestService } from '../harness/service';
import { startFaultProxy, type FaultProxy } from './fault-proxy';

export interface ServiceBehindFaults {
  proxy: FaultProxy;
  service: TestService;
  close(): Promise<void>;
}

export async function startServiceBehindDynamoDbFaults(): Promise<ServiceBehindFaults> {
  const engineUrl = process.env.AWS_ENDPOINT_URL_DYNAMODB!;
  const proxy = await startFaultProxy({ target: engineUrl, targetPrefix: 'DynamoDB_20120810.' });
  process.env.AWS_ENDPOINT_URL_DYNAMODB = proxy.url;
  const service = await startTestService().catch(async (error: unknown) => {
    await proxy.close();
    process.env.AWS_ENDPOINT_URL_DYNAMODB = engineUrl;
    throw error;
  });
  return {
    proxy,
    service,
    async close() {
      await service.close();
      await proxy.close();
      process.env.AWS_ENDPOINT_URL_DYNAMODB = engineUrl;
    },
  };
}
