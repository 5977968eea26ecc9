import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The claims API Gateway's Cognito authorizer hands a function (REST API: every value a string). */
export type OpsClaims = Record<string, string>;

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Ops tokens for one local run, standing in for Cognito's: HS256 JWTs signed with a secret this process
 * alone holds, carrying `sub` and `cognito:groups`. The local gateway verifies them as the Cognito
 * authorizer would verify an ID token (signature, expiry) and hands the claims on the same way.
 */
export class LocalOpsTokens {
  private readonly secret = randomBytes(32);

  constructor(private readonly now: () => Date = () => new Date()) {}

  issue(sub: string, groups: readonly string[], ttlSeconds = 12 * 3600): string {
    const iat = Math.floor(this.now().getTime() / 1000);
    const header = b64({ alg: 'HS256', typ: 'JWT' });
    const payload = b64({ sub, 'cognito:groups': groups, token_use: 'id', iat, exp: iat + ttlSeconds });
    return `${header}.${payload}.${this.sign(`${header}.${payload}`)}`;
  }

  /** The claims of a valid, unexpired token, as the authorizer puts them in the event; else undefined. */
  verify(token: string): OpsClaims | undefined {
    const [header, payload, signature, ...rest] = token.split('.');
    if (!header || !payload || !signature || rest.length > 0) return undefined;
    const expected = Buffer.from(this.sign(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    let claims: Record<string, unknown>;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= this.now().getTime()) return undefined;
    if (typeof claims.sub !== 'string') return undefined;
    const groups = Array.isArray(claims['cognito:groups']) ? claims['cognito:groups'].map(String) : [];
    // As the REST API authorizer gives them: strings, the groups joined with commas.
    return { sub: claims.sub, 'cognito:groups': groups.join(','), token_use: 'id', exp: String(claims.exp) };
  }

  private sign(input: string): string {
    return createHmac('sha256', this.secret).update(input).digest('base64url');
  }
}
