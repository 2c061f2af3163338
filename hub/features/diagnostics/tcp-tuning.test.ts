import { describe, expect, it } from 'vitest';
import { tcpTuningAdvice } from './tcp-tuning.ts';

describe('tcpTuningAdvice', () => {
  it.each([
    ['bbr\n', null],
    ['cubic\n', 'cubic'],
    ['reno', 'reno'],
    [null, null], // not Linux: nothing to say
    ['', null],
  ])('congestion control %j → advice naming %j', (value, named) => {
    const advice = tcpTuningAdvice((path) => (path === 'net/ipv4/tcp_congestion_control' ? value : null));
    if (named === null) expect(advice).toBeNull();
    else expect(advice).toMatch(new RegExp(`TCP sends with ${named}.*tune-network\\.sh`));
  });
});
