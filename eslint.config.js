// kubesim lint: typescript-eslint's recommended rules plus the determinism rule:
// simulation code must not read the wall clock or unseeded randomness.
import tseslint from 'typescript-eslint';

const wallClock = [
  { object: 'Math', property: 'random', message: 'Use a named RNG stream (engine/rng.ts): runs must be reproducible.' },
  { object: 'Date', property: 'now', message: 'Simulation time is the engine clock (integer µs), never the wall clock.' },
  { object: 'performance', property: 'now', message: 'Simulation time is the engine clock (integer µs), never the wall clock.' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'results/**', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-properties': ['error', ...wallClock],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date']", message: 'new Date() reads the wall clock: not in simulation code.' },
      ],
    },
  },
  {
    // Copies with changes of simulated objects go through extend() (src/cluster/extend.ts): a spread literal that adds
    // keys gives every object it makes a V8 hidden class of its own.
    files: ['src/cluster/**/*.ts', 'src/models/**/*.ts', 'src/sim/**/*.ts', 'src/metrics/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date']", message: 'new Date() reads the wall clock: not in simulation code.' },
        {
          selector: 'ObjectExpression:has(> SpreadElement:first-child):has(> Property, > SpreadElement:nth-child(2))',
          message: 'Copy with changes through extend(base, patch) (cluster/extend.ts): a spread literal that adds keys gives each object its own V8 hidden class.',
        },
      ],
    },
  },
  {
    // The CLI reports wall time of a run (progress bar, manifest.json): the one place allowed to read the clock.
    files: ['src/cli/**/*.ts'],
    rules: { 'no-restricted-properties': 'off', 'no-restricted-syntax': 'off' },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
