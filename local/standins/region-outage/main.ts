// LOCAL ONLY: stands in for a regional outage. Every endpoint of a local "region" that clients reach (its Cognito
// endpoint, its DynamoDB endpoint, its admin API) is a gate in this process; `PUT /primary {"available": false}`
// on the control port makes all of the primary's endpoints unreachable at once — to clients, to functions and to
// the global-table stand-in, whose copies then wait, as global-table replication does — until
// `{"available": true}`. `GET /primary` (or `/backup`) answers `{"available": true|false}`.
import { createServer } from 'node:http';
import { requireEnv } from '../../lib/local-aws';
import { Gate } from './gate';

/** GATES: {"primary": {"cognito": [listenPort, targetPort], ...}, "backup": {...}} */
const layout = JSON.parse(requireEnv('GATES')) as Record<string, Record<string, [number, number]>>;
const controlPort = Number(requireEnv('CONTROL_PORT'));

const main = async () => {
  const regions = new Map<string, Gate[]>();
  for (const [region, endpoints] of Object.entries(layout)) {
    const gates: Gate[] = [];
    for (const [name, [listen, target]] of Object.entries(endpoints)) {
      const gate = new Gate(`${region} ${name}`, target);
      await gate.listen(listen);
      gates.push(gate);
    }
    regions.set(region, gates);
  }

  const control = createServer((req, res) => {
    const answer = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const region = (req.url ?? '').replace(/^\//, '');
    const gates = regions.get(region);
    if (!gates)
      return answer(404, { message: `no region "${region}": use /${[...regions.keys()].join(' or /')}` });
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method === 'PUT') {
        let wanted: unknown;
        try {
          wanted = (JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { available?: unknown })
            .available;
        } catch {
          wanted = undefined;
        }
        if (typeof wanted !== 'boolean') return answer(400, { message: 'available: true or false' });
        for (const gate of gates) gate.setAvailable(wanted);
        process.stdout.write(`region ${region} ${wanted ? 'available again' : 'unreachable'}\n`);
      } else if (req.method !== 'GET') {
        return answer(405, { message: 'GET or PUT' });
      }
      answer(200, { available: gates.every((gate) => gate.isAvailable) });
    });
  });
  await new Promise<void>((resolve) => control.listen(controlPort, '127.0.0.1', resolve));
  process.stdout.write(
    `region outage stand-in: control on 127.0.0.1:${controlPort}, gating ${[...regions.keys()].join(', ')}\n`,
  );

  const stop = async () => {
    control.close();
    await Promise.all([...regions.values()].flat().map((gate) => gate.close()));
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
};

main().catch((error) => {
  process.stderr.write(`region outage stand-in failed: ${String(error)}\n`);
  process.exit(1);
});
