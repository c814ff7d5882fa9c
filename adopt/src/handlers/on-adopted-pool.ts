// CloudFormation custom resource AdoptedUserPool of services/primary in adopt mode: on create and update it checks
// the pool (there, in this region, with no trigger nobody declared), adds the link attribute and installs
// cognito-dr's triggers in front of the pool's own; on delete it puts the pool's own back. It answers with the
// pool's ARN and shape (what the backup pool must be created with). The physical id names the pool, so pointing
// the stack at another pool releases the first.
import type { SchemaAttributeType } from '@aws-sdk/client-cognito-identity-provider';
import {
  AddCustomAttributesCommand,
  DescribeUserPoolCommand,
  UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { answerCustomResource, cognitoClient, lambdaHandler, putResponse } from '@cognito-dr/shared';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { type AdoptedPoolDeps, type Adoption, adoptPool, releasePool } from '../adopted-pool';
import type { TriggerAssignment } from '../pool-triggers';
import { TRIGGER_SLOTS, type TriggerArns } from '../trigger-slots';

/** As CloudFormation passes them: every value a string, '' for a slot without a function. */
export interface AdoptedPoolProperties extends Record<string, unknown> {
  UserPoolId: string;
  Region: string;
  OurTriggers?: Record<string, string>;
  TheirTriggers?: Record<string, string>;
  Link: Record<string, unknown>;
}

export type AdoptedPoolEvent = CloudFormationCustomResourceEvent<AdoptedPoolProperties>;

const arns = (raw: Record<string, string> | undefined): TriggerArns =>
  Object.fromEntries(TRIGGER_SLOTS.filter((slot) => raw?.[slot]).map((slot) => [slot, raw?.[slot]]));

const assignment = (properties: AdoptedPoolProperties): TriggerAssignment => ({
  ours: arns(properties.OurTriggers),
  theirs: arns(properties.TheirTriggers),
});

/** CloudFormation hands every scalar over as a string; the schema entry wants its booleans back. */
function link(raw: Record<string, unknown>): SchemaAttributeType {
  const flag = (value: unknown) => (value === undefined ? undefined : value === true || value === 'true');
  return { ...raw, Mutable: flag(raw.Mutable), Required: flag(raw.Required) } as SchemaAttributeType;
}

const adoptionOf = (properties: AdoptedPoolProperties, userPoolId = properties.UserPoolId): Adoption => ({
  userPoolId,
  region: properties.Region,
  triggers: assignment(properties),
  link: link(properties.Link),
});

const PHYSICAL_PREFIX = 'adopted:';

export const onAdoptedPool = (
  deps: AdoptedPoolDeps &
    Pick<Parameters<typeof answerCustomResource>[0], 'respond'> & {
      errorLog: { error(message: string, fields: Record<string, unknown>): void };
    },
) =>
  answerCustomResource<AdoptedPoolProperties, Record<string, string>>(
    { respond: deps.respond, log: { info: deps.log.info, error: deps.errorLog.error } },
    ['AdoptionError'],
    async (event) => {
      const properties = event.ResourceProperties;
      if (event.RequestType === 'Delete') {
        // Never adopted (a failed create): nothing to give back.
        if (!event.PhysicalResourceId.startsWith(PHYSICAL_PREFIX)) {
          return { physicalResourceId: event.PhysicalResourceId };
        }
        const userPoolId = event.PhysicalResourceId.slice(PHYSICAL_PREFIX.length);
        await releasePool(deps, adoptionOf(properties, userPoolId));
        return { physicalResourceId: event.PhysicalResourceId };
      }
      const previous =
        event.RequestType === 'Update' && event.OldResourceProperties.UserPoolId === properties.UserPoolId
          ? assignment(event.OldResourceProperties as AdoptedPoolProperties)
          : undefined;
      const adopted = await adoptPool(deps, adoptionOf(properties), previous);
      return {
        physicalResourceId: `${PHYSICAL_PREFIX}${properties.UserPoolId}`,
        data: {
          UserPoolId: properties.UserPoolId,
          Arn: adopted.arn,
          PoolShape: JSON.stringify(adopted.shape),
        },
      };
    },
  );

export const handler = lambdaHandler<AdoptedPoolEvent, void>(({ logger }) => {
  const cognito = cognitoClient({ maxAttempts: 5 });
  return onAdoptedPool({
    describeUserPool: (input) => cognito.send(new DescribeUserPoolCommand(input)),
    updateUserPool: (input) => cognito.send(new UpdateUserPoolCommand(input)),
    addCustomAttributes: (input) => cognito.send(new AddCustomAttributesCommand(input)),
    log: { info: (message, fields) => logger.info(message, fields) },
    errorLog: { error: (message, fields) => logger.error(message, fields) },
    respond: putResponse,
  });
});
