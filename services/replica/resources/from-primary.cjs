// What this stack takes from the primary stack (serverless-compose.yml passes each as a param; deployed from this
// directory alone, each is read from the primary stack's outputs in the primary region) and the backup pool's
// posture, which follows the pool `cognito-dr failover` / `failback` last published (SSM parameter
// /cognito-dr/<stage>/active in this region): a deploy while failed over keeps the backup pool active, and one
// after failback returns it to standby, with no param to remember. See shared/stack-output.cjs for the order.
'use strict';

const { deployInputs, stackName } = require('../../../shared/stack-output.cjs');

const POOL_MODES = ['standby', 'active'];

/** A param compose passes from the primary stack's output, read from that output when deployed alone. */
const primaryStackInput = (param, outputKey) => ({
  param,
  read: async (read) => read.output('primary', await read.resolveVariable('param:primaryRegion'), outputKey),
  whenAbsent: (stage) => {
    throw new Error(
      `${stackName('primary', stage)} has no output ${outputKey}: deploy both services from the repository root ` +
        `(npx serverless deploy --stage ${stage}), which deploys the primary first`,
    );
  },
});

/** The region the published active pool is in, or null before the first publication. */
const postureFromPublication = async (read) => {
  const backupRegion = await read.resolveVariable('param:backupRegion');
  const published = await read.ssmParameter(backupRegion, `/cognito-dr/${read.stage}/active`);
  if (published === null || published === undefined || published === '') return null;
  let region;
  try {
    region = (typeof published === 'string' ? JSON.parse(published) : published).region;
  } catch {
    throw new Error(`SSM parameter /cognito-dr/${read.stage}/active in ${backupRegion} is not JSON`);
  }
  return region === backupRegion ? 'active' : 'standby';
};

const inputs = deployInputs({
  primaryUserPoolId: primaryStackInput('primaryUserPoolId', 'UserPoolId'),
  primaryUserPoolClientId: primaryStackInput('primaryUserPoolClientId', 'UserPoolClientId'),
  primaryPoolShape: primaryStackInput('primaryPoolShape', 'PrimaryPoolShape'),
  userRefKeySecretArn: primaryStackInput('userRefKeySecretArn', 'UserRefKeySecretArn'),
  backupPoolMode: {
    param: 'backupPoolMode',
    local: 'standby',
    read: postureFromPublication,
    whenAbsent: () => 'standby',
  },
});

module.exports = Object.assign(
  async (context) => {
    const values = await inputs(context);
    if (!POOL_MODES.includes(values.backupPoolMode)) {
      throw new Error(`param backupPoolMode: must be one of ${POOL_MODES.join(', ')}`);
    }
    return values;
  },
  { params: inputs.params },
);
