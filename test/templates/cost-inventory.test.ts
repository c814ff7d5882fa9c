// The cost model's inventory (cli/cost/deployment.ts) against the templates both services package into: a function,
// alarm, dashboard, secret, table or schedule added to a serverless.yml fails here until the model prices it.
import { DEPLOYED, inventoryOf } from '../../cli/cost/deployment';
import { type Packaged, packageBothServices } from './support/template';

let packaged: Packaged;

beforeAll(() => {
  packaged = packageBothServices();
}, 600_000);

describe('the cost model prices what the templates deploy', () => {
  it.each(['primary', 'replica'] as const)('%s', (service) => {
    expect(inventoryOf(packaged[service].template)).toEqual(DEPLOYED[service]);
  });
});
