import type { EscalationPort } from '#shared/ports/escalation.ts';

/** Until an escalation workflow is wired in, nothing runs and nothing needs ending. */
export const noEscalation: EscalationPort = { endEpisode: async () => {} };
