// The hub's layers are enforced by lint (eslint.config.js, import-x/no-restricted-paths): this proves the real config
// refuses each kind of crossing — including from a test file — and lets the allowed direction through. The probes are
// linted as text at a path inside each zone (nothing is written); type-aware rules are off for them, the zones are not.
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd(), overrideConfig: [tseslint.configs.disableTypeChecked] });

async function zoneErrors(filePath: string, source: string) {
  const [result] = await eslint.lintText(source, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'import-x/no-restricted-paths').map((m) => m.message);
}

describe('hub layer zones (lint)', () => {
  it.each([
    ['core imports a feature', 'hub/core/http/probe.ts', "import { putQuiz } from '../../features/quiz/quiz-repo.ts';\nexport const p = putQuiz;", 'hub/core is the base'],
    ['a feature imports the county entry point', 'hub/features/org/probe.ts', "import { createHub } from '../../county/create-hub.ts';\nexport const p = createHub;", 'features never import an entry point'],
    ['a feature imports test support', 'hub/features/org/probe.ts', "import { startTestHub } from '../../testing/test-hub.ts';\nexport const p = startTestHub;", 'features never import an entry point'],
    ['a test file of the quiz imports live', 'hub/features/quiz/probe.test.ts', "import { createLiveSfu } from '../live/sfu/live-sfu.ts';\nexport const p = createLiveSfu;", 'the quiz is one module'],
    ['records import live', 'hub/features/records/probe.ts', "import { createLiveSfu } from '../live/sfu/live-sfu.ts';\nexport const p = createLiveSfu;", 'records (sync) never import live'],
    ['the school side of edges imports the county side', 'hub/features/edge/school/probe.ts', "import { edgeGuard } from '../county/county-edge-routes.ts';\nexport const p = edgeGuard;", 'the school side of edges'],
    ['the school edge imports the county hub', 'hub/school-edge/probe.ts', "import { createHub } from '../county/create-hub.ts';\nexport const p = createHub;", 'two entry points'],
    ['the hub imports the renderer', 'hub/features/org/probe.test.ts', "import { zhCN } from '../../../src/renderer/i18n/zh-cn.ts';\nexport const p = zhCN;", 'hub may import only src/shared'],
  ])('refuses: %s', async (_name, filePath, source, message) => {
    const errors = await zoneErrors(filePath, source);
    expect(errors.join('\n')).toContain(message);
  });

  it.each([
    ['a feature imports core', 'hub/features/org/probe.ts', "import { HubError } from '../../core/http/hub-error.ts';\nexport const p = HubError;"],
    ['live imports the quiz', 'hub/features/live/signalling/probe.ts', "import { questionResults } from '../../quiz/live-quiz.ts';\nexport const p = questionResults;"],
    ['a feature test starts the hub through test support', 'hub/features/org/probe.test.ts', "import { startTestHub } from '../../testing/test-hub.ts';\nexport const p = startTestHub;"],
    ['the county entry point wires a feature', 'hub/county/probe.ts', "import { putQuiz } from '../features/quiz/quiz-repo.ts';\nexport const p = putQuiz;"],
  ])('allows: %s', async (_name, filePath, source) => {
    expect(await zoneErrors(filePath, source)).toEqual([]);
  });
});
