// kubeplay's analysis worker. The page posts {glue, module} first: the URL of
// its own JS glue and its compiled WebAssembly.Module, so the same engine is
// instantiated here without downloading or compiling anything again. After
// that every message is a JSON request, answered by the Rust side
// (web/src/worker/entry.rs) with postMessage. The protocol is
// web/src/worker/protocol.rs; this file writes one message of it itself,
// StartFailed, when the Rust side cannot start.
let handle = null;
const early = [];

self.onmessage = async (event) => {
  if (handle === null && event.data && typeof event.data === "object" && "glue" in event.data) {
    try {
      const glue = await import(event.data.glue);
      await glue.default({ module_or_path: event.data.module });
      handle = glue.worker_request;
      glue.worker_started();
      for (const message of early.splice(0)) handle(message);
    } catch (error) {
      self.postMessage(JSON.stringify({ StartFailed: { message: String(error) } }));
    }
    return;
  }
  if (handle === null) early.push(event.data);
  else handle(event.data);
};
