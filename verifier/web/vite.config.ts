// Library build: dist/suiji-verify.js (ESM, one file, the page and the portal import it),
// dist/suiji-verify-cli.js (the Node command's code) and, copied beside them, index.html (the
// standalone page) and suiji-verify-js.mjs (the command's entry). `--outDir` moves all four.
import { defineConfig } from 'vite';
import { copyFileSync } from 'node:fs';
import { resolve } from 'node:path';

export default defineConfig(({ mode }) => ({
  build: {
    target: 'es2022',
    minify: mode !== 'development',
    sourcemap: false,
    lib: {
      entry: { 'suiji-verify': resolve(__dirname, 'src/index.ts'), 'suiji-verify-cli': resolve(__dirname, 'src/cli.ts') },
      formats: ['es'],
    },
    rollupOptions: { external: [/^node:/] },
  },
  plugins: [
    {
      name: 'copy-page-and-command',
      writeBundle(options) {
        const out = options.dir!;
        copyFileSync(resolve(__dirname, 'index.html'), resolve(out, 'index.html'));
        copyFileSync(resolve(__dirname, 'bin/suiji-verify-js.mjs'), resolve(out, 'suiji-verify-js.mjs'));
      },
    },
  ],
}));
