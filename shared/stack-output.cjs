// The values one cognito-dr stack takes from the other at deploy time, for serverless.yml's ${file()} resolver.
// serverless-compose.yml passes the replica the primary stack's outputs as params; deploying a service on its own
// (from its directory) gets no params from compose, and neither can the primary get the replica's outputs, which
// compose cannot pass without a cycle. So each value is read, in this order, from:
//   1. `--param <name>=...` (what compose passes, what offline packaging pins, or an operator's pin);
//   2. the value for stage `local`, where the local stack hands everything over through the environment;
//   3. the other stack's output (CloudFormation, in that stack's region), or an SSM parameter;
//   4. what `whenAbsent` says when neither exists yet: a value to go on with, or an error that says what to do.
'use strict';

/**
 * @typedef {object} Input
 * @property {string} param the param that pins it
 * @property {string} [local] its value on stage `local`
 * @property {(read: Reader) => Promise<unknown>} read the lookup in AWS; null or undefined when absent
 * @property {(stage: string) => unknown} whenAbsent what to use, or throw, when the lookup finds nothing
 *
 * @typedef {object} Reader
 * @property {string} stage
 * @property {(service: 'primary' | 'replica', region: string, outputKey: string) => Promise<unknown>} output
 * @property {(region: string, name: string) => Promise<unknown>} ssmParameter
 * @property {(expression: string) => Promise<unknown>} resolveVariable
 */

/** The stack of a cognito-dr service on a stage, as both serverless.yml files name it. */
const stackName = (service, stage) => `cognito-dr-${service}-${stage}`;

/**
 * A resolver of every input in `inputs` (name to Input): `${file(...):name}` gives that input's value. Its `params`
 * names the params that pin them.
 * @param {Record<string, Input>} inputs
 */
const deployInputs = (inputs) => {
  const resolve = async ({ resolveVariable }) => {
    const stage = await resolveVariable('sls:stage');
    const lookup = async (expression, what) => {
      try {
        return await resolveVariable(`${expression}, null`);
      } catch (error) {
        throw new Error(
          `cannot read ${what} (${error.message}); without AWS access, pin it with --param, as ` +
            'scripts/package-prod.sh does',
        );
      }
    };
    /** @type {Reader} */
    const reader = {
      stage,
      resolveVariable,
      output: (service, region, outputKey) =>
        lookup(
          `cf(${region}):${stackName(service, stage)}.${outputKey}`,
          `${stackName(service, stage)}'s output ${outputKey} in ${region}`,
        ),
      ssmParameter: (region, name) => lookup(`ssm(${region}):${name}`, `SSM parameter ${name} in ${region}`),
    };
    const values = {};
    for (const [name, input] of Object.entries(inputs)) {
      const pinned = await resolveVariable(`param:${input.param}, null`);
      if (pinned !== null && pinned !== undefined && pinned !== '') values[name] = pinned;
      else if (stage === 'local') values[name] = input.local ?? '';
      else {
        const found = await input.read(reader);
        values[name] =
          found === null || found === undefined || found === '' ? input.whenAbsent(stage) : found;
      }
    }
    return values;
  };
  return Object.assign(resolve, { params: Object.values(inputs).map((input) => input.param) });
};

module.exports = { deployInputs, stackName };
