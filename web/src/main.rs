//! The kubeplay playground: state, components, rendering. No policy logic — every
//! verdict comes from kubeplay-core's `Report`.

mod app;
mod chart;
mod components;
mod documents;
mod layout;
mod state;
mod url;
mod worker;

fn main() {
    // The same module runs the analysis worker (see `worker`), where there is no page to render.
    if worker::entry::in_worker() {
        return;
    }
    yew::Renderer::<app::App>::new().render();
}
