/** `+8613800138000` → `+86138****8000`: enough to recognise, not enough to dial. */
export function maskPhone(e164: string): string {
  if (e164.length < 9) return '****';
  return `${e164.slice(0, -8)}****${e164.slice(-4)}`;
}

/** `lihua@example.com` → `l***@example.com`. */
export function maskEmail(email: string): string {
  const at = email.indexOf('@');
  if (at < 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
}
