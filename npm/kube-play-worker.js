// The engine behind every <kube-play> element on a page: one module worker,
// started by kube-play.js, holding the one WebAssembly instance all of them
// share. Its first message is `{wasm}`: the wasm's bytes, fetched by the page
// while this worker started (or null: then it fetches them itself). Then a
// request is `{id, fn, args}`; the answer is `{id, answer}`, where `answer` is
// the JS API's tagged result (`{ok, value, diagnostics}` or `{ok: false,
// error}`). Nothing here throws: a failed start is every answer's error.
import init, * as kubeplay from "./kubeplay_core.js";

// The functions an element may ask for; anything else is refused by name.
const FUNCTIONS = new Set([
  "analyze", "probe", "explain", "graph", "check", "admit",
  "hpa", "vpa", "disrupt", "failover", "shareFragment", "version",
]);

let provide;
const given = new Promise((resolve) => (provide = resolve));
const ready = given
  .then((wasm) => init({ module_or_path: wasm ?? new URL("./kubeplay_core_bg.wasm", import.meta.url) }))
  .then(
    () => null,
    (error) => `the kubeplay engine did not start: ${error}`,
  );

self.onmessage = async (event) => {
  if (event.data && "wasm" in event.data) {
    provide(event.data.wasm);
    return;
  }
  const { id, fn, args } = event.data ?? {};
  const failure = await ready;
  let answer;
  if (failure) {
    answer = { ok: false, error: failure };
  } else if (!FUNCTIONS.has(fn) || !Array.isArray(args)) {
    answer = { ok: false, error: `kube-play: no engine function ${JSON.stringify(fn)}` };
  } else {
    try {
      answer = kubeplay[fn](...args);
    } catch (error) {
      // The API answers instead of throwing; this is for a trap in the wasm.
      answer = { ok: false, error: `${fn}: the engine failed: ${error}` };
    }
  }
  self.postMessage({ id, answer });
};
