import { describe, expect, it } from 'vitest';
import { latinWordsIn } from './latin-words.ts';
import { zhCN } from './zh-cn.ts';

/** Every string of a catalogue, with its key. */
function strings(node: unknown, key = ''): [string, string][] {
  if (typeof node === 'string') return [[key, node]];
  if (node && typeof node === 'object') return Object.entries(node).flatMap(([k, v]) => strings(v, key ? `${key}.${k}` : k));
  return [];
}

describe('latinWordsIn', () => {
  it.each([
    ['管理员 PIN', ['PIN']],
    ['输入管理员密码', []],
    ['例如 http://192.168.1.10:8787', []],
    ['由中心发放，例如 DEMO-ZJ-1', []],
    ['课堂录像.mp4 · 讲义.pdf', []],
    ['版本 0.1.0', []],
    ['共接收 {{total}} kbit/s', []],
    ['中心证书指纹（SHA-256）', []],
    ['EN', []],
    ['点 Enter 键', ['Enter']],
  ])('%s → %o', (text, words) => {
    expect(latinWordsIn(text)).toEqual(words);
  });
});

describe('the zh-CN catalogue', () => {
  it('has no Latin word a teacher would have to understand', () => {
    const found = strings(zhCN).flatMap(([key, text]) => latinWordsIn(text).map((word) => `${key}: "${word}" in "${text}"`));
    expect(found).toEqual([]);
  });
});
