import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccountRecovery, CfnUserPoolGroup, FeaturePlan, Mfa, UserPool } from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/** The desk's groups: what an ops route may require of the user's `cognito:groups`. */
export const OPS_GROUPS = ['agent', 'supervisor'] as const;

/**
 * The collection desk's users: a Cognito user pool (administrators create the accounts; nobody signs
 * themselves up) with the groups `agent` and `supervisor`. The ops API's authorizer verifies its ID tokens.
 */
export class OpsUsers extends Construct {
  readonly userPool: UserPool;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.userPool = new UserPool(this, 'Pool', {
      userPoolName: 'duebell-ops',
      selfSignUpEnabled: false,
      signInAliases: { username: true },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: AccountRecovery.NONE,
      featurePlan: FeaturePlan.ESSENTIALS,
      // Audit records name users by their `sub`: the pool outlives a stack deletion.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.userPool.addClient('DeskClient', {
      authFlows: { userSrp: true },
      preventUserExistenceErrors: true,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'Essentials tier: a few staff accounts that administrators create (no self sign-up), each with TOTP MFA required and a strong password; the Plus tier’s threat protection watches sign-up and sign-in risk at scale, which this pool does not have.',
    });
    for (const group of OPS_GROUPS) {
      new CfnUserPoolGroup(this, `Group-${group}`, {
        userPoolId: this.userPool.userPoolId,
        groupName: group,
        description:
          group === 'agent'
            ? 'Works agent tasks and records outcomes'
            : 'Takes the supervisor actions of the desk',
      });
    }
  }
}
