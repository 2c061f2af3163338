// Migration 16: at most one origin row per lesson in the live registry. Two hub nodes that each found no origin for a
// lesson (its first classrooms joining through both at once) each made one, and the lesson split in two: classrooms on
// one node never saw the broadcast sent to the other. Now an origin is claimed by inserting its row, and the second
// claim meets this index (store-live-registry.ts claimOrigin). Extra origin rows a split left are dropped, the most
// recently updated kept (its node is the one still serving it).
import type { Migration } from './migrations.ts';

const sql = `
        DELETE FROM live_routers WHERE role = 'origin' AND EXISTS (
          SELECT 1 FROM live_routers newer WHERE newer.lesson_id = live_routers.lesson_id AND newer.role = 'origin'
            AND (newer.updated_at > live_routers.updated_at OR (newer.updated_at = live_routers.updated_at AND newer.router_id > live_routers.router_id)));
        CREATE UNIQUE INDEX live_routers_one_origin ON live_routers (lesson_id) WHERE role = 'origin';`;

export const migration16OneOrigin: Migration = {
  version: 16,
  name: 'live registry: one origin per lesson',
  sql,
};
