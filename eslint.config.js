import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'
import { createNodeResolver, importX } from 'eslint-plugin-import-x'
import layers from './eslint-rules/layers.js'

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '**/*.d.ts'] },
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    // The script parser of .vue files, here and where import-x parses an imported .vue file.
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    plugins: { tokenscope: { rules: { layers } }, 'import-x': importX },
    settings: {
      // Imports name .ts and .vue files without their extension.
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.vue', '.js', '.mjs', '.json'] })],
      'import-x/extensions': ['.ts', '.vue', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'], 'vue-eslint-parser': ['.vue'] },
    },
    rules: {
      'tokenscope/layers': 'error',
      // No import circles (type-only imports are erased at run time and not followed by this rule).
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
    },
  },
)
