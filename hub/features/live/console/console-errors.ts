// What the lead teacher reads when the console's request is refused: a sentence in Chinese, never "unauthorized:
// console credential required". The code stays in the element's data for IT.
import type { LiveErrorCode } from '../../../../src/shared/live-protocol.ts';

/** The hub's codes, and the console socket's own: `closed` (the connection dropped), `network` (never connected). */
const messages: Partial<Record<LiveErrorCode | 'closed' | 'network', string>> = {
  closed: '与中心的连接已断开，请刷新页面后重新连接。',
  network: '无法连接中心，请检查网络后刷新页面。',
  unauthorized: '控制台口令不正确，请向中心管理员确认口令。',
  rate_limited: '口令错误次数过多，请稍后再试。',
  forbidden: '无权主持这节直播。',
  not_found: '找不到这节直播课，请检查课程编号。',
  live_unavailable: '中心暂时不能提供直播（直播服务未开启）。',
  not_on_air: '这节课还没有开始直播。',
  not_joined: '与中心的连接已重置，请刷新页面后重新连接。',
  malformed: '控制台与中心的版本不一致，请刷新页面。',
  internal: '中心内部错误，请稍后再试。',
  bad_request: '请求内容有误，请刷新页面后重试。',
};

/** An Error whose message is the Chinese sentence for `code`, and which keeps the code. */
export class ConsoleError extends Error {
  constructor(readonly code: string) {
    super((messages as Record<string, string | undefined>)[code] ?? '中心拒绝了这个操作，请稍后再试。');
  }
}
