// `npm run load`: a province's school day through two hub nodes behind HAProxy, on PostgreSQL — 1 200 classrooms
// enrolled through the admin API, each pulling its timetable in the morning, pushing every period's records (attendance
// for every student, a 二次备课 note, 随堂测 answers) when the period ends and pulling again in the evening, with one
// node SIGKILLed part-way through and started again. Then the hub is asked what it stored: nothing lost, nothing twice.
// Bounded: classrooms, concurrency and a time limit (env below); everything on loopback. Prints one JSON object as the
// last line (scale.* keys, README "Figures").
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { SeedProvinceResponse, TestPaths } from '../../hub/testing/test-routes.ts';
import { startHubCluster, type HubCluster } from '../../tests/support/hub-cluster.ts';
import { startPostgresServer, type PostgresServer } from '../../tests/support/postgres-server.ts';
import { cpuBetween, cpuSnapshot } from './cpu-share.ts';
import { createAckLedger, createRecoveryClock, percentile } from './load-stats.ts';
import { enrollAll, eveningPull, morningPull, pushPeriod, type DayContext } from './school-day.ts';
import { createLeanPush } from './lean-push.ts';
import { databaseSize, statementTimes } from './statement-times.ts';
import { verifyDay } from './verify-day.ts';

const Env = z.object({
  LOAD_CLASSROOMS: z.coerce.number().int().min(2).max(5000).default(1200),
  LOAD_STUDENTS: z.coerce.number().int().min(1).max(80).default(40),
  LOAD_PERIODS: z.coerce.number().int().min(1).max(6).default(6),
  /** Classrooms in flight at once (each one request at a time, as one classroom PC syncs one batch at a time). */
  LOAD_CONCURRENCY: z.coerce.number().int().min(1).max(1000).optional(),
  LOAD_TIME_LIMIT_S: z.coerce.number().int().min(30).max(7200).default(1200),
  /** postgres (the province set-up) or sqlite (both nodes on one file: one machine only, for comparison). */
  LOAD_DB: z.enum(['postgres', 'sqlite']).default('postgres'),
  /** A folder: PostgreSQL's statement times are logged and its slow plans copied there. */
  LOAD_PROFILE: z.string().min(1).optional(),
  /** PostgreSQL's shared_buffers for the run (its default, 128MB, is sized for a small machine; see below). */
  /** PostgreSQL connections per hub node (HUB_DB_POOL); see below. */
  LOAD_DB_POOL: z.coerce.number().int().min(2).max(100).default(4),
  LOAD_PG_SHARED_BUFFERS: z.string().regex(/^\d+(kB|MB|GB)$/).default('128MB'),
  /** 1: the hub nodes also write V8 CPU profiles into LOAD_PROFILE (--cpu-prof; a few % slower; profile-summary.ts). */
  LOAD_HUB_CPU_PROF: z.enum(['0', '1']).default('0'),
});

const env = Env.parse(process.env);
// SQLite takes one writer across processes (two nodes writing at once get SQLITE_BUSY): one classroom at a time there.
// PostgreSQL: 16, not 64 — two nodes hold 20 connections between them, so more pushes in flight only wait in the pools
// (at 64: 3 121 ops/s, p99 5.1 s; at 16: 4 118 ops/s, p99 0.96 s, same machine; README, Figures).
const concurrency = env.LOAD_CONCURRENCY ?? (env.LOAD_DB === 'sqlite' ? 1 : 16);
const log = (line: string) => process.stderr.write(`load: ${line}\n`);
const startedAt = Date.now();
const deadline = startedAt + env.LOAD_TIME_LIMIT_S * 1000;
// The hard bound: whatever hangs, the run ends (children are killed by stop() below, or die with the process group).
const limit = setTimeout(() => {
  log(`time limit of ${env.LOAD_TIME_LIMIT_S} s reached`);
  process.exitCode = 1;
  void shutdown().finally(() => process.exit(1));
}, env.LOAD_TIME_LIMIT_S * 1000);

let postgres: PostgresServer | null = null;
let cluster: HubCluster | null = null;
async function shutdown() {
  await cluster?.stop().catch((e: unknown) => log(`cluster stop: ${String(e)}`));
  await postgres?.stop().catch((e: unknown) => log(`postgres stop: ${String(e)}`));
}

try {
  let databaseUrl: string | undefined;
  if (env.LOAD_DB === 'postgres') {
    const profiling: Record<string, string> = env.LOAD_PROFILE ? {
          shared_preload_libraries: 'pg_stat_statements,auto_explain',
          'pg_stat_statements.track_planning': 'on',
          // the plan of any statement slower than 50 ms, copied to LOAD_PROFILE/postgres-slow.log at the end
          'auto_explain.log_min_duration': '50',
        } : {};
    postgres = await startPostgresServer({ settings: { max_connections: '300', shared_buffers: env.LOAD_PG_SHARED_BUFFERS, ...profiling } });
    databaseUrl = await postgres.createDatabase('load');
    if (env.LOAD_PROFILE) await statementTimes(databaseUrl, 'CREATE EXTENSION pg_stat_statements');
    log(`PostgreSQL on port ${postgres.port}`);
  }
  const cpuProf = env.LOAD_PROFILE && env.LOAD_HUB_CPU_PROF === '1' ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${env.LOAD_PROFILE}` } : {};
  cluster = await startHubCluster({ nodes: 2, ...(databaseUrl ? { databaseUrl } : {}), extraEnv: { HUB_DEMO: '0', HUB_DB_POOL: String(env.LOAD_DB_POOL), ...cpuProf } });
  log(`2 nodes behind HAProxy at ${cluster.url} (${env.LOAD_DB})`);
  const seeded = SeedProvinceResponse.parse(
    await (
      await fetch(`${cluster.nodeUrls[0]}${TestPaths.seedProvince}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${cluster.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ classrooms: env.LOAD_CLASSROOMS, students: env.LOAD_STUDENTS, periods: env.LOAD_PERIODS, audience: 200 }),
        signal: AbortSignal.timeout(600_000),
      })
    ).json(),
  );
  log(`seeded ${seeded.classroomIds.length} classrooms, ${seeded.lessonIds.length} lessons (${Date.now() - startedAt} ms)`);

  const ledger = createAckLedger();
  const recovery = createRecoveryClock();
  const lean = createLeanPush(cluster.url, concurrency);
  const ctx: DayContext = { url: cluster.url, adminToken: cluster.adminToken, concurrency, pullMs: [], pushMs: [], retries: 0, ledger, recovery, deadline, push: lean.push };
  const classrooms = await enrollAll(ctx, seeded.classroomIds);
  log(`enrolled ${classrooms.length} classrooms`);
  await morningPull(ctx, classrooms, Date.now());
  const opsPlanned = classrooms.reduce((n, c) => n + c.periods.flat().length, 0);
  log(`morning pull done: ${ctx.pullMs.length} pages; ${opsPlanned} ops to push over ${env.LOAD_PERIODS} periods`);

  // Kill node 2 once 40 % of the day's pushes are through; start it again 5 s later (what a service manager does).
  const pushesPlanned = classrooms.reduce((n, c) => n + c.periods.filter((p) => p.length > 0).length, 0);
  let pushesDone = 0;
  const killing: { done: Promise<void> | null } = { done: null };
  const target = cluster;
  ctx.onPush = () => {
    if (++pushesDone < pushesPlanned * 0.4 || killing.done) return;
    killing.done = (async () => {
      recovery.killed();
      await target.kill(1);
      log(`node 2 killed (SIGKILL) after ${pushesDone}/${pushesPlanned} pushes`);
      await new Promise((r) => setTimeout(r, 5_000));
      // On a saturated machine a node may take longer than its start-up wait (60 s) to answer: stop it and start it
      // once more before giving up; the day goes on through node 1 meanwhile (HAProxy took node 2 out).
      for (let attempt = 1; ; attempt++) {
        try {
          await target.restart(1);
          break;
        } catch (error) {
          log(`node 2 restart ${attempt} failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
          if (attempt >= 2) throw error;
          await target.kill(1);
        }
      }
      log('node 2 started again');
    })();
    // awaited after the last period; until then a failure must not be an unhandled rejection (it ends the process)
    killing.done.catch(() => {});
  };
  const cpuBefore = cpuSnapshot(postgres?.postmasterPid() ?? null);
  const pushStart = performance.now();
  for (let p = 0; p < env.LOAD_PERIODS; p++) {
    await pushPeriod(ctx, classrooms, p);
    log(`period ${p + 1} pushed (${ledger.applied()} ops applied so far)`);
  }
  const pushSeconds = (performance.now() - pushStart) / 1000;
  const cpu = cpuBetween(cpuBefore, cpuSnapshot(postgres?.postmasterPid() ?? null));
  log(`push phase ${pushSeconds.toFixed(1)} s; CPU seconds: ${JSON.stringify(cpu)}`);
  await killing.done;
  lean.close();
  await eveningPull(ctx, classrooms);
  log('evening pull done; checking what the hub stored');

  const check = await verifyDay(ctx, classrooms, ledger);
  const kill = recovery.result();
  log(`sent ${check.sent}, stored ${check.stored}, lost ${check.lost}, duplicated ${check.duplicated}, unacknowledged ${check.unacknowledged}, rejected ${check.rejected.length}`);
  log(`requests retried over the day: ${ctx.retries}`);
  log(`kill: ${kill.failedRequests} requests failed, ${kill.clientsAffected} classrooms affected, ${kill.stillFailing} still failing`);
  for (const reason of check.rejected.slice(0, 5)) log(`rejected: ${reason}`);
  const figures = {
    'scale.devices': classrooms.length,
    // every op the hub holds (checked above) over the push phase; an op applied in a request whose answer was lost
    // (client timeout) comes back `duplicate` on the retry, so counting `applied` answers would undercount
    'scale.syncOpsPerSec': Math.round(check.stored / pushSeconds),
    'scale.pullP99Ms': Math.round(percentile(ctx.pullMs, 99)),
    'scale.pushP99Ms': Math.round(percentile(ctx.pushMs, 99)),
    'scale.lost': check.lost,
    'scale.duplicated': check.duplicated,
    'scale.nodeKillRecoveryMs': kill.recoveryMs === null ? null : Math.round(kill.recoveryMs),
    'scale.killFailedRequests': kill.failedRequests,
    'scale.opsPushed': check.sent,
    'scale.database': env.LOAD_DB,
    // CPU seconds of the push phase, per part (all share the machine's cores: scripts/load/cpu-share.ts)
    'scale.pushCpuSeconds': cpu,
    'scale.concurrency': concurrency,
    'scale.loadSeconds': Math.round((Date.now() - startedAt) / 1000),
  };
  if (databaseUrl) log(`database after the day: ${await databaseSize(databaseUrl)} (shared_buffers ${env.LOAD_PG_SHARED_BUFFERS})`);
  if (env.LOAD_PROFILE && databaseUrl && postgres) {
    for (const line of await statementTimes(databaseUrl)) log(line);
    copyFileSync(postgres.logPath, join(env.LOAD_PROFILE, 'postgres-slow.log'));
  }
  if (check.lost > 0 || check.duplicated > 0 || check.unacknowledged > 0 || check.rejected.length > 0) process.exitCode = 1;
  await shutdown();
  clearTimeout(limit);
  console.log(JSON.stringify(figures));
} catch (error) {
  for (const i of [0, 1]) log(`node ${i + 1} log tail: ${cluster?.nodeOutput(i).slice(-1500) ?? ""}`);
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  await shutdown();
  clearTimeout(limit);
  process.exitCode = 1;
}
