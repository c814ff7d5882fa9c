// Where each severity of alarm goes, as serverless.yml's ${file()} resolver builds it from params pageAlarmsTo,
// ticketAlarmsTo and productionChecks.
const alarmsTo = require('./alarm-destinations.cjs') as (context: {
  resolveVariable: (expression: string) => Promise<unknown>;
}) => Promise<Record<'page' | 'ticket', { protocol: string; endpoint: string }>>;

/** Answers `param:<name>, null` the way serverless does; anything else fails the test. */
const given = (params: Record<string, unknown>) => ({
  resolveVariable: async (expression: string) => {
    const match = /^param:(\w+), null$/.exec(expression);
    if (!match?.[1]) throw new Error(`unexpected variable ${expression}`);
    return params[match[1]] ?? null;
  },
});

it.each([
  ['oncall@example.com', 'email'],
  ['https://events.pagerduty.com/integration/abc/enqueue', 'https'],
  ['arn:aws:sqs:us-east-1:123456789012:alarms', 'sqs'],
  ['arn:aws:lambda:us-east-1:123456789012:function:notify', 'lambda'],
])('subscribes %s with protocol %s', async (endpoint, protocol) => {
  const to = await alarmsTo(given({ pageAlarmsTo: endpoint, ticketAlarmsTo: ` ${endpoint} ` }));
  expect(to).toEqual({ page: { protocol, endpoint }, ticket: { protocol, endpoint } });
});

it('subscribes nothing when unset or none', async () => {
  const nothing = { protocol: 'email', endpoint: '' };
  expect(await alarmsTo(given({}))).toEqual({ page: nothing, ticket: nothing });
  expect(await alarmsTo(given({ pageAlarmsTo: 'none', productionChecks: 'true' }))).toEqual({
    page: nothing,
    ticket: nothing,
  });
});

it('refuses a stage with production checks that pages nobody, naming the param and the way out', async () => {
  await expect(alarmsTo(given({ productionChecks: 'true' }))).rejects.toThrow(
    /^param pageAlarmsTo: this stage pages someone: .* or `none`/,
  );
});

it.each(['http://example.com/hook', 'oncall', 'arn:aws:sns:us-east-1:123456789012:topic'])(
  'refuses %s, naming the param and what it takes',
  async (endpoint) => {
    await expect(alarmsTo(given({ ticketAlarmsTo: endpoint }))).rejects.toThrow(
      /^param ticketAlarmsTo: must be an email address, an https:\/\/ endpoint/,
    );
  },
);

it('refuses a productionChecks that is not true or false', async () => {
  await expect(alarmsTo(given({ productionChecks: 'yes' }))).rejects.toThrow(
    /param productionChecks: must be true or false/,
  );
});
