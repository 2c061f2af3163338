// Where a live join's time goes, seen from the page: the signalling frames (each request and its answer), the peer
// connection's ICE, DTLS and connection states, the candidate pair that carried the media, and each track's first RTP
// packet, first key frame and first decoded frame. An init script wraps WebSocket and RTCPeerConnection before the app
// loads (no app code changes), so the benchmark can print the breakdown next to the figure it explains.
import type { Page } from 'playwright-core';

export type TraceEvent = { at: number; what: string };

/** Runs in the page before any of its scripts (page.addInitScript): records into window.__joinTrace. */
function installJoinTrace() {
  type W = typeof globalThis & { __joinTrace?: { at: number; what: string }[] };
  const w = globalThis as W;
  const events: { at: number; what: string }[] = [];
  w.__joinTrace = events;
  const note = (what: string) => events.push({ at: Date.now(), what });
  const NativeWs = WebSocket;
  class TracedWs extends NativeWs {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      note(`ws connect ${String(url).replace(/^.*\/\/[^/]+/, '')}`);
      this.addEventListener('open', () => note('ws open'));
      this.addEventListener('close', () => note('ws close'));
      this.addEventListener('message', (e: MessageEvent) => {
        if (typeof e.data !== 'string') return;
        try {
          const m = JSON.parse(e.data) as { kind?: string; id?: number; ok?: boolean; notification?: { type?: string } };
          if (m.kind === 'response' && m.id === 1) (w as W & { __joinAnswer?: string }).__joinAnswer ??= e.data;
          if (m.kind === 'response') note(`ws ← #${String(m.id)} ${m.ok ? 'ok' : 'error'} (${e.data.length} B)`);
          else if (m.notification?.type !== 'bandwidth') note(`ws ← ${m.notification?.type ?? '?'}`);
        } catch {
          note('ws ← ?');
        }
      });
    }
    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView) {
      if (typeof data === 'string') {
        try {
          const m = JSON.parse(data) as { id?: number; method?: string };
          note(`ws → #${String(m.id)} ${m.method ?? '?'} (${data.length} B)`);
        } catch {
          note('ws → ?');
        }
      }
      super.send(data);
    }
  }
  w.WebSocket = TracedWs;
  const NativePc = RTCPeerConnection;
  class TracedPc extends NativePc {
    constructor(config?: RTCConfiguration) {
      super(config);
      note('pc created');
      this.addEventListener('iceconnectionstatechange', () => note(`ice ${this.iceConnectionState}`));
      this.addEventListener('connectionstatechange', () => note(`pc ${this.connectionState}`));
      this.addEventListener('track', (e: RTCTrackEvent) => note(`track ${e.track.kind}`));
      type Stat = Record<string, string | number | undefined>;
      const seen = new Set<string>();
      const once = (key: string, what: string) => {
        if (seen.has(key)) return;
        seen.add(key);
        note(what);
      };
      const poll = setInterval(() => {
        if (this.connectionState === 'closed') return clearInterval(poll);
        void this.getStats().then((report) => {
          const byId = new Map<string, Stat>();
          report.forEach((s: Stat) => byId.set(String(s.id), s));
          report.forEach((s: Stat) => {
            if (s.type === 'transport') {
              if (s.dtlsState) once(`dtls ${String(s.dtlsState)}`, `dtls ${String(s.dtlsState)} (role ${String(s.dtlsRole ?? '?')})`);
              const pair = byId.get(String(s.selectedCandidatePairId));
              if (pair) {
                const local = byId.get(String(pair.localCandidateId));
                const remote = byId.get(String(pair.remoteCandidateId));
                once(`pair ${String(pair.id)}`, `selected pair ${String(local?.protocol)} ${String(local?.candidateType)} → ${String(remote?.address)}:${String(remote?.port)} ${String(remote?.protocol)}`);
              }
            }
            if (s.type === 'candidate-pair' && s.state === 'succeeded') {
              const remote = byId.get(String(s.remoteCandidateId));
              once(`ok ${String(s.id)}`, `pair succeeded → ${String(remote?.protocol)} ${String(remote?.address)} (rtt ${String(s.currentRoundTripTime)} s, requests ${String(s.requestsSent)})`);
            }
            if (s.type === 'inbound-rtp') {
              const kind = String(s.kind);
              const mid = String(s.mid ?? s.trackIdentifier ?? '');
              if (Number(s.packetsReceived) > 0) once(`rtp ${mid}`, `first rtp ${kind} mid ${mid}`);
              if (Number(s.keyFramesDecoded) > 0) once(`key ${mid}`, `first key frame decoded ${kind} mid ${mid} (${String(s.frameWidth)} px)`);
              if (Number(s.framesDecoded) > 0) once(`frame ${mid}`, `first frame decoded ${kind} mid ${mid}`);
              if (Number(s.pliCount) > 0) once(`pli ${mid}`, `pli sent ${kind} mid ${mid}`);
              if (Number(s.firCount) > 0) once(`fir ${mid}`, `fir sent ${kind} mid ${mid}`);
            }
          });
        });
      }, 20);
    }
    override setRemoteDescription(d: RTCSessionDescriptionInit) {
      note(`pc setRemoteDescription ${d.type}`);
      return super.setRemoteDescription(d);
    }
    override setLocalDescription(d?: RTCLocalSessionDescriptionInit) {
      note(`pc setLocalDescription ${d?.type ?? ''}`);
      return super.setLocalDescription(d);
    }
  }
  w.RTCPeerConnection = TracedPc;
}

export async function traceJoins(page: Page) {
  // tsx keeps function names with a `__name` helper the page does not have.
  await page.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((f) => f);' });
  await page.addInitScript(installJoinTrace);
}

/** The events that make up a join's time (not the SDP steps, tracks or the bandwidth probe). */
export const keyJoinEvent = (line: string) => !/setRemoteDescription|setLocalDescription| track |probator|dtls new/.test(line);

/** The events since `from` (a Date.now() in this process, e.g. the tap), as "+ms what" lines. */
export async function joinTrace(page: Page, from: number): Promise<string[]> {
  const events = await page.evaluate(() => (globalThis as { __joinTrace?: TraceEvent[] }).__joinTrace ?? []);
  return events.map((e) => `${String(e.at - from).padStart(6)} ms  ${e.what}`);
}
