// Where a local stream reader has got to, per stream and shard, kept in a JSON file so a restarted stack resumes
// after the last record it handled instead of replaying or skipping.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface CheckpointStore {
  load(streamArn: string, shardId: string): Promise<string | undefined>;
  save(streamArn: string, shardId: string, sequenceNumber: string): Promise<void>;
}

type State = Record<string, Record<string, string>>;

export const fileCheckpointStore = (file: string): CheckpointStore => {
  let state: State = {};
  try {
    state = JSON.parse(readFileSync(file, 'utf8')) as State;
  } catch {
    state = {}; // no file yet, or a torn one: start from the streams' horizons
  }
  return {
    load: async (streamArn, shardId) => state[streamArn]?.[shardId],
    save: async (streamArn, shardId, sequenceNumber) => {
      state[streamArn] = { ...state[streamArn], [shardId]: sequenceNumber };
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(`${file}.tmp`, JSON.stringify(state));
      renameSync(`${file}.tmp`, file);
    },
  };
};

export const memoryCheckpointStore = (): CheckpointStore => {
  const state = new Map<string, string>();
  return {
    load: async (streamArn, shardId) => state.get(`${streamArn}|${shardId}`),
    save: async (streamArn, shardId, sequenceNumber) => {
      state.set(`${streamArn}|${shardId}`, sequenceNumber);
    },
  };
};
