// The operator's CloudWatch dashboard, one per region, for serverless.yml's ${file()} resolver: which region is
// active, how far behind the stream consumer is (stream iterator age, record age at apply), how much it applies,
// what it could not apply (failures reported back, dead letters), held deletions, and the capture. The body is
// an Fn::Sub, so each region's dashboard names its own functions and queues.
'use strict';

/** CloudFormation's Fn::Sub reference to a resource (or its attribute) of the same template. */
const cfn = (reference) => ['$', '{', reference, '}'].join('');

const metric = (namespace, name, dimensions, options = {}) => [
  namespace,
  name,
  ...Object.entries(dimensions).flat(),
  options,
];

const graph = (
  title,
  metrics,
  { x, y, w = 8, h = 6, view = 'timeSeries', stat = 'Sum', period = 60 } = {},
) => ({
  type: 'metric',
  x,
  y,
  width: w,
  height: h,
  properties: { title, view, region: cfn('AWS::Region'), stat, period, metrics },
});

/** `service` is the Powertools service name the functions of that stack publish under (POWERTOOLS_SERVICE_NAME). */
const body = (service) => {
  const ours = (name, options) => metric('CognitoDR', name, { service }, options);
  return {
    widgets: [
      graph('Active region (1 = this region serves users)', [ours('RegionActive', { stat: 'Maximum' })], {
        x: 0,
        y: 0,
        view: 'singleValue',
      }),
      graph(
        'Region switch under way / roles epoch',
        [ours('RegionSwitching', { stat: 'Maximum' }), ours('RolesEpoch', { stat: 'Maximum' })],
        { x: 8, y: 0, view: 'singleValue' },
      ),
      graph(
        'Dead letters and held deletions',
        [
          metric(
            'AWS/SQS',
            'ApproximateNumberOfMessagesVisible',
            { QueueName: cfn('ApplyDeadLetterQueue.QueueName') },
            {
              stat: 'Maximum',
              label: 'dead-letter queue depth',
            },
          ),
          ours('DeletionsHeld', { label: 'deletions held by the breaker' }),
        ],
        { x: 16, y: 0, view: 'singleValue' },
      ),
      graph(
        'Replication lag: stream iterator age and record age at apply (ms)',
        [
          metric(
            'AWS/Lambda',
            'IteratorAge',
            { FunctionName: cfn('OnUserRecordChangeLambdaFunction') },
            {
              stat: 'Maximum',
              label: 'iterator age (backlog)',
            },
          ),
          ours('ReplicationLag', { stat: 'p99', label: 'record age at apply, p99' }),
        ],
        { x: 0, y: 6, w: 12 },
      ),
      graph(
        'Applied per second, and records reported back for retry',
        [
          [{ expression: 'applied / PERIOD(applied)', label: 'applied per second', id: 'perSecond' }],
          ours('RecordsApplied', { id: 'applied', visible: false }),
          ours('RecordsFailed', { label: 'reported back (retried)' }),
          ours('RecordsParked', { label: 'parked (dead letters)' }),
        ],
        { x: 12, y: 6, w: 12 },
      ),
      graph(
        'Capture in this region (while it is active)',
        [
          ours('UsersCaptured'),
          ours('ApiCallCaptured'),
          ours('CaptureFailed'),
          ours('ApiCallFailed'),
          ours('CaptureSkippedStandby', { label: 'skipped: standby' }),
        ],
        { x: 0, y: 12, w: 24 },
      ),
    ],
  };
};

const dashboard = (service) => ({ 'Fn::Sub': JSON.stringify(body(service)) });

module.exports = {
  primaryDashboard: () => dashboard('primary'),
  replicaDashboard: () => dashboard('replica'),
};
