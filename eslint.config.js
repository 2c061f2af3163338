// Lint is part of `npm test` and fails on warnings. Besides code quality it enforces the layer rules of STYLE.md:
// shared imports only shared; main, preload, renderer and hub never import each other; the renderer never touches
// electron or node:*; renderer infrastructure (db, sync, downloads, live, stores) never imports features.
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const layerZones = [
  { target: './src/shared', from: ['./src/main', './src/preload', './src/renderer', './hub'], message: 'shared imports only shared' },
  { target: './src/main', from: ['./src/preload', './src/renderer', './hub'], message: 'main may import only shared' },
  { target: './src/preload', from: ['./src/main', './src/renderer', './hub'], message: 'preload may import only shared' },
  { target: './src/renderer', from: ['./src/main', './src/preload', './hub'], message: 'renderer may import only shared' },
  { target: './hub', from: ['./src/main', './src/preload', './src/renderer'], message: 'hub may import only src/shared' },
  {
    target: ['./src/renderer/db', './src/renderer/sync', './src/renderer/downloads', './src/renderer/live', './src/renderer/stores'],
    from: './src/renderer/features',
    message: 'infrastructure never imports features',
  },
];

// The hub's layers (issue 24): core is the base (server, errors, access groups, limits, sockets, database); features
// stand on it; only the two entry points (county hub, school edge) wire features together. Commands, test support and
// the entry points sit above features, so nothing below imports them — except that a test may start the real county
// hub or school edge through test support (tests are real-parts tests). The zones between features hold for tests too.
const commands = ['./hub/main.ts', './hub/start.ts', './hub/cli'];
const entries = ['./hub/county', './hub/school-edge'];
const hubZones = (forTests) => [
  { target: './hub/core', from: ['./hub/features', ...(forTests ? [] : [...entries, './hub/testing']), ...commands], message: 'hub/core is the base: it imports only hub/core and src/shared' },
  { target: './hub/features', from: [...(forTests ? [] : [...entries, './hub/testing']), ...commands], message: forTests ? 'a feature\'s test may start the hub through test support, never a command' : 'features never import an entry point, a command or test support' },
  { target: './hub/features/quiz', from: ['./hub/features/records', './hub/features/live'], message: 'the quiz is one module that live and records use: it imports neither' },
  { target: './hub/features/records', from: './hub/features/live', message: 'records (sync) never import live: what they share is the quiz module' },
  { target: './hub/features/edge/county', from: './hub/features/edge/school', message: 'the county side of edges never imports the school side' },
  { target: './hub/features/edge/school', from: './hub/features/edge/county', message: 'the school side of edges never imports the county side' },
  { target: './hub/county', from: './hub/school-edge', message: 'the county hub and the school edge are two entry points: neither imports the other' },
  { target: './hub/school-edge', from: './hub/county', message: 'the county hub and the school edge are two entry points: neither imports the other' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'hub/node_modules/**', 'hub/data/**', 'hub/edge-data/**', 'tests/artifacts/**', '**/*.py'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: ['*.js', '*.mjs', 'tests/net/*.mjs'] }, tsconfigRootDir: import.meta.dirname } },
    plugins: { 'import-x': importX },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: layerZones }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-definitions': ['error', 'type'],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'describe', property: 'only', message: 'no .only in committed tests' },
        { object: 'it', property: 'only', message: 'no .only in committed tests' },
        { object: 'test', property: 'only', message: 'no .only in committed tests' },
      ],
    },
  },
  {
    files: ['src/renderer/**', 'src/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'the renderer and shared code run in a plain browser too' }], patterns: [{ group: ['node:*'], message: 'no Node APIs in renderer/shared' }] },
      ],
    },
  },
  {
    files: ['src/main/**', 'src/preload/**'],
    ignores: ['src/main/electron-*.ts', 'src/preload/preload.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'only src/main/electron-*.ts adapters import electron, so the logic runs under Node' }] }],
    },
  },
  {
    // Command-line entry points and tests may print.
    files: ['scripts/**', 'bench/**', 'hub/main.ts', 'hub/school-edge/edge-main.ts', 'hub/cli/**', 'hub/features/live/sfu/ensure-*.ts', 'tests/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // Fastify's handler API is promise-based: returning a value from an async handler is how a reply is sent.
    files: ['hub/**'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  {
    files: ['hub/**/*.ts'],
    ignores: ['hub/**/*.test.ts'],
    rules: { 'import-x/no-restricted-paths': ['error', { zones: [...layerZones, ...hubZones(false)] }] },
  },
  {
    files: ['hub/**/*.test.ts'],
    rules: { 'import-x/no-restricted-paths': ['error', { zones: [...layerZones, ...hubZones(true)] }] },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
);
