// @ts-check
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Feature folders of the web app: each imports only shared folders and itself. */
const WEB_FEATURES = [
  'admin',
  'auth',
  'dispatch',
  'grids',
  'import',
  'incidents',
  'risk-map',
  'screen',
  'teams',
  'live',
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'results/', 'geodata/sample/', 'geodata/source/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node, ...globals.browser },
      // type-aware rules: a promise nobody awaits or handles is a lost error
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['web/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  ...WEB_FEATURES.map((feature) => ({
    files: [`web/${feature}/**/*.{ts,tsx}`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: WEB_FEATURES.filter((f) => f !== feature).map((other) => ({
            group: [`../${other}/*`, `../../${other}/*`],
            message: `web/${feature} imports only from web/lib, web/api, web/map, web/components and itself: move what is shared to web/lib`,
          })),
        },
      ],
    },
  })),
);
