// <kube-play>: manifests on a documentation page, analysed in place.
//
//   <script type="module" src="/kubeplay/kube-play.js"></script>
//   <kube-play view="matrix">
//     apiVersion: v1
//     kind: Pod
//     ...
//   </kube-play>
//
// The element's text (dedented) or the same-origin file its `src` names is the
// manifests. `view` picks what is shown: matrix, traffic, explain (with `from`,
// `to`, `port`, `protocol`), findings, security, resources, scaling (an
// HPASimulation), vpa (a VPASimulation), resilience (a ChaosScenario),
// failover (a GlobalLoadBalancer). `readonly` locks the YAML, `theme` is
// light, dark or auto (the reader's preference; the default), `playground` is
// the address of a hosted kubeplay playground for "Open in playground" (or
// `<meta name="kube-play-playground" content="…">` once for the page).
//
// Every element on a page shares one engine: a module worker with one
// WebAssembly instance (kube-play-worker.js). The element draws with DOM
// methods only — no inline script or style, no innerHTML — and styles itself
// with kube-play.css from next to this file, so a page's Content-Security-Policy
// needs only 'self' (plus 'wasm-unsafe-eval' in script-src for the worker).
// This file is presentation: every verdict comes from the engine.

const HERE = import.meta.url;
const SVG = "http://www.w3.org/2000/svg";

/** The views, what each asks the engine for, and the playground tab it opens. */
const VIEWS = {
  matrix: { title: "Who can reach whom", tab: "matrix" },
  traffic: { title: "Traffic", tab: "traffic" },
  explain: { title: "Why", tab: "traffic" },
  findings: { title: "Findings", tab: "findings" },
  security: { title: "Pod Security", tab: "security" },
  resources: { title: "Resources", tab: "resources" },
  scaling: { title: "HorizontalPodAutoscaler over time", tab: "scaling" },
  vpa: { title: "VerticalPodAutoscaler", tab: "scaling" },
  resilience: { title: "Chaos scenario", tab: "resilience" },
  failover: { title: "Failover across regions", tab: "resilience" },
};

// ---------------------------------------------------------------- the engine

/** The page's one engine: a worker started on first use, shared by every element. */
const engine = {
  worker: null,
  next: 0,
  pending: new Map(),
  /** Answers `fn(...args)` as the JS API would, asynchronously; never rejects. */
  call(fn, ...args) {
    if (!this.worker) this.start();
    const id = this.next++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.worker.postMessage({ id, fn, args });
    });
  },
  start() {
    const worker = new Worker(new URL("./kube-play-worker.js", HERE), { type: "module", name: "kubeplay" });
    this.worker = worker;
    // The wasm's bytes are fetched here, at once, and handed to the worker (a
    // transfer, no copy): the download overlaps the worker's own start instead
    // of waiting for it. Where this fetch fails, the worker fetches it itself.
    fetch(new URL("./kubeplay_core_bg.wasm", HERE))
      .then((response) => (response.ok ? response.arrayBuffer() : null))
      .catch(() => null)
      .then((wasm) => worker.postMessage({ wasm }, wasm ? [wasm] : []));
    worker.onmessage = (event) => {
      const { id, answer } = event.data;
      const resolve = this.pending.get(id);
      this.pending.delete(id);
      resolve?.(answer);
    };
    // A worker that cannot start (blocked by a CSP, a 404) answers every call
    // still waiting, and the next call starts a new one.
    worker.onerror = (event) => {
      event.preventDefault?.();
      const error = `the kubeplay engine could not start (${event.message || "the worker failed to load"})`;
      for (const resolve of this.pending.values()) resolve({ ok: false, error });
      this.pending.clear();
      this.worker = null;
    };
  },
};

// ---------------------------------------------------------------- DOM helpers

/** An element with attributes (never `style`) and children (strings are text). */
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  return fill(element, attributes, children);
}

function s(tag, attributes = {}, ...children) {
  return fill(document.createElementNS(SVG, tag), attributes, children);
}

function fill(element, attributes, children) {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(typeof child === "string" || typeof child === "number" ? String(child) : child);
  }
  return element;
}

/** Text written indented inside the element, as the YAML it is. */
export function dedent(text) {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  while (lines.length && lines[0].trim() === "") lines.shift();
  while (lines.length && lines[lines.length - 1].trim() === "") lines.pop();
  const indents = lines.filter((l) => l.trim() !== "").map((l) => l.match(/^[ \t]*/)[0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut)).join("\n") + (lines.length ? "\n" : "");
}

/** `ns/name[Kind]` → `{name, detail}` for a compact label; a namespace node
 *  of the grouped graph (`ns/<n> endpoints`) → the namespace and its count. */
function label(id) {
  const namespace = /^([^/]+)\/(\d+ endpoints?)$/.exec(id);
  if (namespace) return { name: namespace[1], detail: namespace[2] };
  const match = /^(?:([^/]+)\/)?([^[]+)(?:\[(.+)\])?$/.exec(id);
  if (!match || id.startsWith("external:")) return { name: id, detail: "" };
  return { name: match[2], detail: [match[1], match[3]].filter(Boolean).join(" · ") };
}

function ports(connections) {
  return connections
    .map((c) => (c.first === c.last ? `${c.first}/${c.protocol}` : `${c.first}-${c.last}/${c.protocol}`))
    .join(", ");
}

function where(d) {
  return `${d.doc ? `document ${d.doc}, ` : ""}line ${d.line}:${d.column}`;
}

// ---------------------------------------------------------------- the element

export class KubePlayElement extends HTMLElement {
  static observedAttributes = ["view", "from", "to", "port", "protocol", "src", "readonly", "theme", "playground", "example"];

  /** `performance.now()` when this element first showed an analysis (or an error). */
  renderedAt = null;
  #root;
  #frame;
  #source = null;
  #editor = null;
  /** The header, view and diagnostics drawn last, replaced on the next drawing. */
  #parts = null;
  /** The text came from outside (content, `src`), not from the reader's typing. */
  #outside = false;
  #text = "";
  #run = 0;
  #typing = null;
  #connected = false;

  connectedCallback() {
    if (!this.#root) {
      this.#root = this.attachShadow({ mode: "open" });
      // The stylesheet first, kept across redraws, and a frame saying what is
      // coming while the engine starts.
      const title = VIEWS[this.view]?.title ?? "kubeplay";
      this.#frame = h("section", { class: "frame", part: "frame" });
      this.#frame.append(
        h("header", {}, h("span", { class: "brand" }, "kubeplay"), h("span", { class: "title" }, title)),
        h("div", { class: "view pending", part: "view" }, "Analysing…"),
      );
      this.#root.append(h("link", { rel: "stylesheet", href: new URL("./kube-play.css", HERE).href }), this.#frame);
      this.#observeText();
    }
    this.#connected = true;
    this.#load();
  }

  disconnectedCallback() {
    this.#connected = false;
  }

  attributeChangedCallback(name, previous, value) {
    if (!this.#connected || previous === value) return;
    if (name === "theme") return; // CSS follows the attribute
    this.#load();
  }

  /** Analyses the text again (after the page changed it by script). */
  refresh() {
    this.#load();
  }

  get view() {
    const view = this.getAttribute("view") ?? "matrix";
    return Object.hasOwn(VIEWS, view) ? view : null;
  }

  #observeText() {
    // Text set by script after the element started: analyse it.
    new MutationObserver(() => this.#connected && !this.hasAttribute("src") && this.#load()).observe(this, {
      childList: true,
      characterData: true,
      subtree: true,
    });
  }

  async #load() {
    const run = ++this.#run;
    this.#outside = true;
    if (this.hasAttribute("src")) {
      const url = new URL(this.getAttribute("src"), document.baseURI);
      if (url.origin !== location.origin) {
        this.#show(run, { error: `src: ${url.href} is not on this page's origin; kube-play reads same-origin files only` });
        return;
      }
      try {
        const response = await fetch(url, { credentials: "same-origin" });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        this.#text = await response.text();
      } catch (error) {
        this.#show(run, { error: `src: cannot read ${url.pathname}: ${error.message ?? error}` });
        return;
      }
    } else {
      this.#text = dedent(this.textContent ?? "");
    }
    await this.#analyse(run);
  }

  async #analyse(run) {
    const view = this.view;
    if (!view) {
      this.#show(run, { error: `view="${this.getAttribute("view")}": expected one of ${Object.keys(VIEWS).join(", ")}` });
      return;
    }
    // The attributes a view needs, named as the page writes them (the engine's
    // own messages name its options: `options.port`).
    const missing = view === "explain" ? ["from", "to", "port"].filter((name) => !this.getAttribute(name)) : [];
    if (missing.length) {
      this.#show(run, {
        error: `view="explain" needs the attribute${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (for example from="shop/web" to="shop/db" port="5432")`,
      });
      return;
    }
    const port = this.getAttribute("port");
    if (port !== null && !/^\d+$/.test(port.trim())) {
      this.#show(run, { error: `port="${port}": expected a port number from 1 to 65535` });
      return;
    }
    const files = [{ name: this.getAttribute("src") ?? "manifests.yaml", text: this.#text }];
    const answers = await this.#ask(view, files);
    if (run !== this.#run) return; // a newer text or attribute won
    this.#show(run, answers);
  }

  /** What `view` needs from the engine, asked for in parallel. */
  async #ask(view, files) {
    const port = Number(this.getAttribute("port") ?? "");
    const protocol = this.getAttribute("protocol") || undefined;
    // The graph worth drawing: per endpoint, or per namespace past the engine's
    // limit (`group: "auto"`, as the playground draws it).
    const graph = () =>
      engine.call("graph", files, { group: "auto" }).then((answer) => {
        const grouped = answer.ok && answer.value.nodes.some((n) => n.kind === "Namespace");
        // How many endpoints the namespaces stand for (`<ns>/<n> endpoints`), and the addresses outside.
        const endpoints = grouped
          ? answer.value.nodes.reduce((sum, n) => sum + (n.kind === "Namespace" ? parseInt(label(n.id).detail, 10) || 0 : 1), 0)
          : 0;
        return grouped ? { ...answer, grouped: endpoints } : answer;
      });
    const calls = {
      matrix: () =>
        this.hasAttribute("port") ? { probe: engine.call("probe", files, { port, protocol }) } : { graph: graph() },
      traffic: () => ({ graph: graph() }),
      explain: () => ({
        explain: engine.call("explain", files, {
          from: this.getAttribute("from") ?? "",
          to: this.getAttribute("to") ?? "",
          port: this.hasAttribute("port") ? port : 0,
          protocol,
        }),
      }),
      findings: () => ({ analyze: engine.call("analyze", files) }),
      security: () => ({ check: engine.call("check", files, {}) }),
      resources: () => ({ admit: engine.call("admit", files) }),
      scaling: () => ({ hpa: engine.call("hpa", files) }),
      vpa: () => ({ vpa: engine.call("vpa", files) }),
      resilience: () => ({ disrupt: engine.call("disrupt", files) }),
      failover: () => ({ failover: engine.call("failover", files) }),
    }[view]();
    const answers = {};
    await Promise.all(Object.entries(calls).map(async ([key, promise]) => (answers[key] = await promise)));
    return answers;
  }

  #show(run, answers) {
    if (run !== this.#run) return;
    const view = this.view;
    const meta = VIEWS[view] ?? { title: "kubeplay", tab: "traffic" };
    const main = h("div", { class: "view", part: "view" });
    const failed = answers.error ?? Object.values(answers).find((a) => a && a.ok === false)?.error;
    if (failed) {
      main.append(h("p", { class: "error", role: "alert" }, failed));
    } else {
      try {
        fill(main, {}, [RENDER[view](answers, this)]);
      } catch (error) {
        main.append(h("p", { class: "error", role: "alert" }, `kube-play could not draw this view: ${error}`));
      }
    }
    // Every answer carries the input's diagnostics (the same loading): once each.
    const seen = new Set();
    const diagnostics = Object.values(answers)
      .flatMap((a) => (a?.ok ? a.diagnostics : []))
      .filter((d) => d.severity !== "info")
      .filter((d) => {
        const key = `${d.file}:${d.line}:${d.column}:${d.code}:${d.message}`;
        return !seen.has(key) && seen.add(key);
      });
    this.#frame.setAttribute("aria-label", `kubeplay: ${meta.title}`);
    const parts = [
      h("header", {}, h("span", { class: "brand" }, "kubeplay"), h("span", { class: "title" }, meta.title), this.#playgroundLink(meta.tab)),
      main,
      // The findings view lists the diagnostics itself.
      diagnostics.length && view !== "findings" ? this.#diagnostics(diagnostics) : h("div", { hidden: true }),
    ];
    const previous = this.#source;
    const source = this.#sourceFor(diagnostics);
    if (this.#parts && source === previous && source.parentNode === this.#frame) {
      // Replaced around the YAML, which stays in place: a reader typing in it
      // keeps the focus, the caret and the scroll position.
      this.#parts.forEach((old, i) => old.replaceWith(parts[i]));
    } else {
      this.#frame.replaceChildren(...parts, source);
    }
    this.#parts = parts;
    this.dataset.state = failed ? "error" : "ready";
    if (this.renderedAt === null) this.renderedAt = performance.now();
    this.dispatchEvent(new CustomEvent("kube-play-render", { bubbles: true, detail: { view, ok: !failed } }));
  }

  #playgroundLink(tab) {
    const base =
      this.getAttribute("playground") ?? document.querySelector('meta[name="kube-play-playground"]')?.content;
    if (!base) return null;
    const playground = new URL(base, document.baseURI).href.split("#")[0];
    const link = h("a", { class: "open", href: playground, target: "_blank", rel: "noopener" }, "Open in playground ↗");
    // The text analysed, edits included: it changes only through a new drawing,
    // which makes a new link.
    const state = { text: this.#text, tab, example: this.getAttribute("example") || undefined };
    engine.call("shareFragment", state).then((answer) => {
      if (answer.ok) link.href = `${playground}#${answer.value}`;
    });
    return link;
  }

  #diagnostics(diagnostics) {
    return h(
      "ul",
      { class: "diagnostics" },
      diagnostics.map((d) =>
        h(
          "li",
          { class: d.severity },
          h("span", { class: "badge" }, d.severity),
          h("button", { type: "button", class: "where", onclick: () => this.#reveal(d.line, d.end_line) }, where(d)),
          " ",
          d.message,
          h("code", {}, d.code),
        ),
      ),
    );
  }

  /** The manifests: editable (re-analysed as typed) unless `readonly`. The
   *  `<details>` and its editor live across redraws, so what a reader types
   *  while an analysis runs is never replaced by an older text. */
  #sourceFor(diagnostics) {
    const readonly = this.hasAttribute("readonly");
    if (!this.#source || (this.#editor === null) !== readonly) {
      const open = this.#source?.open ?? false;
      this.#source = h("details", { class: "source" }, h("summary"));
      this.#source.open = open;
      this.#editor = null;
      if (!readonly) {
        const editor = h("textarea", { class: "code", spellcheck: "false", "aria-label": "manifests" });
        editor.value = this.#text;
        editor.addEventListener("input", () => {
          clearTimeout(this.#typing);
          this.#typing = setTimeout(() => {
            this.#text = editor.value;
            this.#analyse(++this.#run);
          }, 300);
        });
        this.#editor = editor;
        this.#source.append(editor);
      }
    }
    const lines = this.#text.split("\n").length - (this.#text.endsWith("\n") ? 1 : 0);
    this.#source.querySelector("summary").textContent = `YAML · ${lines} line${lines === 1 ? "" : "s"}`;
    if (this.#editor) {
      // Text from outside (the element's content, `src`) replaces the editor's;
      // the reader's own edits are already in it.
      if (this.#outside) this.#editor.value = this.#text;
      this.#editor.rows = Math.min(Math.max(lines, 4), 24);
    } else {
      const marked = new Set(diagnostics.map((d) => d.line));
      this.#source.querySelector("pre")?.remove();
      this.#source.append(
        h(
          "pre",
          { class: "code" },
          this.#text
            .split("\n")
            .slice(0, lines)
            .map((text, i) => h("span", { class: marked.has(i + 1) ? "line marked" : "line", "data-line": i + 1 }, text, "\n")),
        ),
      );
    }
    this.#outside = false;
    return this.#source;
  }

  /** Opens the YAML at a line (from a diagnostic or a rule's location). */
  #reveal(line, endLine = line) {
    const details = this.#root.querySelector("details.source");
    if (!details) return;
    details.open = true;
    const editor = details.querySelector("textarea");
    if (editor) {
      const starts = [0];
      for (let i = 0; i < editor.value.length; i++) if (editor.value[i] === "\n") starts.push(i + 1);
      const start = starts[line - 1] ?? 0;
      const end = (starts[endLine] ?? editor.value.length + 1) - 1;
      editor.focus();
      editor.setSelectionRange(start, end);
      editor.scrollTop = Math.max(0, (line - 3) * (editor.scrollHeight / starts.length));
      return;
    }
    for (const span of details.querySelectorAll(".line.selected")) span.classList.remove("selected");
    for (let n = line; n <= endLine; n++) details.querySelector(`.line[data-line="${n}"]`)?.classList.add("selected");
    details.querySelector(`.line[data-line="${line}"]`)?.scrollIntoView({ block: "nearest" });
  }

  lineButton(location) {
    if (!location?.line) return null;
    return h(
      "button",
      { type: "button", class: "where", onclick: () => this.#reveal(location.line, location.end_line ?? location.line) },
      `line ${location.line}`,
    );
  }
}

// ---------------------------------------------------------------- the views

const RENDER = {
  matrix(answers) {
    if (answers.probe) {
      const probe = answers.probe.value;
      return table(
        probe.pods,
        probe.pods,
        (i, j) => (probe.allowed[i][j] ? ["allow", "✓"] : ["deny", "✗"]),
        `${probe.port}/${probe.protocol}: can the row's pod connect to the column's?`,
      );
    }
    const graph = answers.graph.value;
    const grouped = answers.graph.grouped;
    if (graph.nodes.length === 0) return h("p", { class: "empty" }, "No pods or workloads in these manifests.");
    const ids = graph.nodes.map((n) => n.id);
    const edges = new Map(graph.edges.map((e) => [`${e.from}\u0000${e.to}`, e]));
    return table(
      ids,
      ids,
      (i, j) => {
        // The engine's namespace graph has no edge from a namespace to itself.
        if (i === j) return ["self", "·"];
        const edge = edges.get(`${ids[i]}\u0000${ids[j]}`);
        if (!edge) return ["deny", "✗"];
        return edge.all ? ["allow", "all"] : ["some", ports(edge.connections)];
      },
      grouped
        ? `${grouped} endpoints, drawn per namespace: can some pod of the row's namespace connect to some pod of the column's? all: every port; a list: only those ports; ✗: nothing.`
        : "Can the row connect to the column? all: every port; a list: only those ports; ✗: nothing.",
    );
  },

  traffic(answers) {
    return trafficGraph(answers.graph.value, answers.graph.grouped);
  },

  explain(answers, element) {
    const explanation = answers.explain.value;
    const side = (half) =>
      h(
        "div",
        { class: `side ${half.allowed ? "allow" : "deny"}` },
        h("h4", {}, h("span", { class: "direction" }, half.direction), ` · ${half.endpoint}`),
        h("p", {}, half.text),
        half.matches.length
          ? h(
              "ul",
              {},
              half.matches.map((m) => h("li", {}, m.text, " ", element.lineButton(m.location))),
            )
          : null,
        half.policies.length
          ? h(
              "p",
              { class: "policies" },
              "Isolated by: ",
              half.policies.map((p) => [h("code", {}, p.policy), " ", element.lineButton(p.location), " "]),
            )
          : null,
      );
    return [
      h(
        "p",
        { class: `verdict ${explanation.allowed ? "allow" : "deny"}` },
        h("strong", {}, explanation.allowed ? "ALLOWED" : "DENIED"),
        ` ${explanation.from} → ${explanation.to} on ${explanation.port}/${explanation.protocol}`,
      ),
      explanation.egress ? side(explanation.egress) : null,
      explanation.ingress ? side(explanation.ingress) : null,
      explanation.notes?.length ? h("ul", { class: "notes" }, explanation.notes.map((n) => h("li", {}, typeof n === "string" ? n : JSON.stringify(n)))) : null,
    ];
  },

  findings(answers, element) {
    const report = answers.analyze.value;
    const rows = [];
    for (const d of report.diagnostics) rows.push({ severity: d.severity, code: d.code, message: d.message, subject: "", location: d });
    for (const workload of report.security?.workloads ?? []) {
      for (const f of workload.findings ?? []) {
        rows.push({ severity: f.severity, code: f.id ?? f.code, message: f.message, subject: workload.id, location: f });
      }
    }
    const order = { error: 0, warning: 1, info: 2 };
    rows.sort((a, b) => (order[a.severity] ?? 3) - (order[b.severity] ?? 3));
    if (!rows.length) return h("p", { class: "empty" }, "No findings.");
    const counts = Object.entries(Object.groupBy(rows, (r) => r.severity)).map(([k, v]) => `${v.length} ${k}${v.length === 1 ? "" : "s"}`);
    return [
      h("p", { class: "summary" }, counts.join(", ")),
      capped(
        h("ul", { class: "findings" }),
        rows,
        8,
        (r) =>
        h(
          "li",
          { class: r.severity },
          h("span", { class: "badge" }, r.severity),
          h("span", { class: "message" }, r.message),
          h("span", { class: "meta" }, h("code", {}, r.code), r.subject ? ` · ${r.subject} ` : " ", element.lineButton(r.location)),
        ),
        "findings",
      ),
    ];
  },

  security(answers) {
    const workloads = answers.check.value.workloads;
    if (!workloads.length) return h("p", { class: "empty" }, "No pods or workloads to check.");
    const level = (result) =>
      result.pass
        ? h("td", { class: "allow" }, "✓ passes")
        : h("td", { class: "deny" }, "✗ ", result.failing.map((check) => h("code", {}, check)).flatMap((c, i) => (i ? [", ", c] : [c])));
    return h(
      "table",
      { class: "grid security" },
      h("thead", {}, h("tr", {}, h("th", {}, "workload"), h("th", {}, "baseline"), h("th", {}, "restricted"), h("th", {}, "PodSecurityPolicy"))),
      h(
        "tbody",
        {},
        workloads.map((w) =>
          h(
            "tr",
            {},
            h("th", { scope: "row" }, w.id),
            level(w.pss.baseline),
            level(w.pss.restricted),
            h(
              "td",
              {},
              (w.psp ?? []).length === 0
                ? "—"
                : w.psp.map((p) => h("div", { class: p.admitted ? "allow" : "deny" }, `${p.admitted ? "✓" : "✗"} ${p.policy}${p.chosen ? " (chosen)" : ""}`)),
            ),
          ),
        ),
      ),
    );
  },

  resources(answers) {
    const admission = answers.admit.value;
    // Refused objects first (apply order within each group), then the ones a
    // LimitRange defaulted (an annotation says what it set).
    const objects = admission.objects.filter((o) => o.result !== "admitted" || o.annotation);
    objects.sort((a, b) => (a.result === "admitted") - (b.result === "admitted"));
    const refused = admission.objects.filter((o) => o.result !== "admitted").length;
    const out = [
      h("p", { class: "summary" }, `${admission.objects.length} objects applied in order: ${admission.objects.length - refused} admitted, ${refused} refused.`),
    ];
    const [rows, more] = capped(
      h("tbody"),
      objects,
      8,
      (o) =>
        h(
          "tr",
          {},
          h("th", { scope: "row" }, `${o.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.name}`),
          h(
            "td",
            { class: o.result === "admitted" ? "allow" : "deny" },
            o.result,
            o.message || o.annotation ? h("div", { class: "message" }, o.message ?? o.annotation) : null,
          ),
          h("td", {}, effective(o)),
        ),
      "objects",
    );
    out.push(
      h(
        "table",
        { class: "grid" },
        h("thead", {}, h("tr", {}, h("th", {}, "object"), h("th", {}, "admission"), h("th", {}, "effective requests / limits"))),
        rows,
      ),
      more,
    );
    for (const quota of admission.quotas) {
      out.push(
        h(
          "table",
          { class: "grid quota" },
          h("caption", {}, `ResourceQuota ${quota.namespace}/${quota.name}`),
          h("thead", {}, h("tr", {}, h("th", {}, "resource"), h("th", {}, "used"), h("th", {}, "hard"))),
          h(
            "tbody",
            {},
            Object.keys(quota.hard)
              .sort()
              .map((resource) => h("tr", {}, h("th", { scope: "row" }, resource), h("td", {}, String(quota.used?.[resource] ?? "0")), h("td", {}, String(quota.hard[resource])))),
          ),
        ),
      );
    }
    return out;
  },

  scaling(answers) {
    const run = answers.hpa.value;
    const steps = run.steps ?? [];
    const summary = run.summary ?? {};
    return [
      h(
        "p",
        { class: "summary" },
        `${run.hpa ? `${run.hpa.namespace}/${run.hpa.name}` : "HPA"} scaling ${run.target ?? ""}: `,
        `peak ${summary.peakReplicas ?? "?"} replicas, ${summary.finalReplicas ?? "?"} at the end`,
        summary.firstAtMax != null ? `, at its maximum from t=${summary.firstAtMax}s` : "",
        run.behavior ? "" : " (no behavior: the defaults apply)",
      ),
      stepChart(steps.map((step) => ({ t: step.t, value: step.replicas, ghost: step.desiredReplicas })), "replicas", "desired"),
    ];
  },

  vpa(answers) {
    const value = answers.vpa.value;
    const runs = value.vpas ?? [value];
    return runs.map((run) =>
      h(
        "table",
        { class: "grid" },
        h("caption", {}, `${run.vpa?.namespace ?? ""}/${run.vpa?.name ?? ""}`),
        h("thead", {}, h("tr", {}, h("th", {}, "container"), h("th", {}, "lower bound"), h("th", {}, "target"), h("th", {}, "upper bound"))),
        h(
          "tbody",
          {},
          (run.recommendation?.containerRecommendations ?? []).map((c) =>
            h("tr", {}, h("th", { scope: "row" }, c.containerName), h("td", {}, resourceList(c.lowerBound)), h("td", { class: "allow" }, resourceList(c.target)), h("td", {}, resourceList(c.upperBound))),
          ),
        ),
        (run.pods ?? []).some((p) => p.update?.reason)
          ? h("tfoot", {}, h("tr", {}, h("td", { colspan: 4, class: "message" }, `updater: ${run.pods.find((p) => p.update?.reason).update.reason}`)))
          : null,
      ),
    );
  },

  resilience(answers) {
    const report = answers.disrupt.value;
    if (report.error) return h("p", { class: "error" }, report.error);
    const refused = (report.evictions ?? []).filter((e) => e.code !== 201 && e.code !== 200).length;
    const out = [
      h(
        "p",
        { class: "summary" },
        `${report.events?.length ?? 0} events over ${report.settings?.horizonSeconds ?? "?"} s; `,
        `${report.evictions?.length ?? 0} eviction requests, ${refused} refused by a disruption budget or the API.`,
      ),
    ];
    if (report.drains?.length) {
      out.push(
        h(
          "table",
          { class: "grid" },
          h("thead", {}, h("tr", {}, h("th", {}, "kubectl drain"), h("th", {}, "started"), h("th", {}, "result"), h("th", {}, "to evict"))),
          h(
            "tbody",
            {},
            report.drains.map((d) =>
              h(
                "tr",
                {},
                h("th", { scope: "row" }, d.node),
                h("td", {}, `t=${d.startedAt}s`),
                h("td", { class: d.result === "completed" ? "allow" : "deny" }, d.completedAt != null ? `${d.result} at t=${d.completedAt}s` : d.result),
                h("td", {}, (d.toEvict ?? []).join(", ")),
              ),
            ),
          ),
        ),
      );
    }
    const workloads = report.final?.workloads ?? [];
    if (workloads.length) {
      out.push(
        h(
          "table",
          { class: "grid" },
          h("caption", {}, `At t=${report.final.t}s`),
          h("thead", {}, h("tr", {}, h("th", {}, "workload"), h("th", {}, "ready / desired"), h("th", {}, "ready by zone"))),
          h(
            "tbody",
            {},
            workloads.map((w) =>
              h(
                "tr",
                {},
                h("th", { scope: "row" }, `${w.kind} ${w.namespace}/${w.name}`),
                h("td", { class: w.ready >= w.desired ? "allow" : "deny" }, `${w.ready} / ${w.desired}`),
                h("td", {}, Object.entries(w.readyByZone ?? {}).map(([zone, n]) => `${zone}: ${n}`).join(", ")),
              ),
            ),
          ),
        ),
      );
    }
    return out;
  },

  failover(answers) {
    const report = answers.failover.value;
    if (report.error) return h("p", { class: "error" }, report.error);
    const out = [h("p", { class: "summary" }, `Global load balancer in ${report.mode} mode.`)];
    for (const f of report.failover ?? []) {
      out.push(
        h(
          "p",
          { class: `verdict ${f.shortfallRps > 0 ? "deny" : "allow"}` },
          h("strong", {}, `${f.region} fails at t=${f.failedAt}s`),
          `: detected at t=${f.detectedAt}s, ${f.movedRps} rps moved; the survivors serve ${f.survivorCapacityRps} of ${f.totalDemandRps} rps`,
          f.shortfallRps > 0 ? ` — ${f.shortfallRps} rps unserved.` : ".",
        ),
      );
    }
    const last = report.timeline?.[report.timeline.length - 1];
    if (last) {
      out.push(
        h(
          "table",
          { class: "grid" },
          h("caption", {}, `At t=${last.t}s`),
          h("thead", {}, h("tr", {}, h("th", {}, "region"), h("th", {}, "serving"), h("th", {}, "load / capacity"))),
          h(
            "tbody",
            {},
            last.regions.map((r) =>
              h(
                "tr",
                {},
                h("th", { scope: "row" }, r.region),
                h("td", { class: r.serving ? "allow" : "deny" }, r.serving ? "yes" : "no"),
                h("td", { class: r.loadRps > r.capacityRps ? "deny" : "" }, `${r.loadRps} / ${r.capacityRps} rps`),
              ),
            ),
          ),
        ),
      );
    }
    return out;
  },
};

/** `[container, button]`: the container holds the first `limit` of `items`, the
 *  button (null when nothing is left) adds the rest. */
function capped(container, items, limit, render, noun) {
  container.append(...items.slice(0, limit).map(render));
  if (items.length <= limit) return [container, null];
  const more = h("button", { type: "button", class: "more" }, `Show all ${items.length} ${noun}`);
  more.addEventListener("click", () => {
    container.append(...items.slice(limit).map(render));
    more.remove();
  });
  return [container, more];
}

function resourceList(resources) {
  return Object.entries(resources ?? {})
    .map(([name, quantity]) => `${name} ${quantity}`)
    .join(", ");
}

/** A Pod's requests and limits per container, after LimitRange defaulting. */
function effective(object) {
  if (object.kind !== "Pod" || !object.effective || typeof object.effective !== "object") return "";
  return Object.entries(object.effective).map(([container, resources]) =>
    h(
      "div",
      {},
      h("strong", {}, container),
      `: requests ${resourceList(resources?.requests) || "none"}`,
      ` · limits ${resourceList(resources?.limits) || "none"}`,
    ),
  );
}

/** A matrix of `rows × columns`; `cell(i, j)` gives its class and text. */
function table(rows, columns, cell, caption) {
  const short = (id) => {
    const { name, detail } = label(id);
    return h("span", { title: id }, name, detail ? h("small", {}, detail) : null);
  };
  return h(
    "div",
    { class: "scroll" },
    h(
      "table",
      { class: "grid matrix" },
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, h("th", { class: "corner" }, "from ↓ to →"), columns.map((c) => h("th", { scope: "col" }, short(c))))),
      h(
        "tbody",
        {},
        rows.map((r, i) =>
          h(
            "tr",
            {},
            h("th", { scope: "row" }, short(r)),
            columns.map((_, j) => {
              const [kind, text] = cell(i, j);
              return h("td", { class: kind }, text);
            }),
          ),
        ),
      ),
    ),
  );
}

/** The reachability graph: namespaces as columns, arrows for allowed flows. */
function trafficGraph(graph, grouped) {
  if (graph.nodes.length === 0) return h("p", { class: "empty" }, "No pods or workloads in these manifests.");
  const groups = new Map();
  if (grouped) {
    // One node per namespace, in up to four columns.
    const columns = Math.min(4, graph.nodes.length);
    const perColumn = Math.ceil(graph.nodes.length / columns);
    graph.nodes.forEach((node, i) => {
      const key = `\u0000${Math.floor(i / perColumn)}`; // an untitled column
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(node);
    });
  } else {
    for (const node of graph.nodes) {
      const key = node.namespace ?? "outside the cluster";
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(node);
    }
  }
  const columnWidth = 190, nodeWidth = 150, nodeHeight = 34, rowGap = 22, top = 34, gutter = 60;
  const place = new Map();
  let column = 0, tallest = 0;
  const backdrop = [];
  for (const [namespace, nodes] of groups) {
    const x = gutter / 2 + column * (columnWidth + gutter);
    backdrop.push(
      s("rect", { class: "namespace", x, y: 8, width: columnWidth, height: 0, rx: 10 }),
      s("text", { class: "namespace-name", x: x + 10, y: 25 }, namespace.startsWith("\u0000") ? "" : namespace),
    );
    nodes.forEach((node, row) => {
      place.set(node.id, { x: x + (columnWidth - nodeWidth) / 2, y: top + 8 + row * (nodeHeight + rowGap), node });
    });
    tallest = Math.max(tallest, nodes.length);
    column++;
  }
  const height = top + 16 + tallest * (nodeHeight + rowGap);
  for (const rect of backdrop) if (rect.tagName === "rect") rect.setAttribute("height", height - 16);
  const width = column * (columnWidth + gutter);
  const arrows = [];
  for (const edge of graph.edges) {
    const a = place.get(edge.from), b = place.get(edge.to);
    if (!a || !b || edge.from === edge.to) continue;
    let d;
    const y1 = a.y + nodeHeight / 2, y2 = b.y + nodeHeight / 2;
    if (a.x === b.x) {
      // Same column: downwards on the right, upwards on the left, so a pair
      // that talks both ways draws two arcs.
      const down = y2 > y1;
      const side = down ? a.x + nodeWidth : a.x;
      const bulge = (down ? 1 : -1) * (22 + Math.abs(y2 - y1) / 6);
      const tip = side + (down ? 3 : -3);
      d = `M${side},${y1} C${side + bulge},${y1} ${side + bulge},${y2} ${tip},${y2}`;
    } else {
      // Between columns: rightwards leave and arrive a little above the middle,
      // leftwards a little below, so the two directions of a pair stay apart.
      const forward = a.x < b.x;
      const lift = forward ? -5 : 5;
      const x1 = forward ? a.x + nodeWidth : a.x, x2 = forward ? b.x - 3 : b.x + nodeWidth + 3;
      const mid = (x1 + x2) / 2;
      d = `M${x1},${y1 + lift} C${mid},${y1 + lift} ${mid},${y2 + lift} ${x2},${y2 + lift}`;
    }
    arrows.push(
      s(
        "path",
        { class: edge.all ? "flow all" : "flow some", d, "marker-end": edge.all ? "url(#arrow-all)" : "url(#arrow-some)" },
        s("title", {}, `${edge.from} → ${edge.to}: ${edge.all ? "everything" : ports(edge.connections)}`),
      ),
    );
  }
  const boxes = [...place.values()].map(({ x, y, node }) => {
    const { name, detail } = label(node.id);
    // A namespace node's second line is its count of endpoints.
    const kind = node.kind === "Namespace" ? detail : node.kind;
    const isolated = [node.ingress_isolated && "ingress", node.egress_isolated && "egress"].filter(Boolean);
    return s(
      "g",
      { class: `node${isolated.length ? " isolated" : ""}${node.kind === "External" ? " external" : ""}` },
      s("title", {}, `${node.id}${isolated.length ? ` (isolated for ${isolated.join(" and ")})` : " (not isolated)"}`),
      s("rect", { x, y, width: nodeWidth, height: nodeHeight, rx: 7 }),
      s("text", { x: x + nodeWidth / 2, y: y + 15 }, name.length > 22 ? `${name.slice(0, 21)}…` : name),
      s("text", { class: "kind", x: x + nodeWidth / 2, y: y + 28 }, kind + (isolated.length ? " · isolated" : "")),
    );
  });
  const marker = (id) =>
    s("marker", { id, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, s("path", { d: "M0,0 L10,5 L0,10 z" }));
  return [
    grouped
      ? h("p", { class: "legend" }, `${grouped} endpoints, too many to draw one by one: one box per namespace, an arrow where some pod of one may reach some pod of the other.`)
      : null,
    h(
      "div",
      { class: "scroll" },
      s(
        "svg",
        { class: "traffic", viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-label": `${graph.edges.length} allowed flows between ${graph.nodes.length} endpoints` },
        s("defs", {}, marker("arrow-all"), marker("arrow-some")),
        backdrop,
        arrows,
        boxes,
      ),
    ),
    h(
      "p",
      { class: "legend" },
      h("span", { class: "key all" }, "every port"),
      h("span", { class: "key some" }, "some ports (hover for which)"),
      h("span", { class: "key isolated" }, "isolated: selected by a NetworkPolicy"),
    ),
  ];
}

/** A step chart of `points` ({t, value, ghost}) over time. */
function stepChart(points, name, ghostName) {
  if (!points.length) return h("p", { class: "empty" }, "No steps.");
  // Drawn at about the width it shows at, scaled (not stretched) to fit.
  const width = 900, height = 200, left = 36, bottom = 24, top = 10;
  const tMax = Math.max(...points.map((p) => p.t), 1);
  const vMax = Math.max(...points.flatMap((p) => [p.value, p.ghost ?? 0]), 1);
  const x = (t) => left + (t / tMax) * (width - left - 10);
  const y = (v) => top + (1 - v / vMax) * (height - top - bottom);
  const path = (key) =>
    points
      .map((p, i) => (i === 0 ? `M${x(p.t)},${y(p[key])}` : `H${x(p.t)} V${y(p[key])}`))
      .join(" ");
  const ticks = [0, Math.round(vMax / 2), vMax];
  return h(
    "div",
    { class: "scroll" },
    s(
      "svg",
      { class: "chart", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": `${name} over ${tMax} seconds` },
      ticks.map((v) => [s("line", { class: "tick", x1: left, x2: width - 10, y1: y(v), y2: y(v) }), s("text", { class: "axis", x: left - 6, y: y(v) + 4 }, v)]),
      s("text", { class: "axis time", x: width - 10, y: height - 6 }, `${tMax} s`),
      s("text", { class: "axis time start", x: left, y: height - 6 }, "0 s"),
      points.some((p) => p.ghost != null) ? s("path", { class: "ghost", d: path("ghost") }, s("title", {}, ghostName)) : null,
      s("path", { class: "series", d: path("value") }, s("title", {}, name)),
    ),
    h("p", { class: "legend" }, h("span", { class: "key series" }, name), h("span", { class: "key ghost" }, ghostName)),
  );
}

if (!customElements.get("kube-play")) {
  // Start the engine before the elements upgrade and fetch their files, so its
  // worker and wasm are the first requests on the wire.
  if (document.querySelector("kube-play")) engine.start();
  customElements.define("kube-play", KubePlayElement);
}
