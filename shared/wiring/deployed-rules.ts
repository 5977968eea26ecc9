import defaults from '#shared/config/default-rules.json' with { type: 'json' };
import type { Rules } from '#shared/config/rules.ts';

/**
 * The rules a function is deployed with, from `RULES` (JSON overrides of the defaults). Without
 * overrides, as deployed by default, they are the committed defaults (a test holds them to what the
 * schema gives), and the rules' schema is never built: its hundreds of zod schemas were a sizeable part
 * of every cold start. With overrides, the schema is loaded and validates them as before.
 */
export async function deployedRules(overridesJson = '{}'): Promise<Rules> {
  const overrides: unknown = JSON.parse(overridesJson);
  if (isEmptyObject(overrides)) return structuredClone(defaults) as Rules;
  const { loadRules } = await import('#shared/config/rules.ts');
  return loadRules(overrides as Parameters<typeof loadRules>[0]);
}

function isEmptyObject(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0
  );
}
