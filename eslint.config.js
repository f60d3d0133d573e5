// Typed lint for the whole project. Rules that are switched off say why.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

// Pure modules take values and return values: no network, disk, process or clock access.
const pureModules = ['src/apis', 'src/gotemplate', 'src/cel', 'src/probing'];
const ioImports = [
  'node:fs',
  'node:fs/promises',
  'node:http',
  'node:https',
  'node:net',
  'node:child_process',
  'node:process',
  'fs',
  'http',
  'https',
  'net',
  'child_process',
];

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'crds/**', '**/fixtures/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        projectService: {
          allowDefaultProject: ['*.js', '*.mjs', 'bin/*.js', 'scripts/*.mjs'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'use an `as const` union instead of enum' },
        { selector: 'TSModuleDeclaration[kind="namespace"]', message: 'no namespaces' },
      ],
    },
  },
  {
    files: pureModules.map((m) => `${m}/**/*.ts`),
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: ioImports.map((name) => ({ name, message: 'pure module: inject I/O instead' })) },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
