// Per-file setup of the end-to-end project: replication cases wait on a real stack, so they get a longer limit.
jest.setTimeout(60_000);
