// Every named refusal of an import, every name rule and every pack-list problem has a plain zh-CN message (and, through
// the Messages type, an English one), with full-width punctuation.
import { describe, expect, it } from 'vitest';
import { NAME_RULES } from '../../../shared/safe-names.ts';
import { IMPORT_REFUSALS } from '../../downloads/import-refusal.ts';
import type { PackListProblem } from '../../downloads/hub-pack-gate.ts';
import type { ExportRefusalCode } from '../../downloads/pack-export.ts';
import { en } from '../../i18n/en.ts';
import { zhCN } from '../../i18n/zh-cn.ts';

const problems: PackListProblem[] = ['hub_key_unknown', 'hub_key_changed', 'manifest_invalid', 'chunking_conflict', 'signature_missing', 'signature_invalid', 'pack_not_newer', 'pack_other_source'];
const exportRefusals: ExportRefusalCode[] = ['not_stored', 'unsigned', 'not_complete'];
const zh = zhCN.content;
const texts: [string, Record<string, string>, readonly string[]][] = [
  ['importRefusal', zh.importRefusal, IMPORT_REFUSALS],
  ['nameRule', zh.nameRule, NAME_RULES],
  ['packListProblem', zh.packListProblem, problems],
  ['exportRefusal', zh.exportRefusal, exportRefusals],
];

describe('import and pack-trust messages', () => {
  it.each(texts)('%s: one zh-CN and one English text per code, no ASCII punctuation next to Chinese', (group, messages, codes) => {
    expect(Object.keys(messages).sort()).toEqual([...codes].sort());
    expect(Object.keys((en.content as unknown as Record<string, Record<string, string>>)[group] ?? {}).sort()).toEqual([...codes].sort());
    for (const code of codes) expect(messages[code], code).not.toMatch(/[\u4e00-\u9fff][,;:!?.]|[,;:!?][\u4e00-\u9fff]/);
  });
});
