// Starts the hub: `npm run hub` (or `npm start`, which also serves the app). Configuration comes from the environment
// (run-hub.ts lists it; README, "Run the hub for a county").
import { runHub } from './county/run-hub.ts';

await runHub(process.env, (line) => console.log(line));
