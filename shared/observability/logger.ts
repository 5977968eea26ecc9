import { Logger } from '@aws-lambda-powertools/logger';
import { maskEmail, maskPhone } from '#shared/identity/mask.ts';

type LoggerOptions = NonNullable<ConstructorParameters<typeof Logger>[0]>;

// An 18-character PRC resident ID, an E.164 number, a bare Chinese mobile number, an email address.
// An ID is any run of 17 digits and a check character not inside a longer run of digits, whatever
// touches it: `ID310104199307122358号` and `idNumber=…` carry one as much as a space-separated one does.
const ID_NUMBER = /(?<!\d)\d{17}[\dXx](?!\d)/g;
const E164 = /\+[1-9]\d{7,14}(?!\d)/g;
const CN_MOBILE = /(?<![\d+])1[3-9]\d{9}(?!\d)/g;
const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;

/**
 * Masks anything in `text` that looks like personal data. Logs are built not to carry any; this is the
 * net under them, for what an error message or a third-party library might echo.
 */
export function redactPersonalData(text: string): string {
  return text
    .replace(EMAIL, (email) => maskEmail(email))
    .replace(ID_NUMBER, '[id-number]')
    .replace(E164, (phone) => maskPhone(phone))
    .replace(CN_MOBILE, (phone) => maskPhone(phone));
}

/** The Powertools logger every function and local command uses: every string value passes the redaction. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return new Logger({
    serviceName: 'duebell',
    ...options,
    jsonReplacerFn: (_key, value) => (typeof value === 'string' ? redactPersonalData(value) : value),
  });
}
