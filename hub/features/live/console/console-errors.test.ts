import { describe, expect, it } from 'vitest';
import { LiveErrorCode } from '../../../../src/shared/live-protocol.ts';
import { ConsoleError } from './console-errors.ts';

describe('lead console error messages', () => {
  it('says the console credential is wrong in Chinese, without the raw code', () => {
    const error = new ConsoleError('unauthorized');
    expect(error.message).toBe('控制台口令不正确，请向中心管理员确认口令。');
    expect(error.code).toBe('unauthorized');
  });

  it.each(LiveErrorCode.options)('%s reads as Chinese with full-width punctuation and no ASCII code', (code) => {
    const { message } = new ConsoleError(code);
    expect(message).toMatch(/[\u4e00-\u9fff]/);
    expect(message).not.toContain(code);
    expect(message).not.toMatch(/[,:;()]/);
  });
});
