// Lint (npm run lint): typescript-eslint's type-aware recommended rules over src, cmd, bench, scripts and test.
// A rule that is wrong for this codebase is turned off below, each with its reason.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const UNTYPED_JSON = {
  // Benches, the crash loop and tests read untyped JSON (state files, CLI output, database rows) and check it.
  '@typescript-eslint/no-explicit-any': 'off',
  '@typescript-eslint/no-unsafe-assignment': 'off',
  '@typescript-eslint/no-unsafe-member-access': 'off',
  '@typescript-eslint/no-unsafe-argument': 'off',
  '@typescript-eslint/no-unsafe-return': 'off',
  '@typescript-eslint/no-unsafe-call': 'off',
};

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'outputs*/',
      '.reelctl/',
      'coverage/',
      'src/manifest/types.gen.ts',
      'src/state/validate-*.gen.ts',
      'src/manifest/validate-*.gen.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      // test/tsconfig.json types the tests; the root's .js/.mjs files are linted without types (below).
      parserOptions: {
        projectService: {
          allowDefaultProject: ['*.js', '*.ts', 'scripts/*.mjs', 'test/*/fixtures/*.mjs'],
          maximumDefaultProjectFileMatchCount_THIS_WILL_SLOW_DOWN_LINTING: 16,
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Terminal-safety code matches control characters on purpose (src/text/escape.ts, output-path rules).
      'no-control-regex': 'off',
      // `async` without `await` is deliberate: a synchronous throw becomes the rejection the interface promises.
      '@typescript-eslint/require-await': 'off',
      // String(x) of a decoded JSON value is deliberate: a value of the wrong type still prints as something.
      '@typescript-eslint/no-base-to-string': 'off',
      // Short `a ? b() : c()` and `x(), y()` statements are part of the house style in tight loops.
      '@typescript-eslint/no-unused-expressions': 'off',
      // `const self = this` is used by wrappers whose object-literal methods have their own `this`.
      '@typescript-eslint/no-this-alias': 'off',
      // An aborted wait rejects with AbortSignal.reason as given (whatever the caller aborted with).
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
      // `_name` marks a parameter kept for a signature's shape.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  { files: ['bench/**/*.ts', 'test/**/*.ts'], rules: UNTYPED_JSON },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Casts in tests state the shape a test expects of parsed output.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // Tests build messages from execa results and numbers freely.
      '@typescript-eslint/restrict-plus-operands': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
      // Helpers rethrow a clearer error for a failed set-up; the original is printed beside it.
      'preserve-caught-error': 'off',
      // vitest's expect(fn).toThrow and mock callbacks are unbound on purpose.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', Buffer: 'readonly' },
    },
  },
);
