import { useEffect, useState } from 'react';
import { useApp } from '../../app/app-context.tsx';
import { storedFileBlob } from '../../db/content-repo.ts';

/** An object URL for a completely stored file (revoked on unmount), or null while loading / when not cached. */
export function useStoredBlobUrl(sha256: string, ready: boolean): string | null {
  const { db } = useApp();
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!ready) return;
    let objectUrl: string | null = null;
    let cancelled = false;
    void storedFileBlob(db, sha256).then((blob) => {
      if (cancelled || !blob) return;
      objectUrl = URL.createObjectURL(blob);
      setUrl(objectUrl);
    });
    return () => {
      cancelled = true;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
      setUrl(null);
    };
  }, [db, sha256, ready]);
  return url;
}
