/**
 * The layer rules of the README's flow ("Layers"), checked by `npm run lint` and by
 * test/architecture/layer-rules-hold.test.ts.
 */
const CORE = '^src/(pinterest|hog|template|delivery)/'

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-not-server-or-store',
      comment: 'pinterest, hog, template and delivery work without HTTP or storage: the plugin and the CLI run them in memory.',
      severity: 'error',
      from: { path: CORE },
      to: { path: '^src/(server|store)/' },
    },
    {
      name: 'template-not-mapping',
      comment: 'Templates describe what a function may hold; mapping runs them, so it depends on template, not the other way.',
      severity: 'error',
      from: { path: '^src/template/' },
      to: { path: '^src/mapping/' },
    },
    {
      name: 'nothing-imports-cli',
      comment: 'The CLI is the outermost layer: it may use anything, nothing uses it.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'ui-only-talks-http',
      comment: 'The page runs in a browser and knows the server only through its REST API: it imports nothing else of src/.',
      severity: 'error',
      from: { path: '^src/ui/' },
      to: { path: '^src/', pathNot: '^src/ui/' },
    },
    {
      name: 'nothing-imports-ui',
      comment: 'The page is bundled on its own; the server serves its files and never imports its code.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/ui/' },
      to: { path: '^src/ui/' },
    },
    {
      name: 'no-cycles',
      comment: 'One direction of flow: a module never depends on itself through others.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.d\\.ts$' },
  },
}
