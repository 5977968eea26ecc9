import { keys } from './keys.ts';

/**
 * The Update of a TransactWriteItems call that sets (or, given undefined, removes) some top-level fields
 * of a loan and bumps its version, only if the loan is still at `expectedVersion`. For writes beside the
 * loan's own (the desk's, a promise's) that change no index attribute: the promise, the dispute, the
 * escalation state.
 */
export function loanFieldsUpdate(
  tableName: string,
  loanId: string,
  expectedVersion: number,
  fields: Record<string, unknown>,
) {
  const names: Record<string, string> = { '#version': 'version' };
  const values: Record<string, unknown> = { ':expected': expectedVersion, ':next': expectedVersion + 1 };
  const sets = ['#version = :next'];
  const removes: string[] = [];
  for (const [i, [name, value]] of Object.entries(fields).entries()) {
    names[`#f${i}`] = name;
    if (value === undefined) {
      removes.push(`#f${i}`);
    } else {
      values[`:f${i}`] = value;
      sets.push(`#f${i} = :f${i}`);
    }
  }
  return {
    Update: {
      TableName: tableName,
      Key: keys.loan(loanId),
      UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
      ConditionExpression: '#version = :expected',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}
