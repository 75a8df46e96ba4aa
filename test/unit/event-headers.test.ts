/** Header lookups in API Gateway proxy events (lambdas/shared/http/request.ts): names keep the client's casing. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { header, headerValues } from '../../lambdas/shared/http/request';

const event = (headers: Record<string, string> | null, multiValueHeaders: Record<string, string[]> | null = null) =>
  ({ headers, multiValueHeaders }) as unknown as APIGatewayProxyEvent;

describe('header lookups', () => {
  it('ignore the case of the name, in the event and in the question', () => {
    const sent = event({ 'Content-Type': 'application/x-www-form-urlencoded', authorization: 'Basic eDp5' });
    expect(header(sent, 'content-type')).toBe('application/x-www-form-urlencoded');
    expect(header(sent, 'AUTHORIZATION')).toBe('Basic eDp5');
    expect(header(sent, 'x-missing')).toBeUndefined();
    expect(header(event(null), 'content-type')).toBeUndefined();
  });

  it('give every value of a repeated header, from multiValueHeaders, else the single value', () => {
    const repeated = event({ Authorization: 'Basic b' }, { Authorization: ['Basic a', 'Basic b'] });
    expect(headerValues(repeated, 'authorization')).toEqual(['Basic a', 'Basic b']);
    expect(headerValues(event({ Authorization: 'Bearer x' }), 'authorization')).toEqual(['Bearer x']);
    expect(headerValues(event({}, {}), 'authorization')).toEqual([]);
  });

  it("read only the event's own names", () => {
    const inherited = Object.create({ authorization: 'Basic inherited' }) as Record<string, string>;
    inherited['Content-Type'] = 'text/plain';
    expect(header(event(inherited), 'authorization')).toBeUndefined();
    expect(header(event(inherited), 'content-type')).toBe('text/plain');
  });
});
