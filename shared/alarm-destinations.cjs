// Where each severity of alarm goes, built from the service's params for serverless.yml's ${file()} resolver. Every
// alarm of a region publishes to one of two topics: page (users are, or are about to be, missing or wrong in a
// pool: act now) or ticket (a scheduled run or check failed, or something degrades: look within a day). Params
// pageAlarmsTo and ticketAlarmsTo subscribe an email address, an HTTPS endpoint (a paging service's webhook), an
// SQS queue or a Lambda function to a topic; `none` subscribes nothing (the topics' ARNs are outputs, to subscribe
// otherwise). With productionChecks (stage prod) pageAlarmsTo must be set: a page nobody receives is no page.
'use strict';

const { productionChecks } = require('./production-checks.cjs');

const PROTOCOLS = [
  { protocol: 'email', pattern: /^[^\s@]+@[^\s@]+\.[^\s@]+$/ },
  { protocol: 'https', pattern: /^https:\/\/\S+$/ },
  { protocol: 'sqs', pattern: /^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:\S+$/ },
  { protocol: 'lambda', pattern: /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:\S+$/ },
];

class AlarmDestinationError extends Error {
  constructor(param, rule) {
    super(`param ${param}: ${rule}`);
    this.name = 'AlarmDestinationError';
  }
}

/** { protocol, endpoint } of one severity's param; endpoint '' when nothing is subscribed. */
async function destination(resolveVariable, param, required) {
  const raw = await resolveVariable(`param:${param}, null`);
  const value = raw === null || raw === undefined ? '' : String(raw).trim();
  if (value === 'none') return { protocol: 'email', endpoint: '' };
  if (value === '') {
    if (required) {
      throw new AlarmDestinationError(
        param,
        'this stage pages someone: set an email address, an https:// endpoint, or an SQS queue or Lambda ' +
          "function ARN, or `none` to subscribe to the stack's AlarmTopicArn output otherwise",
      );
    }
    return { protocol: 'email', endpoint: '' };
  }
  const match = PROTOCOLS.find(({ pattern }) => pattern.test(value));
  if (!match) {
    throw new AlarmDestinationError(
      param,
      'must be an email address, an https:// endpoint, an SQS queue or Lambda function ARN, or none',
    );
  }
  return { protocol: match.protocol, endpoint: value };
}

module.exports = async ({ resolveVariable }) => ({
  page: await destination(resolveVariable, 'pageAlarmsTo', await productionChecks(resolveVariable)),
  ticket: await destination(resolveVariable, 'ticketAlarmsTo', false),
});
