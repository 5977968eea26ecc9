import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DuebellStack, type DuebellStackProps } from './duebell-stack.ts';

/** The CDK app with cdk-nag's AWS Solutions pack as a policy-validation plugin (cdk-nag 3). */
export function buildApp(props: DuebellStackProps = {}, context: Record<string, unknown> = {}) {
  const app = new App({ context });
  const stack = new DuebellStack(app, 'Duebell', { description: 'Duebell loan servicing', ...props });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildApp().app.synth();
}
