// Thin adapter: the hub certificate pin (cert-pin.ts) as Electron's certificate verifier, for the sessions that talk to
// the hub: the window's default session (renderer fetch and WebSocket, main's net.fetch) and electron-updater's own
// "electron-updater" session. Exercised only on a machine with Electron (README, "What a person must check").
import { session, type Session } from 'electron';
import { decideCertificate, fingerprintOfPem, verifyProcResult, type PinStore } from './cert-pin.ts';

export function installCertificatePins(pins: PinStore, onRefused: (host: string, presented: string, pinned: string) => void): void {
  // electron-updater creates this partition with cache off; asking with the same options returns the same session.
  const sessions: Session[] = [session.defaultSession, session.fromPartition('electron-updater', { cache: false })];
  for (const target of sessions) {
    target.setCertificateVerifyProc((request, callback) => {
      const decision = decideCertificate(request.hostname, fingerprintOfPem(request.certificate.data), pins.pins());
      if (decision.verdict === 'refuse') onRefused(request.hostname, decision.presented, decision.pinned);
      callback(verifyProcResult(decision));
    });
  }
}
