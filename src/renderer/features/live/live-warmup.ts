// The page of a live lesson that is on now is open: the teacher is about to tap 进入直播. A LiveController starts in
// preview (live-controller.ts): signalling, join, transport, ICE and DTLS are done while the page is read, nothing
// flows; the tap then costs one request and a key frame (on a 300 ms lossy link that is most of the wait gone). One
// prepared lesson at a time; one not taken within two minutes is stopped (its hub resources freed).
import type { DeviceIdentity } from '../../../shared/ipc.ts';
import type { AppDb } from '../../db/app-db.ts';
import type { LiveController } from '../../live/live-controller.ts';
import { createLiveController } from './create-live-controller.ts';

const KEEP_MS = 2 * 60_000;
let warm: { lessonId: string; token: string; controller: LiveController; timer: ReturnType<typeof setTimeout> } | null = null;

function drop() {
  if (!warm) return;
  clearTimeout(warm.timer);
  void warm.controller.stop();
  warm = null;
}

export function warmUpLive(input: { identity: DeviceIdentity; lessonId: string; db: AppDb }) {
  if (warm?.lessonId === input.lessonId && warm.token === input.identity.token) return;
  drop();
  const controller = createLiveController(input);
  controller.start({ preview: true });
  warm = { lessonId: input.lessonId, token: input.identity.token, controller, timer: setTimeout(drop, KEEP_MS) };
}

/** The prepared controller for this lesson (the live screen plays it), or null; any other prepared one is stopped. */
export function takeWarmController(lessonId: string, token: string): LiveController | null {
  if (warm?.lessonId !== lessonId || warm.token !== token) {
    drop();
    return null;
  }
  clearTimeout(warm.timer);
  const { controller } = warm;
  warm = null;
  return controller;
}
