// Validates every IPC call against the shared contract before any handler runs, and validates what handlers return,
// so a compromised or buggy renderer can only ever reach the typed surface. Plain module: no electron import.
import { ipcContract, type IpcChannel, type IpcRequest, type IpcResponse } from '../shared/ipc.ts';

export type IpcHandlers = { [C in IpcChannel]: (request: IpcRequest<C>) => Promise<IpcResponse<C>> };

export class IpcValidationError extends Error {
  override name = 'IpcValidationError';
}

function isChannel(channel: unknown): channel is IpcChannel {
  return typeof channel === 'string' && Object.hasOwn(ipcContract, channel);
}

export function createIpcDispatcher(handlers: IpcHandlers) {
  return async function dispatch(channel: unknown, payload: unknown): Promise<unknown> {
    if (!isChannel(channel)) throw new IpcValidationError(`unknown IPC channel: ${String(channel).slice(0, 60)}`);
    const { request, response } = ipcContract[channel];
    const parsed = request.safeParse(payload);
    if (!parsed.success) throw new IpcValidationError(`${channel}: invalid request: ${parsed.error.issues[0]?.message ?? ''}`);
    const handler = handlers[channel] as (req: unknown) => Promise<unknown>;
    return response.parse(await handler(parsed.data));
  };
}
