// Keeps a second <video> (the courseware of a recorded live lesson) in step with the one that has the sound (the
// camera): play, pause, seek and speed follow at once; drift past a third of a second is corrected as it plays.
const MAX_DRIFT_S = 0.3;

export function followVideo(master: HTMLVideoElement, follower: HTMLVideoElement): () => void {
  const seek = () => {
    if (Math.abs(follower.currentTime - master.currentTime) > MAX_DRIFT_S) follower.currentTime = master.currentTime;
  };
  const play = () => {
    seek();
    void follower.play().catch(() => undefined); // muted video: autoplay is allowed; a refusal only leaves it paused
  };
  const pause = () => follower.pause();
  const rate = () => (follower.playbackRate = master.playbackRate);
  const events: [string, () => void][] = [
    ['play', play],
    ['pause', pause],
    ['seeked', seek],
    ['timeupdate', seek],
    ['ratechange', rate],
  ];
  for (const [name, fn] of events) master.addEventListener(name, fn);
  seek();
  if (!master.paused) play();
  return () => {
    for (const [name, fn] of events) master.removeEventListener(name, fn);
  };
}
