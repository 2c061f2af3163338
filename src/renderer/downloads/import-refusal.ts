// Every way a USB / LAN import can be refused, by name. The import panel shows each in plain zh-CN
// (i18n content.importRefusal.*); tests assert the code, never a sentence.

export const IMPORT_REFUSALS = [
  // reading the folder
  'cancelled',
  'read_timeout',
  'file_changed',
  'file_gone',
  'file_unreadable',
  // what the folder says
  'manifest_missing',
  'manifest_too_large',
  'manifest_not_json',
  'manifest_invalid',
  'unsafe_name',
  'duplicate_name',
  'chunking_conflict',
  'file_missing',
  'size_mismatch',
  'chunk_mismatch',
  'hash_mismatch',
  // who vouches for it
  'not_enrolled',
  'hub_key_unknown',
  'signature_missing',
  'signature_invalid',
  'pack_not_newer',
  'pack_other_source',
  // storing it
  'quota_exceeded',
  'storage_failed',
  // none of the above (a bug): shown with its detail rather than thrown
  'unexpected',
] as const;
export type ImportRefusalCode = (typeof IMPORT_REFUSALS)[number];

/** `path`: the file concerned; `detail`: the rule broken, the other name, sizes — shown after the plain message. */
export type ImportRefusal = { code: ImportRefusalCode; path?: string; detail?: string };

/** Thrown from deep inside a read or a transaction and turned into the import's result at the top. */
export class ImportRefused extends Error {
  readonly refusal: ImportRefusal;
  constructor(refusal: ImportRefusal) {
    super(`${refusal.code}${refusal.path ? ` ${refusal.path}` : ''}${refusal.detail ? `: ${refusal.detail}` : ''}`);
    this.name = 'ImportRefused';
    this.refusal = refusal;
  }
}

export const refuse = (code: ImportRefusalCode, path?: string, detail?: string): never => {
  throw new ImportRefused({ code, ...(path !== undefined ? { path } : {}), ...(detail !== undefined ? { detail } : {}) });
};
