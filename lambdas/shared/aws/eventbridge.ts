import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { clientConfig } from './client-config';

let client: EventBridgeClient | undefined;

/** Endpoint from AWS_ENDPOINT_URL_EVENTBRIDGE when set (the local sink), like the other clients. */
export function eventBridge(): EventBridgeClient {
  client ??= new EventBridgeClient(clientConfig);
  return client;
}
