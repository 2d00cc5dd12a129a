// The engine behind every <kube-play> element on a page: one module worker,
// started by the first element, holding the one WebAssembly instance all of
// them share. A request is `{id, fn, args}`; the answer is `{id, answer}`,
// where `answer` is the JS API's tagged result (`{ok, value, diagnostics}` or
// `{ok: false, error}`). Nothing here throws: a failed start is every answer's
// error.
import init, * as kubeplay from "./kubeplay_core.js";

// The functions an element may ask for; anything else is refused by name.
const FUNCTIONS = new Set([
  "analyze", "probe", "explain", "graph", "check", "admit",
  "hpa", "vpa", "disrupt", "failover", "shareFragment", "version",
]);

const ready = init({ module_or_path: new URL("./kubeplay_core_bg.wasm", import.meta.url) }).then(
  () => null,
  (error) => `the kubeplay engine did not start: ${error}`,
);

self.onmessage = async (event) => {
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
