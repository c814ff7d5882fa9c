// Keeps a backfill/reconcile/repair checkpoint in a file, so a run from a laptop or CI survives Ctrl-C or a lost session.
import { chmodSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { type CheckpointStore, type Chunk, parseCheckpoint, type SavedRun } from '@cognito-dr/reconcile';

interface FileChunk {
  kind: Chunk['kind'];
  group?: string;
  /** The references, base64. */
  refs: string;
}

/**
 * The file is written whole and renamed into place, so a crash never leaves half a checkpoint. Mode 0600: it holds
 * Cognito's pagination tokens and a scan position (one username). The chunks (6 bytes per user listed) ride along in
 * it, base64: about 8 MB at a million users.
 */
export function fileCheckpointStore(file: string): CheckpointStore {
  let chunks: FileChunk[] = [];
  let runId: string | undefined;
  return {
    load: async (): Promise<SavedRun | undefined> => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      const parsed = JSON.parse(text) as { checkpoint?: unknown; chunks?: FileChunk[] };
      const checkpoint = parseCheckpoint(parsed.checkpoint);
      chunks = Array.isArray(parsed.chunks) ? parsed.chunks.slice(0, checkpoint.chunks) : [];
      runId = checkpoint.runId;
      return {
        checkpoint,
        chunks: chunks.map(({ kind, group, refs }): Chunk => {
          const bytes = new Uint8Array(Buffer.from(refs, 'base64'));
          return kind === 'members'
            ? { kind, group: String(group), refs: bytes }
            : { kind: 'seen', refs: bytes };
        }),
      };
    },
    save: async (checkpoint, added) => {
      if (checkpoint.runId !== runId) chunks = [];
      runId = checkpoint.runId;
      chunks = chunks.slice(0, checkpoint.chunks - added.length);
      for (const chunk of added) {
        chunks.push({
          kind: chunk.kind,
          ...(chunk.kind === 'members' ? { group: chunk.group } : {}),
          refs: Buffer.from(chunk.refs).toString('base64'),
        });
      }
      const temporary = `${file}.tmp`;
      writeFileSync(temporary, JSON.stringify({ checkpoint, chunks }), { mode: 0o600 });
      chmodSync(temporary, 0o600);
      renameSync(temporary, file);
    },
    clear: async () => {
      chunks = [];
      rmSync(file, { force: true });
    },
  };
}
