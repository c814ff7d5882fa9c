// LOCAL ONLY. A global table does not send a replicated write back to the region it came from. The stand-in
// copies a change into the other region with an ordinary write, which shows up in that region's stream like any
// other; this remembers each copy it made so that stream record is recognised as an echo and passed over
// without reading the first region's item again.
import type { _Record } from '@aws-sdk/client-dynamodb-streams';

type Image = Record<string, { N?: string } | undefined>;

export class EchoFilter {
  private readonly copies = new Map<string, number>();

  constructor(private readonly updatedAtAttribute: string) {}

  /** The stand-in wrote `record`'s change into `region`. */
  copied(region: string, record: _Record): void {
    const key = this.keyOf(region, record);
    if (key) this.copies.set(key, (this.copies.get(key) ?? 0) + 1);
  }

  /** True (once per copy) when `record`, read from `region`'s stream, is a change the stand-in wrote there. */
  isEcho(region: string, record: _Record): boolean {
    const key = this.keyOf(region, record);
    const count = key ? this.copies.get(key) : undefined;
    if (!key || !count) return false;
    if (count === 1) this.copies.delete(key);
    else this.copies.set(key, count - 1);
    return true;
  }

  /** Copies made whose echo has not been read yet. */
  get pending(): number {
    return [...this.copies.values()].reduce((sum, n) => sum + n, 0);
  }

  /** Region, item key and change: the new image's update time, or the removal of the image that was there. */
  private keyOf(region: string, record: _Record): string | undefined {
    const change = record.dynamodb;
    if (!change?.Keys) return undefined;
    const image = (record.eventName === 'REMOVE' ? change.OldImage : change.NewImage) as Image | undefined;
    const updatedAt = image?.[this.updatedAtAttribute]?.N;
    if (updatedAt === undefined) return undefined;
    return JSON.stringify([region, record.eventName === 'REMOVE', change.Keys, updatedAt]);
  }
}
