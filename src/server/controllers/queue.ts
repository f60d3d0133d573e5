/** A deduplicating work queue drained on the next turn of the event loop; failures retry later. */
export class WorkQueue {
  private readonly pending = new Set<string>();
  private scheduled = false;
  private stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly work: (key: string) => void,
    private readonly onError: (key: string, err: unknown) => void,
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    this.pending.add(key);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  private drain(): void {
    this.scheduled = false;
    let rounds = 0;
    while (this.pending.size > 0 && !this.stopped && rounds++ < 10_000) {
      const key = this.pending.values().next().value as string;
      this.pending.delete(key);
      try {
        this.work(key);
      } catch (err) {
        this.onError(key, err);
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          this.add(key);
        }, 100);
        this.timers.add(timer);
      }
    }
    if (this.pending.size > 0 && !this.scheduled && !this.stopped) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
