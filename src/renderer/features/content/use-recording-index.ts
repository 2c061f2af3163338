import { useEffect, useState } from 'react';
import type { ContentFile } from '../../../shared/content-protocol.ts';
import { RECORDING_INDEX_FILE, RecordingIndex } from '../../../shared/recording-index.ts';
import { useApp } from '../../app/app-context.tsx';
import { storedFileBlob } from '../../db/content-repo.ts';

/** A recording pack's index (recording.json) once stored and readable; null otherwise (the pack then plays file by file). */
export function useRecordingIndex(files: { file: ContentFile; complete: boolean }[] | undefined): RecordingIndex | null {
  const { db } = useApp();
  const entry = files?.find((f) => f.file.path === RECORDING_INDEX_FILE);
  const sha256 = entry?.complete ? entry.file.sha256 : null;
  const [index, setIndex] = useState<RecordingIndex | null>(null);
  useEffect(() => {
    if (!sha256) return setIndex(null);
    let cancelled = false;
    void storedFileBlob(db, sha256)
      .then(async (blob) => (blob ? RecordingIndex.safeParse(JSON.parse(await blob.text())) : null))
      .then((parsed) => !cancelled && setIndex(parsed?.success ? parsed.data : null))
      .catch(() => !cancelled && setIndex(null)); // an unreadable index: the files still play one by one
    return () => {
      cancelled = true;
    };
  }, [db, sha256]);
  return index;
}
