//! The lesson view: the examples gallery, what to look for in the open example,
//! and its exercise, checked live against the current text.

use kubeplay_core::examples::{EXAMPLES, ExerciseStatus};
use yew::prelude::*;

use crate::components::findings::message_html;

#[derive(Properties, PartialEq)]
pub struct LessonProps {
    pub example: Option<&'static str>,
    pub exercise: Option<ExerciseStatus>,
    pub on_example: Callback<&'static str>,
}

#[function_component(LessonView)]
pub fn lesson_view(props: &LessonProps) -> Html {
    let current = props.example.and_then(kubeplay_core::examples::example);
    html! {
        <div class="lesson">
            if let Some(example) = current {
                <section class="lesson-current" aria-label="About this example">
                    <h2>{example.title}</h2>
                    <p class="summary-text">{message_html(example.summary)}</p>
                    <h3>{"What to look for"}</h3>
                    <ul class="look-for">{ for example.look_for.iter().map(|item| html! { <li>{message_html(item)}</li> }) }</ul>
                    <h3>{"Exercise"}</h3>
                    <p>{message_html(example.exercise)}</p>
                    if let Some(status) = &props.exercise {
                        <ul class="goals" data-testid="goals" aria-live="polite">
                            { for status.goals.iter().map(|g| html! {
                                <li class={classes!("goal", g.met.then_some("met"))}>
                                    <span class="tick" aria-hidden="true">{ if g.met { "✓" } else { "○" } }</span>
                                    <span>{&g.text}</span>
                                    <span class="visually-hidden">{ if g.met { " (done)" } else { " (not yet)" } }</span>
                                </li>
                            }) }
                        </ul>
                        if status.solved { <p class="solved" role="status">{"Solved — well done."}</p> }
                    }
                </section>
            }
            <section class="gallery" aria-label="Examples from the training material">
                <h3>{"Examples"}</h3>
                <div class="cards">
                    { for EXAMPLES.iter().map(|example| {
                        let id = example.id;
                        let onclick = { let on_example = props.on_example.clone(); Callback::from(move |_: MouseEvent| on_example.emit(id)) };
                        let selected = props.example == Some(id);
                        html! {
                            <button class={classes!("card", selected.then_some("selected"))} aria-pressed={selected.to_string()} data-example={id} {onclick}>
                                <strong>{example.title}</strong>
                                <span>{message_html(example.summary)}</span>
                            </button>
                        }
                    }) }
                </div>
            </section>
        </div>
    }
}
