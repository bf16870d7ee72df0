import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';
import plumbline from './scripts/eslint-no-cycle.mjs';

/** Import boundaries between the layers (see ARCHITECTURE.md); the per-folder tsconfig enforces them too. */
const nodeBuiltins = ['node:*', 'fs', 'path', 'child_process', 'os', 'crypto', 'http', 'net', 'worker_threads'];
const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'build/**', 'release/**', 'test-results/**', 'playwright-report/**', 'resources/example/**', 'tests/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: restrict([
      { group: nodeBuiltins, message: 'shared/ is pure TypeScript: no Node built-ins.' },
      { group: ['electron', 'react', 'react-dom', 'monaco-editor', '**/electron/**', '**/renderer/**'], message: 'shared/ imports only shared/.' },
    ]),
  },
  {
    files: ['electron/core/**/*.ts'],
    rules: restrict([
      { group: ['electron'], message: 'The core never imports electron: inject host services instead.' },
      { group: ['**/renderer/**', '**/main/**', '**/preload/**', '**/web-host/**', 'react', 'monaco-editor'], message: 'The core imports only shared/ and its libraries.' },
    ]),
  },
  {
    // No runtime import cycles inside the core: each folder can be understood, tested and moved on its own.
    files: ['electron/core/**/*.ts'],
    plugins: { plumbline },
    rules: { 'plumbline/no-cycle': 'error' },
  },
  {
    // Inside the core, verification judges runs and never depends on the agents that make them;
    // the infrastructure below both (model, checkpoints, commands) depends on neither.
    files: ['electron/core/verify/**/*.ts'],
    rules: restrict([
      { group: ['electron'], message: 'The core never imports electron: inject host services instead.' },
      { group: ['**/renderer/**', '**/main/**', '**/preload/**', '**/web-host/**', 'react', 'monaco-editor'], message: 'The core imports only shared/ and its libraries.' },
      { group: ['**/agent/*', '../agent/**'], message: 'verify/ never imports agent/: the Calibrator judges runs from checkpoints and the plan.' },
    ]),
  },
  {
    files: ['electron/core/{model,checkpoints,commands,util}/**/*.ts'],
    rules: restrict([
      { group: ['electron'], message: 'The core never imports electron: inject host services instead.' },
      { group: ['**/renderer/**', '**/main/**', '**/preload/**', '**/web-host/**', 'react', 'monaco-editor'], message: 'The core imports only shared/ and its libraries.' },
      { group: ['**/agent/*', '../agent/**', '**/verify/*', '../verify/**'], message: 'model/, checkpoints/, commands/ and util/ sit below agent/ and verify/ and import neither.' },
    ]),
  },
  {
    files: ['electron/main/**/*.ts'],
    rules: restrict([{ group: ['**/renderer/**', '**/web-host/**', 'react', 'monaco-editor'], message: 'main imports core, shared and electron.' }]),
  },
  {
    files: ['electron/preload/**/*.ts'],
    rules: restrict([
      { group: ['**/core/**', '**/renderer/**', '**/web-host/**', '**/main/**'], message: 'preload imports shared and electron only.' },
    ]),
  },
  {
    files: ['electron/web-host/**/*.ts'],
    rules: restrict([{ group: ['electron', '**/renderer/**', '**/main/**', '**/preload/**'], message: 'web-host imports core, shared, node and its HTTP/WebSocket library.' }]),
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // Loading data in an effect and storing it in state is the intended pattern here (the store
      // owns most data; a few dialogs fetch their own listing).
      'react-hooks/set-state-in-effect': 'off',
      ...restrict([
        { group: nodeBuiltins, message: 'The renderer runs sandboxed: no Node built-ins.' },
        { group: ['electron', '**/electron/**'], message: 'The renderer talks to the core only through the contract.' },
      ]),
    },
  },
  {
    files: ['renderer/src/**/*.{ts,tsx}'],
    ignores: ['renderer/src/editor/**'],
    rules: restrict([
      { group: nodeBuiltins, message: 'The renderer runs sandboxed: no Node built-ins.' },
      { group: ['electron', '**/electron/**'], message: 'The renderer talks to the core only through the contract.' },
      { group: ['monaco-editor', 'monaco-editor/*'], message: 'Only renderer/src/editor/ imports monaco-editor.' },
    ]),
  },
);
