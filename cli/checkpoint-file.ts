// Keeps a backfill/reconcile checkpoint in a file, so a run from a laptop or CI survives Ctrl-C or a lost session.
import { chmodSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import {
  type Checkpoint,
  type CheckpointStore,
  parseCheckpoint,
} from '../services/primary/src/reconcile/checkpoint';

/**
 * The file is written whole and renamed into place, so a crash never leaves half a checkpoint. Mode 0600: it holds
 * one username (the table scan position) and Cognito's pagination token.
 */
export function fileCheckpointStore(file: string): CheckpointStore {
  return {
    load: async (): Promise<Checkpoint | undefined> => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      return parseCheckpoint(JSON.parse(text));
    },
    save: async (checkpoint) => {
      const temporary = `${file}.tmp`;
      writeFileSync(temporary, JSON.stringify(checkpoint), { mode: 0o600 });
      chmodSync(temporary, 0o600);
      renameSync(temporary, file);
    },
    clear: async () => {
      rmSync(file, { force: true });
    },
  };
}
