import { performance } from 'node:perf_hooks';

/** Lets a long loop of synchronous steps yield to the event loop once a time slice is used up. */
export class TimeSlicer {
  private since = performance.now();

  constructor(private readonly sliceMs: number) {}

  /** Call after each step: yields (one macrotask) when the current slice has run longer than sliceMs. */
  async tick(): Promise<void> {
    if (performance.now() - this.since < this.sliceMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.since = performance.now();
  }
}
