// The <kube-play> element's declarations (kube-play.d.ts) and shareFragment, as
// a page's TypeScript sees them; type-checked with consumer.ts (tsconfig.json).
import type { KubePlayElement } from "kubeplay/kube-play.js";
import { dedent } from "kubeplay/kube-play.js";
import { shareFragment } from "kubeplay";

const element = document.querySelector("kube-play");
if (element) {
  const first: number | null = element.renderedAt;
  const view: KubePlayElement["view"] = element.view;
  element.addEventListener("kube-play-render", (event) => {
    const ok: boolean = event.detail.ok;
    console.log(ok, event.detail.view);
  });
  element.refresh();
  console.log(first, view);
  // @ts-expect-error: the view is read from the attribute, not assigned
  element.view = "matrix";
}
const made: KubePlayElement = document.createElement("kube-play");
made.setAttribute("view", "explain");
console.log(dedent("  kind: Pod\n  metadata: {name: web}\n"));

const link = shareFragment({ text: "kind: Pod\n", tab: "matrix", example: null, line: 3 });
if (link.ok) {
  const fragment: string = link.value;
  console.log(`https://kubeplay.example.com/#${fragment}`);
}
// @ts-expect-error: a share link needs its tab
shareFragment({ text: "kind: Pod\n" });
