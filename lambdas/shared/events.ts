/** EventBridge events patgate sends. Free of runtime dependencies: the CDK stack imports it too. */
export const EVENT_SOURCE = 'patgate';
