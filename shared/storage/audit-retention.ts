/** Audit records are kept 5 years (domain rules, "Collection desk"), then expire. */
const AUDIT_RETENTION_SECONDS = 5 * 366 * 86_400;

/** The TTL attribute of an audit record written at `at`. */
export function auditExpiry(at: string): number {
  return Math.floor(Date.parse(at) / 1000) + AUDIT_RETENTION_SECONDS;
}
