// The <kube-play> custom element (kube-play.js): importing the module defines it.

/** One `<kube-play>` element: manifests analysed in place. */
export declare class KubePlayElement extends HTMLElement {
  /** `performance.now()` when the element first showed an analysis or an error; null before. */
  readonly renderedAt: number | null;
  /** The view being shown, or null for a `view` attribute it does not know. */
  readonly view:
    | "matrix"
    | "traffic"
    | "explain"
    | "findings"
    | "security"
    | "resources"
    | "scaling"
    | "vpa"
    | "resilience"
    | "failover"
    | null;
  /** Reads the text (or `src`) again and analyses it. */
  refresh(): void;
}

/** Strips the indentation common to every line (the element's text as the YAML it is). */
export declare function dedent(text: string): string;

/** Sent (bubbling) each time an element has drawn an analysis or an error. */
export interface KubePlayRenderDetail {
  view: string | null;
  ok: boolean;
}

declare global {
  interface HTMLElementTagNameMap {
    "kube-play": KubePlayElement;
  }
  interface HTMLElementEventMap {
    "kube-play-render": CustomEvent<KubePlayRenderDetail>;
  }
}
