// "导出诊断": one zip IT can send to the county — device, versions, storage, sync, update state, network figures, the
// local log. No student personal data beyond ids: the roster's names are replaced by their ids wherever they appear
// (a name can end up in an error message), and the device token never leaves.
import { strToU8, zipSync } from 'fflate';
import type { AppInfo, DeviceIdentity } from '../../../shared/ipc.ts';
import type { UpdateStatus } from '../../../shared/update-protocol.ts';
import type { NetworkTestResult } from './network-test.ts';

export type DiagnosticsInput = {
  createdAt: string;
  identity: DeviceIdentity;
  appInfo: AppInfo;
  update: UpdateStatus;
  storage: { usage: number | null; quota: number | null; tables: Record<string, number> };
  sync: { phase: string; lastSyncAt: string | null; lastError: string | null; pendingOps: number };
  network: NetworkTestResult | null;
  log: string;
  students: ReadonlyArray<{ id: string; name: string }>;
};

/** Replaces every roster name by `[student:<id>]`, longest names first so 王小明 is not half-replaced by 王小. */
export function scrubNames(text: string, students: ReadonlyArray<{ id: string; name: string }>): string {
  let out = text;
  for (const s of [...students].filter((x) => x.name.length > 0).sort((a, b) => b.name.length - a.name.length)) out = out.split(s.name).join(`[student:${s.id}]`);
  return out;
}

export function buildDiagnosticsZip(input: DiagnosticsInput): Uint8Array {
  // undefined drops the token from the JSON
  const device = { ...input.identity, token: undefined };
  const summary = {
    createdAt: input.createdAt,
    device,
    app: input.appInfo,
    update: input.update,
    storage: input.storage,
    sync: input.sync,
    network: input.network,
    roster: { students: input.students.length, ids: input.students.map((s) => s.id) },
  };
  const json = scrubNames(JSON.stringify(summary, null, 2), input.students);
  return zipSync({
    'diagnostics.json': strToU8(json),
    'app.log': strToU8(scrubNames(input.log, input.students)),
    'README.txt': strToU8('云课堂接收端诊断包：diagnostics.json（设备、版本、存储、同步、更新、网络）与 app.log（本机日志）。不含学生姓名与设备密钥。\n'),
  });
}
