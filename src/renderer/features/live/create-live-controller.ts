// The LiveController as the app runs it: the desktop bridge (keep-awake, log), this hub's codecs and signalling socket
// if known and open, 答题器 questions and the stop time stored in the classroom's database, the pack list refreshed
// when the recording is ready.
import { Device } from 'mediasoup-client';
import type { DeviceIdentity } from '../../../shared/ipc.ts';
import { contentCommands, currentEdgeRoute } from '../../app/content-controller.ts';
import type { AppDb } from '../../db/app-db.ts';
import { noteLiveStopped, storePushedQuestion } from '../../db/live-repo.ts';
import { desktop } from '../../desktop/desktop.ts';
import { LiveController } from '../../live/live-controller.ts';
import { livePreconnect } from '../../live/live-preconnect.ts';
import { cachedRouterCaps } from '../../live/router-caps.ts';
import { useEdgeRoute } from '../../stores/edge-route-store.ts';

/** A failed join at the school edge, by the edge's reason: another school's edge, its county link down (or its feed
 *  silent: the county's RTP does not reach it), or gone. */
const edgeProblem = (code: string) =>
  code === 'wrong_school' ? 'wrong_school' : code === 'upstream_unavailable' || code === 'edge_feed_silent' ? 'upstream' : 'unreachable';

export function createLiveController({ identity, lessonId, db }: { identity: DeviceIdentity; lessonId: string; db: AppDb }): LiveController {
  const log = (level: 'info' | 'warn' | 'error', message: string) => void desktop().log.write({ level, message: message.slice(0, 2000) }).catch(() => undefined);
  return new LiveController({
    hubUrl: identity.hubUrl,
    // Through the school edge while it answers, else the county hub; a dead edge is left, and returned to, without a click.
    serverUrl: () => currentEdgeRoute()?.liveUrl() ?? identity.hubUrl,
    onServerFailed: (url, code) => currentEdgeRoute()?.liveFailed(url, edgeProblem(code)),
    watchServer: (listener) =>
      useEdgeRoute.subscribe((now, before) => {
        if (now.using !== before.using || now.edgeLive !== before.edgeLive) listener();
      }),
    token: identity.token,
    lessonId,
    // The socket the session opened when it learned the hub serves live lessons, if still open: no handshake to wait for.
    createWebSocket: (url) => livePreconnect.take(url) ?? new WebSocket(url),
    createDevice: () => Device.factory(),
    keepAwake: async (on) => void (await desktop().power.keepAwake({ on, reason: 'live lesson' })),
    viewportWidth: () => window.innerWidth,
    routerCaps: () => cachedRouterCaps(identity.hubUrl),
    onQuizPush: (push) => storePushedQuestion(db, push),
    onRecordingReady: () => void contentCommands.refresh(),
    onStopped: (at) => void noteLiveStopped(db, lessonId, at).catch((e: unknown) => log('warn', `live stop time not saved: ${String(e)}`)),
    log,
  });
}
