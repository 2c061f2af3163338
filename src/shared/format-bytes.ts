// The one size formatter, for every size a person reads (app screens, the edge's status page, hub logs).
// 1024-based with KB / MB / GB / TB labels, because that is what Windows Explorer shows teachers and IT for the same
// files and disks (a "4.0 GB" pack here is "4.0 GB" on the USB stick's Properties, not "4.3 GB"). Below 1 MB it rounds
// up to whole KB as Explorer does (a 1-byte file is "1 KB"), so no size that exists reads as 0; above, one decimal.
// The labels are the same in both languages (Windows zh-CN writes KB/MB/GB too).

const UNITS = ['MB', 'GB', 'TB'] as const;

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return '0 KB';
  const kb = Math.ceil(bytes / 1024);
  if (kb < 1024) return `${kb} KB`;
  let value = bytes / 1024 ** 2;
  let unit = 0;
  // Pick the unit after rounding, so 1023.96 MB reads "1.0 GB", not "1024.0 MB".
  while (unit < UNITS.length - 1 && Number(value.toFixed(1)) >= 1024) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${UNITS[unit] ?? 'TB'}`;
}
