// Local osls plugin: gives the admin API's REST API an explicit AWS::ApiGateway::Stage built from
// custom.restApiStage, in place of the stage serverless creates implicitly through its Deployment's StageName.
//
// Why: serverless applies access logs (provider.logs.restApi) by API calls after the stack is deployed, and has no
// setting for stage throttling at all. Declaring the stage in the template puts throttling, access logging and
// tracing under CloudFormation (drift detection, rollback) and lets the packaged template be checked offline.
// Limitation: an existing stack whose stage was created the implicit way cannot switch to this in place (the stage
// name is taken); this service has always been deployed with it.
'use strict';

const STAGE_LOGICAL_ID = 'ApiGatewayStage';

class RestApiStage {
  constructor(serverless) {
    this.serverless = serverless;
    serverless.configSchemaHandler.defineCustomProperties({
      type: 'object',
      properties: {
        restApiStage: {
          type: 'object',
          description:
            'Properties of the AWS::ApiGateway::Stage (besides RestApiId, DeploymentId, StageName).',
        },
      },
    });
    this.hooks = {
      'after:aws:package:finalize:mergeCustomProviderResources': () => this.declareStage(),
    };
  }

  declareStage() {
    const template = this.serverless.service.provider.compiledCloudFormationTemplate;
    const deployments = Object.entries(template.Resources).filter(
      ([, resource]) => resource.Type === 'AWS::ApiGateway::Deployment',
    );
    if (deployments.length === 0) return;
    if (deployments.length > 1) {
      throw new this.serverless.classes.Error(
        `rest-api-stage: expected one AWS::ApiGateway::Deployment, found ${deployments.length}`,
      );
    }
    const [deploymentId, deployment] = deployments[0];
    const { StageName, ...deploymentProperties } = deployment.Properties;
    if (!StageName) return;
    deployment.Properties = deploymentProperties;
    const settings = this.serverless.service.custom?.restApiStage ?? {};
    template.Resources[STAGE_LOGICAL_ID] = {
      Type: 'AWS::ApiGateway::Stage',
      Properties: {
        ...settings,
        RestApiId: deployment.Properties.RestApiId,
        DeploymentId: { Ref: deploymentId },
        StageName,
      },
    };
  }
}

module.exports = RestApiStage;
