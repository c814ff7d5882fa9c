// Every function of both services has a ready `serverless invoke local` event in its service's events/ folder, as
// README promises, and each event is of the kind that invokes that function in AWS: a Cognito trigger's event for
// the slot the pool wires it to, a stream record, a schedule, an EventBridge CloudTrail event, an API Gateway request
// or a CloudFormation custom resource request.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

interface FunctionOf {
  name: string;
  /** How AWS invokes it: the event sources its serverless.yml block declares. */
  sources: string[];
}

/** The functions block of a serverless.yml: each function and the kinds of event it declares. */
const functionsOf = (yml: string): FunctionOf[] => {
  const block = yml.slice(yml.indexOf('\nfunctions:\n'), yml.indexOf('\nresources:\n'));
  const functions: FunctionOf[] = [];
  for (const line of block.split('\n')) {
    const name = /^ {2}(\w+):\s*$/.exec(line)?.[1];
    if (name) functions.push({ name, sources: [] });
    const source = /^ {6}- (\w+):/.exec(line)?.[1];
    if (source) functions.at(-1)?.sources.push(source);
  }
  return functions;
};

/** Function name -> the Cognito trigger slot the pool's LambdaConfig (or adopt mode's custom resource) gives it. */
const slotsOf = (yml: string): Map<string, string> => {
  const slots = new Map<string, string>();
  for (const [, slot, logicalId] of yml.matchAll(/^ +(\w+): !GetAtt (On\w+)LambdaFunction\.Arn\s*$/gm)) {
    const name = `${logicalId?.[0]?.toLowerCase()}${logicalId?.slice(1)}`;
    if (
      slot &&
      /^(PreSignUp|CustomMessage|UserMigration|PostAuthentication|PostConfirmation|PreAuthentication)$/.test(
        slot,
      )
    )
      slots.set(name, slot);
  }
  return slots;
};

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

describe.each(['primary', 'replica'])('services/%s', (service) => {
  const dir = join(ROOT, 'services', service);
  const yml = readFileSync(join(dir, 'serverless.yml'), 'utf8');
  const events = readdirSync(join(dir, 'events'));
  const functions = functionsOf(yml);
  const slots = slotsOf(yml);

  it('reads its functions and their trigger slots', () => {
    expect(functions.length).toBeGreaterThan(5);
    expect([...slots.values()]).toEqual(expect.arrayContaining(['PreSignUp', 'PostConfirmation']));
  });

  describe.each(functions.map((f) => [f.name, f]))('%s', (_name, fn) => {
    const own = events.filter(
      (file) => file === `${kebab(fn.name)}.json` || file.startsWith(`${kebab(fn.name)}-`),
    );
    const parsed = () => own.map((file) => JSON.parse(readFileSync(join(dir, 'events', file), 'utf8')));

    it('has an event file named after it', () => {
      expect(own).not.toEqual([]);
    });

    it('whose events are of the kind AWS invokes it with', () => {
      for (const event of parsed()) {
        const slot = slots.get(fn.name);
        if (slot) expect(event.triggerSource).toMatch(new RegExp(`^${slot}_`));
        else if (fn.sources.includes('stream')) expect(event.Records[0].eventSource).toBe('aws:dynamodb');
        else if (fn.sources.includes('schedule')) {
          // A scheduled run also takes a hand-made request ({"dryRun": true}, {"mode": "backfill"}).
          expect(event['detail-type'] === 'Scheduled Event' || !('detail-type' in event)).toBe(true);
        } else if (fn.sources.includes('eventBridge'))
          expect(event['detail-type']).toBe('AWS API Call via CloudTrail');
        else if (fn.sources.includes('http')) expect(event).toHaveProperty('httpMethod');
        else expect(event).toMatchObject({ RequestType: 'Create', ResourceProperties: expect.any(Object) });
      }
    });
  });
});
