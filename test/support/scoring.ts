import type { Language } from '#shared/config/languages.ts';
import {
  type ScoringDeps,
  type ScoringKey,
  scoreApplication,
} from '#shared/origination/score-application.ts';
import type { ApplicationRequest, Decision } from '#shared/schemas/applications.ts';

/**
 * A request key as the route passes it: its answer is the decision's JSON (201), and `requestHash`
 * stands for the request's body (another hash is another request under the same key).
 */
export function testKey(key: string, requestHash = 'the-request'): ScoringKey {
  return {
    key,
    requestHash,
    ttlSeconds: 24 * 3600,
    answer: (decision) => ({ statusCode: 201, headers: {}, body: JSON.stringify(decision) }),
  };
}

/** Scoring's decision: the new one, or the one a keyed retry gets back from its stored answer. */
export async function decisionOf(
  deps: ScoringDeps,
  partnerId: string,
  body: ApplicationRequest,
  language: Language,
  keyed?: ScoringKey,
): Promise<Decision> {
  const outcome = await scoreApplication(deps, partnerId, body, language, keyed);
  return outcome.kind === 'decided' ? outcome.decision : (JSON.parse(outcome.response.body) as Decision);
}
