// SIGTERM/SIGINT: what a service manager expects — stop accepting, close every socket (signalling WebSockets are
// closed by the live routes' preClose hook, idle keep-alive connections by Fastify), give in-flight requests a moment,
// then cut what is left and exit. A hard deadline guarantees the process is gone within a few seconds.
import type { FastifyInstance } from 'fastify';

export type ShutdownOptions = {
  app: FastifyInstance;
  /** Run before the server closes (e.g. take the demo broadcast off air). */
  before?: () => Promise<void> | void;
  /** Run after it closed (SFU worker, database). */
  after?: () => void | Promise<void>;
  log: (line: string) => void;
  /** In-flight requests (a long content download) are cut after this. */
  graceMs?: number;
  /** Exit even if closing hangs. */
  deadlineMs?: number;
  exit?: (code: number) => void;
};

export function installGracefulShutdown(options: ShutdownOptions) {
  const log = options.log;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`hub: ${signal}: closing connections and stopping`);
    const deadline = setTimeout(() => {
      log('hub: shutdown took too long; exiting now');
      exit(1);
    }, options.deadlineMs ?? 5_000);
    deadline.unref();
    const cut = setTimeout(() => options.app.server.closeAllConnections(), options.graceMs ?? 2_000);
    cut.unref();
    try {
      await options.before?.();
      await options.app.close();
    } catch (error) {
      log(`hub: error while closing: ${error instanceof Error ? error.message : String(error)}`);
    }
    clearTimeout(cut);
    try {
      await options.after?.();
    } catch (error) {
      log(`hub: error while closing: ${error instanceof Error ? error.message : String(error)}`);
    }
    exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void shutdown(signal));
  return shutdown;
}
