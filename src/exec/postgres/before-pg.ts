// Imported just before 'pg' (by pg.ts, which every module takes pg from).
//
// When pg loads, it asks whether it runs in a Cloudflare Worker: by
// navigator.userAgent, or, where there is no navigator (Node 20), by building
// a fetch Response, which loads Node's whole fetch implementation (undici):
// ~45 ms of every start (measured with --cpu-prof). Node 21 and later answer
// with navigator.userAgent; Node 20 gets the same answer while pg loads. The
// stand-in is removed once the importing module graph has run, so no other
// library mistakes Node for a browser.
if (!('navigator' in globalThis)) {
  Object.defineProperty(globalThis, 'navigator', { value: { userAgent: `Node.js/${process.versions.node}` }, configurable: true });
  queueMicrotask(() => {
    delete (globalThis as { navigator?: unknown }).navigator;
  });
}
export {};
