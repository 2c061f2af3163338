// Gives a file to the user through the browser's download (Electron shows its save dialog): the diagnostics zip, the
// failed records. The object URL stays valid a minute, long enough for a slow save dialog.
export function saveBlob(file: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = file;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
