// electron-builder cannot run here (no Electron binary, no network), so its configuration is checked against
// electron-builder's own JSON schema (app-builder-lib/scheme.json, the one it validates with) plus the choices that
// matter for school PCs: a stable appId, an NSIS install-mode page, Linux AppImage + deb, the generic update feed.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
type Validator = ((data: unknown) => boolean) & { errors?: unknown[] | null };
const Ajv = require('ajv') as new (opts: object) => { compile(schema: unknown): Validator };
const config = load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown> & {
  win: Record<string, unknown> & { signtoolOptions?: Record<string, unknown> };
  nsis: Record<string, unknown>;
  linux: { target: string[] };
  publish: Array<Record<string, unknown>>;
};

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): [number, number] {
  const bytes = readFileSync(file);
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

describe('electron-builder.yml', () => {
  it("is valid against electron-builder's schema", () => {
    const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as unknown;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const ok = validate(config);
    expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('keeps the appId and product name that fix the user-data folder', () => {
    expect(config.appId).toBe('cn.sichuan.yunketang.receiver');
    expect(config.productName).toBe('云课堂接收端');
  });

  it('builds an assisted NSIS installer with the per-machine / per-user choice and differential updates', () => {
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: false, allowElevation: true, differentialPackage: true, deleteAppDataOnUninstall: false });
  });

  it('builds AppImage and deb for Linux', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
  });

  it('publishes to the hub generic feed with multi-range (differential) downloads', () => {
    expect(config.publish[0]).toMatchObject({ provider: 'generic', useMultipleRangeRequest: true });
    expect(String(config.publish[0]?.url)).toMatch(/\/updates\/latest\/$/);
  });

  it('wires Windows code signing where electron-builder 26 reads it, and has electron-updater check the publisher', () => {
    // electron-builder 26 moved publisherName from win to win.signtoolOptions; the old place fails its schema.
    expect(config.win).not.toHaveProperty('publisherName');
    const publisher = config.win.signtoolOptions?.publisherName;
    expect(Array.isArray(publisher) && publisher.length > 0 && publisher.every((p) => typeof p === 'string' && p.length > 0)).toBe(true);
    expect(config.win.signtoolOptions).toMatchObject({ signingHashAlgorithms: ['sha256'] });
    expect(config.win.verifyUpdateCodeSignature).toBe(true);
    // The certificate and its password come from the environment at build time, never from this file.
    for (const secret of ['cscLink', 'cscKeyPassword']) expect(config.win).not.toHaveProperty(secret);
    expect(config.win.signtoolOptions).not.toHaveProperty('certificatePassword');
    expect(config.win.signtoolOptions).not.toHaveProperty('certificateFile');
  });

  it("is rejected by electron-builder's schema with publisherName in its pre-26 place", () => {
    const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as unknown;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate({ ...config, win: { ...config.win, publisherName: 'x' } })).toBe(false);
  });

  it('never packs the hub', () => {
    expect(config.files).toContain('!hub/**');
  });

  it('has a 512×512 app icon and the Linux icon sizes', () => {
    expect(pngSize(join(root, 'resources/icon.png'))).toEqual([512, 512]);
    for (const n of [16, 32, 48, 64, 128, 256]) expect(pngSize(join(root, `resources/icons/${n}x${n}.png`))).toEqual([n, n]);
  });
});
