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
    files: ['scripts/**', 'bench/**', 'hub/main.ts', 'hub/edge/edge-main.ts', 'hub/cli/**', 'hub/sfu/**', 'tests/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // Fastify's handler API is promise-based: returning a value from an async handler is how a reply is sent.
    files: ['hub/**'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
);
