// Retention: delivered and terminally failed rows are kept for a window (for `deliveries list` and
// audits), then deleted. Runs once at start and then on an interval that never keeps the process alive.
import { guardLogger, type Logger } from '../logging/logger.js';
import type { DeliveryStore } from './delivery-store.js';

export interface PruneSchedule {
  readonly retentionMs: number;
  readonly intervalMs: number;
  readonly now: () => number;
  readonly logger: Logger;
}

/** Starts pruning; returns the function that stops it. */
export function startPruning(store: DeliveryStore, schedule: PruneSchedule): () => void {
  const logger = guardLogger(schedule.logger);
  let running = false;
  const prune = async () => {
    if (running) return;
    running = true;
    try {
      const removed = await store.prune(schedule.now() - schedule.retentionMs);
      if (removed > 0) logger.log('info', 'pruned settled webhook deliveries', { removed });
    } catch (error) {
      logger.log('warn', 'pruning webhook deliveries failed', { code: (error as { code?: unknown } | null)?.code });
    } finally {
      running = false;
    }
  };
  void prune();
  const timer = setInterval(() => void prune(), schedule.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
