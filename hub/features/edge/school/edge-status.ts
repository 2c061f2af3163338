// What IT sees on the edge: its classrooms, cache use, uplink bytes fetched vs LAN bytes served (the difference is what
// the school's uplink was spared), refusals, health, and live: each lesson's feed from the county (layers asked, bytes
// received, classrooms watching, cameras going up) and a feed found silent. JSON for tools, the same as a plain page.
import type { FastifyInstance } from 'fastify';
import { EdgePaths, type EdgeHealth, type EdgeStatus } from '../../../../src/shared/edge-protocol.ts';
import type { School } from '../../../../src/shared/protocol.ts';
import { formatBytes } from '../../../../src/shared/format-bytes.ts';
import type { BlobCache } from './blob-cache.ts';
import type { EdgeLive } from './edge-live.ts';
import type { Upstream } from './upstream.ts';

export type EdgeStats = ReturnType<typeof createEdgeStats>;

export function createEdgeStats(now: () => Date = () => new Date()) {
  const classrooms = new Map<string, { devices: Set<string>; lastSeenAt: string }>();
  return {
    bytes: { lanServed: 0 },
    refusals: { wrongSchool: 0, unauthorised: 0 },
    seen(classroomId: string, deviceId: string) {
      const entry = classrooms.get(classroomId) ?? { devices: new Set<string>(), lastSeenAt: '' };
      entry.devices.add(deviceId);
      entry.lastSeenAt = now().toISOString();
      classrooms.set(classroomId, entry);
    },
    classrooms: () =>
      [...classrooms].map(([classroomId, e]) => ({ classroomId, devices: e.devices.size, lastSeenAt: e.lastSeenAt })).sort((a, b) => a.classroomId.localeCompare(b.classroomId)),
  };
}

type Deps = {
  options: { edgeName: string; school: School; upstream: string; adminToken: string };
  cache: BlobCache;
  upstream: Upstream;
  stats: EdgeStats;
  /** The edge's live lessons; null without an SFU. */
  live: EdgeLive | null;
};

export async function edgeStatus({ options, cache, upstream, stats, live }: Deps): Promise<EdgeStatus> {
  const usage = cache.usage();
  const problem = upstream.counters.lastError;
  const health: EdgeHealth = problem ? 'upstream_unreachable' : usage.usedBytes > usage.capBytes ? 'disk_full' : 'ok';
  const uplinkFetched = upstream.counters.contentBytes;
  return {
    edgeName: options.edgeName,
    school: options.school,
    upstream: options.upstream,
    health,
    ...(problem ? { problem } : {}),
    classrooms: stats.classrooms(),
    cache: usage,
    bytes: { uplinkFetched, lanServed: stats.bytes.lanServed, saved: Math.max(0, stats.bytes.lanServed - uplinkFetched) },
    refusals: { ...stats.refusals },
    live: live ? await live.status() : null,
  };
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const healthText: Record<EdgeHealth, string> = { ok: '正常', upstream_unreachable: '连不上县中心', disk_full: '缓存已满' };
const sourceText = { camera: '摄像头', courseware: '课件', microphone: '声音' } as const;
/** Times on the page in the edge's own zone, 24-hour. */
const clock = (iso: string) => new Date(iso).toLocaleTimeString('zh-CN', { hour12: false });

function livePart(live: EdgeStatus['live']): string {
  if (!live) return '<h2>直播</h2><p>本机未启用直播转发，各教室直接从县中心观看。</p>';
  const silent = live.silent
    ? `<p><strong>直播转发暂停：</strong>${live.silent.kind === 'stopped' ? '县中心的直播数据在上课中途断了' : '县中心的直播数据到不了本机'}（${Math.round(live.silent.waitedMs / 1000)} 秒未收到，可能被防火墙拦截 UDP），各教室已改从县中心观看；${escape(clock(live.silent.retryAt))} 再试。</p>`
    : '';
  const rows = live.feeds
    .map((f) => {
      const layers = f.layers.map((l) => `${sourceText[l.source]} 第 ${l.spatialLayer + 1} 层`).join('，') || '—';
      return `<tr><td>${escape(f.lessonId)}</td><td>${escape(f.classrooms.join('，')) || '—'}（${f.watchers}）</td><td>${layers}</td><td>${formatBytes(f.bytesReceived)}</td><td>${f.returns}</td></tr>`;
    })
    .join('');
  return `<h2>直播</h2>${silent}<p>转发暂停次数：${live.silentEvents}</p>
<table border="1" cellpadding="6"><tr><th>课程</th><th>观看的教室（连接数）</th><th>向县中心要的画质</th><th>已收到</th><th>回传画面</th></tr>${rows || '<tr><td colspan="5">现在没有直播</td></tr>'}</table>`;
}

function statusPage(s: EdgeStatus): string {
  const rows = s.classrooms.map((c) => `<tr><td>${escape(c.classroomId)}</td><td>${c.devices}</td><td>${escape(clock(c.lastSeenAt))}</td></tr>`).join('');
  return `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>${escape(s.edgeName)}</title>
<body style="font:16px sans-serif;margin:24px"><h1>${escape(s.school.name)} · 本校服务器</h1>
<p>状态：${healthText[s.health]}${s.problem ? `（${escape(s.problem)}）` : ''}；县中心：${escape(s.upstream)}</p>
<p>缓存：${formatBytes(s.cache.usedBytes)} / ${formatBytes(s.cache.capBytes)}，${s.cache.blobs} 个文件（${s.cache.pinnedBlobs} 个近期课程固定保留）</p>
<p>经上行下载：${formatBytes(s.bytes.uplinkFetched)}；在校内提供：${formatBytes(s.bytes.lanServed)}；节省上行：${formatBytes(s.bytes.saved)}</p>
<p>拒绝：其他学校 ${s.refusals.wrongSchool} 次，凭证无效 ${s.refusals.unauthorised} 次</p>
<table border="1" cellpadding="6"><tr><th>教室</th><th>电脑</th><th>最近访问</th></tr>${rows}</table>
${livePart(s.live)}</body></html>`;
}

/** JSON for tools, in the admin group. */
export function registerEdgeStatusRoutes(admin: FastifyInstance, deps: Deps) {
  admin.get(EdgePaths.status, async () => edgeStatus(deps));
}

/** The same as a page, in the admin-page group (which also takes the token as `?key=`). */
export function registerEdgeStatusPage(adminPage: FastifyInstance, deps: Deps) {
  adminPage.get(EdgePaths.statusPage, async (_request, reply) => reply.type('text/html; charset=utf-8').send(statusPage(await edgeStatus(deps))));
}
