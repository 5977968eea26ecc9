import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { opsUserOf } from '#shared/http/ops-handler.ts';

const eventWith = (claims: Record<string, unknown> | undefined) =>
  ({ requestContext: claims ? { authorizer: { claims } } : {} }) as unknown as APIGatewayProxyEvent;

describe('opsUserOf (claims where the Cognito authorizer puts them)', () => {
  it.each([
    ['agent', ['agent']],
    ['agent,supervisor', ['agent', 'supervisor']],
    ['[agent supervisor]', ['agent', 'supervisor']],
    [['supervisor'], ['supervisor']],
    ['admins,agent', ['agent']],
  ])('reads cognito:groups %j as %j', (groups, expected) => {
    expect(opsUserOf(eventWith({ sub: 'u-1', 'cognito:groups': groups }))).toEqual({
      userId: 'u-1',
      groups: expected,
    });
  });

  it('gives a user with no desk group no groups, and no user without claims or a sub', () => {
    expect(opsUserOf(eventWith({ sub: 'u-1' }))).toEqual({ userId: 'u-1', groups: [] });
    expect(opsUserOf(eventWith(undefined))).toBeUndefined();
    expect(opsUserOf(eventWith({ 'cognito:groups': 'agent' }))).toBeUndefined();
    expect(opsUserOf(eventWith({ sub: '' }))).toBeUndefined();
  });
});
