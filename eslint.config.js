import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'bench/out/**', '.tmp/**', 'dist/**', 'ui/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // Architecture rule: components never import each other or roles.
    files: ['src/components/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/roles/**', '**/cli/**'], message: 'Components must not import roles or the CLI.' },
            {
              group: [
                '../../receivers/**',
                '../../processors/**',
                '../../exporters/**',
                '../../extensions/**',
              ],
              message: 'Components must not import each other; share code through src/ libraries.',
            },
          ],
        },
      ],
    },
  },
);
