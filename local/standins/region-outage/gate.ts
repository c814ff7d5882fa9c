// LOCAL ONLY: one endpoint of a local "region" that can be made unreachable, as a regional outage makes an AWS
// endpoint unreachable. A plain TCP relay: while the region is available every connection is passed through
// untouched; while it is not, new connections are dropped and open ones (keep-alive sockets of SDK clients) cut.
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export class Gate {
  private readonly server: Server;
  private readonly open = new Set<Socket>();
  private available = true;

  constructor(
    readonly name: string,
    private readonly targetPort: number,
  ) {
    this.server = createServer((client) => this.relay(client));
  }

  /** Starts listening on 127.0.0.1:`port` (0: any free port); resolves to the port. */
  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ port, host: '127.0.0.1' }, () => {
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  get isAvailable(): boolean {
    return this.available;
  }

  setAvailable(available: boolean): void {
    this.available = available;
    if (!available) for (const socket of this.open) socket.destroy();
  }

  close(): Promise<void> {
    this.setAvailable(false);
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket): void {
    if (!this.available) {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: '127.0.0.1', port: this.targetPort });
    const track = (socket: Socket) => {
      this.open.add(socket);
      socket.once('close', () => this.open.delete(socket));
    };
    track(client);
    track(upstream);
    // Either side closing or failing ends the pair, as a dropped network path would.
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
