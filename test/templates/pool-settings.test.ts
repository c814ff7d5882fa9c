// The pool params an operator sets (plan, SES sender) land on both pools as CloudFormation expects them, and are
// refused with the param's name when wrong. Checked on `serverless print` rather than a second packaging.
import { printService } from './support/template';

const PRIMARY_SES = 'arn:aws:ses:us-east-1:111122223333:identity/example.com';
const BACKUP_SES = 'arn:aws:ses:ap-northeast-1:111122223333:identity/example.com';

const poolOf = (service: 'primary' | 'replica', params: Record<string, string>) => {
  const resources = printService(service, params).resources.Resources;
  const pool = resources[service === 'primary' ? 'UserPool' : 'BackupUserPool'];
  if (!pool) throw new Error(`${service}: no user pool`);
  return pool.Properties ?? {};
};

describe('pool settings set by params', () => {
  it('sends the primary pool email through its SES identity, sender and configuration set', () => {
    const pool = poolOf('primary', {
      sesSourceArn: PRIMARY_SES,
      emailFrom: 'Example <no-reply@example.com>',
      sesConfigurationSet: 'cognito-dr',
      userPoolTier: 'ESSENTIALS',
    });
    expect(pool.EmailConfiguration).toEqual({
      EmailSendingAccount: 'DEVELOPER',
      SourceArn: PRIMARY_SES,
      From: 'Example <no-reply@example.com>',
      ConfigurationSet: 'cognito-dr',
    });
    expect(pool.UserPoolTier).toBe('ESSENTIALS');
  }, 60_000);

  it('sends the backup pool email through the SES identity of the backup region', () => {
    const pool = poolOf('replica', { sesSourceArn: BACKUP_SES, userPoolTier: 'PLUS' });
    expect(pool.EmailConfiguration).toEqual({ EmailSendingAccount: 'DEVELOPER', SourceArn: BACKUP_SES });
    expect(pool.UserPoolTier).toBe('PLUS');
  }, 60_000);

  it('refuses a plan Cognito does not have, naming the param', () => {
    expect(() => poolOf('replica', { userPoolTier: 'GOLD' })).toThrow(
      /param userPoolTier: must be one of LITE, ESSENTIALS, PLUS/,
    );
  }, 60_000);
});

describe.each(['primary', 'replica'] as const)('stage prod of the %s service', (service) => {
  it("refuses to package with Cognito's email sender or alarms that page nobody, unless each is none", () => {
    expect(() => printService(service, { sesSourceArn: undefined })).toThrow(
      /param sesSourceArn: this stage sends real users' email/,
    );
    expect(() => printService(service, { pageAlarmsTo: undefined })).toThrow(
      /param pageAlarmsTo: this stage pages someone/,
    );
  }, 60_000);

  it('subscribes the page and ticket destinations to their topics', () => {
    const { resources } = printService(service, {
      pageAlarmsTo: 'https://events.example.com/page',
      ticketAlarmsTo: 'tickets@example.com',
    }) as unknown as {
      resources: { Resources: Record<string, { Properties?: unknown }>; Conditions: unknown };
    };
    expect(resources.Resources.PageSubscription?.Properties).toEqual({
      TopicArn: { Ref: 'AlarmTopic' },
      Protocol: 'https',
      Endpoint: 'https://events.example.com/page',
    });
    expect(resources.Resources.TicketSubscription?.Properties).toEqual({
      TopicArn: { Ref: 'TicketTopic' },
      Protocol: 'email',
      Endpoint: 'tickets@example.com',
    });
  }, 60_000);
});
