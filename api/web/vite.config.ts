import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The console is served by `suiji serve` under /console/ (api/http/console.cc); in
// development `npm run dev`-style serving is not set up: build and let the node serve it.
export default defineConfig({
  base: '/console/',
  plugins: [vue()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
  },
})
