import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { EVENT_SOURCE } from '#shared/schemas/events.ts';
import { DuebellEvents } from '../../infra/constructs/event-bus.ts';
import { arnOf, bareStack } from './bare-stack.ts';

describe('DuebellEvents', () => {
  it('is the duebell bus, every domain event archived with no expiry and the archive retained', () => {
    const stack = bareStack();
    const events = new DuebellEvents(stack, 'Events');
    const template = Template.fromStack(stack);
    expect(EVENT_SOURCE).toBe('duebell');
    template.resourceCountIs('AWS::Events::EventBus', 1);
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'duebell' });
    template.hasResource('AWS::Events::Archive', {
      Properties: {
        SourceArn: arnOf(events.bus),
        EventPattern: { source: ['duebell'] },
        // 0 days: kept indefinitely.
        RetentionDays: 0,
        Description: 'All Duebell domain events',
        KmsKeyIdentifier: '',
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });
});
