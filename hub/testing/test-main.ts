// The hub as tests run it in a child process (tests/support/hub-process.ts): `npm run hub` plus the test-only routes.
import { runHub } from '../county/run-hub.ts';
import { registerTestRoutes } from './test-routes.ts';

await runHub(process.env, (line) => process.stdout.write(`${line}\n`), [registerTestRoutes]);
