import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { DeviceIdentity } from '../../../shared/ipc.ts';
import { buildDiagnosticsZip, scrubNames } from './diagnostics.ts';

const identity: DeviceIdentity = {
  hubUrl: 'http://192.168.1.10:8787',
  deviceId: 'dev_01',
  token: 'secret-token-'.padEnd(48, 'x'),
  school: { id: 'sch-1', name: '昭觉县某小学', kind: 'receiving', allianceId: 'a-1' },
  classroom: { id: 'cls-1', schoolId: 'sch-1', name: '三年级一班', grade: '3' },
  hubName: 'hub',
  enrolledAt: '2026-03-01T08:00:00+08:00',
};
const students = [
  { id: 'stu-1', name: '王小' },
  { id: 'stu-2', name: '王小明' },
  { id: 'stu-3', name: '阿依' },
];

describe('diagnostics export', () => {
  it('replaces roster names by ids, longest first', () => {
    expect(scrubNames('王小明 and 王小 and 阿依莫', students)).toBe('[student:stu-2] and [student:stu-1] and [student:stu-3]莫');
  });

  it('zips summary and log without names or the device token', () => {
    const zip = buildDiagnosticsZip({
      createdAt: '2026-03-02T10:00:00.000Z',
      identity,
      appInfo: { version: '0.1.0', shell: 'browser', platform: 'Linux', versions: {} },
      update: { phase: 'idle', channel: 'latest', currentVersion: '0.1.0', availableVersion: null, waitingFor: null, lastCheckAt: null, source: 'hub', error: null, refused: null, verifyingFolder: false, windows: { download: null, quiet: { start: '21:00', end: '06:00' } } },
      storage: { usage: 1000, quota: 100000, tables: { students: 3 } },
      sync: { phase: 'synced', lastSyncAt: null, lastError: null, pendingOps: 2 },
      network: { rttMs: 300, rttSamples: [300], throughputKbit: 1500, probeBytes: 131072 },
      log: '{"message":"TypeError while marking 王小明 absent"}\n',
      students,
    });
    const files = unzipSync(zip);
    expect(Object.keys(files).sort()).toEqual(['README.txt', 'app.log', 'diagnostics.json']);
    const all = Object.values(files).map((f) => strFromU8(f)).join('\n');
    for (const s of students) expect(all).not.toContain(s.name);
    expect(all).not.toContain(identity.token);
    expect(all).toContain('[student:stu-2]');
    const summary = JSON.parse(strFromU8(files['diagnostics.json'] ?? new Uint8Array())) as { device: { deviceId: string }; roster: { ids: string[] } };
    expect(summary.device.deviceId).toBe('dev_01');
    expect(summary.roster.ids).toEqual(['stu-1', 'stu-2', 'stu-3']);
  });
});
