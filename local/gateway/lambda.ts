import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { HandlerName } from '../../lambdas/routes';

export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** Mirrors the deployed functions' configuration. */
const TIMEOUT_MS = 10_000;
const MEMORY_LIMIT_MB = '512';

export interface InvocationTarget {
  handlerName: HandlerName;
  region: string;
  accountId: string;
  awsRequestId: string;
}

/** Invokes like the Lambda runtime would, failing the invocation when it outlives the function timeout. */
export async function invokeProxyHandler(
  handler: ProxyHandler,
  event: APIGatewayProxyEvent,
  target: InvocationTarget,
): Promise<unknown> {
  const deadline = Date.now() + TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Task timed out after ${(TIMEOUT_MS / 1000).toFixed(2)} seconds`)),
      TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([handler(event, createContext(target, deadline)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function createContext({ handlerName, region, accountId, awsRequestId }: InvocationTarget, deadline: number): Context {
  const functionName = `patgate-${handlerName}`;
  const notSupported = (method: string) => () => {
    throw new Error(`context.${method}() is not supported by the local gateway; return a promise instead`);
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${functionName}`,
    memoryLimitInMB: MEMORY_LIMIT_MB,
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${awsRequestId.replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: notSupported('done'),
    fail: notSupported('fail'),
    succeed: notSupported('succeed'),
  };
}
