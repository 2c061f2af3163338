// Malformed-payload rows for the shell channels (updates, backups, window, log), split from ipc-dispatch.test.ts to
// keep both files small. Same rules: every channel has a valid payload and payloads that must be refused.
import type { BackupSnapshot, UpdateStatus } from '../shared/update-protocol.ts';
import type { ShellChannel } from './shell-handlers.ts';

export const huge = 'x'.repeat(1_000_000);

export type Row = {
  /** A payload the contract accepts; it must reach the handler. */
  valid: unknown;
  /** Payloads that must be refused with IpcValidationError before any handler runs. */
  invalid: ReadonlyArray<readonly [label: string, payload: unknown]>;
};

export const updateStatus: UpdateStatus = {
  phase: 'idle',
  channel: 'latest',
  currentVersion: '0.1.0',
  availableVersion: null,
  waitingFor: null,
  lastCheckAt: null,
  source: 'hub',
  error: null,
  refused: null,
  verifyingFolder: false,
  windows: { download: { start: '22:00', end: '06:00' }, quiet: { start: '12:10', end: '13:30' } },
};

export const snapshot: BackupSnapshot = {
  format: 1,
  createdAt: '2026-03-01T12:00:00.000Z',
  dbName: 'ykt-classroom',
  dbVersion: 1,
  appVersion: '0.1.0',
  tables: { meta: [{ key: 'dbInstanceId', value: 'x' }], outbox: [{ id: 'op-1' }] },
};

/** Shared refusals for channels whose request is an object. */
export const notAnObject: ReadonlyArray<readonly [string, unknown]> = [
  ['undefined', undefined],
  ['null', null],
  ['array', []],
  ['string', 'x'],
  ['number', 1],
];

/** Payloads a `none` request (no argument) must refuse: anything that is not `undefined`. */
export const notUndefined: ReadonlyArray<readonly [string, unknown]> = [
  ['null', null],
  ['empty object', {}],
  ['object with a field', { extra: 1 }],
  ['empty array', []],
  ['array', [undefined]],
  ['empty string', ''],
  ['huge string', huge],
  ['zero', 0],
  ['false', false],
  ['NaN', Number.NaN],
];

export const shellRows: Record<ShellChannel, Row> = {
  'update:status': { valid: undefined, invalid: notUndefined },
  'update:check': { valid: undefined, invalid: notUndefined },
  'backup:latest': { valid: undefined, invalid: notUndefined },
  'backup:keep': {
    valid: { file: 'backup-1772366400000-0001.json' },
    invalid: [
      ...notAnObject,
      ['empty object', {}],
      ['a path', { file: '../identity.json' }],
      ['an absolute path', { file: '/etc/passwd' }],
      ['a backup name with a folder', { file: 'x/backup-1772366400000-0001.json' }],
      ['the pin file itself', { file: 'keep.json' }],
      ['a temporary file', { file: 'backup-1772366400000-0001.json.tmp' }],
      ['file as number', { file: 1 }],
      ['file huge', { file: huge }],
    ],
  },
  'log:recent': { valid: undefined, invalid: notUndefined },
  'activity:set': {
    valid: { lessonInProgress: true, playback: 'live' },
    invalid: [
      ...notAnObject,
      ['empty object', {}],
      ['missing playback', { lessonInProgress: true }],
      ['unknown playback', { lessonInProgress: false, playback: 'paused' }],
      ['lessonInProgress as string', { lessonInProgress: 'yes', playback: 'none' }],
    ],
  },
  'update:setChannel': {
    valid: { channel: 'beta' },
    invalid: [...notAnObject, ['empty object', {}], ['unknown channel', { channel: 'nightly' }], ['channel as path', { channel: '../latest' }], ['bare string', 'beta']],
  },
  'update:setWindows': {
    valid: updateStatus.windows,
    invalid: [
      ...notAnObject,
      ['empty object', {}],
      ['missing quiet', { download: null }],
      ['hour 24', { download: null, quiet: { start: '24:00', end: '06:00' } }],
      ['no leading zero', { download: null, quiet: { start: '9:00', end: '10:00' } }],
      ['seconds', { download: { start: '22:00:00', end: '06:00' }, quiet: { start: '12:00', end: '13:00' } }],
      ['window as string', { download: '22:00-06:00', quiet: { start: '12:00', end: '13:00' } }],
    ],
  },
  'update:fromFolder': {
    valid: { path: 'E:\\yunketang-0.2.0' },
    invalid: [...notAnObject, ['missing path', {}], ['empty path', { path: '' }], ['path huge', { path: huge }], ['path as number', { path: 5 }], ['path as array', { path: ['E:'] }]],
  },
  'backup:save': {
    valid: snapshot,
    invalid: [
      ...notAnObject,
      ['empty object', {}],
      ['unknown format', { ...snapshot, format: 2 }],
      ['createdAt not a date', { ...snapshot, createdAt: 'now' }],
      ['table name with a path', { ...snapshot, tables: { '../x': [] } }],
      ['table rows not an array', { ...snapshot, tables: { outbox: { id: 1 } } }],
      ['dbVersion zero', { ...snapshot, dbVersion: 0 }],
      ['appVersion huge', { ...snapshot, appVersion: huge }],
    ],
  },
  'window:setFullScreen': {
    valid: { on: true, kiosk: false },
    invalid: [...notAnObject, ['empty object', {}], ['missing kiosk', { on: true }], ['on as string', { on: 'true', kiosk: false }]],
  },
  'log:write': {
    valid: { level: 'error', message: 'TypeError: x is undefined', detail: 'at lesson-screen.tsx:10' },
    invalid: [
      ...notAnObject,
      ['empty object', {}],
      ['unknown level', { level: 'fatal', message: 'x' }],
      ['message huge', { level: 'error', message: huge }],
      ['detail huge', { level: 'error', message: 'x', detail: huge }],
      ['message as object', { level: 'info', message: { text: 'x' } }],
    ],
  },
};
