// Reads what the app stored in IndexedDB from inside the page (raw IndexedDB, no app code), so tests check the bytes
// the app would play, not what it reports.
import type { Page } from 'playwright-core';

/** SHA-256 (hex) of the chunks stored for a file, concatenated in index order; '' when none are stored. */
export function storedSha256InPage(page: Page, sha256: string): Promise<string> {
  return page.evaluate(async (sha) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('ykt-classroom');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('indexedDB.open failed'));
    });
    const rows = await new Promise<{ index: number; data: Blob }[]>((resolve, reject) => {
      const req = db.transaction('contentChunks').objectStore('contentChunks').index('sha256').getAll(sha);
      req.onsuccess = () => resolve(req.result as { index: number; data: Blob }[]);
      req.onerror = () => reject(req.error ?? new Error('getAll failed'));
    });
    db.close();
    if (rows.length === 0) return '';
    rows.sort((a, b) => a.index - b.index);
    const bytes = await new Blob(rows.map((r) => r.data)).arrayBuffer();
    return [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
  }, sha256);
}

/** How many chunks of a file are stored. */
export function storedChunkCountInPage(page: Page, sha256: string): Promise<number> {
  return page.evaluate(async (sha) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('ykt-classroom');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('indexedDB.open failed'));
    });
    const count = await new Promise<number>((resolve, reject) => {
      const req = db.transaction('contentChunks').objectStore('contentChunks').index('sha256').count(sha);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('count failed'));
    });
    db.close();
    return count;
  }, sha256);
}

/** True once the app knows of content files and every one is stored complete (the download manager is done). */
export function allContentCompleteInPage(page: Page): Promise<boolean> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('ykt-classroom');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('indexedDB.open failed'));
    });
    if (!db.objectStoreNames.contains('contentFiles')) {
      db.close();
      return false;
    }
    const files = await new Promise<{ state: string }[]>((resolve, reject) => {
      const req = db.transaction('contentFiles').objectStore('contentFiles').getAll();
      req.onsuccess = () => resolve(req.result as { state: string }[]);
      req.onerror = () => reject(req.error ?? new Error('getAll failed'));
    });
    db.close();
    return files.length > 0 && files.every((f) => f.state === 'complete');
  });
}
