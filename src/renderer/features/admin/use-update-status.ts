import { useEffect, useState } from 'react';
import type { UpdateStatus } from '../../../shared/update-protocol.ts';
import { desktop } from '../../desktop/desktop.ts';

/** The update status from main, refreshed every few seconds while the IT page is open. */
export function useUpdateStatus(): [UpdateStatus | null, (s: UpdateStatus) => void] {
  const [status, setStatus] = useState<UpdateStatus | null>(null);
  useEffect(() => {
    let alive = true;
    const load = () => void desktop().update.status().then((s) => alive && setStatus(s), () => undefined);
    load();
    const timer = setInterval(load, 5000);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, []);
  return [status, setStatus];
}
