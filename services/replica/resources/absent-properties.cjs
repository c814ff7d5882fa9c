// Local osls plugin: a resource property whose value is `Ref: AWS::NoValue` is left out of the template altogether.
//
// Why: the backup pool's creation-time settings come from resources/pool-shape.cjs, which answers AWS::NoValue for
// the demo pool's (it has no sign-in attributes). CloudFormation can replace a resource when a property that
// requires replacement appears in its template, even set to what it already is; UsernameAttributes does. Leaving the
// key out keeps the demo pool's template exactly as deployed stacks have it.
'use strict';

const isNoValue = (value) =>
  value !== null &&
  typeof value === 'object' &&
  Object.keys(value).length === 1 &&
  value.Ref === 'AWS::NoValue';

class AbsentProperties {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      'after:aws:package:finalize:mergeCustomProviderResources': () => this.dropAbsent(),
    };
  }

  dropAbsent() {
    const template = this.serverless.service.provider.compiledCloudFormationTemplate;
    for (const resource of Object.values(template.Resources)) {
      const properties = resource.Properties ?? {};
      for (const [key, value] of Object.entries(properties)) if (isNoValue(value)) delete properties[key];
    }
  }
}

module.exports = AbsentProperties;
