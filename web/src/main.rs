//! The kubeplay playground: state, components, rendering. No policy logic — every
//! verdict comes from kubeplay-core's `Report`.

mod app;
mod components;
mod state;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
